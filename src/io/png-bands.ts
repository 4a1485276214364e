/**
 * Reading PNGs that PngStreamWriter wrote (src/io/png-stream.ts), chunk by chunk, to copy their rows
 * into another PNG without decoding them: a merge of row bands, or the frames of an animated PNG.
 * Memory is one chunk (at most IDAT_BYTES for our IDATs) whatever the picture's size.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import zlib from 'node:zlib';
import {
  FINAL_BLOCK,
  IDAT_BYTES,
  PNG_SIGNATURE,
  pngChunk,
  ZLIB_HEADER,
  type PngStreamWriter,
} from './png-stream.ts';

/** A file that is not a PNG as PngStreamWriter writes it (or is truncated or corrupt). */
export class PngFormatError extends Error {
  override name = 'PngFormatError';
}

/** Largest chunk read: our IDATs are IDAT_BYTES, a spec's tEXt far less. */
const MAX_CHUNK = 16 * IDAT_BYTES;

export interface PngChunk {
  type: string;
  data: Uint8Array;
}

/** What precedes the image data: size and tEXt chunks (keyword to Latin-1 text). */
export interface PngHeader {
  width: number;
  height: number;
  texts: Record<string, string>;
}

/** The chunks of a PNG file in order, CRCs checked; stops after IEND (or at the first IDAT when asked). */
export function* readPngChunks(path: string): Generator<PngChunk> {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new PngFormatError(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? e})`);
  }
  let pos = 0;
  const read = (n: number): Uint8Array => {
    const buf = new Uint8Array(n);
    let got = 0;
    while (got < n) {
      const k = readSync(fd, buf, got, n - got, pos + got);
      if (k === 0) throw new PngFormatError(`${path}: ends after ${pos + got} bytes (truncated)`);
      got += k;
    }
    pos += n;
    return buf;
  };
  try {
    const sig = read(8);
    if (!sig.every((b, i) => b === PNG_SIGNATURE[i])) throw new PngFormatError(`${path}: not a PNG`);
    for (;;) {
      const head = read(8);
      const length = new DataView(head.buffer).getUint32(0);
      const type = String.fromCharCode(...head.subarray(4));
      if (length > MAX_CHUNK)
        throw new PngFormatError(`${path}: ${type} chunk of ${length} bytes (not written by gdlab)`);
      const data = read(length);
      const crc = new DataView(read(4).buffer).getUint32(0);
      if (zlib.crc32(data, zlib.crc32(head.subarray(4))) !== crc)
        throw new PngFormatError(`${path}: ${type} chunk at byte ${pos - length - 12} fails its CRC`);
      yield { type, data };
      if (type === 'IEND') return;
    }
  } finally {
    closeSync(fd);
  }
}

function latin1(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.length).toString('latin1');
}

/**
 * The image data of a PNG written by PngStreamWriter: checks its header (RGBA8, not interlaced),
 * collects its tEXt chunks, yields each IDAT payload (none when `headerOnly`: it stops at the first),
 * and returns the header. Its file is closed when the walk ends or is abandoned (return()).
 */
export function* pngImageData(path: string, headerOnly = false): Generator<Uint8Array, PngHeader> {
  let header: PngHeader | null = null;
  let idats = 0;
  for (const { type, data } of readPngChunks(path)) {
    if (!header) {
      if (type !== 'IHDR' || data.length !== 13) throw new PngFormatError(`${path}: no IHDR first`);
      const v = new DataView(data.buffer, data.byteOffset);
      const kind = [...data.subarray(8)].join();
      if (kind !== '8,6,0,0,0')
        throw new PngFormatError(`${path}: not an 8-bit RGBA PNG without interlace (as gdlab writes)`);
      header = { width: v.getUint32(0), height: v.getUint32(4), texts: {} };
    } else if (type === 'tEXt') {
      const nul = data.indexOf(0);
      if (nul > 0) header.texts[latin1(data.subarray(0, nul))] = latin1(data.subarray(nul + 1));
    } else if (type === 'IDAT') {
      if (headerOnly) return header;
      idats++;
      yield data;
    }
  }
  if (!header || idats === 0) throw new PngFormatError(`${path}: no image data`);
  return header;
}

/** pngImageData with each IDAT payload handed to `onIdat` (header only when `onIdat` is omitted). */
export function walkPng(path: string, onIdat?: (data: Uint8Array) => void): PngHeader {
  const walk = pngImageData(path, !onIdat);
  try {
    for (;;) {
      const next = walk.next();
      if (next.done) return next.value;
      onIdat!(next.value);
    }
  } finally {
    walk.return(undefined as never);
  }
}

/** The header of a PNG (size and texts), read up to its first IDAT. */
export function readPngHeader(path: string): PngHeader {
  return walkPng(path);
}

/** The sync flush every written row ends with, and the tail of the stream after the last row. */
export const SYNC = Uint8Array.of(0, 0, 0xff, 0xff);
const TAIL = SYNC.length + FINAL_BLOCK.length + 4;

/**
 * A band's zlib stream split as a merge needs it, IDAT payload by payload: the 2-byte zlib header
 * checked and dropped, then the rows' deflate bytes handed on, but the last TAIL bytes held back until
 * the end, where they must be the last row's sync flush, the final block and the rows' Adler-32.
 */
export class BandRows {
  private head = 0;
  private readonly tail = new Uint8Array(TAIL);
  private tailLength = 0;

  constructor(private readonly path: string) {}

  /** The row bytes that `chunk` (the next IDAT payload) releases, in order: views of it, or copies. */
  push(chunk: Uint8Array): Uint8Array[] {
    let data = chunk;
    while (this.head < ZLIB_HEADER.length && data.length > 0) {
      if (data[0] !== ZLIB_HEADER[this.head])
        throw new PngFormatError(`${this.path}: not deflated as gdlab writes`);
      this.head++;
      data = data.subarray(1);
    }
    const tail = this.tail;
    const total = this.tailLength + data.length;
    if (total <= TAIL) {
      tail.set(data, this.tailLength);
      this.tailLength = total;
      return [];
    }
    const fromTail = Math.min(this.tailLength, total - TAIL);
    const fromData = total - TAIL - fromTail;
    const out = [tail.slice(0, fromTail), data.subarray(0, fromData)];
    const kept = tail.slice(fromTail, this.tailLength);
    tail.set(kept);
    tail.set(data.subarray(fromData), kept.length);
    this.tailLength = TAIL;
    return out;
  }

  /**
   * After the last push: the rows' Adler-32 from the held-back tail, which must end the stream as gdlab
   * does. The last row's sync flush (SYNC) belongs to the rows; the caller hands it on.
   */
  end(): number {
    const ends = [...SYNC, ...FINAL_BLOCK];
    if (this.tailLength !== TAIL || !ends.every((b, i) => this.tail[i] === b))
      throw new PngFormatError(`${this.path}: its rows are not deflated as gdlab writes them`);
    return new DataView(this.tail.buffer).getUint32(ends.length);
  }
}

/**
 * Appends the rows of a PNG written by PngStreamWriter to `writer`, compressed bytes as they are
 * (zlib header, final block and Adler-32 left out; the Adler-32 is combined into the writer's). Its
 * width must be the writer's and its height `rows`; anything else is a PngFormatError naming it. The
 * rows are not inflated here: checkBandRows (src/io/band-check.ts) does that before a merge writes.
 */
export function copyRows(path: string, writer: PngStreamWriter, rows: number): PngHeader {
  const band = new BandRows(path);
  const header = walkPng(path, (chunk) => {
    for (const bytes of band.push(chunk)) writer.appendDeflated(bytes);
  });
  if (header.width !== writer.width || header.height !== rows)
    throw new PngFormatError(
      `${path}: is ${header.width}×${header.height}, expected ${writer.width}×${rows} (a band of this map)`,
    );
  const adler = band.end();
  writer.appendDeflated(SYNC);
  writer.appendRowsChecksum(rows, adler);
  return header;
}

/**
 * An animated PNG from frames that PngStreamWriter wrote (all one size): frame 0 is the default image
 * (what a viewer without APNG shows, and whose texts the file carries), each frame's zlib stream is
 * copied into fdAT chunks as it is. Writes through `sink`; one chunk in memory at a time.
 */
export function writeApng(sink: (bytes: Uint8Array) => void, frames: readonly string[], fps: number): void {
  const first = readPngHeader(frames[0]);
  const { width, height } = first;
  const u32 = (...values: number[]) => {
    const out = new Uint8Array(4 * values.length);
    values.forEach((v, i) => new DataView(out.buffer).setUint32(4 * i, v));
    return out;
  };
  const ihdr = u32(width, height);
  sink(PNG_SIGNATURE);
  sink(pngChunk('IHDR', Uint8Array.of(...ihdr, 8, 6, 0, 0, 0)));
  sink(pngChunk('acTL', u32(frames.length, 0)));
  for (const [keyword, text] of Object.entries(first.texts))
    sink(pngChunk('tEXt', Buffer.from(`${keyword}\0${text}`, 'latin1')));
  // A delay of 1/fps s as a fraction of 16-bit numbers (fps rounded to 1/1000).
  const den = Math.min(65535, Math.round(fps * 1000));
  let seq = 0;
  frames.forEach((path, k) => {
    const fctl = new Uint8Array(26);
    const v = new DataView(fctl.buffer);
    v.setUint32(0, seq++);
    v.setUint32(4, width);
    v.setUint32(8, height);
    v.setUint16(20, 1000);
    v.setUint16(22, den);
    sink(pngChunk('fcTL', fctl));
    const header = walkPng(path, (data) => {
      if (k === 0) sink(pngChunk('IDAT', data));
      else {
        const fdat = new Uint8Array(4 + data.length);
        fdat.set(u32(seq++));
        fdat.set(data, 4);
        sink(pngChunk('fdAT', fdat));
      }
    });
    if (header.width !== width || header.height !== height)
      throw new PngFormatError(`${path}: is ${header.width}×${header.height}, frame 0 ${width}×${height}`);
  });
  sink(pngChunk('IEND', new Uint8Array(0)));
}
