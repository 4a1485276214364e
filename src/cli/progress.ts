/**
 * Long runs on the command line: the time a run will take, estimated from the steps per second the
 * engine is measured to do between its progress reports (the time before the first one also holds
 * one-off costs: compiling the kernel, 0.15 s of a 1.8 s run here, which made the first report's
 * estimate five times too long); progress on stderr once that estimate is long (a bar that redraws
 * itself on a terminal, a line per tenth otherwise); and `--max-seconds`, which stops the run cleanly
 * through the engines' AbortSignal, early when the estimate already says it cannot finish.
 */
import type { RunOptions } from '../core/engine.ts';
import { CliError, parseNumber } from './args.ts';

/** The run was stopped by --max-seconds: one line, exit status 1, nothing written. */
export class RunStopped extends Error {
  override name = 'RunStopped';
}

/** Estimates above this many seconds are announced, and progress is shown. */
export const ANNOUNCE_SECONDS = 10;

/** A run estimated at more than this many times --max-seconds is stopped at once. */
export const EARLY_STOP_FACTOR = 4;

/** The longest delay setTimeout honours, in milliseconds. */
export const MAX_TIMEOUT_MS = 2 ** 31 - 1;

/** Where messages go: stderr, or a test's collector. */
export interface ProgressSink {
  write(text: string): unknown;
  isTTY?: boolean;
}

export interface MonitorOptions {
  /** The subcommand, for the message prefix. */
  command: string;
  /** Stop the run after this many seconds (and earlier when it clearly cannot finish in time). */
  maxSeconds?: number;
  sink?: ProgressSink;
  now?: () => number;
}

/** A duration as a person reads it: 42 s, 3.5 min, 4.7 h. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds)) return 'unknown';
  if (seconds < 90) return `${seconds.toFixed(seconds < 10 ? 1 : 0)} s`;
  if (seconds < 5400) return `${(seconds / 60).toFixed(1)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

/** Watches one engine run: pass `options` to the engine, or call `run`. */
export class RunMonitor {
  private readonly controller = new AbortController();
  private readonly sink: ProgressSink;
  private readonly now: () => number;
  private t0 = 0;
  /** The first report: when, and how much was done (the rate is measured from there). */
  private first: { t: number; done: number } | null = null;
  private announced = false;
  private lastShown = -1;
  private lastDraw = 0;
  private stopReason: string | null = null;

  constructor(private readonly opts: MonitorOptions) {
    this.sink = opts.sink ?? process.stderr;
    this.now = opts.now ?? (() => performance.now() / 1000);
  }

  /** What the engine takes. */
  get options(): RunOptions {
    return { signal: this.controller.signal, onProgress: (done, total) => this.progress(done, total) };
  }

  /** Runs `fn` with the monitor's options and the time limit; a stopped run throws RunStopped. */
  async run<T>(fn: (options: RunOptions) => Promise<T>): Promise<T> {
    this.t0 = this.now();
    const max = this.opts.maxSeconds;
    let timer: ReturnType<typeof setTimeout> | undefined;
    // setTimeout takes at most 2^31 - 1 ms (24.8 days): a longer delay fired after 1 ms, so
    // --max-seconds 3000000 stopped every run at once. The deadline is armed in slices up to it.
    const arm = (deadline: number) => {
      const ms = (deadline - this.now()) * 1000;
      timer =
        ms > MAX_TIMEOUT_MS
          ? setTimeout(() => arm(deadline), MAX_TIMEOUT_MS)
          : setTimeout(() => this.stop(`stopped after --max-seconds ${max}`), ms);
    };
    if (max !== undefined) arm(this.t0 + max);
    try {
      return await fn(this.options);
    } catch (e) {
      if (this.stopReason !== null) throw new RunStopped(`${this.stopReason}; nothing was written`);
      throw e;
    } finally {
      clearTimeout(timer);
      if (this.announced && this.sink.isTTY) this.sink.write('\n');
    }
  }

  private stop(reason: string): void {
    if (this.stopReason !== null) return;
    this.stopReason = reason;
    this.controller.abort(new RunStopped(reason));
  }

  /** Called by the engine after each chunk with completed and total work units. */
  progress(done: number, total: number): void {
    if (!(total > 0) || !(done > 0)) return;
    const t = this.now();
    const elapsed = t - this.t0;
    const first = (this.first ??= { t, done });
    // From the second report on, the rest at the rate measured since the first; before, all of it
    // at the rate so far (one-off costs included: only an early stop far over the limit uses it).
    const measured = done > first.done && t > first.t;
    const estimate = measured
      ? elapsed + ((total - done) * (t - first.t)) / (done - first.done)
      : (elapsed * total) / done;
    const max = this.opts.maxSeconds;
    const prefix = `gdlab ${this.opts.command}:`;
    if (!this.announced && measured && estimate > ANNOUNCE_SECONDS && done < total) {
      this.announced = true;
      const hint = max === undefined ? '; --max-seconds N stops a run after N seconds' : '';
      this.sink.write(
        `${prefix} this run will take about ${formatDuration(estimate)} ` +
          `(measured: ${percent(done, total)} in ${formatDuration(elapsed)})${hint}\n`,
      );
    }
    // Four times the limit: the first chunks carry one-off costs (shader compilation) and rows differ
    // in cost (diverging starts stop early), so a run estimated somewhat over the limit gets its
    // chance until the deadline; one estimated far over it is not continued in vain.
    if (max !== undefined && estimate > EARLY_STOP_FACTOR * max && done < total) {
      this.stop(
        `this run would take about ${formatDuration(estimate)}, more than --max-seconds ${max}: stopped after ${formatDuration(elapsed)}`,
      );
      return;
    }
    if (!this.announced) return;
    const left = formatDuration(Math.max(0, estimate - elapsed));
    if (this.sink.isTTY) {
      if (t - this.lastDraw < 0.2 && done < total) return;
      this.lastDraw = t;
      const width = 30;
      const filled = Math.round((width * done) / total);
      this.sink.write(
        `\r${prefix} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${percent(done, total)}, ${left} left `,
      );
    } else {
      const tenth = Math.floor((10 * done) / total);
      if (tenth === this.lastShown || tenth === 0) return;
      this.lastShown = tenth;
      this.sink.write(
        `${prefix} ${percent(done, total)} after ${formatDuration(elapsed)}${done < total ? `, about ${left} left` : ''}\n`,
      );
    }
  }
}

function percent(done: number, total: number): string {
  const p = (100 * done) / total;
  // Under 1%, a tenth: "0%" read as if nothing had been measured.
  return p < 1 ? `${(Math.floor(10 * p) / 10).toFixed(1)}%` : `${Math.floor(p)}%`;
}

/** `--max-seconds S`: a positive number of seconds, or undefined. */
export function parseMaxSeconds(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const v = parseNumber('max-seconds', text);
  if (!(v > 0)) throw new CliError(`--max-seconds: '${text}' must be a positive number of seconds`);
  return v;
}
