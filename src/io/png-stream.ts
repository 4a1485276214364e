/**
 * PNG written row by row (Node: node:fs, node:zlib), in one layout for every PNG the CLI writes, so
 * that a map written whole and the same map merged from bands are the same bytes, and a merge never
 * decodes a band (src/io/png-bands.ts copies them):
 *
 *   signature, IHDR (RGBA8, no interlace), tEXt chunks (the spec under PNG_SPEC_KEYWORD), IDAT…, IEND.
 *
 * The zlib stream the IDATs carry is a 2-byte header; then every row (filter byte 0, then its RGBA)
 * deflated on its own, as raw deflate ending in a sync flush (non-final blocks, byte-aligned, no
 * window shared with earlier rows); then an empty final block and the Adler-32 of all rows. A row's
 * compressed bytes therefore depend on that row alone, a band's compressed bytes are a slice of the
 * whole's, and the Adler-32 of the whole follows from the bands' (adler32Combine). IDAT chunks are cut
 * every IDAT_BYTES of that stream, wherever rows end, so the cut does not depend on who wrote the rows.
 *
 * Filter None: on gdlab's colormap and palette pictures it compressed best of None, Sub, Up, Paeth and
 * libpng's adaptive choice (1024² basin maps). Deflating rows apart costs size where rows are narrow
 * against deflate's 32 KiB window: 1.35–2× a single deflate stream at 1024 pixels wide, nearly
 * nothing at 8192 and wider, where one row already fills the window.
 */
import zlib from 'node:zlib';
import { writeFileStreamed } from './files.ts';
import type { EngineInfo } from '../core/engine.ts';
import { pngTexts } from '../experiment/png.ts';
import type { ExperimentSpec } from '../experiment/spec.ts';

/** Largest IDAT payload written (the last one of a file may be shorter). */
export const IDAT_BYTES = 1 << 20;
export const PNG_SIGNATURE = Uint8Array.of(137, 80, 78, 71, 13, 10, 26, 10);
/** The zlib header (deflate, 32 KiB window, default level) that starts every IDAT stream written here. */
export const ZLIB_HEADER = Uint8Array.of(0x78, 0x9c);
/** An empty final fixed-Huffman block: what ends the rows' deflate data. */
export const FINAL_BLOCK = Uint8Array.of(0x03, 0x00);
/** Every row's deflate settings: fixed, since the bytes of a merge must equal a whole run's. */
const ROW_DEFLATE: zlib.ZlibOptions = {
  level: 6,
  memLevel: 8,
  windowBits: 15,
  strategy: zlib.constants.Z_DEFAULT_STRATEGY,
  finishFlush: zlib.constants.Z_SYNC_FLUSH,
};

const ADLER_BASE = 65521;

/** Adler-32 of data[start, end) continuing from `adler` (1 for an empty stream). */
export function adler32(adler: number, data: Uint8Array, start = 0, end = data.length): number {
  let a = adler & 0xffff;
  let b = adler >>> 16;
  let i = start;
  while (i < end) {
    // 3800 bytes keep both sums below 2³¹ between reductions (small integers for the JIT).
    const stop = Math.min(end, i + 3800);
    for (; i < stop; i++) {
      a += data[i];
      b += a;
    }
    a %= ADLER_BASE;
    b %= ADLER_BASE;
  }
  return ((b << 16) | a) >>> 0;
}

/** Adler-32 of the concatenation AB from those of A and B and B's length (zlib's adler32_combine). */
export function adler32Combine(adlerA: number, adlerB: number, lengthB: number): number {
  const rem = lengthB % ADLER_BASE;
  let sum1 = adlerA & 0xffff;
  let sum2 = (rem * sum1) % ADLER_BASE;
  sum1 += (adlerB & 0xffff) + ADLER_BASE - 1;
  sum2 += (adlerA >>> 16) + (adlerB >>> 16) + ADLER_BASE - rem;
  if (sum1 >= ADLER_BASE) sum1 -= ADLER_BASE;
  if (sum1 >= ADLER_BASE) sum1 -= ADLER_BASE;
  if (sum2 >= 2 * ADLER_BASE) sum2 -= 2 * ADLER_BASE;
  if (sum2 >= ADLER_BASE) sum2 -= ADLER_BASE;
  return ((sum2 << 16) | sum1) >>> 0;
}

/** A PNG chunk: length, type, data, CRC-32 of type and data. */
export function pngChunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, zlib.crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** Bytes of a row in the zlib stream before compression: the filter byte and RGBA8. */
export const rawRowBytes = (width: number) => 1 + 4 * width;

/**
 * The tEXt chunks of a picture of `spec`, in the encoding src/experiment/png.ts reads back, with the
 * engine that computed it where known (pngTexts).
 */
export function specTexts(
  spec: ExperimentSpec,
  extra: Record<string, string> = {},
  info?: EngineInfo,
): Record<string, string> {
  return { ...pngTexts(spec, info), ...extra };
}

/**
 * Writes one PNG to `sink` as rows arrive: the header when constructed, then rows (writeRows) or
 * already deflated bands (appendDeflated + appendRowsChecksum), then finish(). Holds one IDAT's worth
 * of compressed bytes and one row, whatever the picture's size.
 */
export class PngStreamWriter {
  private readonly idat = new Uint8Array(IDAT_BYTES);
  private fill = 0;
  private adler = 1;
  private rows = 0;
  private readonly row: Uint8Array;

  constructor(
    private readonly sink: (bytes: Uint8Array) => void,
    readonly width: number,
    readonly height: number,
    texts: Record<string, string>,
  ) {
    if (!(Number.isInteger(width) && width >= 1 && width < 2 ** 31 / 4))
      throw new RangeError(`PNG width ${width} out of range`);
    if (!(Number.isInteger(height) && height >= 1 && height < 2 ** 31))
      throw new RangeError(`PNG height ${height} out of range`);
    this.row = new Uint8Array(rawRowBytes(width));
    const ihdr = new Uint8Array(13);
    const view = new DataView(ihdr.buffer);
    view.setUint32(0, width);
    view.setUint32(4, height);
    ihdr.set([8, 6, 0, 0, 0], 8);
    sink(PNG_SIGNATURE);
    sink(pngChunk('IHDR', ihdr));
    for (const [keyword, text] of Object.entries(texts)) {
      const data = new Uint8Array(keyword.length + 1 + text.length);
      for (let i = 0; i < keyword.length; i++) data[i] = keyword.charCodeAt(i) & 0xff;
      for (let i = 0; i < text.length; i++) data[keyword.length + 1 + i] = text.charCodeAt(i) & 0xff;
      sink(pngChunk('tEXt', data));
    }
    this.appendDeflated(ZLIB_HEADER);
  }

  /** Rows written (or appended) so far. */
  get rowsWritten(): number {
    return this.rows;
  }

  /** Whole RGBA8 rows, top first (any number of them). */
  writeRows(rgba: Uint8Array | Uint8ClampedArray): void {
    const stride = 4 * this.width;
    if (rgba.length % stride !== 0)
      throw new RangeError(`${rgba.length} bytes are not whole rows of ${this.width} RGBA pixels`);
    const n = rgba.length / stride;
    if (this.rows + n > this.height) throw new RangeError(`more than ${this.height} rows`);
    const row = this.row;
    for (let r = 0; r < n; r++) {
      row.set(rgba.subarray(r * stride, (r + 1) * stride), 1);
      this.adler = adler32(this.adler, row);
      this.appendDeflated(zlib.deflateRawSync(row, ROW_DEFLATE));
    }
    this.rows += n;
  }

  /** Compressed stream bytes as they are (a band's rows, copied by a merge). */
  appendDeflated(bytes: Uint8Array): void {
    let at = 0;
    while (at < bytes.length) {
      const n = Math.min(bytes.length - at, IDAT_BYTES - this.fill);
      this.idat.set(bytes.subarray(at, at + n), this.fill);
      this.fill += n;
      at += n;
      if (this.fill === IDAT_BYTES) this.flushIdat();
    }
  }

  /** Accounts for `rows` rows appended with appendDeflated, whose raw bytes have Adler-32 `adler`. */
  appendRowsChecksum(rows: number, adler: number): void {
    if (this.rows + rows > this.height) throw new RangeError(`more than ${this.height} rows`);
    this.adler = adler32Combine(this.adler, adler, rows * rawRowBytes(this.width));
    this.rows += rows;
  }

  /** Ends the stream and the file; every row must have been written. */
  finish(): void {
    if (this.rows !== this.height)
      throw new RangeError(`PNG of ${this.height} rows finished after ${this.rows}`);
    const trailer = new Uint8Array(6);
    trailer.set(FINAL_BLOCK);
    new DataView(trailer.buffer).setUint32(2, this.adler);
    this.appendDeflated(trailer);
    if (this.fill > 0) this.flushIdat();
    this.sink(pngChunk('IEND', new Uint8Array(0)));
  }

  private flushIdat(): void {
    this.sink(pngChunk('IDAT', this.idat.subarray(0, this.fill)));
    this.fill = 0;
  }
}

/** A PNG file whose rows `fill` writes (src/io/files.ts writeFileStreamed); returns its size in bytes. */
export function writePngFile(
  path: string,
  width: number,
  height: number,
  texts: Record<string, string>,
  fill: (writer: PngStreamWriter) => void,
): number {
  return writeFileStreamed(path, (sink) => {
    const writer = new PngStreamWriter(sink, width, height, texts);
    fill(writer);
    writer.finish();
  });
}

/** A whole RGBA8 picture with its spec, as a file (what `--png FILE` writes). */
export function writeSpecPngFile(
  path: string,
  rgba: Uint8Array | Uint8ClampedArray,
  width: number,
  height: number,
  spec: ExperimentSpec,
  info?: EngineInfo,
): void {
  checkSize(rgba, width, height);
  writePngFile(path, width, height, specTexts(spec, {}, info), (w) => w.writeRows(rgba));
}

/** The same bytes in memory (the gallery writes files of its own). */
export function encodeSpecPngStream(
  rgba: Uint8Array | Uint8ClampedArray,
  width: number,
  height: number,
  spec: ExperimentSpec,
  info?: EngineInfo,
): Uint8Array {
  checkSize(rgba, width, height);
  const parts: Uint8Array[] = [];
  const writer = new PngStreamWriter((b) => parts.push(b.slice()), width, height, specTexts(spec, {}, info));
  writer.writeRows(rgba);
  writer.finish();
  return Buffer.concat(parts);
}

function checkSize(rgba: ArrayLike<number>, width: number, height: number): void {
  if (rgba.length !== width * height * 4)
    throw new RangeError(`${rgba.length} bytes is not a ${width}×${height} RGBA picture`);
}
