/**
 * What a basin run writes per pixel and keeps for its result (RunOptions.records): its records, or its
 * summary words (kept for pictures by outcome, with λ beside them under the exponent, or released once
 * reduced), within the engine's memory budget.
 */
import type { RunOptions } from '../core/engine.ts';
import { RECORD_BYTES } from '../core/records.ts';
import type { BufferPool } from './buffer-pool.ts';
import type { Tile } from './dispatch-plan.ts';

export interface OutputPlan {
  /** Records written and kept. */
  records: boolean;
  /** Summary words written (without records) and kept for the result. */
  keepWords: boolean;
  /** λ written beside the kept words (LYAP_WORDS). */
  lyapWords: boolean;
  /** Why the records were not kept, where they were asked for. */
  note: string | null;
}

/** Whether the records of a W×H grid fit `budget` bytes (so a run or a result may keep them). */
export function recordsFit(pixels: { width: number; height: number }, budget: number): boolean {
  return pixels.width * pixels.height * RECORD_BYTES <= budget;
}

/**
 * What a W×H run keeps under `mode` within `budget` bytes: records where asked for and within it; where
 * not, but a picture may be asked for, the summary words, with λ when chaotic pixels can occur
 * (enough to colour by outcome without running GD again).
 */
export function planOutputs(
  mode: NonNullable<RunOptions['records']>,
  pixels: { width: number; height: number },
  lyapunov: boolean,
  budget: number,
): OutputPlan {
  const n = pixels.width * pixels.height;
  const records = mode === 'keep' && recordsFit(pixels, budget);
  const keepWords = mode !== 'none' && !records && n * (lyapunov ? 8 : 4) <= budget;
  const gib = (b: number) => (b / 2 ** 30).toFixed(1);
  const note =
    mode === 'keep' && !records
      ? `records of ${pixels.width}×${pixels.height} pixels (${gib(n * RECORD_BYTES)} GiB) exceed the ` +
        `${gib(budget)} GiB kept on the GPU; ` +
        (keepWords
          ? 'pictures by outcome come from summary words, others recompute them'
          : 'pictures recompute them')
      : null;
  return { records, keepWords, lyapWords: keepWords && lyapunov, note };
}

/** The buffers of a run's outputs per tile: records or summary words, and λ beside kept words. */
export async function acquireOutputs(
  pool: BufferPool,
  tiles: readonly Tile[],
  plan: OutputPlan,
): Promise<{ outputs: GPUBuffer[]; lyaps: GPUBuffer[] }> {
  const usage = GPUBufferUsage.STORAGE | GPUBufferUsage.COPY_SRC;
  const outputs: GPUBuffer[] = [];
  const lyaps: GPUBuffer[] = [];
  try {
    for (const t of tiles)
      outputs.push(
        plan.records
          ? await pool.acquire(
              'GpuBasinResult.records',
              t.count * RECORD_BYTES,
              usage,
              `allocating the records of ${t.count} pixels`,
            )
          : await pool.acquire(
              'GpuBasinEngine.summary',
              t.count * 4,
              usage,
              `allocating the summary of ${t.count} pixels`,
            ),
      );
    if (plan.lyapWords)
      for (const t of tiles)
        lyaps.push(
          await pool.acquire('GpuBasinResult.lyap', t.count * 4, usage, `allocating λ of ${t.count} pixels`),
        );
  } catch (e) {
    for (const b of [...outputs, ...lyaps]) pool.release(b);
    throw e;
  }
  return { outputs, lyaps };
}
