/**
 * Files written whole or not at all: the bytes go to a temporary name beside the target, renamed over it
 * only once complete, so a full disk or a killed run leaves no half file. A target that exists and is not
 * a regular file (/dev/stdout, /dev/full, a pipe) is written in place: renaming over it would replace the
 * device. Every failure of the file is an IoError naming it and the system's reason (exit status 1).
 */
import { closeSync, openSync, realpathSync, renameSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

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

/** Where `file` really is, and whether it is a device or pipe to be written in place. */
function resolveTarget(file: string): { target: string; direct: boolean } {
  try {
    const target = realpathSync(file);
    return { target, direct: !statSync(target).isFile() };
  } catch {
    // Not there yet (or a dangling link): a new file at the name given.
    return { target: file, direct: false };
  }
}

/** Writes `data` to `file` whole or not at all (see the module comment). */
export function writeFileAtomic(file: string, data: string | Uint8Array): void {
  writeFileStreamed(file, (sink) => sink(typeof data === 'string' ? Buffer.from(data) : data));
}

/**
 * Writes a file through `write`, which hands its bytes to the sink as they are made (a poster's rows),
 * whole or not at all (see the module comment). Returns the bytes written. An error thrown by `write`
 * itself (not by the file) passes through unchanged, after the temporary file is removed.
 */
export function writeFileStreamed(file: string, write: (sink: (bytes: Uint8Array) => void) => void): number {
  const { target, direct } = resolveTarget(file);
  const tmp = direct
    ? target
    : join(dirname(target), `.${basename(target)}.${process.pid}.${Date.now().toString(36)}.tmp`);
  let fd = -1;
  let bytes = 0;
  let fileError: unknown = null;
  try {
    try {
      fd = openSync(tmp, direct ? 'w' : 'wx');
    } catch (e) {
      fileError = e;
      throw e;
    }
    write((b) => {
      try {
        for (let at = 0; at < b.length;) at += writeSync(fd, b, at);
      } catch (e) {
        fileError = e;
        throw e;
      }
      bytes += b.length;
    });
    try {
      closeSync(fd);
      fd = -1;
      if (!direct) renameSync(tmp, target);
    } catch (e) {
      fileError = e;
      throw e;
    }
    return bytes;
  } catch (e) {
    if (fd >= 0)
      try {
        closeSync(fd);
      } catch {
        // Already closed.
      }
    if (!direct)
      try {
        unlinkSync(tmp);
      } catch {
        // Never created, or already renamed.
      }
    if (fileError === e) throw new IoError(`cannot write '${file}': ${systemReason(e)}`);
    throw e;
  }
}
