/**
 * Runs the CLI corpus: most cases in one runner process (runner-main.ts) through main(), so the corpus
 * pays Node's and tsx's start once; the cases where the process boundary matters (stdout on /dev/full,
 * the exit status of bin/gdlab.js) each in their own `gdlab` process. Every case has a time limit: an
 * overrun kills the runner (a hung GPU cannot be interrupted otherwise) and a fresh one takes the
 * remaining cases. Peak memory is the process's maxRSS, reported after each case.
 */
import { spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { GDLAB_BIN } from '../helpers/cli.ts';

export interface CaseResult {
  id: string;
  /** Exit status; 'timeout' when it overran its limit, 'crashed' when the process died, 'threw' when main threw. */
  status: number | string;
  stdout: string;
  stderr: string;
  ms: number;
  /** Peak resident memory of the process that ran it (MB), up to and including this case. */
  maxRssMB: number;
}

export interface Job {
  id: string;
  args: string[];
  cwd: string;
  limitMs: number;
}

const RUNNER = join(import.meta.dirname, 'runner.mjs');

/** Runs jobs in runner processes, restarting after a timeout or crash; results by id. */
export async function runInProcess(jobs: Job[]): Promise<Map<string, CaseResult>> {
  const results = new Map<string, CaseResult>();
  let rest = jobs;
  while (rest.length > 0) {
    const done = await runBatch(rest, results);
    rest = rest.slice(done);
  }
  return results;
}

/** One runner process over `jobs`: how many jobs it disposed of (finished or failed). */
function runBatch(jobs: Job[], results: Map<string, CaseResult>): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [RUNNER], {
      stdio: ['pipe', 'ignore', 'pipe', 'pipe'],
      env: process.env,
    });
    let stderrTail = '';
    child.stderr!.on('data', (d: Buffer) => (stderrTail = (stderrTail + d.toString()).slice(-4000)));
    let current: { job: Job; t0: number } | null = null;
    let disposed = 0;
    let buffer = '';
    const fail = (status: string) => {
      if (!current) return;
      results.set(current.job.id, {
        id: current.job.id,
        status,
        stdout: '',
        stderr: stderrTail,
        ms: performance.now() - current.t0,
        maxRssMB: NaN,
      });
      current = null;
      disposed++;
    };
    const watchdog = setInterval(() => {
      if (current && performance.now() - current.t0 > current.job.limitMs) {
        fail('timeout');
        child.kill('SIGKILL');
      }
    }, 100);
    (child.stdio[3] as NodeJS.ReadableStream).on('data', (d: Buffer) => {
      buffer += d.toString();
      let nl: number;
      while ((nl = buffer.indexOf('\n')) >= 0) {
        const msg = JSON.parse(buffer.slice(0, nl));
        buffer = buffer.slice(nl + 1);
        if ('start' in msg) current = { job: jobs.find((j) => j.id === msg.start)!, t0: performance.now() };
        else {
          results.set(msg.id, msg as CaseResult);
          current = null;
          disposed++;
        }
      }
    });
    child.on('exit', () => {
      clearInterval(watchdog);
      // Died before it started a case: the first one is charged with it.
      if (!current && disposed === 0) current = { job: jobs[0], t0: performance.now() };
      fail('crashed');
      resolve(disposed);
    });
    child.stdin!.end(JSON.stringify(jobs.map(({ id, args, cwd }) => ({ id, args, cwd }))));
  });
}

/**
 * Runs `gdlab args` as its own process (bin/gdlab.js), stdout into `stdoutFile` when given (e.g.
 * /dev/full), killed after limitMs. Peak memory through the maxrss.mjs preload.
 */
export function runSpawned(
  id: string,
  args: string[],
  opts: { cwd: string; limitMs: number; stdoutFile?: string },
): Promise<CaseResult> {
  return new Promise((resolve) => {
    const rssFile = join(opts.cwd, '.maxrss');
    const fd = opts.stdoutFile ? openSync(opts.stdoutFile, 'w') : undefined;
    const t0 = performance.now();
    const child = spawn(
      process.execPath,
      ['--import', join(import.meta.dirname, 'maxrss.mjs'), GDLAB_BIN, ...args],
      {
        cwd: opts.cwd,
        stdio: ['ignore', fd ?? 'pipe', 'pipe'],
        env: { ...process.env, GDLAB_MAXRSS_FILE: rssFile },
      },
    );
    if (fd !== undefined) closeSync(fd);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, opts.limitMs);
    child.on('exit', (code) => {
      clearTimeout(timer);
      let maxRssMB = NaN;
      try {
        maxRssMB = Number(readFileSync(rssFile, 'utf8')) / 1024;
      } catch {
        // Killed before it could write.
      }
      resolve({
        id,
        status: timedOut ? 'timeout' : (code ?? 'crashed'),
        stdout,
        stderr,
        ms: performance.now() - t0,
        maxRssMB,
      });
    });
  });
}
