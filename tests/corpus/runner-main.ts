/**
 * Runs CLI cases in one process through `main(argv)`, as `gdlab` would, with stdout and stderr
 * captured per case. Cases arrive as JSON on stdin; for each, a `start` line and then a result line
 * (exit status, output, milliseconds, the process's peak RSS so far) go to file descriptor 3. The
 * parent kills this process when a case overruns its time limit, and starts another for the rest.
 */
import { readFileSync, writeSync } from 'node:fs';
import { main } from '../../src/cli/main.ts';

interface Job {
  id: string;
  args: string[];
  cwd: string;
}

/** At most this much of each stream is reported (the tests match messages, not megabytes). */
const KEEP = 1 << 20;

const jobs = JSON.parse(readFileSync(0, 'utf8')) as Job[];
const report = (value: unknown) => writeSync(3, JSON.stringify(value) + '\n');
const out = process.stdout.write.bind(process.stdout);
const err = process.stderr.write.bind(process.stderr);

for (const job of jobs) {
  report({ start: job.id });
  let stdout = '';
  let stderr = '';
  const capture =
    (append: (s: string) => void) =>
    (chunk: string | Uint8Array, a?: unknown, b?: unknown): boolean => {
      append(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('latin1'));
      const cb = typeof a === 'function' ? a : typeof b === 'function' ? b : undefined;
      if (cb) queueMicrotask(() => (cb as () => void)());
      return true;
    };
  process.stdout.write = capture((s) => {
    if (stdout.length < KEEP) stdout += s;
  }) as typeof process.stdout.write;
  process.stderr.write = capture((s) => {
    if (stderr.length < KEEP) stderr += s;
  }) as typeof process.stderr.write;
  process.chdir(job.cwd);
  const t0 = performance.now();
  let status: number | string;
  try {
    status = await main(job.args);
  } catch (e) {
    // main must never throw: report it as its own failure, stack included.
    status = 'threw';
    stderr += `${(e as Error)?.stack ?? String(e)}\n`;
  } finally {
    process.stdout.write = out;
    process.stderr.write = err;
  }
  report({
    id: job.id,
    status,
    stdout,
    stderr,
    ms: performance.now() - t0,
    maxRssMB: process.resourceUsage().maxRSS / 1024,
  });
}
