/**
 * `gdlab` as a user runs it: `node bin/gdlab.js …` in a child process, with fresh temporary folders
 * for the files it writes.
 */
import { execFile } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';

/** bin/gdlab.js of this checkout. */
export const GDLAB_BIN = resolve(import.meta.dirname, '../../bin/gdlab.js');

/**
 * Runs `gdlab …args`: resolves to its stdout and stderr; a non-zero status rejects with execFile's
 * error (`code`, `stdout`, `stderr`).
 */
export function runCli(
  args: string[],
  options: { timeout?: number; env?: NodeJS.ProcessEnv } = {},
): Promise<{ stdout: string; stderr: string }> {
  return promisify(execFile)(process.execPath, [GDLAB_BIN, ...args], options);
}

/** A fresh temporary folder whose name starts with `prefix`. */
export function tempDir(prefix: string): string {
  return mkdtempSync(join(tmpdir(), prefix));
}
