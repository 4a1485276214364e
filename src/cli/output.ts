/**
 * Writing what the subcommands produce: JSON (non-finite numbers as null) and PNGs that carry their
 * spec. A file is written whole or not at all: the bytes go to a temporary name beside it, which is
 * renamed over the target only once complete, so a full disk or a killed run leaves no half file.
 * Every failure is an IoError naming the file and the system's reason (exit status 1).
 */
import {
  accessSync,
  constants,
  existsSync,
  mkdirSync,
  realpathSync,
  renameSync,
  statSync,
  unlinkSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { RgbaImage } from '../engine/bifurcation-render.ts';
import { encodeSpecPng } from '../experiment/png.ts';
import type { ExperimentSpec } from '../experiment/spec.ts';

/** A file or stream could not be written (or read): one line, exit status 1. */
export class IoError extends Error {
  override name = 'IoError';
}

/** The system's reason for a failed call: "no such file or directory (ENOENT)". */
export function systemReason(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  // Node's messages are "ENOENT: no such file or directory, open '/path'": keep the middle part,
  // since the path may be our temporary name.
  const m = /^[A-Z0-9_]+: ([^,]+)/.exec(err?.message ?? '');
  if (m && err.code) return `${m[1]} (${err.code})`;
  return err?.code ?? String(err?.message ?? e);
}

/**
 * Writes `data` to `file` atomically: a temporary file in the same folder, then a rename. A target
 * that exists and is not a regular file (/dev/stdout, /dev/full, a pipe) is written directly: renaming
 * over it would replace the device.
 */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  let target = file;
  let direct = false;
  try {
    target = realpathSync(file);
    direct = !statSync(target).isFile();
  } catch {
    // Not there yet (or a dangling link): a new file at the name given.
  }
  if (direct) {
    try {
      writeFileSync(target, data);
    } catch (e) {
      throw new IoError(`cannot write '${file}': ${systemReason(e)}`);
    }
    return;
  }
  const tmp = join(dirname(target), `.${basename(target)}.${process.pid}.${Date.now().toString(36)}.tmp`);
  try {
    writeFileSync(tmp, data, { flag: 'wx' });
    renameSync(tmp, target);
  } catch (e) {
    try {
      unlinkSync(tmp);
    } catch {
      // Never created, or already renamed.
    }
    throw new IoError(`cannot write '${file}': ${systemReason(e)}`);
  }
}

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

/** Creates a folder (and its parents) for output, as an IoError naming it when that fails. */
export function makeOutputDir(dir: string): void {
  try {
    mkdirSync(dir, { recursive: true });
  } catch (e) {
    throw new IoError(`cannot create the folder '${dir}': ${systemReason(e)}`);
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

/** A PNG with the spec in its `gdlab-spec` tEXt chunk (src/experiment/png.ts); '-': stdout. */
export function writeSpecPng(
  file: string,
  image: Pick<RgbaImage, 'width' | 'height' | 'rgba'>,
  spec: ExperimentSpec,
): void {
  const bytes = encodeSpecPng(image.rgba, image.width, image.height, spec);
  if (file === '-') process.stdout.write(bytes);
  else writeFileAtomic(file, bytes);
}
