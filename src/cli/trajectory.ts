/**
 * `gdlab trajectory`: one trajectory of an optimizer (GD by default) in float64 with its outcome, and
 * for GD optionally the gradient flow and the modified equations sampled at the same times t = k·h,
 * as JSON.
 */
import { OUTCOME_NAMES } from '../core/outcome.ts';
import { type TrajectoryRecord } from '../core/records.ts';
import { counted } from '../objective/limits.ts';
import type { CompiledObjective } from '../objective/types.ts';
import { getPreset } from '../presets.ts';
import { compileEvaluators } from '../objective/wasm/evaluator.ts';
import { classifyTrajectory } from '../reference/classify.ts';
import { FLOW_KINDS, FlowStopped, sampleFlow, type FlowKind } from '../reference/flows.ts';
import { runTrajectory } from '../reference/gd.ts';
import { findOvershoot, overshootNote } from '../reference/overshoot.ts';
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
  VARIABLE_NAMES,
} from './args.ts';
import { compileOption } from './objective-option.ts';
import { OPTIMIZER_OPTIONS, OPTIMIZER_PATHS, optimizerFromFlags, optimizerHelp } from './optimizer-option.ts';
import { DEFAULT_OPTIMIZER, RULES } from '../optimizer/rules.ts';
import { checkWritable, jsonText, writeFileAtomic } from './output.ts';
import { ANNOUNCE_SECONDS, formatDuration, parseMaxSeconds, RunStopped } from './progress.ts';
import { estimateRun, PastDeadline, PROBE_STEPS } from './trajectory-estimate.ts';

export const help = `gdlab trajectory: one trajectory in float64 (GD or another optimizer), with GD's flows

usage: gdlab trajectory --objective ID_OR_EXPR [options]

  --objective ID_OR_EXPR  a preset id (quadratic, mf-scalar, …) or an expression in x, y or x1…x8
  --param NAME=VALUE      a parameter's value (repeatable; presets supply defaults)
  --lr H                  learning rate h > 0 (default: the preset's)
  --lr.x H                one coordinate's rate (likewise for every variable; the others keep --lr),
                          as a map with rates per coordinate runs; not with --flows
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
  --max-seconds S         stop a run that takes longer than S seconds (nothing is written), at once
                          when its first steps say it would
  -h, --help              this text

Output (float64 JSON; non-finite numbers are written as null):
  {"spec": …, "t": [k·h …], "iterates": [[x…] …], "f": […], "sharpness": […],
   "outcome": {"name", "code", "iter", "period", "lyapunov", "f", "sharpness", "obs0", "obs1", "final0", "final1"},
   "flows": {"gf": [[x…] …], "me1": …, "me2": …}, "notes": [text …],
   "state": {"v": [[v…] …]} (the optimizer's vectors at each iterate: v; s; m and s; {} for GD)}
The outcome is the whole state's (src/core/outcome.ts): the period test compares x and the optimizer's
vectors, the Lyapunov exponent is that of the whole update map, divergence watches x.
A diverged trajectory stops at its escape iteration (the escaped iterate is included), and the flows are
sampled at the same times. Where h·λmax(∇²f(x_k)) > 1 at some k GD flips sign along the sharpest
direction, which no flow follows: a note (also on stderr) says from which step. A flow whose integration to tolerance needs too much work (at a kink of f)
stops early: its later samples are null, and a note (also on stderr) says where.
Negative numbers may follow a flag directly: --x0 -1,2.
`;

const OPTIONS = {
  objective: { type: 'string' },
  param: { type: 'string', multiple: true },
  lr: { type: 'string' },
  ...Object.fromEntries(VARIABLE_NAMES.map((v) => [`lr.${v}`, { type: 'string' }] as const)),
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
  /**
   * One line each: a start at a critical point, GD overshooting beside its flows (overshootNote), a
   * flow stopped early (FlowStopped's reason 'work').
   */
  notes: string[];
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
  // The plane is checked like any spec's, so it must be one for every start and rate the flags take:
  // c ± 3 rounds to one number beyond |c| ≈ 1e16 ("plane.u: max must exceed min" refused --x0 1e17),
  // and 2h overflows for h near 1e308, where h/4 to 2h is also too narrow for h below ~1e-305.
  const MAX = Number.MAX_VALUE;
  const around = (q: string, c: number): AxisRange => {
    const w = Math.max(3, Math.abs(c) / 2);
    return { quantity: q, min: Math.max(c - w, -MAX), max: Math.min(c + w, MAX) };
  };
  const rates = { quantity: 'lr', min: lr / 4, max: Math.min(Math.max(2 * lr, lr / 4 + 2 ** -1012), MAX) };
  return { u: around(vars[0], x0[0]), v: vars.length > 1 ? around(vars[1], x0[1]) : rates };
}

/** Most numbers a trajectory's JSON may hold: (iters + 1) × (dim × (1 + flows + state vectors) + 3). */
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

  const lrGiven = flags.lr !== undefined ? parseNumber('lr', flags.lr) : preset?.lr;
  if (lrGiven !== undefined && !(lrGiven > 0)) throw new CliError(`--lr: '${flags.lr}' must be positive`);
  const rateFlags = flags as Record<string, unknown>;
  const rates = new Array<number | undefined>(obj.dim).fill(lrGiven);
  let perCoord = false;
  for (const v of VARIABLE_NAMES) {
    const text = rateFlags[`lr.${v}`] as string | undefined;
    if (text === undefined) continue;
    const i = obj.vars.indexOf(v);
    if (i < 0) throw new CliError(`--lr.${v}: the objective's variables are ${obj.vars.join(', ')}`);
    rates[i] = parseNumber(`lr.${v}`, text);
    if (!(rates[i]! > 0)) throw new CliError(`--lr.${v}: '${text}' must be positive`);
    perCoord = true;
  }
  // Every coordinate's own rate given: --lr is not needed (the spec's h is then the first of them).
  const lr = lrGiven ?? (rates.every((r) => r !== undefined) ? rates[0] : undefined);
  if (lr === undefined) throw new CliError('--lr is required for an expression');
  const lrPerCoord = perCoord ? rates.map((r) => r ?? lr) : null;
  const x0 = flags.x0 !== undefined ? parseList('x0', flags.x0) : preset ? [...preset.x0] : undefined;
  if (x0 === undefined)
    throw new CliError(
      `--x0 is required for an expression (${obj.dim} ${obj.dim === 1 ? 'number' : 'numbers'}: ${obj.vars.join(', ')})`,
    );
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
  if (flows.length && lrPerCoord)
    throw new CliError(
      '--flows: the flows are those of GD at one rate h; drop --flows or the --lr.<var> rates',
    );
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
    lrPerCoord,
    x0,
    plane: defaultPlane(obj.vars, x0, lr, resolved.preset),
    iterations,
    transient,
    classify,
    observables,
  });
  checkSpec(spec, () => obj);
  const vectors = RULES[optimizer.kind].state.length;
  const perStep = obj.dim * (1 + flows.length + vectors) + 3;
  const numbers = (iterations + 1) * perStep;
  // Every digit: rounded to 3 significant ones, 5 000 005 read "5.00e+6 (at most 5e+6)", within it.
  if (numbers > MAX_TRAJECTORY_NUMBERS)
    throw new CliError(
      `--iters: ${iterations} steps of ${counted(obj.dim, 'coordinate')}` +
        `${flows.length ? ` with ${counted(flows.length, 'flow')}` : ''} would write ${numbers} numbers, ` +
        `more than the ${MAX_TRAJECTORY_NUMBERS} allowed; lower --iters to at most ` +
        `${Math.floor(MAX_TRAJECTORY_NUMBERS / perStep) - 1}${flows.length ? ' or drop --flows' : ''}`,
    );

  return { spec, obj, params: resolvePlane(spec, obj).p, iterations, transient, flows };
}

/**
 * Runs GD for `iterations` steps, classifies and samples the flows: everything the JSON holds.
 * Throws PastDeadline once performance.now() passes `deadline` (looked at inside the flows, whose
 * integration can take far longer than GD). `timing.stoppedMs` gathers the time of flows that
 * stopped on their work allowance.
 */
function computeTrajectory(
  plan: TrajectoryPlan,
  iterations = plan.iterations,
  deadline = Infinity,
  timing = { stoppedMs: 0 },
): TrajectoryJson {
  const { spec, obj, params } = plan;
  const rate = spec.lrPerCoord ?? spec.lr;
  const tr = runTrajectory(
    obj,
    spec.x0,
    rate,
    params,
    iterations,
    spec.classify.divergeRadius,
    spec.optimizer,
  );
  const rec = classifyTrajectory(obj, spec.x0, rate, {
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
  const notes: string[] = [];
  // Every optimizer here starts with its vectors at 0, so a start where the gradient vanishes never moves.
  const g0 = new Float64Array(obj.dim);
  obj.grad(spec.x0, params, g0);
  if (g0.every((g) => g === 0))
    notes.push(
      `x0 = (${spec.x0.join(', ')}) is a critical point of f (its gradient is 0): the trajectory stays there`,
    );
  // Only beside flows: without them there is nothing the note would qualify.
  const over = plan.flows.length > 0 ? findOvershoot(spec.lr, tr.sharpness) : null;
  if (over) notes.push(overshootNote(over));
  if (plan.flows.length > 0 && performance.now() > deadline) throw new PastDeadline('before the flows');
  for (const kind of plan.flows) {
    const t0 = performance.now();
    let xs: Float64Array[];
    try {
      xs = sampleFlow(obj, kind, spec.x0, spec.lr, params, K, {
        divergeRadius: spec.classify.divergeRadius,
        deadline,
      });
    } catch (e) {
      if (!(e instanceof FlowStopped)) throw e;
      if (e.reason === 'deadline')
        throw new PastDeadline(`in the ${kind} flow, at step ${e.samples.length - 1} of ${K}`);
      notes.push(`${e.message}; its later samples are null`);
      timing.stoppedMs += performance.now() - t0;
      xs = [...e.samples];
      while (xs.length <= K) xs.push(new Float64Array(n).fill(NaN));
    }
    flowOut[kind] = xs.map((x) => Array.from(x));
  }

  const { outcome, ...rest } = rec;
  return {
    spec,
    t: tr.iterates.map((_, k) => k * spec.lr),
    iterates: tr.iterates.map((x) => Array.from(x)),
    f: tr.f,
    sharpness: tr.sharpness,
    outcome: { name: OUTCOME_NAMES[outcome], code: outcome, ...rest },
    flows: flowOut,
    notes,
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

export async function run(argv: string[]): Promise<number> {
  const flags = parseTrajectoryFlags(argv);
  const maxSeconds = parseMaxSeconds(flags['max-seconds']);
  // From the start, like basin's: --max-seconds bounds the whole command, timing run included.
  const deadline = maxSeconds === undefined ? Infinity : performance.now() + maxSeconds * 1000;
  const plan = inFlagTerms(argv, PATHS, () => planTrajectory(flags));
  if (flags.json !== undefined && flags.json !== '-') checkWritable(flags.json, 'json');
  const estimate = estimateRun(plan.iterations, deadline, (steps, until, timing) =>
    computeTrajectory(plan, steps, until, timing),
  );
  if (estimate !== undefined) {
    const about = `${estimate.atLeast ? 'more than' : 'about'} ${formatDuration(estimate.seconds)}`;
    if (maxSeconds !== undefined && estimate.seconds > maxSeconds)
      throw new RunStopped(
        `this trajectory would take ${about}, more than --max-seconds ${maxSeconds}; nothing was computed`,
      );
    if (estimate.seconds > ANNOUNCE_SECONDS)
      process.stderr.write(
        `gdlab trajectory: this run will take ${about} (timed on its first ${PROBE_STEPS} steps)\n`,
      );
  }
  let out: TrajectoryJson;
  try {
    out = computeTrajectory(plan, plan.iterations, deadline);
  } catch (e) {
    if (!(e instanceof PastDeadline)) throw e;
    throw new RunStopped(`stopped after --max-seconds ${maxSeconds} (${e.where}); nothing was written`);
  }
  for (const note of out.notes) process.stderr.write(`gdlab trajectory: ${note}\n`);
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
