/**
 * `gdlab gallery [ID] [--out DIR]`: every gallery entry (or one) as PNG pictures with the spec
 * embedded, plus a JSON file with the entry's text and the float64 numbers behind its claim.
 */
import { join } from 'node:path';
import { GALLERY, getGalleryEntry, type GalleryEntry } from '../gallery/entries.ts';
import * as checks from '../gallery/checks.ts';
import { attractorNumbers } from '../gallery/attractor-checks.ts';
import { checkBalanceMap, checkEosMap, checkRegimesMap } from '../gallery/map-checks.ts';
import { OPTIMIZER_NUMBERS } from '../gallery/optimizer-checks.ts';
import { encodeSpecPngStream as encodeSpecPng } from '../io/png-stream.ts';
import { parseSpec, type ExperimentSpec } from '../experiment/spec.ts';
import { recordsFor, type BasinEngine } from '../core/engine.ts';
import type { EnsembleEngine } from '../core/ensemble.ts';
import { CliError, parseEngineChoice, parseFlags, parseInteger } from './args.ts';
import { jsonText, makeOutputDir, writeFileAtomic } from './output.ts';

export const help = `gdlab gallery: render the gallery of phenomena from the seed text

usage: gdlab gallery [ID] [--out DIR] [--engine auto|gpu|cpu] [--max-side N] [--no-checks]

  ID            one entry (default: all): ${GALLERY.map((e) => e.id).join(', ')}
  --out DIR     where ID.png, ID-<variant>.png and ID.json go (default: gallery)
  --engine      auto (default: decided for the first entry as gdlab basin decides), gpu or cpu
  --max-side N  shrink each picture so that its longer side is at most N pixels (default: as saved)
  --no-checks   skip the float64 numbers behind each claim (they take seconds to a minute)

Each PNG carries its experiment spec in a tEXt chunk: drop it on the lab to reopen the view.
`;

const OPTIONS = {
  out: { type: 'string' },
  engine: { type: 'string' },
  'max-side': { type: 'string' },
  'no-checks': { type: 'boolean' },
} as const;

/** The entry's spec with its grid shrunk to at most maxSide on the longer side (aspect kept). */
export function shrink(spec: ExperimentSpec, maxSide: number | undefined): ExperimentSpec {
  if (!maxSide || spec.kind === 'density') return spec;
  const [w, h] = spec.size;
  const s = Math.min(1, maxSide / Math.max(w, h));
  if (s === 1) return spec;
  return parseSpec({ ...spec, size: [Math.max(1, Math.round(w * s)), Math.max(1, Math.round(h * s))] });
}

/** The numbers behind an entry's claim (float64). */
export async function entryNumbers(id: string): Promise<unknown> {
  switch (id) {
    case 'regimes':
      return { ...checks.checkRegimes(), map: checkRegimesMap() };
    case 'mf-periodic':
      return { maps: checks.checkMfPeriods(40), diagonal: checks.diagonalWindows() };
    case 'gibbs': {
      const { report, bias, bound } = await checks.checkGibbs();
      return { l1: report.l1, T: report.T, bias, bound };
    }
    case 'escape':
      return checks.checkEscape();
    case 'balancing':
      return { ...checks.checkBalancing(), map: checkBalanceMap() };
    case 'edge-of-stability':
      return { trajectories: checks.checkEdgeOfStability(), map: checkEosMap() };
    case 'fractal': {
      const e = getGalleryEntry('fractal')!;
      return [e.spec, ...(e.variants ?? []).map((v) => v.spec)].map((s) => checks.boundaryDimension(s, 32));
    }
    default:
      return (await attractorNumbers(id)) ?? (await OPTIMIZER_NUMBERS[id]?.()) ?? null;
  }
}

interface Engines {
  basin: BasinEngine;
  ensemble: EnsembleEngine;
  decision: { reason: string };
  dispose(): void;
}

async function openEngines(choice: string | undefined, entry: GalleryEntry, of: number): Promise<Engines> {
  const { createEngines } = await import('../select/node.ts');
  // Every picture's JSON repeats the reason: it names the entry the estimate was made for.
  const subject = of > 1 ? `the first entry (${entry.id}), which decides for all ${of}` : `this entry`;
  const engines = await createEngines({ choice: parseEngineChoice(choice), spec: entry.spec, subject });
  process.stderr.write(`gdlab gallery: engine: ${engines.decision.reason}\n`);
  return engines;
}

/** Renders one spec to PNG bytes and a summary for the JSON. */
async function renderSpec(
  spec: ExperimentSpec,
  engines: Engines,
): Promise<{ png: Uint8Array; summary: unknown }> {
  if (spec.kind === 'basin') {
    const result = await engines.basin.runBasin(spec, { records: recordsFor(spec.colour) });
    try {
      const rgba = await result.readImage(spec.colour);
      return {
        png: encodeSpecPng(rgba, result.width, result.height, spec, result.info),
        summary: {
          engine: result.info,
          reason: engines.decision.reason,
          counts: result.counts,
          ms: Math.round(result.ms),
        },
      };
    } finally {
      result.dispose();
    }
  }
  const { prepareEnsemble } = await import('../core/ensemble.ts');
  const { objective, plan } = prepareEnsemble(spec);
  const result = await engines.ensemble.runEnsemble(spec, objective, plan);
  if (spec.kind === 'density') {
    const { densityReport } = await import('../core/density.ts');
    const { renderDensity } = await import('./density.ts');
    const report = densityReport(result);
    const image = renderDensity(report, spec);
    return {
      png: encodeSpecPng(image.rgba, image.width, image.height, spec, result.info),
      summary: {
        engine: result.info,
        reason: engines.decision.reason,
        l1: report.l1,
        T: report.T,
        bounded: report.bounded,
      },
    };
  }
  const { renderEnsembleImage, labColours } = await import('../engine/bifurcation-render.ts');
  if (spec.kind === 'attractor') {
    const { attractorReport } = await import('../core/attractor.ts');
    const { renderAttractorImage } = await import('../engine/attractor-render.ts');
    const report = attractorReport(result);
    const image = await renderAttractorImage(engines.ensemble, result, labColours(spec.colour.colormap));
    const { bounded, samples, lyapunov, period, uRange, vRange, outside } = report;
    return {
      png: encodeSpecPng(image.rgba, image.width, image.height, spec, result.info),
      summary: {
        engine: result.info,
        reason: engines.decision.reason,
        ...{ bounded, samples, lyapunov, period, uRange, vRange, outside },
      },
    };
  }
  const image = await renderEnsembleImage(engines.ensemble, result, labColours(spec.colour.colormap));
  return {
    png: encodeSpecPng(image.rgba, image.width, image.height, spec, result.info),
    summary: { engine: result.info, reason: engines.decision.reason },
  };
}

async function renderEntry(
  entry: GalleryEntry,
  engines: Engines,
  out: string,
  maxSide: number | undefined,
  withChecks: boolean,
): Promise<string[]> {
  const files: string[] = [];
  const views = [{ label: '', spec: entry.spec }, ...(entry.variants ?? [])];
  const pictures: unknown[] = [];
  for (let i = 0; i < views.length; i++) {
    const spec = shrink(views[i].spec, maxSide);
    const { png, summary } = await renderSpec(spec, engines);
    const file = `${entry.id}${i === 0 ? '' : `-${i}`}.png`;
    writeFileAtomic(join(out, file), png);
    files.push(file);
    pictures.push({ file, label: views[i].label || entry.title, ...(summary as object) });
  }
  const json = {
    id: entry.id,
    title: entry.title,
    paragraphs: entry.paragraphs,
    claim: entry.claim,
    // What the first picture ran (shrunk by --max-side), as its counts are.
    spec: shrink(entry.spec, maxSide),
    trajectories: entry.trajectories ?? null,
    pictures,
    numbers: withChecks ? await entryNumbers(entry.id) : null,
  };
  writeFileAtomic(join(out, `${entry.id}.json`), jsonText(json, 1));
  files.push(`${entry.id}.json`);
  return files;
}

export async function run(argv: string[]): Promise<number> {
  // parseArgs tells a positional from a flag's value (`gallery regimes --out regimes`).
  const flags = parseFlags(argv, OPTIONS, 'gallery', 1);
  const id = flags._[0] as string | undefined;
  const entries = id ? [getGalleryEntry(id)] : GALLERY;
  if (!entries[0])
    throw new CliError(`no gallery entry '${id}'; entries: ${GALLERY.map((e) => e.id).join(', ')}`);
  const out = flags.out ?? 'gallery';
  const maxSide =
    flags['max-side'] !== undefined ? parseInteger('max-side', flags['max-side'], 8) : undefined;
  makeOutputDir(out);
  const engines = await openEngines(flags.engine, entries[0] as GalleryEntry, entries.length);
  try {
    for (const entry of entries as GalleryEntry[]) {
      const t0 = performance.now();
      const files = await renderEntry(entry, engines, out, maxSide, !flags['no-checks']);
      process.stdout.write(
        `${entry.id}: ${files.join(', ')} (${((performance.now() - t0) / 1000).toFixed(1)} s)\n`,
      );
    }
  } finally {
    engines.dispose();
  }
  return 0;
}
