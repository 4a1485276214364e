/**
 * `gdlab attractor`: the 2-D histogram of the long-run iterates of many trajectories at one learning
 * rate over a pair of quantities: the invariant measure of the attractor GD converges to
 * (src/core/attractor.ts), with its mean Lyapunov exponent, on the GPU (f32) or the CPU (f64).
 */
import { attractorReport, type AttractorReport } from '../core/attractor.ts';
import type { EngineInfo } from '../core/engine.ts';
import { renderAttractorImage } from '../engine/attractor-render.ts';
import { labColours } from '../engine/bifurcation-render.ts';
import { keptOrDefaultAxis } from '../experiment/adapt.ts';
import type { AxisRange, ExperimentSpec } from '../experiment/spec.ts';
import { CliError, ENGINE_HELP, inFlagTerms, parseFlags, parseNumber, parseRange } from './args.ts';
import {
  baseEnsembleSpec,
  X0_ATTRACTOR_HELP,
  checkedSpec,
  savedEnsembleSpec,
  ENSEMBLE_OPTIONS,
  ENSEMBLE_PATHS,
  runEnsembleCommand,
} from './bifurcation.ts';
import { writeJson, writeSpecPng } from './output.ts';
import { ensembleSummary } from './ensemble-summary.ts';
import { optimizerHelp } from './optimizer-option.ts';

export const help = `gdlab attractor: the density of long-run iterates over a pair of quantities at one h

usage: gdlab attractor --objective ID_OR_EXPR --lr H [options]
       gdlab attractor --spec FILE [--engine E] [--json FILE] [--png FILE]

  --objective ID_OR_EXPR  a preset id or an expression in x, y or x1…x8
  --param NAME=VALUE      a parameter's value (repeatable; presets supply defaults)
  --lr H                  learning rate (default: the preset's)
  --pair U,V              the horizontal and vertical quantities: variables, f, or expressions
                          (default: the first two variables, or x,f in one variable)
  --bins WxH              cells of the histogram (default 256x256)
  --range-u A:B           range of U (default: the extremes of the kept iterates of the bounded
                          samples, leaving out those whose outcome is escaping unless all are)
  --range-v A:B           range of V (default: the same for V)
  --samples M             trajectories (default 512)
  --transient T           steps discarded first (default 1000)
  --keep K                iterates kept per trajectory (default 2000)
${X0_ATTRACTOR_HELP}
  --max-period P          longest period looked for (default 16)
${optimizerHelp()}
  --spec FILE             a spec of kind attractor (JSON, or a PNG gdlab saved) instead of the flags
${ENGINE_HELP}
  --json FILE             write the JSON to FILE ('-': print it; the default without --png)
  --max-seconds S         stop the run after S seconds (at once when its estimate is far longer)
  --png FILE              the histogram, log(1 + count) through the colormap, v up, one pixel per
                          cell, with the spec in a tEXt chunk 'gdlab-spec'
  -h, --help              this text

Each trajectory runs transient + keep steps; only samples bounded for all of them contribute, each
exactly keep counts (a cell, or outside when a value lies outside its range). Output:
  {"spec": …, "engine": {"kind", "precision", "adapter"}, "reason": "…", "bins": [W, H], "u": U, "v": V,
   "range": {"u": [lo, hi], "v": [lo, hi]}, "counts": [W·H, cell (i, j) at j·W + i, j = 0 at the bottom],
   "outside": n, "bounded": m, "samples": M, "keep": K, "lyapunov": mean λ over bounded samples,
   "period": most common period or null, "outcome": "converged", "periodic", "chaotic", "escaping",
   "unsettled" or "diverged" (the most common class; aperiodic orbits win only outright)}
`;

const OPTIONS = {
  ...ENSEMBLE_OPTIONS,
  pair: { type: 'string' },
  'range-u': { type: 'string' },
  'range-v': { type: 'string' },
  spec: { type: 'string' },
} as const;
const { columns: _c, rows: _r, observable: _o, range: _g, ...ATTRACTOR_OPTIONS } = OPTIONS;
void [_c, _r, _o, _g];

type Flags = Partial<Record<Exclude<keyof typeof ATTRACTOR_OPTIONS, 'no-bias-correction'>, string>> & {
  param?: string[];
  'no-bias-correction'?: boolean;
};

/** The spec fields the flags set, for messages in the flags' terms. */
const PATHS = {
  ...ENSEMBLE_PATHS,
  // --bins W×H is the plane's size: not the diagram's columns and rows.
  size: 'bins',
  'size.0': 'bins',
  'size.1': 'bins',
  'attractor.u': 'pair',
  'attractor.v': 'pair',
  'attractor.uRange': 'range-u',
  'attractor.vRange': 'range-v',
  attractor: 'pair',
};

function parseBins(text: string): [number, number] {
  const m = /^(\d+)x(\d+)$/.exec(text.trim());
  if (!m) throw new CliError(`--bins: '${text}' is not WxH (e.g. 256x256)`);
  return [Number(m[1]), Number(m[2])];
}

/** Builds the spec from flags (parseSpec and checkSpec check it like any other). */
export function attractorSpec(flags: Flags): ExperimentSpec {
  if (flags.spec !== undefined) return savedEnsembleSpec(flags, 'attractor');
  const { obj, preset, spec } = baseEnsembleSpec(
    flags,
    { transient: 1000, keep: 2000, samples: 512 },
    false,
    'start',
  );
  const lr = flags.lr !== undefined ? parseNumber('lr', flags.lr) : preset?.lr;
  if (lr === undefined) throw new CliError('--lr is required for an expression');
  if (!(lr > 0)) throw new CliError(`--lr: '${flags.lr}' must be positive`);
  let pair: [string, string] = [obj.vars[0], obj.vars[1] ?? 'f'];
  if (flags.pair !== undefined) {
    const parts = topLevelParts(flags.pair);
    if (parts.length !== 2 || parts.some((p) => !p.trim()))
      throw new CliError(`--pair: '${flags.pair}' is not U,V (two quantities separated by a comma)`);
    pair = [parts[0].trim(), parts[1].trim()];
  }
  const size = flags.bins !== undefined ? parseBins(flags.bins) : [256, 256];
  const uRange = flags['range-u'] !== undefined ? parseRange('range-u', flags['range-u']) : null;
  const vRange = flags['range-v'] !== undefined ? parseRange('range-v', flags['range-v']) : null;
  return checkedSpec({
    ...spec,
    kind: 'attractor',
    lr,
    size,
    // Unused by the attractor, but checked like any spec's: the preset's window, or one that fits a
    // typed objective, so the spec opens as a map too. The default spec's x,y plane made every typed
    // objective in one variable or in x1…x8 fail with "plane.v: unknown quantity 'y'".
    plane: preset ? preset.view : typedPlane(spec.plane, obj.vars, { lr, objective: spec.objective }),
    attractor: { u: pair[0], v: pair[1], uRange, vRange },
  });
}

/**
 * `plane` when both its quantities are variables of the objective, else the plane gdlab basin gives a
 * typed objective (an axis the old plane has keeps its range): its first two variables, or lr and its
 * variable in one variable.
 */
function typedPlane(
  plane: { u: AxisRange; v: AxisRange },
  vars: readonly string[],
  at: Parameters<typeof keptOrDefaultAxis>[2],
): { u: AxisRange; v: AxisRange } {
  if (vars.includes(plane.u.quantity) && vars.includes(plane.v.quantity)) return plane;
  const axis = (quantity: string) => keptOrDefaultAxis(plane, quantity, at);
  return vars.length >= 2 ? { u: axis(vars[0]), v: axis(vars[1]) } : { u: axis('lr'), v: axis(vars[0]) };
}

/** What `gdlab attractor` writes as JSON. */
export interface AttractorJson extends Omit<AttractorReport, 'counts' | 'uRange' | 'vRange'> {
  spec: ExperimentSpec;
  engine: EngineInfo;
  /** Why this engine ran (src/select/decide.ts). */
  reason: string;
  range: { u: [number, number]; v: [number, number] };
  counts: number[];
}

export function attractorJson(
  report: AttractorReport,
  spec: ExperimentSpec,
  engine: EngineInfo,
  reason: string,
): AttractorJson {
  const { counts, uRange, vRange, ...rest } = report;
  return { spec, engine, reason, ...rest, range: { u: uRange, v: vRange }, counts: Array.from(counts) };
}

export async function run(argv: string[]): Promise<number> {
  const flags = parseFlags(argv, ATTRACTOR_OPTIONS, 'attractor') as Flags;
  const spec = inFlagTerms(argv, PATHS, () => attractorSpec(flags));
  return runEnsembleCommand('attractor', flags, spec, async (result, reason, engine) => {
    const report = attractorReport(result);
    // The GPU engine colours its counts where they are; the CPU engines through renderAttractor.
    if (flags.png !== undefined) {
      const image = await renderAttractorImage(engine, result, labColours(spec.colour.colormap));
      writeSpecPng(flags.png, image, spec, result.info);
    }
    if (flags.json !== undefined || flags.png === undefined)
      writeJson(flags.json ?? '-', attractorJson(report, spec, result.info, reason));
    else process.stdout.write(ensembleSummary(result, reason));
  });
}

/**
 * `text` split at the commas outside parentheses: a quantity may be an expression with min or max,
 * whose commas a plain split took for the pair's ('min(x,y),y' was "not U,V").
 */
export function topLevelParts(text: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '(') depth++;
    else if (c === ')') depth = Math.max(0, depth - 1);
    else if (c === ',' && depth === 0) {
      parts.push(text.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(text.slice(start));
  return parts;
}
