/**
 * The lab's float64 CPU engine in the browser: compiled to WebAssembly and run on Web Workers. On
 * SwiftShader, auto chooses it and the status line says why; a cross-origin isolated page gets its
 * results through SharedArrayBuffer; a page under a strict Content-Security-Policy that allows
 * 'wasm-unsafe-eval' but not 'unsafe-eval' runs it, with results transferred. Counts equal the
 * float64 engine's in Node, and the inspector runs the same compiled evaluators.
 */
import type { Page } from 'puppeteer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { countOutcomes } from '../../src/core/records.ts';
import { axisValue } from '../../src/experiment/plane.ts';
import { parseSpec, type ExperimentSpec } from '../../src/experiment/spec.ts';
import { compileObjective } from '../../src/objective/compile.ts';
import { runGrid } from '../../src/reference/grid.ts';
import {
  hashFor,
  screenshot,
  serveDist,
  sharedBrowser,
  waitForInspector,
  waitForMap,
  watchErrors,
} from './harness.ts';

const shared = sharedBrowser();

const PATCH: Partial<ExperimentSpec> = { size: [64, 64], iterations: 300, transient: 180, lr: 1.1 };

/** The float64 counts of PATCH, interpreted in Node: what every CPU run must reproduce. */
function referenceCounts() {
  const spec = parseSpec(PATCH);
  const obj = compileObjective({ expr: spec.objective.expr, params: spec.objective.params });
  return countOutcomes(runGrid(spec, obj, { interpreted: true }).columns);
}

async function labCpuState(page: Page) {
  return page.evaluate(() => {
    const lab = document.querySelector('gd-lab')!;
    const f = lab.frame!;
    return {
      kind: f.info.kind,
      adapter: f.info.adapter,
      counts: f.counts,
      shared:
        typeof SharedArrayBuffer !== 'undefined' &&
        (f.handle as { columns?: { f: Float64Array } }).columns?.f.buffer instanceof SharedArrayBuffer,
      isolated: crossOriginIsolated,
      threads: navigator.hardwareConcurrency,
      status: lab.shadowRoot!.getElementById('status')!.textContent ?? '',
      reason: lab.engineReason,
    };
  });
}

describe('the CPU engine in the lab', () => {
  it('is what auto chooses on SwiftShader, says why, and shares results in an isolated page', async () => {
    const page = await shared.browser.newPage();
    const errors = watchErrors(page);
    await page.goto(shared.url + hashFor(PATCH));
    await waitForMap(page);
    const s = await labCpuState(page);
    await screenshot(page, 'cpu-1-auto');
    expect(s.kind).toBe('cpu');
    const label = `cpu, ${s.threads} thread${s.threads === 1 ? '' : 's'}`;
    expect(s.adapter).toBe(label);
    expect(s.reason).toMatch(
      /^auto: the only adapter is software \(SwiftShader\), and the float64 CPU engine is estimated [\d.]+× faster/,
    );
    expect(s.status).toContain(`on CPU (${label}), f64`);
    expect(s.status).toContain(`engine: ${s.reason}`);
    expect(s.isolated).toBe(true);
    expect(s.shared).toBe(true);
    expect(s.counts).toEqual(referenceCounts());

    // The inspector on a pixel: the compiled evaluators' trajectory (the same values as Node's).
    const { states, spec } = await page.evaluate(async () => {
      const lab = document.querySelector('gd-lab')!;
      const map = lab.shadowRoot!.querySelector('gd-basin-map')!;
      map.dispatchEvent(
        new CustomEvent('pixel-pick', { detail: { i: 10, j: 40 }, bubbles: true, composed: true }),
      );
      await new Promise((r) => setTimeout(r, 0));
      return { states: lab.inspected!.states, spec: lab.spec };
    });
    await waitForInspector(page);
    const x0 = [axisValue(spec.plane.u, 10, 64), axisValue(spec.plane.v, 40, 64)];
    expect([states[0][0], states[1][0]]).toEqual(x0);
    // One GD step of (1 - xy)²/2 at h = 1.1, as the tape computes it.
    const obj = compileObjective({ expr: spec.objective.expr, params: {} });
    const g = new Float64Array(2);
    obj.grad(x0, [], g);
    expect([states[0][1], states[1][1]]).toEqual([x0[0] - 1.1 * g[0], x0[1] - 1.1 * g[1]]);
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe("auto in the lab weighs the link's experiment", () => {
  it('an objective of elementary functions runs on SwiftShader, with the estimates of that spec', async () => {
    // 512² × 500 of sin/cos/exp: about 1.3 s on SwiftShader against 4.3 s on the CPU engine's 2
    // threads (bench/cost-model.md). The lab's default spec would have gone to the CPU engine: the
    // choice was once made for it, before the link was read.
    const patch = {
      objective: { expr: 'sin(3*x)*cos(2*y) + exp(-x^2 - y^2) + (x^2 + y^2)/4', preset: null, params: {} },
      lr: 0.3,
      size: [512, 512],
      iterations: 500,
      transient: 300,
    };
    const page = await shared.browser.newPage();
    const errors = watchErrors(page);
    // readback: headless Chromium cannot present a WebGPU canvas.
    await page.goto(shared.url + '?display=readback' + hashFor(patch));
    await waitForMap(page, 120_000);
    const s = await labCpuState(page);
    await screenshot(page, 'cpu-3-auto-swiftshader');
    expect(s.kind).toBe('gpu');
    const m =
      /^auto: the only adapter is software \(SwiftShader\), and it is estimated faster for the experiment the lab opened with than the CPU engine \(≈([\d.]+) s on 2 CPU threads against ≈([\d.]+) s on SwiftShader\)$/.exec(
        s.reason ?? '',
      );
    expect(m, s.reason ?? '').not.toBeNull();
    // The estimates of this spec (≈4.8 s and ≈1.3 s), not of the default one (≈0.2 s and ≈0.4 s).
    expect(Number(m![1])).toBeGreaterThan(2);
    expect(Number(m![2])).toBeGreaterThan(0.6);
    expect(Number(m![2])).toBeLessThan(Number(m![1]) / 2);
    expect(s.status).toContain('on GPU');
    expect(
      Object.values(s.counts.periodic as Record<string, number>).reduce((a, b) => a + b, 0),
    ).toBeGreaterThan(0.9 * 512 * 512);
    expect(errors).toEqual([]);
    await page.close();
  }, 180_000);
});

describe('a page under a strict Content-Security-Policy', () => {
  const policy =
    "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; worker-src 'self'; " +
    "style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:";
  let server: Awaited<ReturnType<typeof serveDist>>;
  beforeAll(async () => {
    // No cross-origin isolation either: results come back transferred.
    server = await serveDist({ 'Content-Security-Policy': policy });
  });
  afterAll(() => server.close());

  it("runs the CPU engine with 'wasm-unsafe-eval' and without 'unsafe-eval'", async () => {
    const page = await shared.browser.newPage();
    const errors = watchErrors(page);
    const violations: string[] = [];
    await page.exposeFunction('reportViolation', (v: string) => violations.push(v));
    await page.evaluateOnNewDocument(() => {
      document.addEventListener('securitypolicyviolation', (e) =>
        (window as unknown as { reportViolation(v: string): void }).reportViolation(
          `${e.violatedDirective} ${e.blockedURI}`,
        ),
      );
    });
    await page.goto(server.url + '?engine=cpu' + hashFor(PATCH));
    await waitForMap(page);
    const s = await labCpuState(page);
    await screenshot(page, 'cpu-2-csp');
    expect(s.kind).toBe('cpu');
    expect(s.reason).toBe('engine=cpu in the address');
    expect(s.isolated).toBe(false);
    expect(s.shared).toBe(false);
    expect(s.counts).toEqual(referenceCounts());
    // Nothing the page ran broke the policy (zod runs interpreted, so it does not even probe
    // `new Function`): the engine's WebAssembly compiled under 'wasm-unsafe-eval' alone.
    expect(violations).toEqual([]);
    expect(errors).toEqual([]);
    // And the policy is in force: an inline script (text as code) does not run.
    const ran = await page.evaluate(() => {
      const script = document.createElement('script');
      script.textContent = 'window.inlineRan = true';
      document.head.append(script);
      return (window as unknown as { inlineRan?: boolean }).inlineRan === true;
    });
    expect(ran).toBe(false);
    await page.close();
  });
});
