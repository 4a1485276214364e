/**
 * `gdlab basin`: a basin map over a plane of two swept quantities (starts, rates, parameters), on
 * the GPU engine (f32) or the float64 CPU engine (all cores), as outcome counts in JSON and a PNG that carries
 * its spec.
 */
import { recordsFor } from '../core/engine.ts';
import { compileObjective } from '../objective/compile.ts';
import { axisValue } from '../experiment/plane.ts';
import { checkSpec } from '../experiment/check.ts';
import {
  COLORMAPS,
  COLOUR_FIELDS,
  defaultSpec,
  LAB_LIMITS,
  parseSpec,
  planeQuantities,
  SpecError,
  SWEPT_HYPERS,
  type ColormapName,
  type ColourField,
  type ExperimentSpec,
  type SpecLimits,
} from '../experiment/spec.ts';
import {
  checkParamNames,
  CliError,
  ENGINE_HELP,
  inFlagTerms,
  parseEngineChoice,
  parseFlags,
  parseInteger,
  parseNumber,
  parseParamItems,
  VARIABLE_NAMES,
} from './args.ts';
import { compileOption } from './objective-option.ts';
import { defaultAxisRange } from '../experiment/adapt.ts';
import { OPTIMIZER_OPTIONS, OPTIMIZER_PATHS, optimizerFromFlags, optimizerHelp } from './optimizer-option.ts';
import { checkWritable, writeJson, writeSpecPng } from './output.ts';
import { parseMaxSeconds, RunMonitor } from './progress.ts';
import { readSpecFile } from './spec-file.ts';
import { basinSummary, mapColour, type MapColour } from './basin-summary.ts';
import { PIECE_HELP, PIECE_OPTIONS, pieceSpecLimits, runPieceFlags } from './pieces.ts';

export const help = `gdlab basin: a basin map over a plane of starts, learning rates or parameters

usage: gdlab basin --objective ID_OR_EXPR --x A:B --y C:D [options]

  --objective ID_OR_EXPR  a preset id (mf-scalar, double-well, …) or an expression in x, y or x1…x8
  --param NAME=VALUE      a parameter's value (repeatable); NAME=A:B when the plane sweeps it
  --lr H                  learning rate (a range A:B when the plane sweeps lr); required for an
                          expression unless the plane sweeps the rates (their first range: h = 1.1)
  --lr.x H                one coordinate's rate (likewise for every variable); a range when swept
  --x V, --y V, --x1 V …  a coordinate of the start; a range A:B for the swept ones
  --plane U,V             the two swept quantities (default x,y, or lr,x in one variable; e.g. lr.x,lr.y
                          or lr,beta); a swept quantity without a range gets the lab's first one:
                          rates 0.1h to 2.2h, coordinates -3 to 3, a parameter 0 to twice its value
  --size WxH              pixels (default 256x256)
  --iters N               GD iterations per pixel (default 500)
  --transient T           iterations before the Lyapunov exponent is averaged (default 3N/5)
  --max-period P          longest period looked for (default 16)
  --no-lyapunov           skip the Lyapunov exponent (faster; nothing is then called chaotic)
${optimizerHelp(true)}
  --observable EXPR       an expression of the final state, in the variables and parameters (at most
                          two: obs0, obs1 of --color-by and of the JSON's records)
  --color-by FIELD        ${COLOUR_FIELDS.join(', ')} (default outcome)
  --colormap NAME         ${COLORMAPS.join(', ')} (default viridis)
  --log                   colour by log10 of the field
${ENGINE_HELP}
  --spec FILE             start from a saved spec (JSON, or a PNG saved by gdlab); flags override it
  --png FILE              write the map, with its spec in a tEXt chunk 'gdlab-spec' and the engine and
                          precision that computed it in 'Source'
  --json FILE             write the result as JSON ('-': stdout; the default without --png)
  --max-seconds S         stop the run after S seconds (at once when its estimate is far longer);
                          a run estimated over 10 s shows its estimate and progress on stderr
  -h, --help              this text

Pixel (i, j) runs at the pixel centre of each axis; row 0 is the bottom of the picture. JSON:
  {"spec": …, "engine": "gpu"|"cpu", "adapter": "…", "precision": "f32"|"f64", "reason": "…", "size": [W, H],
   "counts": {"diverged": n, "escaping": n, "converged": n, "periodic": {"2": n, …}, "chaotic": n,
              "unsettled": n, "aperiodic": n}, "ms": …, "steps": …,
   "columns": {"<u quantity>": [value per column], "diverged": [fraction of the column's pixels that
               diverged]},
   "colour": {"field", "log", "range": [lo, hi]}}   (with --png and --color-by a field: the values, or
               their log10, mapped onto the colormap's ends, null where no pixel has a value; escaping
               pixels are left out of a range taken from the data unless no other pixel has a value)
  aperiodic = chaotic + unsettled; the README's 'What the colours mean' defines each class. The columns
  show where a sweep crosses a stability edge (counted where the records are: W numbers read back).
${PIECE_HELP}`;

const OPTIONS = {
  objective: { type: 'string' },
  param: { type: 'string', multiple: true },
  lr: { type: 'string' },
  ...Object.fromEntries(
    VARIABLE_NAMES.flatMap((v) => [
      [v, { type: 'string' }] as const,
      [`lr.${v}`, { type: 'string' }] as const,
    ]),
  ),
  plane: { type: 'string' },
  ...OPTIMIZER_OPTIONS,
  size: { type: 'string' },
  iters: { type: 'string' },
  transient: { type: 'string' },
  'max-period': { type: 'string' },
  'no-lyapunov': { type: 'boolean' },
  observable: { type: 'string', multiple: true },
  'color-by': { type: 'string' },
  colormap: { type: 'string' },
  log: { type: 'boolean' },
  engine: { type: 'string' },
  spec: { type: 'string' },
  png: { type: 'string' },
  json: { type: 'string' },
  'max-seconds': { type: 'string' },
  ...PIECE_OPTIONS,
} as const;

type Flags = Record<string, string | string[] | boolean | undefined>;

/** A quantity's flag text: a value or a range `A:B`. */
type Given = { value: number } | { range: [number, number] };

function parseGiven(flag: string, text: string): Given {
  // A range is two numbers around a colon; a lone number may be negative (-2), a range too (-2:-1).
  const m = /^(.+?):(.+)$/.exec(text);
  if (!m) return { value: parseNumber(flag, text) };
  const a = parseNumber(flag, m[1]);
  const b = parseNumber(flag, m[2]);
  if (!(b > a)) throw new CliError(`--${flag}: range '${text}' must be increasing`);
  return { range: [a, b] };
}

/**
 * The spec the flags describe (validated by parseSpec within `limits`; usage errors are CliErrors
 * naming the flag).
 */
export function specFromFlags(flags: Flags, limits: SpecLimits = LAB_LIMITS): ExperimentSpec {
  const str = (k: string) => flags[k] as string | undefined;
  const parseWithin = (input: unknown) => parseSpec(input, limits);
  const fromFile = str('spec') !== undefined ? readSpecFile(str('spec')!, limits) : null;
  if (!fromFile && str('objective') === undefined)
    throw new CliError('--objective is required (a preset id or an expression), or --spec FILE');

  // Parameters: NAME=VALUE, or NAME=A:B for a swept one.
  const params: Record<string, Given> = {};
  for (const [name, text] of parseParamItems(flags.param as string[] | undefined))
    params[name] = parseGiven(`param ${name}`, text);
  // A swept parameter still needs a value in the spec (the plane overrides it pixel by pixel): its
  // range's midpoint.
  const values = Object.fromEntries(
    Object.entries(params).map(([k, g]) => [k, 'value' in g ? g.value : (g.range[0] + g.range[1]) / 2]),
  ) as Record<string, number>;

  let spec: ExperimentSpec = fromFile ?? defaultSpec();
  let objective = spec.objective;
  // A typed expression without a spec file has no rate to fall back on (1.1 is mf-scalar's).
  let typedNew = false;
  let newObjective = false;
  const observables = (flags.observable as string[] | undefined) ?? spec.observables;
  if (observables.length > 2) throw new CliError(`--observable: at most two (got ${observables.length})`);
  if (str('objective') !== undefined) {
    // Compiled here for the message an unknown preset gets; the compilation below is the same one.
    const { resolved, preset } = compileOption(str('objective')!, values, observables);
    objective = { expr: resolved.expr, preset: resolved.preset, params: resolved.params };
    typedNew = !fromFile && !preset;
    newObjective = !fromFile || fromFile.objective.expr !== resolved.expr;
    if (newObjective) {
      // A new objective: the preset's start, rate and view (or zeros and x,y) replace the old ones.
      spec = {
        ...spec,
        x0: preset ? [...preset.x0] : [],
        lr: preset?.lr ?? spec.lr,
        lrPerCoord: null,
        plane: preset ? { u: { ...preset.view.u }, v: { ...preset.view.v } } : spec.plane,
      };
    }
  } else objective = { ...objective, params: { ...objective.params, ...values } };
  const obj = compileObjective({
    expr: objective.expr,
    params: objective.params,
    observables,
  });
  checkParamNames(Object.keys(params), obj.params);
  const optimizer = optimizerFromFlags(flags, spec.optimizer, true);
  const quantities = planeQuantities(obj.vars, obj.params, optimizer);
  const dim = obj.dim;
  // Zeros only for a new objective without a preset's start: a spec file's x0 of the wrong length
  // is refused (checkSpec) as density and attractor refuse it, not replaced by zeros.
  const x0 = spec.x0.length === dim || !newObjective ? [...spec.x0] : new Array<number>(dim).fill(0);

  // The plane: named by --plane, else the spec's (or the preset's) if it fits, else x,y (lr,x in 1-D).
  let names: [string, string];
  if (str('plane') !== undefined) {
    const parts = str('plane')!
      .split(',')
      .map((s) => s.trim());
    if (parts.length !== 2 || !parts[0] || !parts[1])
      throw new CliError(`--plane: '${str('plane')}' must be U,V`);
    names = [parts[0], parts[1]];
  } else names = [spec.plane.u.quantity, spec.plane.v.quantity];
  const known = (q: string) => quantities.includes(q);
  // A spec file whose objective stays keeps its plane, or says what is wrong with it: a plane is
  // replaced silently only when --objective brought a new objective.
  if (fromFile && str('objective') === undefined && str('plane') === undefined)
    (['u', 'v'] as const).forEach((key, i) => {
      if (!known(names[i]))
        throw new SpecError([
          `plane.${key}: unknown quantity '${names[i]}'; allowed: ${quantities.join(', ')}`,
        ]);
    });
  if (str('plane') === undefined && !(known(names[0]) && known(names[1])))
    names = dim >= 2 ? [obj.vars[0], obj.vars[1]] : ['lr', obj.vars[0]];
  for (const q of names)
    if (!known(q))
      throw new CliError(
        `--plane: '${q}' is not a quantity of this objective and optimizer (${quantities.join(', ')})` +
          ((SWEPT_HYPERS as readonly string[]).includes(q) ? `; ${q} needs an --optimizer that uses it` : ''),
      );

  // Every quantity flag: a value for a fixed quantity, a range for a swept one.
  const given = new Map<string, Given>();
  for (const q of [...obj.vars, 'lr', ...obj.vars.map((v) => `lr.${v}`), ...SWEPT_HYPERS])
    if (str(q) !== undefined) given.set(q, parseGiven(q, str(q)!));
  for (const v of VARIABLE_NAMES)
    if (!obj.vars.includes(v) && (str(v) !== undefined || str(`lr.${v}`) !== undefined))
      throw new CliError(
        `--${str(v) !== undefined ? v : `lr.${v}`}: the objective's variables are ${obj.vars.join(', ')}`,
      );
  for (const [k, g] of Object.entries(params)) given.set(k, g);
  const flagName = (q: string) => (obj.params.includes(q) ? `param ${q}` : q);
  for (const [q, g] of given)
    if ('range' in g && !names.includes(q))
      throw new CliError(
        `--${flagName(q)}: a range is only for the swept quantities (${names.join(', ')}); give a value`,
      );
  const axis = (q: string) => {
    const g = given.get(q);
    if (g && 'value' in g)
      throw new CliError(`--${flagName(q)}: the plane sweeps ${q}, so it needs a range A:B`);
    if (g) return { quantity: q, min: g.range[0], max: g.range[1] };
    const old = [spec.plane.u, spec.plane.v].find((a) => a.quantity === q);
    if (old) return { ...old };
    // The lab's first range for a newly swept quantity (a typed one-variable objective sweeps lr and x).
    const [min, max] = defaultAxisRange({ lr: spec.lr, objective }, q);
    return { quantity: q, min, max };
  };
  const plane = { u: axis(names[0]), v: axis(names[1]) };

  const ownRate = (v: string) => names.includes(`lr.${v}`) || given.has(`lr.${v}`);
  if (typedNew && !given.has('lr') && !names.includes('lr') && !obj.vars.every(ownRate))
    throw new CliError(
      '--lr is required for an expression (a value, or a range A:B where the plane sweeps lr)',
    );
  let lr = spec.lr;
  let lrPerCoord = spec.lrPerCoord && spec.lrPerCoord.length === dim ? [...spec.lrPerCoord] : null;
  const lrGiven = given.get('lr');
  if (lrGiven && 'value' in lrGiven) {
    lr = lrGiven.value;
    lrPerCoord = null;
  }
  obj.vars.forEach((v, i) => {
    const g = given.get(v);
    if (g && 'value' in g) x0[i] = g.value;
    const r = given.get(`lr.${v}`);
    if (r && 'value' in r) {
      lrPerCoord ??= new Array<number>(dim).fill(lr);
      lrPerCoord[i] = r.value;
    }
  });

  const size = str('size');
  let wh = spec.size;
  if (size !== undefined) {
    const m = /^(\d+)x(\d+)$/.exec(size);
    if (!m) throw new CliError(`--size: '${size}' must be WxH, e.g. 256x256`);
    wh = [Number(m[1]), Number(m[2])];
  }
  const iterations = str('iters') !== undefined ? parseInteger('iters', str('iters')!) : spec.iterations;
  if (!(iterations >= 2)) throw new CliError(`--iters must be ≥ 2 (got ${iterations})`);
  const transient =
    str('transient') !== undefined
      ? parseInteger('transient', str('transient')!, 0)
      : str('iters') !== undefined || spec.transient >= iterations
        ? Math.floor((3 * iterations) / 5)
        : spec.transient;
  const classify = { ...spec.classify };
  if (str('max-period') !== undefined) classify.maxPeriod = parseInteger('max-period', str('max-period')!);
  // A short run looks for periods up to its length unless told otherwise (as gdlab trajectory does).
  else classify.maxPeriod = Math.max(1, Math.min(classify.maxPeriod, iterations - 1));
  if (flags['no-lyapunov']) classify.lyapunov = false;
  const colour = { ...spec.colour };
  if (str('color-by') !== undefined) {
    if (!COLOUR_FIELDS.includes(str('color-by') as ColourField))
      throw new CliError(`--color-by: '${str('color-by')}' must be one of ${COLOUR_FIELDS.join(', ')}`);
    colour.field = str('color-by') as ColourField;
  }
  if (str('colormap') !== undefined) {
    if (!COLORMAPS.includes(str('colormap') as ColormapName))
      throw new CliError(`--colormap: '${str('colormap')}' must be one of ${COLORMAPS.join(', ')}`);
    colour.colormap = str('colormap') as ColormapName;
  }
  if (flags.log) colour.log = true;
  // A field no pixel can have would paint the map mid grey from end to end.
  const obsIndex = colour.field === 'obs0' ? 0 : colour.field === 'obs1' ? 1 : -1;
  if (obsIndex >= 0 && !observables[obsIndex])
    throw new CliError(
      `--color-by ${colour.field}: the map has ${observables.length || 'no'} observable${observables.length === 1 ? '' : 's'}; give ${obsIndex === 0 ? 'one' : 'two'} with --observable EXPR`,
    );
  if (colour.field === 'final1' && dim < 2)
    throw new CliError(`--color-by final1: the objective has one variable (final0 is its final value)`);

  const out = parseWithin({
    ...spec,
    kind: 'basin',
    objective,
    optimizer,
    lr,
    lrPerCoord,
    x0,
    plane,
    size: wh,
    iterations,
    transient,
    classify,
    colour,
    observables,
  });
  checkSpec(out);
  return out;
}

/** Per column of the map: its value of the u quantity and the fraction of its pixels that diverged. */
export function columnDiverged(
  spec: ExperimentSpec,
  diverged: ArrayLike<number>,
  height: number,
): Record<string, number[]> {
  const W = spec.size[0];
  return {
    [spec.plane.u.quantity]: Array.from({ length: W }, (_, i) => axisValue(spec.plane.u, i, W)),
    diverged: Array.from({ length: W }, (_, i) => diverged[i] / height),
  };
}

/** The spec fields the flags set, for messages in the flags' terms. */
const PATHS = {
  iterations: 'iters',
  transient: 'transient',
  'classify.maxPeriod': 'max-period',
  size: 'size',
  lr: 'lr',
  'colour.field': 'color-by',
  observables: 'observable',
  ...OPTIMIZER_PATHS,
};

export async function run(argv: string[]): Promise<number> {
  const flags = parseFlags(argv, OPTIONS, 'basin') as Flags;
  const choice = parseEngineChoice(flags.engine as string | undefined);
  const { createEngine, warmCpuPool, warmGpu } = await import('../select/node.ts');
  const pngFile = flags.png as string | undefined;
  if (choice === 'cpu') warmCpuPool();
  const maxSeconds = parseMaxSeconds(flags['max-seconds'] as string | undefined);
  const spec = inFlagTerms(argv, PATHS, () => specFromFlags(flags, pieceSpecLimits(flags)));
  // Counts alone need no records: the GPU engine then writes none and reads back its statistics
  // (and the diverged pixels per column). A picture by outcome needs only the summary words (and λ):
  // kept, a 16384² map is coloured without running its GD again.
  const records = pngFile === undefined ? 'none' : recordsFor(spec.colour);
  // After the spec: a usage error is reported without waking a GPU (whose driver may print warnings),
  // and a dry run, which a login node without a GPU may make, never wakes one.
  if (choice !== 'cpu' && !flags['dry-run']) await warmGpu(choice, { records, columns: true });
  for (const flag of ['png', 'json'] as const)
    if (typeof flags[flag] === 'string') checkWritable(flags[flag], flag);
  const piece = await runPieceFlags(flags, spec, choice);
  if (piece !== undefined) return piece;
  const created = await createEngine({ choice, spec });
  try {
    const monitor = new RunMonitor({ command: 'basin', maxSeconds });
    const result = await monitor.run((options) =>
      created.engine.runBasin(spec, { ...options, records, columns: true }),
    );
    for (const note of result.notes ?? []) process.stderr.write(`gdlab basin: ${note}\n`);
    const counts = result.counts;
    const out = {
      spec,
      engine: result.info.kind,
      adapter: result.info.adapter,
      precision: result.info.precision,
      ...(result.info.subnormals && { subnormals: result.info.subnormals }),
      reason: created.decision.reason,
      size: [result.width, result.height],
      counts,
      ms: Math.round(result.ms * 10) / 10,
      steps: result.steps,
      ...(result.columnDiverged && { columns: columnDiverged(spec, result.columnDiverged, result.height) }),
    };
    let colour: MapColour | undefined;
    if (pngFile !== undefined) {
      // Coloured where the records are (on the GPU for the GPU engine), as the lab colours them.
      const rgba = await result.readImage(spec.colour);
      writeSpecPng(pngFile, { rgba, width: result.width, height: result.height }, spec, result.info);
      colour = await mapColour(spec, result);
    }
    result.dispose();
    const jsonFile = (flags.json as string | undefined) ?? (pngFile === undefined ? '-' : undefined);
    if (jsonFile !== undefined) writeJson(jsonFile, colour ? { ...out, colour } : out);
    if (jsonFile !== '-') process.stdout.write(basinSummary(spec, result, created.decision.reason, colour));
    return 0;
  } finally {
    created.dispose();
  }
}
