/**
 * The text of a PNG text chunk, whichever of the three kinds holds it: tEXt (Latin-1, what gdlab
 * writes), iTXt (UTF-8, optionally compressed) or zTXt (Latin-1, compressed). PNG lets any of them
 * hold a keyword's text, and a tool that rewrites a picture's metadata may choose another than gdlab
 * did (Pillow's PngInfo writes zTXt when asked to compress); the spec inside is the same.
 * Compressed text is inflated in slices and abandoned past a bound: a chunk of 64 kB can claim 64 MB.
 */
import { Unzlib } from 'fflate';

/** The text chunk kinds read. */
export const TEXT_CHUNKS: readonly string[] = ['tEXt', 'iTXt', 'zTXt'];

/** A text chunk that cannot be read as text: the message says what it does ("is malformed"). */
export class PngTextError extends Error {}

/** Compressed input handed to the inflater at a time: its output is at most ~1032× this. */
const SLICE = 1024;

/** The text of a whole chunk's data after its keyword, at most `maxBytes` bytes once inflated. */
export function chunkText(type: string, data: Uint8Array, maxBytes: number): string {
  const nul = data.indexOf(0);
  if (nul < 0) throw new PngTextError('has no keyword');
  const rest = data.subarray(nul + 1);
  if (type === 'tEXt') return latin1(rest);
  if (type === 'zTXt') {
    if (rest[0] !== 0) throw new PngTextError(`names compression method ${rest[0]}`);
    return latin1(inflate(rest.subarray(1), maxBytes));
  }
  // iTXt: compression flag, method, then a language tag and a translated keyword, each NUL-ended.
  const [flag, method] = [rest[0], rest[1]];
  const lang = rest.indexOf(0, 2);
  const translated = lang < 0 ? -1 : rest.indexOf(0, lang + 1);
  if (flag > 1 || translated < 0) throw new PngTextError('is malformed');
  if (flag === 1 && method !== 0) throw new PngTextError(`names compression method ${method}`);
  const text = rest.subarray(translated + 1);
  return utf8(flag === 1 ? inflate(text, maxBytes) : text);
}

function latin1(bytes: Uint8Array): string {
  return new TextDecoder('latin1').decode(bytes);
}

function utf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw new PngTextError('is not UTF-8');
  }
}

/** zlib data inflated, refused as soon as it passes `maxBytes` (into one buffer of that size). */
function inflate(compressed: Uint8Array, maxBytes: number): Uint8Array {
  const out = new Uint8Array(maxBytes);
  let total = 0;
  let ended = false;
  const z = new Unzlib((chunk, final) => {
    if (total + chunk.length <= maxBytes) out.set(chunk, total);
    total += chunk.length;
    ended ||= final;
  });
  try {
    for (let at = 0; at < compressed.length && total <= maxBytes && !ended; at += SLICE) {
      const end = Math.min(compressed.length, at + SLICE);
      z.push(compressed.subarray(at, end), end === compressed.length);
    }
  } catch (e) {
    throw new PngTextError(`holds damaged compressed text (${(e as Error).message})`);
  }
  if (total > maxBytes) throw new PngTextError(`inflates to more than ${maxBytes} bytes`);
  return out.subarray(0, total);
}
