/** The experiment spec: parseSpec and parseSpecJson, preset labels and ensemble specs. */
import { describe, expect, it } from 'vitest';
import { DEFAULT_CLASSIFY } from '../src/core/outcome.ts';
import { defaultSpec, MAX_WORK, parseSpec, parseSpecJson, SpecError } from '../src/experiment/spec.ts';
import { issues } from './helpers/spec.ts';

describe('parseSpec', () => {
  it('fills every missing field with the defaults', () => {
    const spec = parseSpec({});
    expect(spec).toEqual(defaultSpec());
    expect(spec).toMatchObject({
      version: 1,
      kind: 'basin',
      objective: { expr: '(1 - x*y)^2/2', preset: 'mf-scalar', params: {} },
      lr: 1.1,
      lrPerCoord: null,
      x0: [0, 0],
      size: [256, 256],
      iterations: 500,
      transient: 300,
    });
    expect(spec.classify).toEqual(DEFAULT_CLASSIFY);
    // A fresh object each time: callers may mutate what they get.
    expect(defaultSpec()).not.toBe(defaultSpec());
    expect(defaultSpec().classify).not.toBe(DEFAULT_CLASSIFY);
  });

  it('merges nested objects field by field, but replaces params and arrays whole', () => {
    const spec = parseSpec({
      classify: { tol: 1e-3 },
      plane: { v: { quantity: 'lr', min: 0.1, max: 2 } },
      objective: { expr: 'a*x^2', params: { a: 2 } },
      x0: [1],
    });
    expect(spec.classify).toEqual({ ...DEFAULT_CLASSIFY, tol: 1e-3 });
    expect(spec.plane.u).toEqual({ quantity: 'x', min: -2.5, max: 2.5 });
    expect(spec.plane.v).toEqual({ quantity: 'lr', min: 0.1, max: 2 });
    // The default's preset label does not stick to another expression.
    expect(spec.objective).toEqual({ expr: 'a*x^2', preset: null, params: { a: 2 } });
    expect(spec.x0).toEqual([1]);
  });

  it('round-trips: a parsed spec, through JSON, parses to itself', () => {
    const spec = parseSpec({ lr: 1.25, size: [64, 32], observables: ['x*y'], colour: { range: [0, 1] } });
    expect(parseSpecJson(JSON.stringify(spec))).toEqual(spec);
    expect(parseSpec(spec)).toEqual(spec);
  });

  const hostile: [string, unknown, string[]][] = [
    // NaN is what the lab reads from an empty or non-numeric box; JSON reads 1e999 as Infinity.
    ['NaN rate', { lr: NaN }, ['lr: must be a number']],
    ['NaN iterations', { iterations: NaN }, ['iterations: must be a number']],
    ['NaN grid side', { size: [NaN, 32] }, ['size.0: must be a number']],
    ['infinite rate', { lr: Infinity }, ['lr: must be a finite number, not Infinity']],
    ['negative rate', { lr: -1 }, ['lr: must be positive']],
    ['rate as a string', { lr: '0.5' }, ['lr: must be a number, not a string']],
    ['rate as null', { lr: null }, ['lr: must be a number']],
    ['tolerance as a list', { classify: { tol: [1] } }, ['classify.tol: must be a number, not a list']],
    ['infinite start', { x0: [0, -Infinity] }, ['x0.1: must be a finite number, not -Infinity']],
    ['nine coordinates', { x0: [1, 2, 3, 4, 5, 6, 7, 8, 9] }, ['x0: must have at most 8 coordinates, not 9']],
    ['huge side', { size: [20000, 10] }, ['size.0: must be at most 16384']],
    ['fractional side', { size: [10.5, 10] }, ['size.0: must be an integer']],
    // One message a wrong value: 1e20 (past 2^53) was also "must be an integer" and "must be at most
    // 9007199254740991"; 20000.5 also "must be at most 16384"; each too many also blamed the work.
    ['side past 2^53', { size: [1e20, 8] }, ['size.0: must be at most 16384']],
    ['infinite side', { size: [Infinity, 8] }, ['size.0: must be a finite number, not Infinity']],
    ['fractional huge side', { size: [20000.5, 8] }, ['size.0: must be an integer']],
    ['iterations past 2^53', { iterations: 1e20 }, ['iterations: must be at most 1000000']],
    ['transient past 2^53', { transient: 1e20 }, ['transient: must be at most 1000000']],
    ['max period past 2^53', { classify: { maxPeriod: 1e20 } }, ['classify.maxPeriod: must be at most 64']],
    ['negative fraction', { iterations: -1.5 }, ['iterations: must be an integer']],
    ['size as a string', { size: '256x256' }, ['size: must be two numbers [width, height], not a string']],
    [
      'days of work',
      { size: [4096, 4096], iterations: 1_000_000 },
      [`size: grid × iterations = ${4096 * 4096 * 1_000_000} exceeds the limit ${MAX_WORK}`],
    ],
    ['an array', [1, 2], ['spec: must be a JSON object']],
    ['null', null, ['spec: must be a JSON object']],
    ['a string', 'lr=5', ['spec: must be a JSON object']],
    [
      'unknown kind',
      { kind: 'movie' },
      ["kind: must be one of basin, bifurcation, density, attractor, not 'movie'"],
    ],
    ['future version', { version: 2 }, ['version: must be 1, not 2']],
    [
      'code in a quantity',
      { plane: { u: { quantity: 'x; alert(1)', min: 0, max: 1 } } },
      ['plane.u.quantity: must be a coordinate (x), lr, lr.<coordinate> or a parameter name'],
    ],
    ['reversed axis', { plane: { u: { quantity: 'x', min: 1, max: 0 } } }, ['plane.u: max must exceed min']],
    [
      'one quantity twice',
      { plane: { v: { quantity: 'x', min: 0, max: 1 } } },
      ['plane: u and v must sweep different quantities'],
    ],
    [
      'parameter not an identifier',
      { objective: { params: { 'a-b': 1 } } },
      ["objective.params: 'a-b' is not a parameter name (a letter or _, then letters, digits or _)"],
    ],
    ['NaN parameter', { objective: { params: { a: NaN } } }, ['objective.params.a: must be a number']],
    ['empty expression', { objective: { expr: '' } }, ['objective.expr: must not be empty']],
    [
      'huge expression',
      { objective: { expr: 'x+'.repeat(3000) + 'x' } },
      ['objective.expr: is too long (at most 4000 characters)'],
    ],
    ['transient too long', { transient: 600 }, ['transient: must be less than iterations']],
    // Said once: transient and max period are compared only with a valid iteration count.
    ['zero iterations', { iterations: 0 }, ['iterations: must be at least 1']],
    [
      'iterations below transient and max period',
      { iterations: 10, classify: { maxPeriod: 16 } },
      ['transient: must be less than iterations', 'classify.maxPeriod: must be less than iterations'],
    ],
    ['rates for the wrong dimension', { lrPerCoord: [1] }, ['lrPerCoord: needs one rate per coordinate (2)']],
    [
      'boolean as a string',
      { classify: { lyapunov: 'yes' } },
      ['classify.lyapunov: must be true or false, not a string'],
    ],
    [
      'three observables',
      { observables: ['x', 'y', 'x*y'] },
      ['observables: must have at most 2 observables, not 3'],
    ],
    [
      'box of the wrong dimension',
      { ensemble: { box: { min: [0], max: [1] } } },
      ['ensemble.box: min and max need one value per coordinate of x0 (2), not 1'],
    ],
    [
      'box with one corner too long',
      { ensemble: { box: { min: [0, 0], max: [1, 1, 1] } } },
      ['ensemble.box: min and max need one value per coordinate of x0 (2): max has 3'],
    ],
    [
      'box with both corners wrong, each its own way',
      { x0: [0], ensemble: { box: { min: [0, 0], max: [1, 1, 1] } } },
      ['ensemble.box: min and max need one value per coordinate of x0 (1): min has 2, max has 3'],
    ],
    ['decreasing colour range', { colour: { range: [1, 0] } }, ['colour.range: range must be increasing']],
    // Finite ends, infinite width: every pixel centre, bin and spread start would be ∞ or NaN.
    [
      'axis wider than the float64 maximum',
      { plane: { u: { quantity: 'x', min: -1.7e308, max: 1.7e308 } } },
      ['plane.u: range -1.7e308:1.7e308 is too wide (max − min must be finite)'],
    ],
    [
      'axis step below the normal numbers',
      { plane: { v: { quantity: 'y', min: 0, max: 1e-310 } }, size: [16, 16] },
      [
        'plane.v: range 0:1e-310 is too narrow for 16 pixels (the step (max − min)/16 must be a normal number, at least 2.2e-308)',
      ],
    ],
    [
      'density range too wide',
      { kind: 'density', ensemble: { range: [-1.7e308, 1.7e308] } },
      ['ensemble.range: range -1.7e308:1.7e308 is too wide (max − min must be finite)'],
    ],
    [
      'attractor range too wide',
      { kind: 'attractor', attractor: { uRange: [-1, 1.7e308], vRange: [-1e308, 1e308] } },
      ['attractor.vRange: range -1e308:1e308 is too wide (max − min must be finite)'],
    ],
    [
      'colour range too wide',
      { colour: { range: [-1e308, 1e308] } },
      ['colour.range: range -1e308:1e308 is too wide (max − min must be finite)'],
    ],
    [
      'box too wide, upside down',
      { ensemble: { box: { min: [0, 1e308], max: [1, -1e308] } } },
      ['ensemble.box: coordinate 1: range 1e308:-1e308 is too wide (max − min must be finite)'],
    ],
  ];
  it.each(hostile)('rejects %s with its message', (_name, input, expected) => {
    expect(issues(input)).toEqual(expected);
  });

  it('accepts each bound itself and rejects the first value past it', () => {
    // A side of 16384 (MAX_SIDE) and 4096² × 20 000 steps (MAX_WORK) are allowed, one more is not.
    expect(parseSpec({ size: [16384, 1] }).size).toEqual([16384, 1]);
    expect(issues({ size: [1, 16385] })).toEqual(['size.1: must be at most 16384']);
    expect(parseSpec({ size: [4096, 4096], iterations: 20_000 }).iterations).toBe(20_000);
    expect(issues({ size: [4096, 4096], iterations: 20_001 })).toEqual([
      `size: grid × iterations = ${4096 * 4096 * 20_001} exceeds the limit ${MAX_WORK}`,
    ]);
    // The transient and the longest period must leave at least one step: N - 1 is the most.
    expect(parseSpec({ iterations: 500, transient: 499 }).transient).toBe(499);
    expect(issues({ iterations: 500, transient: 500 })).toEqual(['transient: must be less than iterations']);
    // Periods up to 64, the most the engines track (STATS_PERIOD_BINS, the tail's P).
    expect(parseSpec({ classify: { maxPeriod: 64 } }).classify.maxPeriod).toBe(64);
    expect(issues({ classify: { maxPeriod: 65 } })).toEqual(['classify.maxPeriod: must be at most 64']);
  });

  it('lists every problem at once, one line each, in the error message', () => {
    const e = (() => {
      try {
        parseSpec({ lr: -1, size: [0, 99999] });
      } catch (err) {
        return err as SpecError;
      }
    })()!;
    expect(e.issues).toEqual([
      'lr: must be positive',
      'size.0: must be at least 1',
      'size.1: must be at most 16384',
    ]);
    expect(e.message).toBe(
      'invalid experiment spec:\n  lr: must be positive\n  size.0: must be at least 1\n  size.1: must be at most 16384',
    );
    expect(e.name).toBe('SpecError');
  });

  it('bounds the parameters before the schema sees them, and keeps every message short', () => {
    // 150 000 bad names overflowed zod's stack (reported as an I/O error); 50 000 made a 4 MB message.
    const many: Record<string, string> = {};
    for (let i = 0; i < 150_000; i++) many[`0bad${i}`] = 'v';
    expect(issues({ objective: { expr: 'x', params: many } })).toEqual([
      'objective.params: too many parameters: 150000 (at most 256)',
    ]);
    expect(issues({ objective: { expr: 'x', params: { ['a'.repeat(100_000)]: 1 } } })).toEqual([
      `objective.params: parameter name '${'a'.repeat(40)}…' is too long (100000 characters; at most 64)`,
    ]);
    // Within the bound, every bad name is an issue, and the message lists ten of them.
    const bad: Record<string, number> = {};
    for (let i = 0; i < 256; i++) bad[`0bad${i}`] = 1;
    const e = (() => {
      try {
        parseSpec({ objective: { expr: 'x', params: bad } });
      } catch (err) {
        return err as SpecError;
      }
    })()!;
    expect(e.issues).toHaveLength(256);
    const lines = e.message.split('\n');
    expect(lines).toHaveLength(12);
    expect(lines[10]).toBe(
      "  objective.params: '0bad9' is not a parameter name (a letter or _, then letters, digits or _)",
    );
    expect(lines[11]).toBe('  … and 246 more');
    // Unknown fields are named, ten of them, each cut short.
    const unknown: Record<string, number> = { ['z'.repeat(1000)]: 1 };
    for (let i = 0; i < 100_000; i++) unknown[`k${i}`] = 1;
    expect(issues(unknown)).toEqual([
      `spec: unknown fields "${'z'.repeat(40)}…", "k0", "k1", "k2", "k3", "k4", "k5", "k6", "k7", "k8" … and 99991 more`,
    ]);
  });

  it('names __proto__, constructor and prototype keys as unknown fields and pollutes nothing', () => {
    // They were dropped without a word, where every other unknown field is named.
    const hostile =
      '{"__proto__": {"lr": 5, "polluted": 1}, "constructor": {"prototype": {"polluted": 2}},' +
      ' "classify": {"__proto__": {"tol": 7}}, "plane": {"u": {"prototype": 1}}, "lr": 0.7}';
    expect(issues(JSON.parse(hostile))).toEqual([
      'unknown field "__proto__"',
      'unknown field "constructor"',
      'classify: unknown field "__proto__"',
      'plane.u: unknown field "prototype"',
    ]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(({} as Record<string, unknown>).lr).toBeUndefined();
    expect(({} as Record<string, unknown>).tol).toBeUndefined();
    const spec = parseSpecJson('{"lr": 0.7, "classify": {"tol": 0.001}}');
    expect([spec.lr, spec.classify.tol]).toEqual([0.7, 0.001]);
    expect(Object.getPrototypeOf(spec)).toBe(Object.prototype);
    // A "__proto__" parameter is refused by name (zod's record would drop it without a word), and
    // never becomes the prototype of params.
    expect(() => parseSpecJson('{"objective": {"params": {"__proto__": {"x": 1}, "a": 1}}}')).toThrow(
      "objective.params: '__proto__' cannot be a parameter name",
    );
    const p = parseSpecJson('{"objective": {"params": {"toString": 2, "a": 1}}}');
    expect(p.objective.params).toEqual({ toString: 2, a: 1 });
    expect(Object.getPrototypeOf(p.objective.params)).toBe(Object.prototype);
  });

  it('reports malformed JSON as a spec error', () => {
    expect(() => parseSpecJson('{bad')).toThrow(SpecError);
    expect(() => parseSpecJson('{bad')).toThrow(/spec: not valid JSON/);
    expect(() => parseSpecJson('')).toThrow(/spec: not valid JSON/);
  });
});

describe('preset labels', () => {
  it('keep a preset whose formula is the expression (spaces aside), drop one that is not', () => {
    const ok = parseSpec({
      objective: { expr: 'x^2/2 + A*eps*sin(x/eps)', preset: 'multiscale', params: { A: 1, eps: 0.01 } },
      x0: [0],
    });
    expect(ok.objective.preset).toBe('multiscale');
    const spaced = parseSpec({
      objective: { expr: ' x^2/2+A*eps*sin( x/eps )', preset: 'multiscale', params: { A: 1, eps: 0.01 } },
      x0: [0],
    });
    expect(spaced.objective.preset).toBe('multiscale');
    // A link claiming the multiscale preset for another f would otherwise borrow its Gibbs prediction.
    const forged = parseSpec({ objective: { expr: 'x^4', preset: 'multiscale', params: {} }, x0: [0] });
    expect(forged.objective.preset).toBeNull();
    expect(
      parseSpec({ objective: { expr: 'x^4', preset: 'no-such-preset', params: {} }, x0: [0] }).objective
        .preset,
    ).toBeNull();
  });
});

describe('ensemble specs', () => {
  it('run transient + keep steps: iterations follows them, whatever a link carried over', () => {
    const s = parseSpec({ kind: 'bifurcation', iterations: 400, transient: 300, ensemble: { keep: 64 } });
    expect(s.iterations).toBe(364);
    expect(
      parseSpec({ kind: 'basin', iterations: 400, transient: 300, ensemble: { keep: 64 } }).iterations,
    ).toBe(400);
    expect(() => parseSpec({ kind: 'density', transient: 'x' })).toThrow(/transient/);
  });
});
