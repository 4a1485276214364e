/**
 * The spec's words for a value of the wrong shape (src/experiment/spec-words.ts): every reader of a
 * spec (the lab, the CLI's --spec, links, PNGs) passes parseSpec, so these are the messages each says.
 */
import { describe, expect, it } from 'vitest';
import { parseSpec, SpecError } from '../src/experiment/spec.ts';
import { issues } from './helpers/spec.ts';

describe("parseSpec in the spec's words", () => {
  // Zod's own words ("Too big: expected array to have <=8 items", "Invalid option: expected one of
  // …") reached the lab, the CLI, links and PNGs; each is said in the spec's words.
  const misshapen: [string, unknown, string[]][] = [
    ['no coordinates', { x0: [] }, ['x0: must have at least 1 coordinate, not 0']],
    ['start as a number', { x0: 1 }, ['x0: must be a list, not a number']],
    ['nine rates', { lrPerCoord: Array(9).fill(1) }, ['lrPerCoord: must have at most 8 rates, not 9']],
    ['one grid side', { size: [32] }, ['size: must be two numbers [width, height], not 1 number']],
    [
      'three grid sides',
      { size: [32, 32, 32] },
      ['size: must be two numbers [width, height], not 3 numbers'],
    ],
    [
      'one end of a range',
      { colour: { range: [1] } },
      ['colour.range: must be two numbers [lowest, highest], not 1 number'],
    ],
    [
      'empty range',
      { ensemble: { range: [] } },
      ['ensemble.range: must be two numbers [lowest, highest], not an empty list'],
    ],
    [
      'unknown colormap',
      { colour: { colormap: 'jet' } },
      ["colour.colormap: must be one of viridis, magma, inferno, plasma, turbo, cividis, gray, not 'jet'"],
    ],
    [
      'unknown colour field',
      { colour: { field: 'speed' } },
      [
        "colour.field: must be one of outcome, escape, period, lyapunov, f, sharpness, obs0, obs1, final0, final1, not 'speed'",
      ],
    ],
    [
      'unknown optimizer',
      { optimizer: { kind: 'sgd' } },
      ["optimizer.kind: must be one of gd, momentum, nesterov, rmsprop, adam, not 'sgd'"],
    ],
    ['kind as a number', { kind: 3 }, ['kind: must be one of basin, bifurcation, density, attractor, not 3']],
    ['version as a string', { version: '1' }, ["version: must be 1, not '1'"]],
    ['objective as a string', { objective: 'x^2' }, ['objective: must be an object, not a string']],
    ['expression as a number', { objective: { expr: 5 } }, ['objective.expr: must be text, not a number']],
    // Zod's length checks count anything with a length: a second message, about characters of a
    // list or coordinates of text ("not NaN"), followed the one that says what is wrong.
    [
      'expression as a long list',
      { objective: { expr: Array(5000).fill('x') } },
      ['objective.expr: must be text, not a list'],
    ],
    [
      'expression as an empty list',
      { objective: { expr: [] } },
      ['objective.expr: must be text, not a list'],
    ],
    [
      'observable as a long list',
      { observables: [Array(2000).fill(1)] },
      ['observables.0: must be text, not a list'],
    ],
    [
      'quantity as a long list',
      { plane: { u: { quantity: Array(100).fill(1), min: 0, max: 1 } } },
      ['plane.u.quantity: must be text, not a list'],
    ],
    ['start as long text', { x0: 'a'.repeat(20) }, ['x0: must be a list, not a string']],
    ['start as empty text', { x0: '' }, ['x0: must be a list, not a string']],
    [
      'long preset',
      { objective: { preset: 'p'.repeat(65) } },
      ['objective.preset: is too long (at most 64 characters)'],
    ],
    [
      'parameters as a list',
      { objective: { params: [1] } },
      ['objective.params: must be an object of parameter values, not a list'],
    ],
    [
      'a bad name beside a bad value',
      { objective: { params: { 'a-b': NaN } } },
      [
        'objective.params.a-b: must be a number',
        "objective.params: 'a-b' is not a parameter name (a letter or _, then letters, digits or _)",
      ],
    ],
    [
      'a name with a line break',
      { objective: { params: { 'a\nb': 1 } } },
      ["objective.params: 'a\\nb' is not a parameter name (a letter or _, then letters, digits or _)"],
    ],
    // The compiler reads these names as what the language made them and leaves such a parameter
    // unused: a link's slider for e at 3 while f used e = 2.718…, or for x one that moved nothing.
    [
      'a parameter named as the constant e',
      { objective: { expr: 'x*y + e', params: { e: 3 } } },
      ["objective.params: 'e' is the constant e = 2.71828…; a parameter needs another name"],
    ],
    [
      'parameters named as variables and a function',
      { objective: { params: { x: 2, x3: 1, sin: 1, pi: 3 } } },
      [
        "objective.params: 'x' is a variable; a parameter needs another name",
        "objective.params: 'x3' is a variable; a parameter needs another name",
        "objective.params: 'sin' is a function; a parameter needs another name",
        "objective.params: 'pi' is the constant pi = 3.14159…; a parameter needs another name",
      ],
    ],
    [
      'bias correction as a number',
      { optimizer: { biasCorrection: 1 } },
      ['optimizer.biasCorrection: must be true or false, not a number'],
    ],
    ['empty observable', { observables: [''] }, ['observables.0: must not be empty']],
    [
      'long observable',
      { ensemble: { observable: 'x'.repeat(1001) } },
      ['ensemble.observable: is too long (at most 1000 characters)'],
    ],
    [
      'empty attractor quantity',
      { kind: 'attractor', attractor: { u: '' } },
      ['attractor.u: must not be empty'],
    ],
    ['box as a string', { ensemble: { box: 'x' } }, ['ensemble.box: must be an object, not a string']],
    ['misspelt field', { iteratons: 20 }, ['spec: unknown field "iteratons" (did you mean "iterations"?)']],
    [
      'misspelt nested field',
      { optimizer: { kind: 'adam', beta_2: 0.9 } },
      ['optimizer: unknown field "beta_2" (did you mean "beta2" or "beta"?)'],
    ],
    // Nothing near: no guess; a name of hostile length is not compared.
    ['unrelated field', { speed: 1 }, ['spec: unknown field "speed"']],
    ['long field', { ['i'.repeat(100)]: 1 }, [`spec: unknown field "${'i'.repeat(40)}…"`]],
    [
      'misspelt fields',
      { classify: { tolerance: 1, 'max\nperiod': 2 } },
      ['classify: unknown fields "tolerance", "max\\nperiod"'],
    ],
    [
      'box corner of nine coordinates',
      { ensemble: { box: { min: Array(9).fill(0), max: [1, 1] } } },
      ['ensemble.box.min: must have at most 8 coordinates, not 9'],
    ],
  ];
  it.each(misshapen)('rejects %s with its message', (_name, input, expected) => {
    expect(issues(input)).toEqual(expected);
  });

  it('keeps parameter names the language does not take: x0, xy, e2, sine, toString', () => {
    const params = { x0: 1, xy: 2, e2: 3, sine: 4, toString: 5 };
    expect(parseSpec({ objective: { expr: 'x*y', params } }).objective.params).toEqual(params);
  });

  it("says no field's problem in zod's words, whatever value it is given", () => {
    const zod = /Invalid (input|option|key)|Too (big|small)|expected|received|Unrecognized/;
    const base = parseSpec({
      lrPerCoord: [1, 1],
      observables: ['x'],
      colour: { range: [0, 1] },
      ensemble: { box: { min: [0, 0], max: [1, 1] }, range: [0, 1] },
      attractor: { uRange: [0, 1], vRange: [0, 1] },
    });
    const values = [
      'a',
      '',
      'x'.repeat(5000),
      1.5,
      -1,
      1e300,
      2 ** 53 + 2,
      NaN,
      null,
      true,
      [],
      [1],
      [1, 2, 3],
      ['a'],
      Array(9).fill(1),
      {},
      { tolerance: 1 },
    ];
    const said: string[] = [];
    const visit = (v: unknown, path: string[]) => {
      for (const value of values)
        for (const kind of ['basin', 'bifurcation', 'attractor']) {
          const spec = structuredClone({ ...base, kind }) as Record<string, unknown>;
          let o = spec;
          for (const k of path.slice(0, -1)) o = o[k] as Record<string, unknown>;
          o[path[path.length - 1]] = value;
          try {
            parseSpec(spec);
          } catch (e) {
            said.push(...(e as SpecError).issues.filter((i) => zod.test(i)));
          }
        }
      if (v && typeof v === 'object') for (const [k, w] of Object.entries(v)) visit(w, [...path, k]);
    };
    for (const [k, v] of Object.entries(base)) visit(v, [k]);
    expect([...new Set(said)]).toEqual([]);
  });
});
