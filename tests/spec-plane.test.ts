/** The quantities a spec's plane sweeps (resolveQuantity, checkSpecQuantities) and the plane model. */
import { describe, expect, it } from 'vitest';
import { AxisKind, axisValue, pixelSetup, resolvePlane } from '../src/experiment/plane.ts';
import {
  checkSpecQuantities,
  defaultSpec,
  parseSpec,
  resolveQuantity,
  SpecError,
} from '../src/experiment/spec.ts';

describe('resolveQuantity and checkSpecQuantities', () => {
  const vars = ['x', 'y'];
  const params = ['eps', 'A'];
  it.each([
    ['x', { kind: 'coord', index: 0 }],
    ['y', { kind: 'coord', index: 1 }],
    ['lr', { kind: 'lr' }],
    ['lr.y', { kind: 'lrCoord', index: 1 }],
    ['eps', { kind: 'param', name: 'eps' }],
    ['A', { kind: 'param', name: 'A' }],
  ])('resolves %s', (name, ref) => {
    expect(resolveQuantity(name, vars, params)).toEqual(ref);
  });

  it.each(['z', 'lr.z', 'lr.eps', 'X', 'toString', '__proto__'])(
    'rejects %s naming the allowed ones',
    (name) => {
      expect(() => resolveQuantity(name, vars, params)).toThrow(
        `plane: unknown quantity '${name}'; allowed: x, y, lr, lr.x, lr.y, eps, A`,
      );
    },
  );

  it('bounds a quantity name before it is quoted, and quotes it cut short', () => {
    // A link's quantity of 100 000 characters came back whole in the message the lab shows.
    const long = (quantity: string) => () => parseSpec({ plane: { u: { quantity, min: 0, max: 1 } } });
    expect(long('q'.repeat(100_000))).toThrow(
      'invalid experiment spec:\n  plane.u.quantity: is too long (at most 67 characters)',
    );
    const spec = long(`lr.${'q'.repeat(64)}`)();
    expect(() => checkSpecQuantities(spec, vars, [])).toThrow(
      `plane.u: unknown quantity 'lr.${'q'.repeat(37)}…'; allowed: x, y, lr, lr.x, lr.y`,
    );
  });

  it('checks the dimension, the plane and the parameter values against the objective', () => {
    const spec = parseSpec({ x0: [1, 2, 3], plane: { v: { quantity: 'w', min: 0, max: 1 } } });
    expect(() => checkSpecQuantities(spec, vars, ['eps'])).toThrow(SpecError);
    try {
      checkSpecQuantities(spec, vars, ['eps']);
    } catch (e) {
      expect((e as SpecError).issues).toEqual([
        'x0: has 3 coordinates but the objective has 2 (x, y)',
        "plane.v: unknown quantity 'w'; allowed: x, y, lr, lr.x, lr.y, eps",
        "objective.params: parameter 'eps' has no value",
      ]);
    }
    expect(() => checkSpecQuantities(defaultSpec(), vars, [])).not.toThrow();
  });
});

describe('the plane model', () => {
  it('puts values at pixel centres, symmetric about the middle of a symmetric range', () => {
    expect(axisValue({ min: -3, max: 3 }, 0, 4)).toBe(-2.25);
    expect(axisValue({ min: -3, max: 3 }, 3, 4)).toBe(2.25);
    expect(axisValue({ min: 0, max: 1 }, 0, 1)).toBe(0.5);
    for (let i = 0; i < 256; i++)
      expect(axisValue({ min: -3, max: 3 }, i, 256)).toBe(-axisValue({ min: -3, max: 3 }, 255 - i, 256));
  });

  const obj = { vars: ['x', 'y'], params: ['a', 'b'] };
  const base = {
    objective: { expr: 'a*x^2 + b*y^2', preset: null, params: { a: 1, b: 2 } },
    x0: [0.5, -0.5],
    lr: 0.3,
    size: [4, 2],
  };

  it('resolves axes to kinds and slots for the GPU, and the base values', () => {
    const plane = resolvePlane(
      parseSpec({
        ...base,
        plane: { u: { quantity: 'b', min: 0, max: 4 }, v: { quantity: 'lr.y', min: 0, max: 1 } },
      }),
      obj,
    );
    expect(plane.u).toMatchObject({ kind: AxisKind.PARAM, index: 1, min: 0, max: 4, n: 4 });
    expect(plane.v).toMatchObject({ kind: AxisKind.LR_COORD, index: 1, min: 0, max: 1, n: 2 });
    expect(Array.from(plane.x0)).toEqual([0.5, -0.5]);
    expect(Array.from(plane.h)).toEqual([0.3, 0.3]);
    expect(Array.from(plane.p)).toEqual([1, 2]);
    expect([plane.width, plane.height, plane.dim]).toEqual([4, 2, 2]);
  });

  it('sets up pixel (i, j): row 0 at v = min, untouched quantities from the spec', () => {
    const spec = parseSpec({
      ...base,
      plane: { u: { quantity: 'y', min: 0, max: 4 }, v: { quantity: 'a', min: 10, max: 12 } },
    });
    const plane = resolvePlane(spec, obj);
    const x0 = new Float64Array(2);
    const h = new Float64Array(2);
    const p = new Float64Array(2);
    pixelSetup(plane, 3, 0, x0, h, p);
    expect([...x0, ...h, ...p]).toEqual([0.5, 3.5, 0.3, 0.3, 10.5, 2]);
    pixelSetup(plane, 0, 1, x0, h, p);
    expect([...x0, ...h, ...p]).toEqual([0.5, 0.5, 0.3, 0.3, 11.5, 2]);
  });

  it('applies an lr sweep before a per-coordinate one, whichever axis holds it', () => {
    const x0 = new Float64Array(2);
    const h = new Float64Array(2);
    const p = new Float64Array(2);
    for (const [u, v] of [
      [
        { quantity: 'lr', min: 0, max: 4 },
        { quantity: 'lr.x', min: 0, max: 2 },
      ],
      [
        { quantity: 'lr.x', min: 0, max: 2 },
        { quantity: 'lr', min: 0, max: 4 },
      ],
    ]) {
      const plane = resolvePlane(parseSpec({ ...base, size: [4, 4], plane: { u, v } }), obj);
      const i = u.quantity === 'lr' ? 1 : 2;
      const j = u.quantity === 'lr' ? 2 : 1;
      pixelSetup(plane, i, j, x0, h, p);
      // lr at index 1 of 4 over [0, 4] is 1.5, lr.x at index 2 of 4 over [0, 2] is 1.25.
      expect(Array.from(h)).toEqual([1.25, 1.5]);
    }
  });

  it('uses per-coordinate rates from the spec as the base', () => {
    const plane = resolvePlane(parseSpec({ ...base, lrPerCoord: [0.1, 0.2] }), {
      vars: ['x', 'y'],
      params: [],
    });
    expect(Array.from(plane.h)).toEqual([0.1, 0.2]);
  });

  it("rejects a spec that does not fit, and never reads a parameter off Object's prototype", () => {
    expect(() => resolvePlane(parseSpec({ x0: [1] }), obj)).toThrow(
      'x0: has 1 coordinate but the objective has 2 (x, y)',
    );
    const spec = parseSpec({ ...base, objective: { ...base.objective, params: { a: 1, b: 2 } } });
    expect(() => resolvePlane(spec, { vars: ['x', 'y'], params: ['a', 'toString'] })).toThrow(
      /objective.params: parameter 'toString' has no value/,
    );
  });
});
