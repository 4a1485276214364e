/**
 * The long-run monitor of the CLI (src/cli/progress.ts) on a clock the test drives: the estimate is
 * announced once it exceeds ten seconds, progress is a line per tenth (a redrawn bar on a terminal),
 * and --max-seconds stops a run through the engine's AbortSignal, at once when the estimate is far
 * over the limit, otherwise at the deadline.
 */
import { describe, expect, it } from 'vitest';
import type { RunOptions } from '../src/core/engine.ts';
import { formatDuration, RunMonitor, RunStopped } from '../src/cli/progress.ts';

function sink(isTTY = false) {
  const lines: string[] = [];
  return { lines, write: (t: string) => lines.push(t), isTTY };
}

/** An engine that reports `steps` chunks of work as the test's clock advances by `dt` per chunk. */
function fakeEngine(clock: { t: number }, steps: number, dt: number) {
  return async (options: RunOptions) => {
    for (let i = 1; i <= steps; i++) {
      clock.t += dt;
      options.onProgress?.(i, steps);
      if (options.signal?.aborted) throw options.signal.reason;
      await Promise.resolve();
    }
    return 'done';
  };
}

describe('RunMonitor', () => {
  it('announces a long run with its measured estimate and shows a line per tenth', async () => {
    const clock = { t: 0 };
    const out = sink();
    const m = new RunMonitor({ command: 'basin', sink: out, now: () => clock.t });
    expect(await m.run(fakeEngine(clock, 100, 0.5))).toBe('done');
    expect(out.lines[0]).toBe(
      'gdlab basin: this run will take about 50 s (measured: 2% in 1.0 s); --max-seconds N stops a run after N seconds\n',
    );
    expect(out.lines.slice(1, 3)).toEqual([
      'gdlab basin: 10% after 5.0 s, about 45 s left\n',
      'gdlab basin: 20% after 10 s, about 40 s left\n',
    ]);
    expect(out.lines.at(-1)).toBe('gdlab basin: 100% after 50 s\n');
    expect(out.lines).toHaveLength(11);
  });

  it('says nothing about a short run', async () => {
    const clock = { t: 0 };
    const out = sink();
    await new RunMonitor({ command: 'basin', sink: out, now: () => clock.t }).run(
      fakeEngine(clock, 100, 0.01),
    );
    expect(out.lines).toEqual([]);
  });

  it('measures the rate between reports, so one-off costs before the first do not count as work', async () => {
    const clock = { t: 0 };
    const out = sink();
    const m = new RunMonitor({ command: 'basin', sink: out, now: () => clock.t });
    // 0.2 s of compiling before the first of 50 chunks of 0.03 s: 1.7 s in all, which the first
    // report alone would have put at 11.5 s.
    const run = async (options: RunOptions) => {
      clock.t += 0.2;
      for (let i = 1; i <= 50; i++) {
        clock.t += 0.03;
        options.onProgress?.(i, 50);
        await Promise.resolve();
      }
    };
    await m.run(run);
    expect(out.lines).toEqual([]);
    // A long run measured under 1% in says how much, not "0%".
    const long = sink();
    const clock2 = { t: 0 };
    await new RunMonitor({ command: 'basin', sink: long, now: () => clock2.t }).run(
      fakeEngine(clock2, 400, 0.05),
    );
    expect(long.lines[0]).toBe(
      'gdlab basin: this run will take about 20 s (measured: 0.5% in 0.1 s); --max-seconds N stops a run after N seconds\n',
    );
  });

  it('draws a bar on a terminal, redrawn in place', async () => {
    const clock = { t: 0 };
    const out = sink(true);
    await new RunMonitor({ command: 'density', sink: out, now: () => clock.t }).run(fakeEngine(clock, 10, 3));
    expect(out.lines[1]).toBe(`\rgdlab density: [${'#'.repeat(6)}${'.'.repeat(24)}] 20%, 24 s left `);
    expect(out.lines.at(-2)).toBe(`\rgdlab density: [${'#'.repeat(30)}] 100%, 0.0 s left `);
    expect(out.lines.at(-1)).toBe('\n');
  });

  it('stops a run estimated far over --max-seconds at once', async () => {
    const clock = { t: 0 };
    const out = sink();
    const m = new RunMonitor({ command: 'basin', maxSeconds: 10, sink: out, now: () => clock.t });
    const run = m.run(fakeEngine(clock, 1000, 0.5));
    await expect(run).rejects.toThrow(RunStopped);
    await expect(run).rejects.toThrow(
      'this run would take about 8.3 min, more than --max-seconds 10: stopped after 0.5 s; nothing was written',
    );
  });

  it('lets a run estimated somewhat over the limit go on until the deadline', async () => {
    const m = new RunMonitor({ command: 'basin', maxSeconds: 0.05, sink: sink() });
    // Aborted only by the deadline's timer: the engine waits for its signal.
    const run = m.run(
      (options) =>
        new Promise((_resolve, reject) =>
          options.signal!.addEventListener('abort', () => reject(options.signal!.reason)),
        ),
    );
    await expect(run).rejects.toThrow('stopped after --max-seconds 0.05; nothing was written');
  });

  it('honours a limit beyond the longest delay setTimeout takes (24.8 days)', async () => {
    for (const maxSeconds of [3e6, 1e308]) {
      const m = new RunMonitor({ command: 'basin', maxSeconds, sink: sink() });
      // Node fired a longer timeout after 1 ms: this run was stopped at once.
      const run = m.run(
        (options) =>
          new Promise((resolve, reject) => {
            options.signal!.addEventListener('abort', () => reject(options.signal!.reason));
            setTimeout(() => resolve('done'), 30);
          }),
      );
      await expect(run).resolves.toBe('done');
    }
  });

  it('formats durations as a person reads them', () => {
    expect([5, 42, 210, 17000, Infinity].map(formatDuration)).toEqual([
      '5.0 s',
      '42 s',
      '3.5 min',
      '4.7 h',
      'unknown',
    ]);
  });
});
