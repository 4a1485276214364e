/**
 * The bench's agreement checks: on the adapter it measures, what the tests check on SwiftShader, so
 * that a session lent a real GPU learns it from the bench alone (`bash .gpu/remote.sh`). The
 * statistics buffer against counts from the full readback; the counts of the kept-records and
 * summary-only pipelines; the picture by outcome from summary words (and λ) against the kept records'
 * picture; the records of the run as planned against the same run cut into chunks of
 * part entry points, bit for bit. The last is what a shader compiler that fuses a·b + c into one FMA
 * in one pipeline and not in another would break (WGSL lets it; SwiftShader does not do it).
 */
import { COLUMN_KEYS, countOutcomes, type OutcomeCounts, type RecordColumns } from '../core/records.ts';
import { defaultSpec, parseSpec, type ExperimentSpec } from '../experiment/spec.ts';
import { GpuBasinEngine } from '../engine/gpu-engine.ts';
import { compileObjective } from '../objective/compile.ts';

/** One workload's agreement, as bench/results.json holds it. */
export interface Agreement {
  /** The grid checked. */
  size: [number, number];
  /** The statistics buffer's counts equal those of the full readback, counted on the CPU. */
  stats_equal_readback: boolean;
  /** The summary-only pipelines (records: 'none') count what the record-keeping ones do. */
  summary_counts_equal: boolean;
  /** The picture by outcome from kept summary words (records: 'outcome') is the kept records', pixel for pixel. */
  outcome_picture_equal: boolean;
  /** The run cut into chunks: how, and the pixels whose records differ in any bit. */
  chunked: { iterations_per_dispatch: number; pixels_per_dispatch: number; differing_pixels: number };
  /** Of those, the pixels whose outcome or period differ. */
  differing_outcomes: number;
}

/** Whether every check held. */
export function agreed(a: Agreement): boolean {
  return (
    a.stats_equal_readback &&
    a.summary_counts_equal &&
    a.outcome_picture_equal &&
    a.chunked.differing_pixels === 0
  );
}

/** One line for the bench's report. */
export function describeAgreement(a: Agreement): string {
  const mark = (ok: boolean) => (ok ? 'yes' : 'NO');
  const { iterations_per_dispatch: k, pixels_per_dispatch: p, differing_pixels: d } = a.chunked;
  return (
    `agreement (${a.size[0]}×${a.size[1]}): statistics buffer = full readback ${mark(a.stats_equal_readback)}; ` +
    `summary-only counts = kept records' ${mark(a.summary_counts_equal)}; ` +
    `outcome picture from summary words = from records ${mark(a.outcome_picture_equal)}; ` +
    `chunked (${k} iterations × ${p} pixels a dispatch) bit for bit ` +
    (d === 0 ? 'yes' : `NO: ${d} pixels differ, ${a.differing_outcomes} in outcome or period`)
  );
}

/** Counts equal field by field, periods whatever their keys' order. */
export function sameCounts(a: OutcomeCounts, b: OutcomeCounts): boolean {
  const key = (c: OutcomeCounts) =>
    JSON.stringify({ ...c, periodic: Object.entries(c.periodic).sort(([p], [q]) => Number(p) - Number(q)) });
  return key(a) === key(b);
}

/** Pixels whose records differ in any bit, and those whose outcome or period differ. */
export function differingPixels(a: RecordColumns, b: RecordColumns): { any: number; outcome: number } {
  const n = a.outcome.length;
  const differs = new Uint8Array(n);
  for (const key of COLUMN_KEYS) {
    const x = a[key];
    const y = b[key];
    // Bits, not values (NaN equals NaN, -0 differs from 0), a 32-bit word at a time where the
    // elements are whole words.
    const size = x.BYTES_PER_ELEMENT;
    const word = size % 4 === 0;
    const per = word ? size / 4 : size;
    const wx = word
      ? new Uint32Array(x.buffer, x.byteOffset, n * per)
      : new Uint8Array(x.buffer, x.byteOffset, n);
    const wy = word
      ? new Uint32Array(y.buffer, y.byteOffset, n * per)
      : new Uint8Array(y.buffer, y.byteOffset, n);
    for (let i = 0; i < n; i++)
      for (let j = i * per; j < (i + 1) * per; j++)
        if (wx[j] !== wy[j]) {
          differs[i] = 1;
          break;
        }
  }
  let any = 0;
  let outcome = 0;
  for (let i = 0; i < n; i++) {
    any += differs[i];
    if (a.outcome[i] !== b.outcome[i] || a.period[i] !== b.period[i]) outcome++;
  }
  return { any, outcome };
}

/**
 * Runs `spec` four more times on `engine`'s device: kept records (read back whole), summary only,
 * summary words kept for a picture by outcome, and chunked on an engine of its own (`iterations` a
 * dispatch, 65536 pixels).
 */
export async function checkAgreement(
  engine: GpuBasinEngine,
  device: GPUDevice,
  adapterName: string,
  spec: ExperimentSpec,
  iterations: number,
): Promise<Agreement> {
  const pixels = 1 << 16;
  const kept = await engine.runBasin(spec, { records: 'keep' });
  try {
    const columns = await kept.readAll();
    const summary = await engine.runBasin(spec, { records: 'none' });
    summary.dispose();
    const colour = { ...spec.colour, field: 'outcome' as const };
    const words = await engine.runBasin(spec, { records: 'outcome' });
    const fromWords = await words.readImage(colour);
    words.dispose();
    const fromRecords = await kept.readImage(colour);
    const pictureEqual =
      sameCounts(words.counts, kept.counts) && fromWords.every((v, i) => v === fromRecords[i]);
    const chunkedEngine = new GpuBasinEngine(device, compileObjective, {
      adapterName,
      itersPerDispatch: iterations,
      pixelsPerDispatch: pixels,
    });
    try {
      const chunked = await chunkedEngine.runBasin(spec, { records: 'keep' });
      const diff = differingPixels(columns, await chunked.readAll());
      chunked.dispose();
      return {
        size: [...spec.size],
        stats_equal_readback: sameCounts(kept.counts, countOutcomes(columns)),
        summary_counts_equal: sameCounts(summary.counts, kept.counts),
        outcome_picture_equal: pictureEqual,
        chunked: {
          iterations_per_dispatch: iterations,
          pixels_per_dispatch: pixels,
          differing_pixels: diff.any,
        },
        differing_outcomes: diff.outcome,
      };
    } finally {
      chunkedEngine.dispose();
    }
  } finally {
    kept.dispose();
  }
}

/**
 * The double well over (h, x₀) across the doublings of its 2- and 4-cycles (√5 - 1 = 1.23607 and
 * 1.28803), 700 steps: every pixel's candidate period is 2, 4 or 8, and near each doubling the orbit
 * is still approaching the cycle, so rule 3's divisor test fails there. Whole, a run leaves the test
 * to its `escape` pass (a replay from the start); chunked, the kernel replays the candidate's steps from
 * the checkpoint: the two replays must give the tail's distances bit for bit.
 *
 * `short`: 20 steps (tol 1e-2, so that some orbits settle), where a whole run's kernel leaves every
 * candidate unmarked and the engine runs the escape pass only because the statistics count some
 * (DIVISOR_SCAN of shaders/gd-core.wgsl); the test decides 134 of the 288 pixels at 48×6.
 */
export function doublingsSpec(width: number, short = false): ExperimentSpec {
  const base = defaultSpec();
  return parseSpec({
    ...base,
    objective: { expr: '(x^2 - 1)^2/4', preset: null, params: {} },
    lr: 1.25,
    x0: [0.3],
    plane: short
      ? { u: { quantity: 'lr', min: 1.2, max: 1.31 }, v: { quantity: 'x', min: 0.1, max: 0.9 } }
      : { u: { quantity: 'lr', min: 1.22, max: 1.31 }, v: { quantity: 'x', min: 0.2, max: 0.4 } },
    size: [width, Math.max(1, width >> 3)],
    iterations: short ? 20 : 700,
    transient: short ? 10 : 500,
    classify: short
      ? { ...base.classify, lyapunov: true, maxPeriod: 16, tol: 1e-2 }
      : { ...base.classify, lyapunov: false },
  });
}
