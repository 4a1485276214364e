/**
 * The optimizer in the experiment spec: defaults, validation with named messages, β and β₂ as plane
 * quantities (resolved only for an optimizer that reads them), and the round trips through the URL
 * and the PNG that every field makes.
 */
import { describe, expect, it } from 'vitest';
import { checkSpec } from '../src/experiment/check.ts';
import { AxisKind, pixelSetup, resolvePlane } from '../src/experiment/plane.ts';
import { decodeSpecPng, encodeSpecPng } from '../src/experiment/png.ts';
import { defaultSpec, parseSpec, resolveQuantity, SpecError } from '../src/experiment/spec.ts';
import { specFromHash, specToHash } from '../src/experiment/url.ts';
import { compileObjective } from '../src/objective/compile.ts';

const issues = (input: unknown): string[] => {
  try {
    checkSpec(parseSpec(input));
  } catch (e) {
    if (e instanceof SpecError) return e.issues;
    throw e;
  }
  return [];
};

const hbMap = {
  objective: { expr: 'x^2/2', preset: null, params: {} },
  optimizer: { kind: 'momentum', beta: 0.5 },
  x0: [0.5],
  plane: { u: { quantity: 'lr', min: 0.1, max: 4 }, v: { quantity: 'beta', min: 0, max: 1 } },
};

describe('optimizer settings in the spec', () => {
  it('default to GD with β 0.9, β₂ 0.999, ε 1e-8 and bias correction, also for older specs', () => {
    expect(defaultSpec().optimizer).toEqual({
      kind: 'gd',
      beta: 0.9,
      beta2: 0.999,
      eps: 1e-8,
      biasCorrection: true,
    });
    const old = parseSpec({ lr: 0.5 });
    expect(old.optimizer.kind).toBe('gd');
    expect(parseSpec({ optimizer: { kind: 'adam' } }).optimizer).toEqual({ ...old.optimizer, kind: 'adam' });
  });

  it('name what is wrong', () => {
    expect(issues({ optimizer: { kind: 'sgd' } })[0]).toMatch(/^optimizer\.kind: /);
    expect(issues({ optimizer: { kind: 'adam', beta: 1 } })).toEqual(['optimizer.beta: must be in [0, 1)']);
    expect(issues({ optimizer: { kind: 'adam', beta2: -0.1 } })).toEqual([
      'optimizer.beta2: must be in [0, 1)',
    ]);
    expect(issues({ optimizer: { kind: 'adam', eps: 0 } })).toEqual(['optimizer.eps: must be positive']);
    expect(issues({ optimizer: { kind: 'adam', momentum: 0.9 } })[0]).toMatch(/optimizer: .*momentum/);
  });

  it('β sweeps a plane only under an optimizer that reads it, within [0, 1]', () => {
    expect(issues(hbMap)).toEqual([]);
    expect(issues({ ...hbMap, optimizer: { kind: 'gd' } })[0]).toMatch(
      /^plane\.v: unknown quantity 'beta'; allowed: x, lr, lr\.x \(beta is swept only by an optimizer that uses it/,
    );
    expect(issues({ ...hbMap, optimizer: { kind: 'rmsprop' } })[0]).toMatch(/unknown quantity 'beta'/);
    expect(
      issues({ ...hbMap, plane: { ...hbMap.plane, v: { quantity: 'beta', min: 0, max: 1.5 } } }),
    ).toEqual(['plane.v: beta is a decay factor; its range must lie within [0, 1]']);
    expect(resolveQuantity('beta2', ['x'], [], { kind: 'adam' })).toEqual({
      kind: 'hyper',
      name: 'beta2',
      index: 1,
    });
    // A parameter of the same name would make it ambiguous: named, not guessed.
    expect(() => resolveQuantity('beta', ['x'], ['beta'], { kind: 'adam' })).toThrow(
      /both the optimizer's beta and a parameter of the objective/,
    );
    // Under GD a parameter named beta is the parameter, as it always was.
    expect(resolveQuantity('beta', ['x'], ['beta'])).toEqual({ kind: 'param', name: 'beta' });
  });

  it('a swept β reaches the pixel', () => {
    const spec = parseSpec({ ...hbMap, size: [4, 8] });
    const plane = resolvePlane(spec, compileObjective({ expr: 'x^2/2', params: {} }));
    expect(plane.v.kind).toBe(AxisKind.HYPER);
    const x0 = new Float64Array(1);
    const h = new Float64Array(1);
    const o = new Float64Array(3);
    pixelSetup(plane, 1, 3, x0, h, new Float64Array(0), o);
    expect([x0[0], h[0], o[0], o[1], o[2]]).toEqual([0.5, 0.1 + 1.5 * (3.9 / 4), 3.5 / 8, 0.999, 1e-8]);
  });

  it('rides in the URL and the PNG like every field', () => {
    const spec = parseSpec({
      ...hbMap,
      optimizer: { kind: 'adam', beta: 0.8, beta2: 0.95, eps: 1e-6, biasCorrection: false },
    });
    expect(specFromHash(specToHash(spec))).toEqual(spec);
    const png = encodeSpecPng(new Uint8ClampedArray(4 * 2 * 2), 2, 2, spec);
    expect(decodeSpecPng(png).spec).toEqual(spec);
  });
});
