/**
 * What a merge checks before it copies bands' compressed rows into one PNG (src/io/png-bands.ts
 * copyRows): that the rows, in order, are one deflate stream a PNG reader inflates to exactly the
 * picture's rows. copyRows checks only the framing (zlib header, sync flush, final block), so a band
 * whose header claims more rows than its stream holds, or whose stream ends early, would make a PNG
 * no reader decodes. The bands are inflated here as the merged file will be, one inflater through all
 * of them, so that what is checked is the merged stream itself, not each band alone: a band can be a
 * valid PNG of its own and still end in a state (a final block, a block left open) that breaks the
 * next. Memory stays at an IDAT payload, a batch of row bytes and one inflated chunk, and a band that
 * inflates to more than its rows is stopped at its first chunk too many (a zlib bomb does not run).
 */
import { once } from 'node:events';
import zlib from 'node:zlib';
import { BandRows, PngFormatError, pngImageData, SYNC, type PngHeader } from './png-bands.ts';
import { adler32, FINAL_BLOCK, rawRowBytes } from './png-stream.ts';

/**
 * Inflated bytes per step: what a band can give past its rows before it is stopped. 4× zlib's 16 KiB
 * default, for a third less time per GiB of rows (fewer trips to the thread pool); more gains little.
 */
const INFLATE_CHUNK = 64 << 10;

/** Row bytes gathered before they are inflated: IDATs may be tiny, and each write is a trip to the pool. */
const BATCH = 64 << 10;

/** A band of a merge: its PNG and the rows its piece says it holds. */
export interface BandFile {
  path: string;
  rows: number;
}

/** One raw inflater through the bands' row bytes, counting what it gives and stopping at a limit. */
class RowsInflater {
  private readonly z = zlib.createInflateRaw({ chunkSize: INFLATE_CHUNK });
  private readonly closed: Promise<unknown>;
  /** Bytes written to the inflater, and bytes it gave back, so far. */
  fed = 0;
  out = 0;
  /** Inflated bytes allowed so far: the end of the current band's rows. */
  limit = 0;
  /** Adler-32 of what it gave back since the last reset. */
  adler = 1;
  /** Whether it was stopped for giving more than `limit`. */
  overflow = false;
  error: Error | null = null;
  /** Row bytes queued for the next write. */
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;

  constructor() {
    this.z.on('data', (chunk: Buffer) => {
      this.out += chunk.length;
      if (this.out > this.limit) {
        this.overflow = true;
        this.z.destroy();
      } else this.adler = adler32(this.adler, chunk);
    });
    this.z.on('error', (e: Error) => (this.error ??= e));
    this.closed = once(this.z, 'close').catch(() => undefined);
  }

  get stopped(): boolean {
    return this.overflow || this.error !== null || this.z.destroyed;
  }

  /** Input bytes the inflater took: fewer than `fed` once its stream has ended. */
  get consumed(): number {
    return this.z.bytesWritten;
  }

  /** Queues `bytes` (kept, not copied), inflating the queue once it holds BATCH bytes. */
  async add(bytes: Uint8Array): Promise<void> {
    this.pending.push(bytes);
    this.pendingBytes += bytes.length;
    if (this.pendingBytes >= BATCH) await this.flush();
  }

  /** Inflates what is queued and waits until it is inflated (or the inflater stopped). */
  async flush(): Promise<void> {
    const bytes = this.pending.length === 1 ? this.pending[0] : Buffer.concat(this.pending);
    this.pending = [];
    this.pendingBytes = 0;
    if (this.stopped || bytes.length === 0) return;
    this.fed += bytes.length;
    await Promise.race([new Promise((resolve) => this.z.write(bytes, resolve)), this.closed]);
    // Output a reader had not taken yet is counted before anything is judged.
    while (this.z.readableLength > 0 && !this.stopped) await new Promise((resolve) => setImmediate(resolve));
  }

  /** Ends the stream (zlib then insists that it is complete) and waits for the inflater to close. */
  async end(): Promise<void> {
    await this.flush();
    if (!this.stopped) this.z.end();
    await this.closed;
  }

  /** Stops the inflater (after a refusal found elsewhere). */
  dispose(): void {
    this.z.destroy();
  }
}

/**
 * Checks that the bands of one picture `width` pixels wide, in order, inflate as the PNG that copyRows
 * makes of them will: each to its own rows × width pixels exactly, with the Adler-32 its stream ends
 * with, no band ending the stream, and the whole ended by the merge's final block. Rejects with a
 * PngFormatError that names the band where inflating went wrong.
 */
export async function checkBandRows(bands: readonly BandFile[], width: number): Promise<void> {
  const z = new RowsInflater();
  const ends: number[] = [];
  // The band whose bytes the inflater stopped taking in: the one whose final block ended the stream.
  const ender = () => {
    const k = ends.findIndex((end) => end >= z.consumed);
    return bands[k < 0 ? bands.length - 1 : k].path;
  };
  const broken = (path: string, e: Error) =>
    new PngFormatError(`${path}: its pixel data does not inflate (${e.message})`);
  try {
    for (const { path, rows } of bands) {
      const expected = rows * rawRowBytes(width);
      const outBefore = z.out;
      z.limit = outBefore + expected;
      z.adler = 1;
      const band = new BandRows(path);
      const walk = pngImageData(path);
      let header: PngHeader | undefined;
      try {
        for (let next = walk.next(); ; next = walk.next()) {
          if (next.done) {
            header = next.value;
            break;
          }
          for (const bytes of band.push(next.value)) await z.add(bytes);
          if (z.stopped) break;
        }
      } finally {
        walk.return(undefined as never);
      }
      await z.flush();
      const size = `${rows} row${rows === 1 ? '' : 's'} of ${width} pixels`;
      if (header && (header.width !== width || header.height !== rows))
        throw new PngFormatError(
          `${path}: is ${header.width}×${header.height}, its piece says ${width}×${rows}`,
        );
      if (z.overflow) throw new PngFormatError(`${path}: its pixel data inflates to more than ${size}`);
      if (z.error) throw broken(path, z.error);
      const adler = band.end();
      await z.add(SYNC);
      await z.flush();
      ends.push(z.fed);
      if (z.error) throw broken(path, z.error);
      if (z.consumed < z.fed)
        throw new PngFormatError(`${ender()}: its pixel data ends the deflate stream (a final block)`);
      const got = z.out - outBefore;
      if (got !== expected)
        throw new PngFormatError(
          `${path}: its pixel data is ${got} bytes, not the ${size} (${expected} bytes) its header says`,
        );
      if (z.adler !== adler) throw new PngFormatError(`${path}: its pixel data fails its Adler-32 checksum`);
    }
    // The merge ends the rows with the final block; the stream must end there, not before or after.
    await z.add(FINAL_BLOCK);
    await z.end();
    if (z.error) throw broken(bands[bands.length - 1].path, z.error);
    if (z.consumed < z.fed)
      throw new PngFormatError(`${ender()}: its pixel data ends the deflate stream (a final block)`);
  } finally {
    z.dispose();
  }
}
