/** Writing what the subcommands produce: JSON (non-finite numbers as null) and PNGs that carry their spec. */
import { writeFileSync } from 'node:fs';
import type { RgbaImage } from '../engine/bifurcation-render.ts';
import type { ExperimentSpec } from '../experiment/spec.ts';
import { writeSpecPngFile } from '../io/png-stream.ts';

/** Writes JSON to a file, or to stdout for '-'. */
export function writeJson(target: string, value: unknown): void {
  const text = JSON.stringify(value, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v));
  if (target === '-') process.stdout.write(text + '\n');
  else writeFileSync(target, text + '\n');
}

/** A PNG with the spec in its `gdlab-spec` tEXt chunk, written row by row (src/io/png-stream.ts). */
export function writeSpecPng(
  file: string,
  image: Pick<RgbaImage, 'width' | 'height' | 'rgba'>,
  spec: ExperimentSpec,
): void {
  writeSpecPngFile(file, image.rgba, image.width, image.height, spec);
}
