/**
 * `gdlab bifurcation`: long-run iterates of an observable against a swept learning rate, as a density
 * per column with each column's diverged fraction, period, Lyapunov exponent and extremes. The GPU
 * engine when Dawn finds an adapter, else the float64 reference (said in `engine`).
 */
import {
  columnsJson,
  runEnsembleSpec,
  type BifurcationResult,
  type EnsembleEngine,
} from '../core/ensemble.ts';
import { labColours, renderEnsembleImage } from '../engine/bifurcation-render.ts';
import type { EngineInfo } from '../core/engine.ts';
import type { CreatedEngine } from '../select/node.ts';
import { defaultSpec, parseSpec, type ExperimentSpec } from '../experiment/spec.ts';
import {
  checkParamNames,
  CliError,
  ENGINE_HELP,
  inFlagTerms,
  parseEngineChoice,
  parseFlags,
  parseInteger,
  parseList,
  parseNumber,
  parseParams,
  parseRange,
} from './args.ts';
import { checkSpec } from '../experiment/check.ts';
import { defaultAxisRange, startBox } from '../experiment/adapt.ts';
import { compileOption } from './objective-option.ts';
import {
  isRange,
  OPTIMIZER_OPTIONS,
  OPTIMIZER_PATHS,
  optimizerFromFlags,
  optimizerHelp,
} from './optimizer-option.ts';
import { checkWritable, writeJson, writeSpecPng } from './output.ts';
import { inSpecFile, readSpecOfKind } from './spec-file.ts';
import { ensembleSummary } from './ensemble-summary.ts';
import { parseMaxSeconds, RunMonitor } from './progress.ts';

/** --x0 in the help of the ensemble commands (bifurcation, density, attractor). */
export const X0_HELP = `  --x0 A:B | A[,B,…]      starts spread over the box [A, B] in every coordinate, or one start for all
                          (default: spread over the middle half of the preset's window in each
                          coordinate, or over [-1/4, 1/4] for an expression, as the lab spreads them)`;

/** --x0 in the attractor's help: its starts spread around one start. */
export const X0_ATTRACTOR_HELP = `  --x0 A:B | A[,B,…]      starts spread over the box [A, B] in every coordinate, or one start for all
                          (default: spread over x₀ ± 1/4, x₀ the preset's start or 0, as the lab's
                          attractor view spreads them)`;

export const help = `gdlab bifurcation: long-run iterates against the learning rate, as a density

usage: gdlab bifurcation --objective ID_OR_EXPR [--lr A:B] [options]

  --objective ID_OR_EXPR  a preset id (double-well, mf-scalar, …) or an expression in x, y or x1…x8
  --param NAME=VALUE      a parameter's value (repeatable; presets supply defaults)
  --lr A:B                learning rates of the columns, at column centres (default: the preset's range,
                          or 0.11:2.42 for an expression, as the lab sweeps a typed objective); one
                          rate H when --beta or --beta2 is the range the columns sweep
  --columns W             columns (default 256)
  --rows H                rows of the density (default 256)
  --samples M             trajectories per column (default 16)
  --transient T           steps discarded before anything is kept (default 500)
  --keep K                iterates kept per trajectory after the transient (default 200)
  --observable NAME_OR_EXPR  what is histogrammed: a variable, f, or an expression (default: the first variable)
${X0_HELP}
  --range A:B             the density's value range (default: the extremes of the kept iterates of
                          the bounded samples, leaving out those whose outcome is escaping unless
                          all are)
  --max-period P          longest period looked for (default 16)
${optimizerHelp(true)}
${ENGINE_HELP}
  --json FILE             write the JSON to FILE ('-': print it; the default without --png)
  --max-seconds S         stop the run after S seconds (at once when its estimate is far longer)
  --spec FILE             a spec of kind bifurcation (JSON, or a PNG gdlab saved) instead of the flags
  --png FILE              write the picture: log density under a strip of diverged fraction and
                          period per column, with the spec in a tEXt chunk 'gdlab-spec'
  -h, --help              this text

Each trajectory runs transient + keep steps; a sample counts as diverged when it escapes at any step,
and only bounded samples contribute to the density (exactly keep counts each, out-of-range ones in
the JSON's outside). Output:
  {"spec": …, "engine": {"kind", "precision", "adapter"}, "reason": "…", "range": [lo, hi], "outside": n,
   "columns": [{"lr": h, "diverged": fraction, "period": p or null, "outcome": "…", "lyapunov": λ, "min": v,
   "max": v}, …]}
period is the most common period among the column's bounded samples; null where the aperiodic ones
(chaotic, escaping and unsettled together) or none win. outcome names the column's class: converged
or periodic where a period wins, else the most common of chaotic, escaping and unsettled, or diverged
where nothing is bounded. The picture's second strip shows it. Negative numbers may follow a flag
directly: --x0 -2:2.
`;

export const ENSEMBLE_OPTIONS = {
  objective: { type: 'string' },
  param: { type: 'string', multiple: true },
  lr: { type: 'string' },
  columns: { type: 'string' },
  rows: { type: 'string' },
  samples: { type: 'string' },
  transient: { type: 'string' },
  keep: { type: 'string' },
  bins: { type: 'string' },
  observable: { type: 'string' },
  x0: { type: 'string' },
  range: { type: 'string' },
  'max-period': { type: 'string' },
  ...OPTIMIZER_OPTIONS,
  engine: { type: 'string' },
  json: { type: 'string' },
  png: { type: 'string' },
  'max-seconds': { type: 'string' },
  spec: { type: 'string' },
} as const;

type Flags = Partial<Record<Exclude<keyof typeof ENSEMBLE_OPTIONS, 'no-bias-correction'>, string>> & {
  param?: string[];
  'no-bias-correction'?: boolean;
};

/** The optimizer flags, which every ensemble subcommand takes. */
export const OPTIMIZER_FLAGS = Object.keys(OPTIMIZER_OPTIONS);

/**
 * The flags both `gdlab bifurcation` and `gdlab density` take: those baseEnsembleSpec,
 * savedEnsembleSpec and runEnsembleCommand read. Each adds its own grid's (columns and rows; bins).
 */
export const SHARED_ENSEMBLE_FLAGS = [
  'objective',
  'param',
  'lr',
  'samples',
  'transient',
  'keep',
  'observable',
  'x0',
  'range',
  'max-period',
  ...OPTIMIZER_FLAGS,
  'engine',
  'json',
  'png',
  'max-seconds',
  'spec',
];

/** The subset of ENSEMBLE_OPTIONS a subcommand takes, parsed strictly (negative values joined by args.ts). */
export function parseEnsembleFlags(argv: string[], command: string, allowed: readonly string[]): Flags {
  const options = Object.fromEntries(
    Object.entries(ENSEMBLE_OPTIONS).filter(([k]) => allowed.includes(k)),
  ) as Partial<typeof ENSEMBLE_OPTIONS>;
  return parseFlags(argv, options, command) as Flags;
}

/**
 * The parts of a spec that bifurcation and density share: objective, parameters, start or box,
 * transient, keep, observable, range and period settings. Everything else keeps the defaults.
 */
export function baseEnsembleSpec(
  flags: Flags,
  defaults: { transient: number; keep: number; samples: number },
  sweeps = false,
  spread: 'window' | 'start' = 'window',
) {
  if (flags.objective === undefined)
    throw new CliError('--objective is required (a preset id or an expression)');
  const given = parseParams(flags.param);
  // Compiled here only for its variables and parameters, so flag errors name them.
  const { resolved, preset, obj } = compileOption(flags.objective, given);
  checkParamNames(Object.keys(given), obj.params);
  const dim = obj.dim;
  let x0 = preset ? [...preset.x0] : new Array<number>(dim).fill(0);
  let box: { min: number[]; max: number[] } | null = null;
  if (flags.x0 === undefined) {
    // Spread as the lab's ensemble views spread them (over the preset's window, or an attractor's
    // around its start): one start for every sample ran the same trajectory M times, and x₀ = 0 (a
    // typed objective's) is a critical point of the usual objectives, where the diagram was one line
    // at 0 against every rate.
    box = startBox(obj.vars, x0, preset && spread === 'window' ? [preset.view.u, preset.view.v] : []);
  } else if (flags.x0.includes(':')) {
    const [a, b] = parseRange('x0', flags.x0);
    box = { min: new Array<number>(dim).fill(a), max: new Array<number>(dim).fill(b) };
    x0 = new Array<number>(dim).fill((a + b) / 2);
  } else {
    const v = parseList('x0', flags.x0);
    if (v.length !== 1 && v.length !== dim)
      throw new CliError(`--x0: needs 1 or ${dim} numbers (${obj.vars.join(', ')}), got ${v.length}`);
    x0 = v.length === 1 ? new Array<number>(dim).fill(v[0]) : v;
  }
  const transient =
    flags.transient !== undefined ? parseInteger('transient', flags.transient, 0) : defaults.transient;
  const keep = flags.keep !== undefined ? parseInteger('keep', flags.keep) : defaults.keep;
  const maxPeriod = flags['max-period'] !== undefined ? parseInteger('max-period', flags['max-period']) : 16;
  const samples = flags.samples !== undefined ? parseInteger('samples', flags.samples) : defaults.samples;
  const observable = flags.observable ?? obj.vars[0];
  const range = flags.range !== undefined ? parseRange('range', flags.range) : null;
  const base = defaultSpec();
  const optimizer = optimizerFromFlags(flags, base.optimizer, sweeps);
  return {
    obj,
    preset,
    spec: {
      ...base,
      objective: { expr: resolved.expr, preset: resolved.preset, params: resolved.params },
      optimizer,
      x0,
      iterations: transient + keep,
      transient,
      classify: { ...base.classify, maxPeriod },
      ensemble: { ...base.ensemble, samples, box, keep, observable, range },
    },
  };
}

/** The spec fields the ensemble flags set, for messages in the flags' terms. */
export const ENSEMBLE_PATHS = {
  'size.0': 'columns',
  'size.1': 'rows',
  'ensemble.samples': 'samples',
  'ensemble.keep': 'keep',
  'ensemble.observable': 'observable',
  'ensemble.range': 'range',
  'ensemble.bins': 'bins',
  'ensemble.box': 'x0',
  transient: 'transient',
  iterations: 'keep',
  'classify.maxPeriod': 'max-period',
  lr: 'lr',
  x0: 'x0',
  ...OPTIMIZER_PATHS,
};

/** parseSpec, then the one check every spec passes (src/experiment/check.ts): the observable included. */
/** Flags that run a saved spec (`--spec FILE`) rather than describe one. */
const RUN_FLAGS = new Set(['engine', 'json', 'png', 'max-seconds', 'spec']);

/**
 * `--spec FILE` of an ensemble command: the saved spec (JSON, or a PNG gdlab wrote), which must be of
 * the command's kind, with no flag beside it that would describe another experiment.
 */
export function savedEnsembleSpec(
  flags: Record<string, unknown>,
  kind: ExperimentSpec['kind'],
): ExperimentSpec {
  const extra = Object.keys(flags).filter((k) => k !== '_' && flags[k] !== undefined && !RUN_FLAGS.has(k));
  if (extra.length)
    throw new CliError(`--spec sets the experiment; drop --${extra.join(', --')} or drop --spec`);
  const file = flags.spec as string;
  try {
    return checkedSpec(readSpecOfKind(file, kind));
  } catch (e) {
    throw inSpecFile(file, e);
  }
}

export function checkedSpec(input: unknown): ExperimentSpec {
  const spec = parseSpec(input);
  checkSpec(spec);
  return spec;
}

/**
 * Runs an ensemble spec from the flags: the outputs checked first, the run under a RunMonitor
 * (estimate, progress, --max-seconds), the outputs written (with the engine that ran, which may
 * colour the picture where the counts are), the engine disposed whatever happens.
 */
export async function runEnsembleCommand(
  command: string,
  flags: Flags,
  spec: ExperimentSpec,
  write: (result: BifurcationResult, reason: string, engine: EnsembleEngine) => void | Promise<void>,
): Promise<number> {
  const maxSeconds = parseMaxSeconds(flags['max-seconds']);
  for (const flag of ['png', 'json'] as const)
    if (flags[flag] !== undefined) checkWritable(flags[flag], flag);
  const created = await openEnsembleEngine(flags.engine, spec);
  try {
    const monitor = new RunMonitor({ command, maxSeconds });
    const result = await monitor.run((options) => runEnsembleSpec(created.engine, spec, options));
    await write(result, created.decision.reason, created.engine);
  } finally {
    created.dispose();
  }
  return 0;
}

/** The engine `--engine` asks for (auto by default: src/select/decide.ts), with why it was chosen. */
export async function openEnsembleEngine(
  choice: string | undefined,
  spec?: ExperimentSpec,
): Promise<CreatedEngine<EnsembleEngine>> {
  const { createEnsembleEngine } = await import('../select/node.ts');
  const created = await createEnsembleEngine({ choice: parseEngineChoice(choice), spec });
  if (created.fellBack) process.stderr.write(`gdlab: ${created.decision.reason}\n`);
  return created;
}

/** What `gdlab bifurcation` writes as JSON. */
export interface BifurcationJson {
  spec: ExperimentSpec;
  engine: EngineInfo;
  /** Why this engine ran (src/select/decide.ts). */
  reason: string;
  range: [number, number];
  outside: number;
  columns: Record<string, number | string | null>[];
}

export function bifurcationJson(result: BifurcationResult, reason: string): BifurcationJson {
  return {
    spec: result.spec,
    engine: result.info,
    reason,
    range: result.range,
    outside: result.outside.reduce((a, b) => a + b, 0),
    columns: columnsJson(result),
  };
}

/** Builds the spec from flags (parseSpec checks it like any other). */
export function bifurcationSpec(flags: Flags): ExperimentSpec {
  if (flags.spec !== undefined) return savedEnsembleSpec(flags, 'bifurcation');
  const { obj, preset, spec } = baseEnsembleSpec(flags, { transient: 500, keep: 200, samples: 16 }, true);
  const W = flags.columns !== undefined ? parseInteger('columns', flags.columns) : 256;
  const H = flags.rows !== undefined ? parseInteger('rows', flags.rows) : 256;
  const range = spec.ensemble.range ?? [-1, 1];
  // v is the value axis; it names the first variable so the spec stays valid as a plane.
  const v = { quantity: obj.vars[0], min: range[0], max: range[1] };
  const hypers = (['beta', 'beta2'] as const).filter((n) => isRange(flags[n]));
  if (hypers.length > 1)
    throw new CliError('--beta, --beta2: the columns sweep one of them; give the other a value');
  if (hypers.length === 1) {
    // The columns sweep β or β₂ at one rate.
    const name = hypers[0];
    const [a, b] = parseRange(name, flags[name]!);
    const text = flags.lr ?? (preset ? String(preset.lr) : undefined);
    if (text === undefined)
      throw new CliError(`--lr H is required for an expression (the columns sweep ${name})`);
    if (isRange(text)) throw new CliError(`--lr: '${text}' must be one rate: the columns sweep ${name}`);
    const lr = parseNumber('lr', text);
    if (!(lr > 0)) throw new CliError(`--lr: '${text}' must be positive`);
    return checkedSpec({
      ...spec,
      kind: 'bifurcation',
      lr,
      optimizer: { ...spec.optimizer, [name]: Math.min(Math.max((a + b) / 2, 0), 0.999) },
      plane: { u: { quantity: name, min: a, max: b }, v },
      size: [W, H],
    });
  }
  // An expression's columns sweep the lab's first range for a typed objective (around its default rate).
  const lr =
    flags.lr !== undefined
      ? parseRange('lr', flags.lr)
      : preset
        ? [...preset.lrRange]
        : defaultAxisRange(defaultSpec(), 'lr');
  if (!(lr[0] > 0)) throw new CliError(`--lr: '${flags.lr}' must be a range of positive rates`);
  return checkedSpec({
    ...spec,
    kind: 'bifurcation',
    lr: (lr[0] + lr[1]) / 2,
    plane: { u: { quantity: 'lr', min: lr[0], max: lr[1] }, v },
    size: [W, H],
  });
}

export async function run(argv: string[]): Promise<number> {
  const flags = parseEnsembleFlags(argv, 'bifurcation', [...SHARED_ENSEMBLE_FLAGS, 'columns', 'rows']);
  const spec = inFlagTerms(argv, ENSEMBLE_PATHS, () => bifurcationSpec(flags));
  return runEnsembleCommand('bifurcation', flags, spec, async (result, reason, engine) => {
    // The GPU engine colours its counts where they are; the CPU engines through renderBifurcation.
    if (flags.png !== undefined) {
      const image = await renderEnsembleImage(engine, result, labColours(spec.colour.colormap));
      writeSpecPng(flags.png, image, spec, result.info);
    }
    if (flags.json !== undefined || flags.png === undefined)
      writeJson(flags.json ?? '-', bifurcationJson(result, reason));
    else process.stdout.write(ensembleSummary(result, reason));
  });
}
