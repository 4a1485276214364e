/**
 * A trajectory's record as both engines report it, the columns a map keeps them in, and the counts
 * of outcomes the CLI, the lab and the tests read (the outcome definition is src/core/outcome.ts).
 */
import { Outcome } from './outcome.ts';

/**
 * One pixel's record. The GPU writes it as the WGSL struct `Record` (shaders/record.wgsl);
 * RECORD_FIELDS is the single description of that layout: word offset and type of each field.
 */
export interface TrajectoryRecord {
  outcome: Outcome;
  /** Escape iteration when diverged, else the number of iterations run. */
  iter: number;
  /** Period (1 for converged), 0 when none was found. */
  period: number;
  /** Largest Lyapunov exponent; NaN when not computed. */
  lyapunov: number;
  /** f at the final state. */
  f: number;
  /** λmax(∇²f) at the final state. */
  sharpness: number;
  /** User observables at the final state (NaN when unused). */
  obs0: number;
  obs1: number;
  /** First two coordinates of the final state. */
  final0: number;
  final1: number;
}

/** Field order and types of the WGSL `Record` struct: 12 words of 4 bytes (two spare). */
export const RECORD_FIELDS = [
  ['outcome', 'u32'],
  ['iter', 'u32'],
  ['period', 'u32'],
  ['flags', 'u32'],
  ['lyapunov', 'f32'],
  ['f', 'f32'],
  ['sharpness', 'f32'],
  ['obs0', 'f32'],
  ['obs1', 'f32'],
  ['final0', 'f32'],
  ['final1', 'f32'],
  ['spare', 'f32'],
] as const;
export const RECORD_WORDS = RECORD_FIELDS.length;
export const RECORD_BYTES = RECORD_WORDS * 4;

/** Columnar records of a W×H grid (uPlot style: one typed array per field), row-major, row 0 at the bottom. */
export interface RecordColumns {
  width: number;
  height: number;
  outcome: Uint8Array;
  iter: Uint32Array;
  period: Uint32Array;
  lyapunov: Float32Array | Float64Array;
  f: Float32Array | Float64Array;
  sharpness: Float32Array | Float64Array;
  obs0: Float32Array | Float64Array;
  obs1: Float32Array | Float64Array;
  final0: Float32Array | Float64Array;
  final1: Float32Array | Float64Array;
}

/** The per-pixel fields of RecordColumns, in record order (everything but width and height). */
export const COLUMN_KEYS = [
  'outcome',
  'iter',
  'period',
  'lyapunov',
  'f',
  'sharpness',
  'obs0',
  'obs1',
  'final0',
  'final1',
] as const satisfies readonly (keyof RecordColumns)[];

/** Writes a record into pixel `idx` of the columns. */
export function storeRecord(cols: RecordColumns, idx: number, r: TrajectoryRecord): void {
  for (const k of COLUMN_KEYS) cols[k][idx] = r[k];
}

/**
 * Allocates the columns of a W×H grid: float64 (the CPU engine's precision) or float32 (the GPU's),
 * on SharedArrayBuffers when `shared` (workers then fill them in place).
 */
export function allocColumns(
  width: number,
  height: number,
  float: 'f32' | 'f64' = 'f64',
  shared = false,
): RecordColumns {
  const n = width * height;
  const bytes = (b: number) => (shared ? new SharedArrayBuffer(b * n) : new ArrayBuffer(b * n));
  const fb = float === 'f64' ? 8 : 4;
  const F = () => (float === 'f64' ? new Float64Array(bytes(fb)) : new Float32Array(bytes(fb)));
  return {
    width,
    height,
    outcome: new Uint8Array(bytes(1)),
    iter: new Uint32Array(bytes(4)),
    period: new Uint32Array(bytes(4)),
    lyapunov: F(),
    f: F(),
    sharpness: F(),
    obs0: F(),
    obs1: F(),
    final0: F(),
    final1: F(),
  };
}

/** Parses `count` GPU records (the raw words of a readback) into columns starting at `offset`. */
export function parseRecords(words: ArrayBuffer, cols: RecordColumns, offset = 0, count?: number): void {
  const u = new Uint32Array(words);
  const f = new Float32Array(words);
  const n = count ?? u.length / RECORD_WORDS;
  for (let i = 0; i < n; i++) {
    const b = i * RECORD_WORDS;
    const j = offset + i;
    cols.outcome[j] = u[b];
    cols.iter[j] = u[b + 1];
    cols.period[j] = u[b + 2];
    cols.lyapunov[j] = f[b + 4];
    cols.f[j] = f[b + 5];
    cols.sharpness[j] = f[b + 6];
    cols.obs0[j] = f[b + 7];
    cols.obs1[j] = f[b + 8];
    cols.final0[j] = f[b + 9];
    cols.final1[j] = f[b + 10];
  }
}

/** Outcome counts in the shape the CLI's JSON and the legend share. */
export interface OutcomeCounts {
  diverged: number;
  /** Growing towards divergence without having passed the radius within the iterations. */
  escaping: number;
  converged: number;
  periodic: Record<string, number>;
  /** Bounded, λ > chaosThreshold, extent not growing. */
  chaotic: number;
  /** Neither settled nor escaping within the iterations (or run without exponents). */
  unsettled: number;
  /** chaotic + unsettled: the bounded orbits without a period (kept for readers of older JSON). */
  aperiodic: number;
}

export function emptyCounts(): OutcomeCounts {
  return { diverged: 0, escaping: 0, converged: 0, periodic: {}, chaotic: 0, unsettled: 0, aperiodic: 0 };
}

/** Adds one record of outcome `o` (and period, for PERIODIC) to `counts`. */
export function addOutcome(counts: OutcomeCounts, o: number, period: number): void {
  switch (o) {
    case Outcome.DIVERGED:
      counts.diverged++;
      break;
    case Outcome.ESCAPING:
      counts.escaping++;
      break;
    case Outcome.CONVERGED:
      counts.converged++;
      break;
    case Outcome.PERIODIC: {
      const key = String(period);
      counts.periodic[key] = (counts.periodic[key] ?? 0) + 1;
      break;
    }
    case Outcome.CHAOTIC:
      counts.chaotic++;
      counts.aperiodic++;
      break;
    default:
      counts.unsettled++;
      counts.aperiodic++;
  }
}

export function countOutcomes(cols: Pick<RecordColumns, 'outcome' | 'period'>): OutcomeCounts {
  const counts = emptyCounts();
  for (let i = 0; i < cols.outcome.length; i++) addOutcome(counts, cols.outcome[i], cols.period[i]);
  return counts;
}
