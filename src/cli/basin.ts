/**
 * `gdlab basin`: a basin map over a plane of two swept quantities (starts, rates, parameters), on
 * the GPU engine (f32) or the float64 CPU engine (all cores), as outcome counts in JSON and a PNG that carries
 * its spec.
 */
import { recordsFor } from '../core/engine.ts';
import { axisValue } from '../experiment/plane.ts';
import { COLORMAPS, COLOUR_FIELDS, type ExperimentSpec } from '../experiment/spec.ts';
import { ENGINE_HELP, inFlagTerms, parseEngineChoice, parseFlags, VARIABLE_NAMES } from './args.ts';
import { OPTIMIZER_OPTIONS, OPTIMIZER_PATHS, optimizerHelp } from './optimizer-option.ts';
import { checkWritable, writeJson, writeSpecPng } from './output.ts';
import { parseMaxSeconds, RunMonitor } from './progress.ts';
import { basinSummary, mapColour, type MapColour } from './basin-summary.ts';
import { specFromFlags, type Flags } from './basin-spec.ts';
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
  --spec FILE             start from a saved spec of kind basin (JSON, or a PNG gdlab saved); flags
                          override it
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
               pixels are left out of a range taken from the data unless no other pixel has a value;
               in the engine's precision, though either engine's colour pass maps them in f32)
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
