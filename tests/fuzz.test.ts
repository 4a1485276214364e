/**
 * Fuzzing every entry point with fast-check (fixed seeds, a few thousand cases in all): expressions,
 * specs, links and PNG bytes. Each may be accepted or refused, but refused only with a typed error
 * (ObjectiveError or SpecError, whose message a person can read), never with anything else; and an
 * accepted spec must run: on the float64 engine every one (shrunk to a few pixels), on the GPU a
 * sample, so nothing the checks let through fails later in an engine.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { prepareEnsemble } from '../src/core/ensemble.ts';
import { GpuBasinEngine } from '../src/engine/gpu-engine.ts';
import { checkSpec } from '../src/experiment/check.ts';
import { decodeSpecPng, encodeSpecPng, readSpecFromPng } from '../src/experiment/png.ts';
import { defaultSpec, parseSpec, SpecError, type ExperimentSpec } from '../src/experiment/spec.ts';
import { specFromHash, specToHash } from '../src/experiment/url.ts';
import { compileObjective } from '../src/objective/compile.ts';
import { ObjectiveError } from '../src/objective/types.ts';
import { CpuEnsembleEngine } from '../src/reference/ensemble.ts';
import { CpuBasinEngine } from '../src/reference/grid.ts';
import { withDevice } from './helpers/gpu.ts';

/** Runs fn; an error other than the typed ones is returned as a failure message. */
function typedOnly<T>(what: string, fn: () => T): T | undefined {
  try {
    return fn();
  } catch (e) {
    if (e instanceof SpecError || e instanceof ObjectiveError) {
      // A typed error still has to read as one message: no stack frames, no "undefined".
      expect(e.message, what).not.toMatch(/\n\s+at |undefined|\[object Object\]/);
      return undefined;
    }
    throw new Error(`${what}: ${(e as Error)?.name}: ${(e as Error)?.message}`, { cause: e });
  }
}

const TOKENS = [
  'x',
  'y',
  'x1',
  'x2',
  'x8',
  'x9',
  'A',
  'eps',
  'pi',
  'e',
  'toString',
  '__proto__',
  'constructor',
  'valueOf',
  'sin(',
  'exp(',
  'log(',
  'sqrt(',
  'tanh(',
  'min(',
  'max(',
  'abs(',
  '(',
  ')',
  ',',
  '+',
  '-',
  '*',
  '/',
  '^',
  '**',
  '0',
  '1',
  '2',
  '0.5',
  '1e308',
  '1e-320',
  '2147483648',
  '1048576',
  '16777217',
  '-',
  '--',
  ' ',
  '0x10',
  '.',
  '[',
  ']',
  '?',
  ':',
  '"',
  '$',
  'é',
  '²',
  '\u001b',
  '\u202e',
  '\u0000',
];

/** Well-formed expressions with hostile numbers: extreme exponents, constants beyond f32 and f64. */
const { node: grammarArb } = fc.letrec<{ node: string }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constantFrom('x', 'y', 'A', 'toString', 'pi', 'e'),
    fc.constantFrom(
      '0',
      '1',
      '2',
      '0.5',
      '1e38',
      '1e39',
      '1e300',
      '1e-40',
      '1e-320',
      '2147483648',
      '16777217',
    ),
    fc
      .tuple(tie('node'), fc.constantFrom('+', '-', '*', '/', '^'), tie('node'))
      .map(([a, op, b]) => `(${a})${op}(${b})`),
    fc
      .tuple(fc.constantFrom('sin', 'exp', 'log', 'sqrt', 'tanh', 'cosh', 'abs', '-'), tie('node'))
      .map(([f, a]) => `${f}(${a})`),
    fc
      .tuple(
        tie('node'),
        fc.constantFrom('2', '-2048', '1048576', '-2147483648', '4096', '16777217', '1e300', '0.5'),
      )
      .map(([a, n]) => `(${a})^${n}`),
  ),
}));

/** Expressions: well-formed ones, token soup near the language, and arbitrary text. */
const expressionArb = fc.oneof(
  { weight: 3, arbitrary: grammarArb },
  {
    weight: 4,
    arbitrary: fc.array(fc.constantFrom(...TOKENS), { minLength: 1, maxLength: 24 }).map((t) => t.join('')),
  },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
);

/** Runs an accepted spec on the float64 engine; it must not throw. */
async function runsOnCpu(spec: ExperimentSpec): Promise<void> {
  if (spec.kind === 'basin') await new CpuBasinEngine().runBasin(spec);
  else {
    const { objective, plan } = prepareEnsemble(spec);
    await new CpuEnsembleEngine().runEnsemble(spec, objective, plan);
  }
}

describe('fuzz', () => {
  it('expressions: compiled or an ObjectiveError; compiled ones evaluate, emit bounded WGSL and run', async () => {
    let compiled = 0;
    const accepted: string[] = [];
    fc.assert(
      fc.property(expressionArb, (expr) => {
        const c = typedOnly(JSON.stringify(expr), () =>
          compileObjective({ expr, params: { A: 1.5, eps: 0.1, toString: 2, constructor: 3, valueOf: 4 } }),
        );
        if (!c) return;
        compiled++;
        const x = new Array<number>(c.dim).fill(0.75);
        expect(typeof c.f(x, c.paramValues)).toBe('number');
        c.grad(x, c.paramValues, new Float64Array(c.dim));
        for (const m of c.wgsl.matchAll(/for \(([^)]*)\)/g)) expect(m[1]).toMatch(/< 32u;/);
        expect(c.wgsl).not.toMatch(/\bloop\s*\{|\bwhile\b/);
        if (c.dim === 2 && c.params.length === 0) accepted.push(expr);
      }),
      { seed: 1201, numRuns: 2000 },
    );
    // A compiled objective makes a spec that the float64 engine runs.
    for (const expr of accepted.slice(0, 100)) {
      const spec = typedOnly(expr, () =>
        parseSpec({ objective: { expr }, size: [2, 2], iterations: 20, transient: 10 }),
      );
      if (spec && typedOnly(expr, () => checkSpec(spec))) await runsOnCpu(spec);
    }
    console.log(`fuzz: ${compiled} of 2000 expressions compiled`);
    expect(compiled).toBeGreaterThan(50);
  });

  /** Mostly a valid value, sometimes a hostile or careless one. */
  const mostly = <T, U>(good: fc.Arbitrary<T>, bad: fc.Arbitrary<U>) =>
    fc.oneof({ weight: 12, arbitrary: good }, { weight: 1, arbitrary: bad });
  const fieldsArb = fc.record(
    {
      kind: mostly(fc.constantFrom('basin', 'bifurcation', 'density'), fc.constantFrom('Basin', 3, null)),
      objective: fc.record(
        {
          expr: mostly(
            fc.constantFrom(
              'x^2/2 + y^2/2',
              '(1 - x*y)^2/2',
              'A*x^2 + y^2',
              '(x^1048576)^4096 + y^2',
              'x^y + y^2',
              'log(x)*y',
            ),
            expressionArb,
          ),
          preset: mostly(fc.constant(null), fc.constantFrom('mf-scalar', 'toString', '__proto__')),
          params: mostly(
            fc.record({ A: fc.double({ min: -2, max: 2, noNaN: true }) }),
            fc.dictionary(
              fc.constantFrom('A', 'toString', '__proto__', 'constructor', 'x', 'b c'),
              fc.oneof(fc.double(), fc.constant('1')),
            ),
          ),
        },
        { requiredKeys: ['expr'] },
      ),
      lr: mostly(fc.double({ min: 0.01, max: 3, noNaN: true }), fc.constantFrom(0, -1, 1e300, '1', NaN)),
      x0: mostly(
        fc.tuple(fc.double({ min: -3, max: 3, noNaN: true }), fc.double({ min: -3, max: 3, noNaN: true })),
        fc.array(fc.double(), { maxLength: 3 }),
      ),
      plane: fc.record({
        u: fc.record({
          quantity: mostly(
            fc.constantFrom('x', 'lr', 'lr.x', 'A'),
            fc.constantFrom('toString', 'lr.__proto__', 'x2', 'z'),
          ),
          min: mostly(fc.constant(0.25), fc.constantFrom(2, NaN)),
          max: fc.constant(1.5),
        }),
        v: fc.record({
          quantity: mostly(fc.constant('y'), fc.constantFrom('x', 'eps', 'lr.y')),
          min: fc.constant(-1),
          max: fc.constant(1),
        }),
      }),
      size: fc.tuple(
        fc.integer({ min: 1, max: 3 }),
        mostly(fc.integer({ min: 1, max: 3 }), fc.constantFrom(0, 1.5, 5000)),
      ),
      iterations: mostly(fc.integer({ min: 21, max: 40 }), fc.constantFrom(0, 1, 2.5, 2_000_000)),
      transient: fc.integer({ min: 0, max: 20 }),
      observables: mostly(
        fc.constant([]),
        fc.array(mostly(fc.constantFrom('x*y', 'abs(x)'), expressionArb), { maxLength: 2 }),
      ),
      ensemble: fc.record(
        {
          samples: fc.integer({ min: 1, max: 3 }),
          keep: fc.integer({ min: 1, max: 10 }),
          observable: mostly(
            fc.constantFrom('x', 'f', 'x^2', 'y - x'),
            fc.oneof(fc.constantFrom('z', 'A', 'toString'), expressionArb),
          ),
          bins: mostly(fc.integer({ min: 2, max: 5 }), fc.constant(1)),
        },
        { requiredKeys: [] },
      ),
    },
    { requiredKeys: ['kind', 'objective', 'x0', 'plane', 'size', 'iterations', 'transient'] },
  );
  // Now and then a misspelt field, which strict parsing names.
  const specArb = fc
    .tuple(fieldsArb, fc.integer({ min: 0, max: 19 }))
    .map(([fields, k]) => (k === 0 ? { ...fields, iteratons: 1 } : fields));

  it('specs: a SpecError or ObjectiveError, or a spec that runs on the float64 engine', async () => {
    const specs = fc.sample(specArb, { seed: 1202, numRuns: 2000 });
    let ran = 0;
    for (const input of specs) {
      const what = JSON.stringify(input);
      const spec = typedOnly(what, () => parseSpec(input));
      if (!spec || !typedOnly(what, () => checkSpec(spec))) continue;
      try {
        await runsOnCpu(spec);
      } catch (e) {
        throw new Error(`accepted but failed on the CPU engine: ${what}: ${(e as Error).message}`, {
          cause: e,
        });
      }
      ran++;
    }
    console.log(`fuzz: ${ran} of ${specs.length} specs accepted and run on the float64 engine`);
    expect(ran).toBeGreaterThan(200);
  });

  it('accepted basin specs run on the GPU engine too', async () => {
    const accepted: ExperimentSpec[] = [];
    for (const input of fc.sample(specArb, { seed: 1203, numRuns: 3000 })) {
      if (accepted.length === 16) break;
      const spec = typedOnly('', () => parseSpec(input));
      if (spec?.kind === 'basin' && typedOnly('', () => checkSpec(spec))) accepted.push(spec);
    }
    expect(accepted).toHaveLength(16);
    await withDevice(async (device) => {
      const engine = new GpuBasinEngine(device, compileObjective);
      for (const spec of accepted) {
        const r = await engine.runBasin(spec);
        expect([r.width, r.height]).toEqual(spec.size);
        const c = r.counts;
        const periodic = Object.values(c.periodic).reduce((a, b) => a + b, 0);
        expect(c.diverged + c.escaping + c.converged + periodic + c.aperiodic).toBe(
          spec.size[0] * spec.size[1],
        );
        r.dispose();
      }
      engine.dispose();
    });
  });

  it('links: null, a spec, or a SpecError', () => {
    const base = specToHash(
      parseSpec({ kind: 'bifurcation', objective: { expr: 'x^2*A', params: { A: 2 } } }),
    );
    const mutated = fc
      .array(fc.tuple(fc.nat(), fc.constantFrom(...'AZaz09-_=%#&s+/.')), { minLength: 1, maxLength: 6 })
      .map((edits) => {
        const chars = [...base];
        for (const [i, c] of edits) chars[i % chars.length] = c;
        return chars.join('');
      });
    fc.assert(
      fc.property(
        fc.oneof(
          mutated,
          fc.string({ maxLength: 200 }),
          fc.string({ unit: 'binary', maxLength: 60 }).map((s) => `#s=${s}`),
        ),
        (hash) => {
          typedOnly(hash, () => specFromHash(hash));
        },
      ),
      { seed: 1204, numRuns: 2000 },
    );
  });

  it('PNG bytes: a spec, or a SpecError', () => {
    const spec = parseSpec({ size: [3, 2], iterations: 20, transient: 10 });
    const png = encodeSpecPng(new Uint8Array(3 * 2 * 4).fill(7), 3, 2, spec);
    const mutatedPng = fc
      .record({
        flips: fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 4 }),
        cut: fc.option(fc.nat()),
        insert: fc.option(fc.tuple(fc.nat(), fc.uint8Array({ maxLength: 16 }))),
      })
      .map(({ flips, cut, insert }) => {
        let b = Uint8Array.from(png);
        for (const [i, v] of flips) b[i % b.length] = v;
        if (insert) {
          const at = insert[0] % b.length;
          b = Uint8Array.from([...b.subarray(0, at), ...insert[1], ...b.subarray(at)]);
        }
        return cut === null ? b : b.subarray(0, cut % (b.length + 1));
      });
    let read = 0;
    fc.assert(
      fc.property(
        fc.oneof(
          { weight: 5, arbitrary: mutatedPng },
          { weight: 1, arbitrary: fc.uint8Array({ maxLength: 64 }) },
        ),
        (bytes) => {
          const what = `PNG of ${bytes.length} bytes`;
          if (typedOnly(what, () => readSpecFromPng(bytes))) read++;
          typedOnly(what, () => decodeSpecPng(bytes));
        },
      ),
      { seed: 1205, numRuns: 1500 },
    );
    expect(read).toBeGreaterThan(10);
    expect(readSpecFromPng(png)).toEqual(spec);
  });

  it('the default spec and its link round-trip (the fuzzed parsers still accept good input)', () => {
    expect(specFromHash(specToHash(defaultSpec()))).toEqual(defaultSpec());
  });
});
