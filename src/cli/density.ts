/**
 * `gdlab density`: the histogram of the long-run iterates of many trajectories at one learning rate,
 * against the Gibbs prediction Z⁻¹exp(-f₀/T) where the objective is a multiscale preset (NOTES.md).
 */
import { densityReport, type DensityReport } from '../core/density.ts';
import { labColours, type RgbaImage } from '../engine/bifurcation-render.ts';
import type { EngineInfo } from '../core/engine.ts';
import type { ExperimentSpec } from '../experiment/spec.ts';
import { CliError, ENGINE_HELP, parseInteger, parseNumber } from './args.ts';
import { inFlagTerms } from './args.ts';
import {
  baseEnsembleSpec,
  X0_HELP,
  checkedSpec,
  savedEnsembleSpec,
  ENSEMBLE_PATHS,
  parseEnsembleFlags,
  runEnsembleCommand,
  SHARED_ENSEMBLE_FLAGS,
} from './bifurcation.ts';
import { optimizerHelp } from './optimizer-option.ts';
import { writeJson, writeSpecPng } from './output.ts';
import { ensembleSummary } from './ensemble-summary.ts';
import { fmt } from './basin-summary.ts';

export const help = `gdlab density: histogram of long-run iterates against the Gibbs prediction

usage: gdlab density --objective ID_OR_EXPR [options]

  --objective ID_OR_EXPR  a preset id (multiscale, multiscale-double-well, …) or an expression
  --param NAME=VALUE      a parameter's value (repeatable; presets supply defaults)
  --lr H                  learning rate (default: the preset's)
  --samples M             trajectories (default 256)
  --transient T           steps discarded first (default 1000)
  --keep K                iterates kept per trajectory (default 1000)
  --bins B                histogram bins (default 100)
  --range A:B             histogram range (default: the extremes of the kept iterates of the bounded
                          samples, leaving out those whose outcome is escaping unless all are)
  --observable NAME_OR_EXPR  what is histogrammed (default: the first variable)
${X0_HELP}
  --max-period P          longest period looked for (default 16)
${optimizerHelp()}
${ENGINE_HELP}
  --json FILE             write the JSON to FILE ('-': print it; the default without --png)
  --max-seconds S         stop the run after S seconds (at once when its estimate is far longer)
  --spec FILE             a spec of kind density (JSON, or a PNG gdlab saved) instead of the flags
  --png FILE              the histogram as bars, the Gibbs density as a line, spec in a tEXt chunk
  -h, --help              this text

Output:
  {"spec": …, "engine": …, "reason": "…", "edges": [B+1], "counts": [B], "density": [B], "outside": n, "bounded": m,
   "samples": M, "gibbs": [B] or null, "T": T or null, "l1": ∫|density - gibbs| or null}
density and gibbs are probability densities normalised over the range (so l1 lies in [0, 2]); gibbs,
T and l1 are given where the objective is a multiscale preset of one variable (T = hA²/4).
`;

/** What `gdlab density` writes as JSON. */
export interface DensityJson extends DensityReport {
  spec: ExperimentSpec;
  engine: EngineInfo;
  /** Why this engine ran (src/select/decide.ts). */
  reason: string;
}

/** The flags `gdlab density` accepts (of the ensemble options shared with `gdlab bifurcation`). */
const DENSITY_FLAGS = [...SHARED_ENSEMBLE_FLAGS, 'bins'];

export function densitySpec(argv: string[]): ExperimentSpec {
  const flags = parseEnsembleFlags(argv, 'density', DENSITY_FLAGS);
  if (flags.spec !== undefined) return savedEnsembleSpec(flags, 'density');
  const { obj, preset, spec } = baseEnsembleSpec(flags, { transient: 1000, keep: 1000, samples: 256 });
  const lr = flags.lr !== undefined ? parseNumber('lr', flags.lr) : preset?.lr;
  if (lr === undefined) throw new CliError('--lr is required for an expression');
  if (!(lr > 0)) throw new CliError(`--lr: '${flags.lr}' must be positive`);
  const bins = flags.bins !== undefined ? parseInteger('bins', flags.bins, 2) : 100;
  const range = spec.ensemble.range ?? [-1, 1];
  return checkedSpec({
    ...spec,
    kind: 'density',
    lr,
    // Unused by the density itself; a bifurcation plane around h, so the spec opens as one.
    plane: {
      u: { quantity: 'lr', min: lr / 2, max: (3 * lr) / 2 },
      v: { quantity: obj.vars[0], min: range[0], max: range[1] },
    },
    size: [1, bins],
    ensemble: { ...spec.ensemble, bins },
  });
}

/** The histogram as bars (colormap by height) with the Gibbs density as a white line. */
export function renderDensity(
  report: DensityReport,
  spec: ExperimentSpec,
  height = 200,
  barWidth = 4,
): RgbaImage {
  const B = report.density.length;
  const width = B * barWidth;
  const rgba = new Uint8ClampedArray(width * height * 4);
  const top = Math.max(...report.density, ...(report.gibbs ?? [0])) || 1;
  const colour = labColours(spec.colour.colormap).colormap;
  const yOf = (v: number) => Math.min(height - 1, Math.round((1 - v / top) * (height - 1)));
  for (let x = 0; x < width; x++) {
    const i = Math.floor(x / barWidth);
    const yBar = yOf(report.density[i]);
    const c = colour(report.density[i] / top);
    const yG = report.gibbs ? yOf(report.gibbs[i]) : -1;
    for (let y = 0; y < height; y++) {
      const o = (y * width + x) * 4;
      const px = Math.abs(y - yG) <= 1 ? [255, 255, 255] : y >= yBar && report.density[i] > 0 ? c : [0, 0, 0];
      rgba[o] = px[0];
      rgba[o + 1] = px[1];
      rgba[o + 2] = px[2];
      rgba[o + 3] = 255;
    }
  }
  return { width, height, rgba, densityTop: 0 };
}

/**
 * The picture's white curve in numbers, where it is drawn: a PNG alone would leave the reader to judge
 * the agreement by eye (at the preset's h = 0.5 the histogram is visibly not the Gibbs density).
 */
function gibbsClause(report: { T: number | null; l1: number | null }): string {
  return report.T !== null && report.l1 !== null
    ? `; L1 to the Gibbs density exp(-f₀/T), T = ${fmt(report.T)}: ${report.l1.toFixed(3)} (0: equal, 2: disjoint)`
    : '';
}

/** The spec fields the flags set: --bins is the histogram's bins and its plane's rows. */
const PATHS = { ...ENSEMBLE_PATHS, 'size.1': 'bins' };

export async function run(argv: string[]): Promise<number> {
  const spec = inFlagTerms(argv, PATHS, () => densitySpec(argv));
  const flags = parseEnsembleFlags(argv, 'density', DENSITY_FLAGS);
  return runEnsembleCommand('density', flags, spec, (result, reason) => {
    const report = densityReport(result);
    const json: DensityJson = { spec, engine: result.info, reason, ...report };
    if (flags.png !== undefined) writeSpecPng(flags.png, renderDensity(report, spec), spec, result.info);
    if (flags.json !== undefined || flags.png === undefined) writeJson(flags.json ?? '-', json);
    else process.stdout.write(ensembleSummary(result, reason, gibbsClause(report)));
  });
}
