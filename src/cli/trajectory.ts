/**
 * `gdlab trajectory`: one trajectory of an optimizer (GD by default) in float64 with its outcome, and
 * for GD optionally the gradient flow and the modified equations sampled at the same times t = k·h,
 * as JSON.
 */
import { OUTCOME_NAMES, type TrajectoryRecord } from '../core/outcome.ts';
import type { CompiledObjective } from '../objective/types.ts';
import { getPreset } from '../presets.ts';
import { compileEvaluators } from '../objective/wasm/evaluator.ts';
import { classifyTrajectory } from '../reference/classify.ts';
import { FLOW_KINDS, sampleFlow, type FlowKind } from '../reference/flows.ts';
import { runTrajectory } from '../reference/gd.ts';
import { checkSpec } from '../experiment/check.ts';
import { resolvePlane } from '../experiment/plane.ts';
import { parseSpec, type AxisRange, type ExperimentSpec } from '../experiment/spec.ts';
import {
  checkParamNames,
  CliError,
  escapeControl,
  inFlagTerms,
  parseFlags,
  parseInteger,
  parseList,
  parseNumber,
  parseParams,
} from './args.ts';
import { compileOption } from './objective-option.ts';
import { OPTIMIZER_OPTIONS, OPTIMIZER_PATHS, optimizerFromFlags, optimizerHelp } from './optimizer-option.ts';
import { DEFAULT_OPTIMIZER, RULES } from '../optimizer/rules.ts';
import { checkWritable, jsonText, writeFileAtomic } from './output.ts';
import { ANNOUNCE_SECONDS, formatDuration, parseMaxSeconds, RunStopped } from './progress.ts';

export const help = `gdlab trajectory: one trajectory in float64 (GD or another optimizer), with GD's flows

usage: gdlab trajectory --objective ID_OR_EXPR [options]

  --objective ID_OR_EXPR  a preset id (quadratic, mf-scalar, …) or an expression in x, y or x1…x8
  --param NAME=VALUE      a parameter's value (repeatable; presets supply defaults)
  --lr H                  learning rate h > 0 (default: the preset's)
  --x0 A[,B,…]            start, one number per variable (default: the preset's)
  --iters N               steps (default 100, at least 2)
${optimizerHelp()}
  --flows LIST            comma-separated flows sampled at t = k·h: gf (gradient flow),
                          me1, me2 (modified equations of order 1, 2); GD's, so with GD only
  --transient T           steps before the Lyapunov exponent is gathered (default iters/2)
  --max-period P          longest period looked for (default min(16, iters - 1))
  --tol TOL               relative tolerance of the period test (default 1e-4)
  --radius R              ‖x‖∞ beyond which the trajectory has diverged (default 1e6)
  --observable EXPR       an expression evaluated at the final state (at most two)
  --json FILE             write the JSON to FILE ('-' or none: print it)
  --max-seconds S         refuse a run estimated (from its first steps) to take longer than S seconds
  -h, --help              this text

Output (float64 JSON; non-finite numbers are written as null):
  {"spec": …, "t": [k·h …], "iterates": [[x…] …], "f": […], "sharpness": […],
   "outcome": {"name", "iter", "period", "lyapunov", "f", "sharpness", "obs0", "obs1", "final0", "final1"},
   "flows": {"gf": [[x…] …], "me1": …, "me2": …},
   "state": {"v": [[v…] …]} (the optimizer's vectors at each iterate: v; s; m and s; {} for GD)}
The outcome is the whole state's (src/core/outcome.ts): the period test compares x and the optimizer's
vectors, the Lyapunov exponent is that of the whole update map, divergence watches x.
A diverged trajectory stops at its escape iteration (the escaped iterate is included), and the flows are
sampled at the same times. Negative numbers may follow a flag directly: --x0 -1,2.
`;

const OPTIONS = {
  objective: { type: 'string' },
  param: { type: 'string', multiple: true },
  lr: { type: 'string' },
  x0: { type: 'string' },
  iters: { type: 'string' },
  ...OPTIMIZER_OPTIONS,
  flows: { type: 'string' },
  transient: { type: 'string' },
  'max-period': { type: 'string' },
  tol: { type: 'string' },
  radius: { type: 'string' },
  observable: { type: 'string', multiple: true },
  json: { type: 'string' },
  'max-seconds': { type: 'string' },
} as const;

/** The outcome as written to JSON: the record with the outcome's name beside its code. */
export interface OutcomeJson extends Omit<TrajectoryRecord, 'outcome'> {
  name: string;
  code: number;
}

/** What `gdlab trajectory` writes. */
export interface TrajectoryJson {
  spec: ExperimentSpec;
  t: number[];
  iterates: number[][];
  f: number[];
  sharpness: number[];
  outcome: OutcomeJson;
  flows: Partial<Record<FlowKind, number[][]>>;
  /** The optimizer's vectors by name, one row (dim numbers) per iterate; empty for GD. */
  state: Record<string, number[][]>;
}

function parseTrajectoryFlags(argv: string[]) {
  return parseFlags(argv, OPTIONS, 'trajectory');
}

function parseFlows(text: string | undefined): FlowKind[] {
  if (text === undefined) return [];
  const kinds = text.split(',').map((s) => s.trim());
  for (const k of kinds)
    if (!(FLOW_KINDS as readonly string[]).includes(k))
      throw new CliError(`--flows: unknown flow '${k}'; allowed: ${FLOW_KINDS.join(', ')}`);
  return [...new Set(kinds)] as FlowKind[];
}

/**
 * A plane that fits the objective, so that the written spec opens as a basin map: the preset's view,
 * or the first two variables (the first variable and lr in 1-D) around the start.
 */
function defaultPlane(vars: readonly string[], x0: number[], lr: number, presetId: string | null) {
  const preset = presetId ? getPreset(presetId) : undefined;
  if (preset) return { u: { ...preset.view.u }, v: { ...preset.view.v } };
  const around = (q: string, c: number): AxisRange => ({ quantity: q, min: c - 3, max: c + 3 });
  return {
    u: around(vars[0], x0[0]),
    v: vars.length > 1 ? around(vars[1], x0[1]) : { quantity: 'lr', min: lr / 4, max: 2 * lr },
  };
}

/** Most numbers a trajectory's JSON may hold: (iters + 1) × (dim × (1 + flows) + 3). */
export const MAX_TRAJECTORY_NUMBERS = 5_000_000;

/** What a run needs, built and checked from the flags before anything is computed. */
interface TrajectoryPlan {
  spec: ExperimentSpec;
  obj: CompiledObjective;
  params: Float64Array;
  iterations: number;
  transient: number;
  flows: FlowKind[];
}

/** The spec and everything else the flags say, checked (usage errors name the flag). */
function planTrajectory(flags: ReturnType<typeof parseTrajectoryFlags>): TrajectoryPlan {
  if (flags.objective === undefined)
    throw new CliError('--objective is required (a preset id or an expression)');
  const given = parseParams(flags.param);
  const observables = flags.observable ?? [];
  if (observables.length > 2) throw new CliError(`--observable: at most two (got ${observables.length})`);
  const option = compileOption(flags.objective, given, observables);
  const { resolved, preset } = option;
  // The float64 engine's compiled evaluators (the tape gives the same values, more slowly).
  const obj = compileEvaluators(option.obj);
  // A misspelt --param would otherwise leave the default in place without a word.
  checkParamNames(Object.keys(given), obj.params);

  const lr = flags.lr !== undefined ? parseNumber('lr', flags.lr) : preset?.lr;
  if (lr === undefined) throw new CliError('--lr is required for an expression');
  if (!(lr > 0)) throw new CliError(`--lr: '${flags.lr}' must be positive`);
  const x0 = flags.x0 !== undefined ? parseList('x0', flags.x0) : preset ? [...preset.x0] : undefined;
  if (x0 === undefined)
    throw new CliError(`--x0 is required for an expression (${obj.dim} numbers: ${obj.vars.join(', ')})`);
  if (x0.length !== obj.dim)
    throw new CliError(
      `--x0: needs ${obj.dim} number${obj.dim > 1 ? 's' : ''} (${obj.vars.join(', ')}), got ${x0.length}`,
    );
  const iterations = flags.iters !== undefined ? parseInteger('iters', flags.iters, 2) : 100;
  const transient =
    flags.transient !== undefined
      ? parseInteger('transient', flags.transient, 0)
      : Math.floor(iterations / 2);
  const maxPeriod =
    flags['max-period'] !== undefined
      ? parseInteger('max-period', flags['max-period'], 1)
      : Math.min(16, iterations - 1);
  const flows = parseFlows(flags.flows);
  const optimizer = optimizerFromFlags(flags, DEFAULT_OPTIMIZER);
  if (flows.length && optimizer.kind !== 'gd')
    throw new CliError(
      `--flows: gradient flow and the modified equations approximate plain GD, not ${RULES[optimizer.kind].label}; drop --flows or use --optimizer gd`,
    );
  const classify: Record<string, number> = { maxPeriod };
  if (flags.tol !== undefined) classify.tol = parseNumber('tol', flags.tol);
  if (flags.radius !== undefined) classify.divergeRadius = parseNumber('radius', flags.radius);
  // Through parseSpec, so the written spec is one the lab reads back (and its checks give the messages).
  const spec = parseSpec({
    kind: 'basin',
    objective: { expr: resolved.expr, preset: resolved.preset, params: resolved.params },
    optimizer,
    lr,
    lrPerCoord: null,
    x0,
    plane: defaultPlane(obj.vars, x0, lr, resolved.preset),
    iterations,
    transient,
    classify,
    observables,
  });
  checkSpec(spec, () => obj);
  const vectors = RULES[optimizer.kind].state.length;
  const numbers = (iterations + 1) * (obj.dim * (1 + flows.length + vectors) + 3);
  if (numbers > MAX_TRAJECTORY_NUMBERS)
    throw new CliError(
      `--iters: ${iterations} steps of ${obj.dim} coordinates${flows.length ? ` with ${flows.length} flows` : ''} ` +
        `would write ${numbers.toExponential(2)} numbers (at most ${MAX_TRAJECTORY_NUMBERS.toExponential(0)}); ` +
        'lower --iters or drop flows',
    );

  return { spec, obj, params: resolvePlane(spec, obj).p, iterations, transient, flows };
}

/** Runs GD for `iterations` steps, classifies and samples the flows: everything the JSON holds. */
function computeTrajectory(plan: TrajectoryPlan, iterations = plan.iterations): TrajectoryJson {
  const { spec, obj, params } = plan;
  const tr = runTrajectory(
    obj,
    spec.x0,
    spec.lr,
    params,
    iterations,
    spec.classify.divergeRadius,
    spec.optimizer,
  );
  const rec = classifyTrajectory(obj, spec.x0, spec.lr, {
    iterations,
    transient: Math.min(plan.transient, iterations - 1),
    settings: { ...spec.classify, maxPeriod: Math.min(spec.classify.maxPeriod, iterations - 1) },
    params,
    optimizer: spec.optimizer,
  });
  const n = obj.dim;
  const state = Object.fromEntries(
    RULES[spec.optimizer.kind].state.map(([name], j) => [
      name,
      tr.states.map((s) => Array.from(s.subarray(j * n, (j + 1) * n))),
    ]),
  );
  const K = tr.iterates.length - 1;
  const flowOut: Partial<Record<FlowKind, number[][]>> = {};
  for (const kind of plan.flows)
    flowOut[kind] = sampleFlow(obj, kind, spec.x0, spec.lr, params, K, {
      divergeRadius: spec.classify.divergeRadius,
    }).map((x) => Array.from(x));

  const { outcome, ...rest } = rec;
  return {
    spec,
    t: tr.iterates.map((_, k) => k * spec.lr),
    iterates: tr.iterates.map((x) => Array.from(x)),
    f: tr.f,
    sharpness: tr.sharpness,
    outcome: { name: OUTCOME_NAMES[outcome], code: outcome, ...rest },
    flows: flowOut,
    state,
  };
}

/** Builds the spec, runs GD, classifies and samples the flows: everything the JSON holds. */
export function trajectoryJson(argv: string[]): TrajectoryJson {
  return computeTrajectory(inFlagTerms(argv, PATHS, () => planTrajectory(parseTrajectoryFlags(argv))));
}

/** The spec fields the flags set, for messages in the flags' terms. */
const PATHS = {
  iterations: 'iters',
  transient: 'transient',
  'classify.maxPeriod': 'max-period',
  'classify.tol': 'tol',
  'classify.divergeRadius': 'radius',
  lr: 'lr',
  x0: 'x0',
  observables: 'observable',
  ...OPTIMIZER_PATHS,
};

/** Steps timed before a long trajectory, to estimate the whole run. */
const PROBE_STEPS = 2000;

/**
 * The time the whole run will take, from a timed run of its first PROBE_STEPS steps (the reference
 * engine is synchronous: it can be estimated and refused, not interrupted). Undefined when the run is
 * that short anyway.
 */
function estimateSeconds(plan: TrajectoryPlan): number | undefined {
  if (plan.iterations <= 2 * PROBE_STEPS) return undefined;
  const t0 = performance.now();
  computeTrajectory(plan, PROBE_STEPS);
  return ((performance.now() - t0) / 1000) * (plan.iterations / PROBE_STEPS);
}

export async function run(argv: string[]): Promise<number> {
  const flags = parseTrajectoryFlags(argv);
  const maxSeconds = parseMaxSeconds(flags['max-seconds']);
  const plan = inFlagTerms(argv, PATHS, () => planTrajectory(flags));
  if (flags.json !== undefined && flags.json !== '-') checkWritable(flags.json, 'json');
  const estimate = estimateSeconds(plan);
  if (estimate !== undefined && maxSeconds !== undefined && estimate > maxSeconds)
    throw new RunStopped(
      `this trajectory would take about ${formatDuration(estimate)}, more than --max-seconds ${maxSeconds}; nothing was computed`,
    );
  if (estimate !== undefined && estimate > ANNOUNCE_SECONDS)
    process.stderr.write(
      `gdlab trajectory: this run will take about ${formatDuration(estimate)} (timed on its first ${PROBE_STEPS} steps)\n`,
    );
  const out = computeTrajectory(plan);
  const text = jsonText(out);
  if (flags.json === undefined || flags.json === '-') {
    process.stdout.write(text);
    return 0;
  }
  writeFileAtomic(flags.json, text);
  const o = out.outcome;
  const detail =
    o.name === 'diverged' ? `escaped at iteration ${o.iter}` : `period ${o.period}, λ = ${o.lyapunov}`;
  process.stdout.write(`wrote ${escapeControl(flags.json)}: ${o.name} (${detail})\n`);
  return 0;
}
