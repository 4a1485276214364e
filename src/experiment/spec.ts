/**
 * The experiment spec: the single currency of gdlab. The UI, the URL, PNG metadata and the CLI all
 * read and write it, and every reader goes through `parseSpec`, so a hostile link or a hand-edited
 * file meets the same checks with the same messages.
 */
// zod/mini, the same validator without the method chains: the bundler keeps only the checks the spec
// uses. Classic zod (as a namespace, without its forty locales) was 218 KB of every CLI start's
// JavaScript; its English messages come from the one locale imported here.
import * as z from 'zod/mini';
import en from 'zod/v4/locales/en.js';
import { DEFAULT_CLASSIFY, type ClassifySettings } from '../core/outcome.ts';
import { MAX_EXPRESSION_LENGTH } from '../objective/parse.ts';
import { DEFAULT_OPTIMIZER, OPTIMIZER_KINDS, type OptimizerSettings } from '../optimizer/rules.ts';
import { getPreset } from '../presets.ts';
import { formatIssues, jsonProblem, SpecError } from './spec-error.ts';
import { axis, box, finite, number, planeIssues, range } from './spec-ranges.ts';
import { exactly, flag, list, object, oneOf, pair, params, text } from './spec-words.ts';
import { isPlain, mergeDefaults } from './spec-merge.ts';
import {
  LAB_LIMITS,
  limitIssues,
  MAX_ATTRACTOR_BINS,
  MAX_ITERATIONS,
  MAX_OBSERVABLE_LENGTH,
  MAX_PERIOD,
  MAX_SAMPLES,
  MAX_SPEC_JSON_CHARS,
  paramIssues,
  type SpecLimits,
} from './spec-limits.ts';

// Zod's default compiles each object schema to a function with `new Function` on its first parse:
// 9 ms of a CLI run that parses one spec, and code generation that a strict Content-Security-Policy
// forbids. Interpreted, a spec parses in well under a millisecond.
z.config({ ...en(), jitless: true });

export { SpecError };
export {
  LAB_LIMITS,
  MAX_ATTRACTOR_BINS,
  MAX_ITERATIONS,
  MAX_OBSERVABLE_LENGTH,
  MAX_PERIOD,
  MAX_POSTER_SIDE,
  MAX_SAMPLES,
  MAX_SIDE,
  MAX_SPEC_JSON_CHARS,
  MAX_WORK,
  POSTER_LIMITS,
  type SpecLimits,
} from './spec-limits.ts';

export const SPEC_VERSION = 1;

export const COLOUR_FIELDS = [
  'outcome',
  'escape',
  'period',
  'lyapunov',
  'f',
  'sharpness',
  'obs0',
  'obs1',
  'final0',
  'final1',
] as const;
export type ColourField = (typeof COLOUR_FIELDS)[number];

export const COLORMAPS = ['viridis', 'magma', 'inferno', 'plasma', 'turbo', 'cividis', 'gray'] as const;
export type ColormapName = (typeof COLORMAPS)[number];

export const SPEC_KINDS = ['basin', 'bifurcation', 'density', 'attractor'] as const;
export type SpecKind = (typeof SPEC_KINDS)[number];
/** The kinds computed by the ensemble engines (src/core/ensemble.ts): every kind but the basin map. */
export const ENSEMBLE_KINDS: readonly SpecKind[] = ['bifurcation', 'density', 'attractor'];

/**
 * A swept quantity: a state coordinate (`x`, `y`, `x3`), the learning rate `lr`, one coordinate's
 * rate `lr.x`, the optimizer's `beta` or `beta2` (when its rule uses them), or a parameter by name (`eps`). Names are checked against the objective by
 * `checkSpecQuantities`, since only the compiled objective knows its variables.
 */
export interface AxisRange {
  quantity: string;
  min: number;
  max: number;
}

/** Settings of the ensemble views (bifurcation columns and long-run densities). */
export interface EnsembleSettings {
  /** Trajectories per column (bifurcation) or in all (density). */
  samples: number;
  /** Starts spread over this box (per coordinate [min, max]); null: every start is x0. */
  box: { min: number[]; max: number[] } | null;
  /** Iterates kept per trajectory after the transient. */
  keep: number;
  /** What is histogrammed: a state coordinate, `f`, or an expression in the variables. */
  observable: string;
  /** Histogram bins (density view; the bifurcation view uses size[1] rows). */
  bins: number;
  /** Vertical (value) range; null: chosen automatically from a first pass. */
  range: [number, number] | null;
}

/**
 * Settings of the attractor view: the 2-D histogram of the long-run iterates of many starts at one h,
 * over the pair (u, v), with spec.size [W, H] bins (the invariant measure of the attractor).
 */
export interface AttractorSettings {
  /** Horizontal and vertical quantities: a variable, `f`, or an expression in the variables. */
  u: string;
  v: string;
  /** Fixed ranges of u and v; null: chosen automatically from a first pass. */
  uRange: [number, number] | null;
  vRange: [number, number] | null;
}

/** A complete, validated experiment. */
export interface ExperimentSpec {
  version: typeof SPEC_VERSION;
  kind: SpecKind;
  objective: {
    /** The expression as the user typed it (for a preset, the preset's formula). */
    expr: string;
    /** Preset id the expression came from, if any (for labels and f₀/T of multiscale presets). */
    preset: string | null;
    params: Record<string, number>;
  };
  /** Learning rate h. */
  lr: number;
  /** One rate per coordinate, overriding lr; null for a scalar rate. */
  lrPerCoord: number[] | null;
  /** The optimizer and its hyperparameters (src/optimizer/rules.ts states the update rules). */
  optimizer: OptimizerSettings;
  /** Base point: the start of every trajectory, except the coordinates a plane sweeps. */
  x0: number[];
  plane: { u: AxisRange; v: AxisRange };
  /** Grid [W, H]: pixels of a basin map, [columns, rows] of a bifurcation diagram. */
  size: [number, number];
  /** Steps per trajectory; for bifurcation and density specs always transient + ensemble.keep. */
  iterations: number;
  /** Iterations discarded before Lyapunov exponents and ensemble statistics are gathered. */
  transient: number;
  classify: ClassifySettings;
  /** Up to two expressions evaluated at the final state. */
  observables: string[];
  colour: {
    field: ColourField;
    colormap: ColormapName;
    log: boolean;
    /** Fixed colour range; null: from the data. */
    range: [number, number] | null;
  };
  ensemble: EnsembleSettings;
  attractor: AttractorSettings;
}

const positive = finite.check(z.refine((v) => v > 0, { message: 'must be positive' }));
/**
 * Why v is no integer in [min, max] (undefined: it is one), in one message. zod's int, minimum and
 * maximum each spoke: a side of 1e20 was "must be an integer" (past 2^53, where zod's int ends), then
 * "must be at most 9007199254740991", besides the limit's own "at most 16384".
 */
function intIssue(v: number, min: number, max: number): string | undefined {
  if (!Number.isInteger(v)) return 'must be an integer';
  if (v < min) return `must be at least ${min}`;
  return v > max ? `must be at most ${max}` : undefined;
}
const int = (min: number, max: number) =>
  number().check(
    z.refine((v) => !intIssue(v, min, max), { error: (i) => intIssue(i.input as number, min, max) }),
  );
/** β and β₂ are decay factors in [0, 1): at 1 the state never forgets, and Adam's bias factor is 0. */
const decay = finite.check(z.refine((v) => v >= 0 && v < 1, { message: 'must be in [0, 1)' }));

// Strict objects: a misspelt field ("iteratons") is named, not silently replaced by the default.
const schema = object({
  version: exactly(SPEC_VERSION),
  kind: oneOf(SPEC_KINDS),
  objective: object({
    expr: text(1, MAX_EXPRESSION_LENGTH),
    preset: z.nullable(text(0, 64)),
    params: params(finite),
  }),
  lr: positive,
  lrPerCoord: z.nullable(list(positive, 1, 8, 'rate')),
  optimizer: object({
    kind: oneOf(OPTIMIZER_KINDS),
    beta: decay,
    beta2: decay,
    eps: positive,
    biasCorrection: flag(),
  }),
  x0: list(finite, 1, 8, 'coordinate'),
  plane: object({ u: axis, v: axis }),
  // The upper bounds are SpecLimits, checked by parseSpec (a map's or a poster's).
  size: pair(int(1, Infinity), '[width, height]'),
  iterations: int(1, MAX_ITERATIONS),
  transient: int(0, MAX_ITERATIONS),
  classify: object({
    maxPeriod: int(1, MAX_PERIOD),
    tol: positive,
    divergeRadius: positive,
    lyapunov: flag(),
    chaosThreshold: finite,
  }),
  observables: list(text(1, MAX_OBSERVABLE_LENGTH), 0, 2, 'observable'),
  colour: object({
    field: oneOf(COLOUR_FIELDS),
    colormap: oneOf(COLORMAPS),
    log: flag(),
    range: z.nullable(range),
  }),
  ensemble: object({
    samples: int(1, MAX_SAMPLES),
    box: z.nullable(box),
    keep: int(1, MAX_ITERATIONS),
    observable: text(1, MAX_OBSERVABLE_LENGTH),
    bins: int(2, 4096),
    range: z.nullable(range),
  }),
  attractor: object({
    u: text(1, MAX_OBSERVABLE_LENGTH),
    v: text(1, MAX_OBSERVABLE_LENGTH),
    uRange: z.nullable(range),
    vRange: z.nullable(range),
  }),
}).check(
  z.superRefine((s, ctx) => {
    // Zod runs this over fields that failed: iterations = 0 said "must be at least 1", and again,
    // as "must be less than iterations", under transient and max period, which were fine.
    // Likewise a transient of 1e20 was "must be at most 1000000" and "must be less than iterations".
    const within = (v: number, min: number, max: number) => !intIssue(v, min, max);
    const iterationsValid = within(s.iterations, 1, MAX_ITERATIONS);
    if (iterationsValid && within(s.transient, 0, MAX_ITERATIONS) && s.transient >= s.iterations)
      ctx.addIssue({ code: 'custom', path: ['transient'], message: 'must be less than iterations' });
    if (
      iterationsValid &&
      within(s.classify.maxPeriod, 1, MAX_PERIOD) &&
      s.classify.maxPeriod >= s.iterations
    )
      ctx.addIssue({
        code: 'custom',
        path: ['classify', 'maxPeriod'],
        message: 'must be less than iterations',
      });
    for (const [path, message] of planeIssues(s.plane, s.size))
      ctx.addIssue({ code: 'custom', path, message });
    if (s.plane.u.quantity === s.plane.v.quantity)
      ctx.addIssue({ code: 'custom', path: ['plane'], message: 'u and v must sweep different quantities' });
    if (s.lrPerCoord && s.lrPerCoord.length !== s.x0.length)
      ctx.addIssue({
        code: 'custom',
        path: ['lrPerCoord'],
        message: `needs one rate per coordinate (${s.x0.length})`,
      });
    if (s.kind === 'attractor' && s.size[0] * s.size[1] > MAX_ATTRACTOR_BINS)
      ctx.addIssue({
        code: 'custom',
        path: ['size'],
        message: `an attractor has at most ${MAX_ATTRACTOR_BINS} bins (W × H); ${s.size[0]} × ${s.size[1]} is more`,
      });
    if (s.kind === 'attractor' && s.attractor.u.trim() === s.attractor.v.trim())
      ctx.addIssue({
        code: 'custom',
        path: ['attractor'],
        message: 'u and v must be different quantities',
      });
    const box = s.ensemble.box;
    if (box && (box.min.length !== s.x0.length || box.max.length !== s.x0.length))
      ctx.addIssue({
        code: 'custom',
        path: ['ensemble', 'box'],
        message: boxLengthMessage(box, s.x0.length),
      });
  }),
);

/**
 * A box whose corners do not have x0's length, in counts a reader can check against what they wrote:
 * what is needed, what was given, and which corner is wrong when only one is.
 */
function boxLengthMessage(box: { min: number[]; max: number[] }, n: number): string {
  const need = `min and max need one value per coordinate of x0 (${n})`;
  if (box.min.length === box.max.length) return `${need}, not ${box.min.length}`;
  const wrong = (['min', 'max'] as const).filter((k) => box[k].length !== n);
  return `${need}: ${wrong.map((k) => `${k} has ${box[k].length}`).join(', ')}`;
}

/**
 * The lab's default experiment: basins of the scalar matrix factorization at h = 1.1, where no
 * minimizer is stable (h·(x² + y²) ≥ 2h > 2) yet a period-2 orbit attracts a large basin.
 */
export function defaultSpec(): ExperimentSpec {
  return {
    version: SPEC_VERSION,
    kind: 'basin',
    objective: { expr: '(1 - x*y)^2/2', preset: 'mf-scalar', params: {} },
    lr: 1.1,
    lrPerCoord: null,
    optimizer: { ...DEFAULT_OPTIMIZER },
    x0: [0, 0],
    plane: { u: { quantity: 'x', min: -2.5, max: 2.5 }, v: { quantity: 'y', min: -2.5, max: 2.5 } },
    size: [256, 256],
    iterations: 500,
    transient: 300,
    classify: { ...DEFAULT_CLASSIFY },
    observables: [],
    colour: { field: 'outcome', colormap: 'viridis', log: false, range: null },
    ensemble: { samples: 64, box: null, keep: 200, observable: 'x', bins: 200, range: null },
    attractor: { u: 'x', v: 'y', uRange: null, vRange: null },
  };
}

/**
 * Validates anything (a parsed URL, PNG text, JSON file, UI state) as a spec. Missing fields take
 * the defaults, so old links and partial specs keep working; wrong ones throw SpecError.
 */
export function parseSpec(input: unknown, limits: SpecLimits = LAB_LIMITS): ExperimentSpec {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw new SpecError(['spec: must be a JSON object']);
  const unsafe: string[] = [];
  const merged = mergeDefaults(
    defaultSpec() as unknown as Record<string, unknown>,
    input as Record<string, unknown>,
    unsafe,
  );
  // An ensemble view runs transient + keep steps (src/core/ensemble.ts): its iteration
  // count is that sum, whatever a link or a view switch carried over from a basin map.
  const ens = merged.ensemble as Record<string, unknown> | undefined;
  if (ENSEMBLE_KINDS.includes(merged.kind as SpecKind) && isPlain(ens)) {
    const sum = (merged.transient as number) + (ens.keep as number);
    if (Number.isFinite(sum)) merged.iterations = sum;
  }
  // zod builds records by assignment, which drops a `__proto__` key without a word.
  const params = isPlain(merged.objective) ? merged.objective.params : undefined;
  if (isPlain(params) && Object.hasOwn(params, '__proto__'))
    throw new SpecError(["objective.params: '__proto__' cannot be a parameter name"]);
  const paramsOver = isPlain(params) ? paramIssues(params) : [];
  if (paramsOver.length) throw new SpecError(paramsOver);
  const result = schema.safeParse(merged);
  const over = limitIssues(merged, limits);
  if (!result.success || over.length || unsafe.length)
    throw new SpecError([
      ...unsafe,
      ...(result.success ? [] : formatIssues(result.error.issues, defaultSpec())),
      ...over,
    ]);
  const spec = result.data as ExperimentSpec;
  // The preset only labels where the expression came from (titles, f₀ and T of multiscale presets):
  // an expression that is not the preset's formula, merged from a partial spec or sent by a hostile
  // link, must not borrow the preset's Gibbs prediction.
  const preset = spec.objective.preset === null ? undefined : getPreset(spec.objective.preset);
  if (spec.objective.preset !== null && (!preset || squash(preset.formula) !== squash(spec.objective.expr)))
    spec.objective.preset = null;
  return spec;
}

const squash = (s: string) => s.replace(/\s+/g, '');

/**
 * Parses spec JSON text (a file, a PNG chunk) with a message for malformed JSON. A leading byte-order
 * mark (as Windows editors write) is skipped, and the JSON that `gdlab` commands write, which holds
 * the spec under `spec`, is read as that spec.
 */
export function parseSpecJson(text: string, limits: SpecLimits = LAB_LIMITS): ExperimentSpec {
  if (text.length > MAX_SPEC_JSON_CHARS)
    throw new SpecError([
      `spec: ${text.length} characters is too long for a spec (at most ${MAX_SPEC_JSON_CHARS})`,
    ]);
  let value: unknown;
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  try {
    value = JSON.parse(body);
  } catch (e) {
    throw new SpecError([`spec: not valid JSON (${jsonProblem(body, e)})`]);
  }
  if (isPlain(value) && isPlain(value.spec) && !('version' in value) && !('kind' in value))
    value = value.spec;
  return parseSpec(value, limits);
}

export {
  checkSpecQuantities,
  planeQuantities,
  resolveQuantity,
  SWEPT_HYPERS,
  type QuantityRef,
} from './quantities.ts';
