/**
 * The lab's progressive rendering (src/ui/gd-lab/run-controller.ts) against a stand-in backend: a
 * coarse preview first while runs take a noticeable time, none once the engine has shown it renders
 * the map in a few milliseconds (it would only flash a blurred picture over a sharp one); a run that
 * compiles its kernel says so until its first progress, and is estimated at the speed measured on
 * another objective scaled by the cost model.
 */
import { describe, expect, it } from 'vitest';
import type { LabBackend, MapFrame } from '../src/ui/engine-host/backend.ts';
import { RunController } from '../src/ui/gd-lab/run-controller.ts';
import { defaultSpec, parseSpec, type ExperimentSpec } from '../src/experiment/spec.ts';
import { runLine } from '../src/ui/gd-lab/status.ts';

/** A backend whose runs take `ms` (as the frame reports it) and that records what it was asked. */
function backend(ms: () => number) {
  const asked: { size: [number, number]; coarse: boolean }[] = [];
  const b = {
    info: { kind: 'gpu' },
    async run(spec: ExperimentSpec, options: { coarse?: boolean } = {}) {
      asked.push({ size: spec.size, coarse: !!options.coarse });
      return { spec, ms: ms(), coarse: !!options.coarse } as unknown as MapFrame;
    },
    release() {},
  } as unknown as LabBackend;
  return { b, asked };
}

describe('progressive rendering', () => {
  const spec = { ...defaultSpec(), size: [1024, 1024] as [number, number], iterations: 1000 };

  it('previews until runs are known to be fast, then renders the full map alone', async () => {
    let ms = 5;
    const { b, asked } = backend(() => ms);
    const shown: boolean[] = [];
    let finished = () => {};
    const runs = new RunController({ addController: () => {}, requestUpdate: () => {} } as never, {
      show: (f) => shown.push(f.coarse),
      done: () => finished(),
      failed: (m) => {
        throw new Error(m);
      },
    });
    const runOnce = (s: ExperimentSpec) =>
      new Promise<void>((resolve) => {
        finished = resolve;
        runs.run(b, s);
      });
    // No speed measured yet: a preview, then the map.
    await runOnce(spec);
    expect(asked.map((a) => a.coarse)).toEqual([true, false]);
    expect(asked[0].size).toEqual([64, 64]);
    expect(shown).toEqual([true, false]);
    // 10⁹ steps in 5 ms: the next run is expected within 5 ms, so no preview.
    await runOnce(spec);
    expect(asked.map((a) => a.coarse)).toEqual([true, false, false]);
    // A run measured at 2 s: previews again.
    ms = 2000;
    await runOnce(spec);
    await runOnce(spec);
    expect(asked.slice(3).map((a) => a.coarse)).toEqual([false, true, false]);
  });
});

describe('the estimate before any run is measured', () => {
  // A link's spec within the limits: 4096² starts × 20 000 steps of an objective of elementary functions.
  const spec = parseSpec({
    objective: { expr: 'sin(x*y)^2 + exp(-x^2)*cos(3*y) + (1-x*y)^2/2', preset: null },
    size: [4096, 4096],
    iterations: 20_000,
    transient: 10_000,
    classify: { lyapunov: true },
  });
  const runs = new RunController({ addController: () => {}, requestUpdate: () => {} } as never, {
    show: () => {},
    done: () => {},
    failed: () => {},
  });
  const on = (kind: 'gpu' | 'cpu', adapter: string) => ({ info: { kind, adapter } }) as unknown as LabBackend;

  it("is the cost model's on the CPU engine and a software adapter, where such a run takes hours", () => {
    // Several ns a step on 1–2 threads: 3.4·10¹¹ steps are hours, far over the minute the lab asks at.
    expect(runs.estimate(on('cpu', 'cpu, 2 threads'), spec)).toBeGreaterThan(1800);
    expect(runs.estimate(on('gpu', 'google swiftshader'), spec)).toBeGreaterThan(600);
    // A small map stays well under the minute: nothing to ask.
    expect(runs.estimate(on('cpu', 'cpu, 2 threads'), defaultSpec())).toBeLessThan(5);
  });

  it('is unknown on a hardware GPU, and without an engine', () => {
    expect(runs.estimate(on('gpu', 'nvidia hopper H200'), spec)).toBeNull();
    expect(runs.estimate(null, spec)).toBeNull();
  });
});

describe('a run after switching objective', () => {
  /** A GPU backend whose runs report progress and finish when the test says. */
  function controlled() {
    const calls: { spec: ExperimentSpec; progress: (p: number) => void; finish: (ms: number) => void }[] = [];
    const b = {
      info: { kind: 'gpu', adapter: 'nvidia hopper H200' },
      run(spec: ExperimentSpec, options: { onProgress?: (done: number, total: number) => void } = {}) {
        return new Promise<MapFrame>((resolve) =>
          calls.push({
            spec,
            progress: (p) => options.onProgress?.(p, 1),
            finish: (ms) => resolve({ spec, ms, coarse: false } as unknown as MapFrame),
          }),
        );
      },
      release() {},
    } as unknown as LabBackend;
    return { b, calls };
  }
  const settle = () => new Promise((r) => setTimeout(r, 0));
  // 64² starts: no coarse preview, so the kernel compiles in the run itself.
  const mf = { ...defaultSpec(), size: [64, 64] as [number, number] };
  const trig = {
    ...mf,
    objective: { expr: 'sin(3*x)*cos(2*y) + exp(-x^2-y^2) + (x^2+y^2)/4', preset: null, params: {} },
  };

  it("compiles first, then is estimated at the measured speed scaled by the cost model's step costs", async () => {
    const { b, calls } = controlled();
    const runs = new RunController({ addController: () => {}, requestUpdate: () => {} } as never, {
      show: () => {},
      done: () => {},
      failed: (m) => {
        throw new Error(m);
      },
    });
    const steps = 64 * 64 * 500;
    runs.run(b, mf);
    expect(runs.running).toMatchObject({ compiling: true, estimate: null });
    expect(runLine(runs.running!, undefined)).toMatch(/compiling the kernel…$/);
    calls[0].progress(0.5);
    expect(runs.running).toMatchObject({ compiling: false, progress: 0.5, progress0: 0.5 });
    // Measured at 10⁸ steps/s.
    calls[0].finish(steps / 1e5);
    await settle();
    expect(runs.running).toBeNull();

    // A new objective: its kernel compiles, and its estimate is 3.68× the measured speed's
    // (SwiftShader's fit: 8.84 against 2.404 ns a step; tests/run-estimate.test.ts).
    runs.run(b, trig);
    const r = runs.running!;
    expect(r.compiling).toBe(true);
    expect(r.estimate! / (steps / 1e8)).toBeCloseTo(8.84 / 2.404, 10);
    expect(runLine(r, undefined)).not.toMatch(/left/);
    calls[1].progress(0.25);
    expect(runs.running!.compiling).toBe(false);
    expect(runs.running!.estimate).toBeCloseTo(r.estimate! * 0.75, 12);
    calls[1].finish(1000);
    await settle();

    // Back to the first objective: compiled already, at its measured speed exactly.
    runs.run(b, { ...mf, size: [128, 64] });
    expect(runs.running).toMatchObject({ compiling: false, estimate: (2 * steps) / 1e8 });
    expect(runLine(runs.running!, undefined)).toMatch(/about 0\.04 s left$/);
  });
});
