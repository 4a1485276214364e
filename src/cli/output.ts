/**
 * Writing what the subcommands produce: JSON (non-finite numbers as null) and PNGs that carry their
 * spec, written whole or not at all (src/io/files.ts). Every failure is an IoError naming the file and
 * the system's reason (exit status 1).
 */
import { accessSync, constants, existsSync, mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { EngineInfo } from '../core/engine.ts';
import type { RgbaImage } from '../engine/bifurcation-render.ts';
import type { ExperimentSpec } from '../experiment/spec.ts';
import { IoError, systemReason, writeFileAtomic } from '../io/files.ts';
import { encodeSpecPngStream } from '../io/png-stream.ts';

export { IoError, systemReason, writeFileAtomic };

/**
 * Fails early, before a long computation, when `file` (the value of --flag) cannot be written: its
 * folder is missing or not writable, or it names a folder. The write itself still reports any later
 * failure (a full disk).
 */
export function checkWritable(file: string, flag: string): void {
  if (file === '-') return;
  const dir = dirname(file);
  try {
    if (existsSync(file) && statSync(file).isDirectory())
      throw Object.assign(new Error('EISDIR: is a directory'), { code: 'EISDIR' });
    if (!statSync(dir).isDirectory())
      throw Object.assign(new Error('ENOTDIR: not a directory'), { code: 'ENOTDIR' });
    accessSync(dir, constants.W_OK);
  } catch (e) {
    throw new IoError(`--${flag}: cannot write '${file}': ${systemReason(e)}`);
  }
}

/**
 * Creates a folder (and its parents) for output, as an IoError naming it (and `flag`) when that fails.
 * Not through mkdirSync's `recursive`, which loops for good where a folder cannot be made under an
 * existing one (in /proc: `--pieces /proc/x` hung), and which said EEXIST, as an internal error, for
 * a file in the folder's place.
 */
export function makeOutputDir(dir: string, flag?: string): void {
  try {
    makeDirs(dir);
  } catch (e) {
    throw new IoError(`${flag ? `--${flag}: ` : ''}cannot create the folder '${dir}': ${systemReason(e)}`);
  }
}

function makeDirs(dir: string): void {
  if (madeDir(dir, false)) return;
  const parent = dirname(dir);
  if (parent !== dir) makeDirs(parent);
  madeDir(dir, true);
}

/** mkdir of one folder: true once it is one (another job may make it first); false if its parent is missing. */
function madeDir(dir: string, parentMade: boolean): boolean {
  try {
    mkdirSync(dir);
    return true;
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') {
      if (statSync(dir).isDirectory()) return true;
      throw Object.assign(new Error('ENOTDIR: not a directory'), { code: 'ENOTDIR' });
    }
    if (code === 'ENOENT' && !parentMade) return false;
    throw e;
  }
}

/** JSON text with non-finite numbers as null. */
export function jsonText(value: unknown, indent?: number): string {
  return (
    JSON.stringify(value, (_k, v) => (typeof v === 'number' && !Number.isFinite(v) ? null : v), indent) + '\n'
  );
}

/** Writes JSON to a file, or to stdout for '-' (every command reads `--json -` the same way). */
export function writeJson(target: string, value: unknown): void {
  const text = jsonText(value);
  if (target === '-') process.stdout.write(text);
  else writeFileAtomic(target, text);
}

/** A PNG with the spec in its `gdlab-spec` tEXt chunk, encoded as src/io/png-stream.ts does; '-': stdout. */
export function writeSpecPng(
  file: string,
  image: Pick<RgbaImage, 'width' | 'height' | 'rgba'>,
  spec: ExperimentSpec,
  info?: EngineInfo,
): void {
  const bytes = encodeSpecPngStream(image.rgba, image.width, image.height, spec, info);
  if (file === '-') process.stdout.write(bytes);
  else writeFileAtomic(file, bytes);
}
