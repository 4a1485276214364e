/** Sharing record columns with workers: whether memory can be shared, and copying a band in. */
import { COLUMN_KEYS, type RecordColumns } from '../core/records.ts';

/** Whether memory can be shared with workers here (Node; a page only when cross-origin isolated). */
export function canShareMemory(): boolean {
  if (typeof SharedArrayBuffer === 'undefined') return false;
  const g = globalThis as { crossOriginIsolated?: boolean; window?: unknown; WorkerGlobalScope?: unknown };
  // Browsers expose SharedArrayBuffer only to isolated pages, but say so explicitly.
  if (g.window !== undefined || g.WorkerGlobalScope !== undefined) return g.crossOriginIsolated === true;
  return true;
}

/** Copies `band` (columns of `count` pixels) into `into` from pixel `first` on. */
export function copyBand(band: RecordColumns, into: RecordColumns, first: number): void {
  for (const key of COLUMN_KEYS) (into[key] as Float64Array).set(band[key] as Float64Array, first);
}
