/**
 * A picture that carries its experiment: RGBA pixels as PNG with the spec JSON in a `tEXt` chunk
 * (keyword `gdlab-spec`), so the lab reopens a saved map exactly. Works in the browser and in Node
 * (fast-png is pure JavaScript).
 */
import { decode, encode } from 'fast-png';
import { precisionWords, type EngineInfo } from '../core/engine.ts';
import { LAB_LIMITS, parseSpecJson, SpecError, type ExperimentSpec, type SpecLimits } from './spec.ts';
import { chunkText, PngTextError, TEXT_CHUNKS } from './png-text.ts';

export const PNG_SPEC_KEYWORD = 'gdlab-spec';

/**
 * PNG's own keyword for the device that made a picture: here the engine and its precision, which the
 * spec does not hold (either engine runs any spec), so that a saved picture still states them.
 */
export const PNG_SOURCE_KEYWORD = 'Source';

/** The `Source` text of a picture the engine `info` computed: 'gdlab GPU engine, float32, <adapter>'. */
export function sourceText(info: EngineInfo): string {
  const text = `gdlab ${info.kind.toUpperCase()} engine, ${precisionWords(info)}${info.kind === 'gpu' ? `, ${info.adapter}` : ''}`;
  // tEXt is Latin-1 with no NUL; an adapter's description is the driver's text.
  return text.replace(/[^\x20-\x7e]/g, '?').slice(0, 200);
}

/** The tEXt entries of a picture of `spec`, computed by `info` where it is known. */
export function pngTexts(spec: ExperimentSpec, info?: EngineInfo): Record<string, string> {
  return { [PNG_SPEC_KEYWORD]: asciiJson(spec), ...(info && { [PNG_SOURCE_KEYWORD]: sourceText(info) }) };
}

/**
 * tEXt is Latin-1; JSON escapes let any spec through unchanged: every character above U+007E is
 * written as \uXXXX, which JSON.parse reads back as the same character.
 */
export function asciiJson(value: unknown): string {
  return JSON.stringify(value).replace(
    /[\u007f-\uffff]/g,
    (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}

/** PNG bytes of a width × height RGBA8 picture (top row first) with `spec` embedded. */
export function encodeSpecPng(
  rgba: Uint8Array | Uint8ClampedArray,
  width: number,
  height: number,
  spec: ExperimentSpec,
  info?: EngineInfo,
): Uint8Array {
  if (rgba.length !== width * height * 4)
    throw new RangeError(`${rgba.length} bytes is not a ${width}×${height} RGBA picture`);
  return encode({
    width,
    height,
    data:
      rgba instanceof Uint8ClampedArray ? new Uint8Array(rgba.buffer, rgba.byteOffset, rgba.length) : rgba,
    channels: 4,
    depth: 8,
    text: pngTexts(spec, info),
  });
}

/**
 * Largest `gdlab-spec` chunk read, and largest text it may inflate to (zTXt, iTXt): a spec is a few
 * kB; anything larger is not one of ours.
 */
export const MAX_SPEC_CHUNK_BYTES = 64 * 1024;
/** Largest picture decodeSpecPng decodes (the pixels and their RGBA copy stay under 600 MB). */
export const MAX_DECODE_PIXELS = 2 ** 26;
/** Most chunks walked: gdlab writes a handful; a million empty ones would be a slow walk for nothing. */
export const MAX_PNG_CHUNKS = 100_000;

/** What the chunk list of a PNG says, read without inflating a single pixel. */
export interface PngChunks {
  width: number;
  height: number;
  /** The `gdlab-spec` text (Latin-1 decoded), or undefined when the PNG has none. */
  specText: string | undefined;
}

const SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

let crcTable: Uint32Array | null = null;
function crc32(bytes: Uint8Array, start: number, end: number): number {
  if (!crcTable) {
    crcTable = new Uint32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      crcTable[n] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = crcTable[(c ^ bytes[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function asBytes(bytes: ArrayBufferView | ArrayBuffer): Uint8Array {
  return bytes instanceof ArrayBuffer
    ? new Uint8Array(bytes)
    : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** Random access to a PNG's bytes: `read(pos, length)` returns at most `length` bytes from `pos`. */
export interface PngSource {
  size: number;
  read(pos: number, length: number): Uint8Array;
}

/** PngSource whose reads are asynchronous (a Blob: a file dropped on the lab or opened). */
export interface AsyncPngSource {
  size: number;
  read(pos: number, length: number): Promise<Uint8Array>;
}

/** A read the chunk walk asks for: at most `length` bytes from `pos`. */
interface PngRead {
  pos: number;
  length: number;
}

/**
 * Walks a PNG's chunk list: the signature, IHDR first, then every chunk's length and type up to IEND,
 * reading only the chunks it needs (IHDR and the `gdlab-spec` text: tEXt as gdlab writes it, or iTXt
 * or zTXt as a tool that rewrote the metadata left it), which must have a correct CRC;
 * the spec chunk has at most MAX_SPEC_CHUNK_BYTES. Pixel data is skipped unread, so the work is linear
 * in the number of chunks whatever the header claims about the picture. Anything wrong is a SpecError.
 */
export function walkPng(src: PngSource): PngChunks {
  const walk = chunkWalk(src.size);
  for (let step = walk.next(); ;) {
    if (step.done) return step.value;
    step = walk.next(src.read(step.value.pos, step.value.length));
  }
}

/**
 * walkPng over asynchronous reads. Each read is at most a chunk header, the first 80 bytes of a text
 * chunk, IHDR or the spec chunk, so a PNG of any size costs a few hundred bytes per chunk walked.
 */
export async function walkPngAsync(src: AsyncPngSource): Promise<PngChunks> {
  const walk = chunkWalk(src.size);
  for (let step = walk.next(); ;) {
    if (step.done) return step.value;
    step = walk.next(await src.read(step.value.pos, step.value.length));
  }
}

/**
 * The walk itself, as the reads it asks for (yielded, answered with the bytes read), so that
 * synchronous sources (bytes in memory, a file the CLI reads) and asynchronous ones (a Blob) share it.
 */
function* chunkWalk(size: number): Generator<PngRead, PngChunks, Uint8Array> {
  const fail = (what: string): never => {
    throw new SpecError([`png: ${what}`]);
  };
  const u32 = (b: Uint8Array, at: number) =>
    ((b[at] << 24) | (b[at + 1] << 16) | (b[at + 2] << 8) | b[at + 3]) >>> 0;
  const sig = yield { pos: 0, length: 8 };
  if (sig.length < 8 || SIGNATURE.some((b, i) => sig[i] !== b)) fail('not a PNG file (wrong signature)');
  let pos = 8;
  let width = 0;
  let height = 0;
  let specText: string | undefined;
  for (let index = 0; ; index++) {
    if (pos >= size) fail('no IEND chunk (the file was cut short)');
    if (index >= MAX_PNG_CHUNKS) fail(`more than ${MAX_PNG_CHUNKS} chunks`);
    const head = yield { pos, length: 8 };
    if (head.length < 8) fail(`truncated after ${index} chunks`);
    const length = u32(head, 0);
    const type = String.fromCharCode(...head.subarray(4, 8));
    if (!/^[A-Za-z]{4}$/.test(type)) fail(`chunk ${index} has no valid type (the file is damaged)`);
    if (length > 0x7fffffff || pos + 12 + length > size) fail(`chunk ${type} is truncated`);
    if (index === 0 && (type !== 'IHDR' || length !== 13)) fail('the first chunk is not IHDR');
    // The chunks read are read whole with their CRC (type, data, CRC).
    const checked = (b: Uint8Array): Uint8Array => {
      if (b.length < length + 8) fail(`chunk ${type} is truncated`);
      if (crc32(b, 0, length + 4) !== u32(b, length + 4))
        fail(`chunk ${type} has a wrong CRC (the file is damaged)`);
      return b.subarray(4, 4 + length);
    };
    if (type === 'IHDR') {
      const data = checked(yield { pos: pos + 4, length: length + 8 });
      width = u32(data, 0);
      height = u32(data, 4);
      if (width === 0 || height === 0) fail(`IHDR claims an empty picture (${width}×${height})`);
    } else if (TEXT_CHUNKS.includes(type)) {
      const start = yield { pos: pos + 8, length: Math.min(length, 80) };
      const nul = start.indexOf(0);
      const keyword = nul < 0 ? '' : String.fromCharCode(...start.subarray(0, nul));
      if (keyword === PNG_SPEC_KEYWORD) {
        if (specText !== undefined) fail(`two '${PNG_SPEC_KEYWORD}' chunks`);
        if (length > MAX_SPEC_CHUNK_BYTES)
          fail(`the '${PNG_SPEC_KEYWORD}' chunk has ${length} bytes (at most ${MAX_SPEC_CHUNK_BYTES})`);
        const data = checked(yield { pos: pos + 4, length: length + 8 });
        try {
          specText = chunkText(type, data, MAX_SPEC_CHUNK_BYTES);
        } catch (e) {
          if (!(e instanceof PngTextError)) throw e;
          fail(`the '${PNG_SPEC_KEYWORD}' ${type} chunk ${e.message}`);
        }
      }
    } else if (type === 'IEND') break;
    pos += 12 + length;
  }
  return { width, height, specText };
}

/** walkPng over bytes in memory (a dropped file in the lab, a file the CLI read). */
export function readPngChunks(input: ArrayBufferView | ArrayBuffer): PngChunks {
  const bytes = asBytes(input);
  return walkPng({ size: bytes.length, read: (pos, length) => bytes.subarray(pos, pos + length) });
}

/** A decoded picture and the spec it carries (null when it carries none). */
export interface SpecPng {
  width: number;
  height: number;
  /** RGBA8, top row first (grey or RGB pictures are expanded). */
  rgba: Uint8Array;
  spec: ExperimentSpec | null;
}

/**
 * Decodes a PNG and validates its embedded spec with parseSpec: a hand-edited or hostile chunk meets
 * the same checks as a URL (SpecError). Not a PNG, or a picture too large to decode: SpecError too.
 */
export function decodeSpecPng(bytes: ArrayBufferView | ArrayBuffer): SpecPng {
  const chunks = readPngChunks(bytes);
  if (chunks.width * chunks.height > MAX_DECODE_PIXELS)
    throw new SpecError([`png: ${chunks.width}×${chunks.height} pixels is too large to decode`]);
  let png;
  try {
    png = decode(bytes);
  } catch (e) {
    throw new SpecError([`png: not a readable PNG (${(e as Error).message})`]);
  }
  return {
    width: png.width,
    height: png.height,
    rgba: toRgba8(png.data, png.channels, png.depth, png.width * png.height),
    spec: chunks.specText === undefined ? null : parseSpecJson(chunks.specText),
  };
}

/** The spec of a PNG written by gdlab, read from its chunk list alone; SpecError when it has none. */
export function readSpecFromPng(
  bytes: ArrayBufferView | ArrayBuffer,
  limits: SpecLimits = LAB_LIMITS,
): ExperimentSpec {
  return specOfChunks(readPngChunks(bytes), limits);
}

/** The spec a walked chunk list holds; SpecError when it holds none (a PNG gdlab did not write). */
export function specOfChunks(chunks: PngChunks, limits: SpecLimits = LAB_LIMITS): ExperimentSpec {
  if (chunks.specText === undefined)
    throw new SpecError([`png: no '${PNG_SPEC_KEYWORD}' text chunk (not saved by gdlab?)`]);
  return parseSpecJson(chunks.specText, limits);
}

function toRgba8(data: ArrayLike<number>, channels: number, depth: number, n: number): Uint8Array {
  const out = new Uint8Array(n * 4);
  const scale = depth === 16 ? 1 / 257 : depth < 8 ? 255 / (2 ** depth - 1) : 1;
  for (let p = 0; p < n; p++) {
    const get = (c: number) => Math.round(data[p * channels + c] * scale);
    const grey = channels <= 2;
    out[p * 4] = get(0);
    out[p * 4 + 1] = grey ? get(0) : get(1);
    out[p * 4 + 2] = grey ? get(0) : get(2);
    out[p * 4 + 3] = channels === 2 ? get(1) : channels === 4 ? get(3) : 255;
  }
  return out;
}
