/**
 * A spec from a file the lab was given (dropped, or chosen with Open…): a gdlab PNG or spec JSON.
 * The size is checked before a byte is read: `arrayBuffer()` of a dropped disk image or video would
 * hold gigabytes in the tab for nothing, since neither kind of file can be that large and be ours.
 * A PNG's chunk list is then walked through windows of PNG_READ_WINDOW bytes, skipping the pixels:
 * it was read whole first, 200 MB held in the tab for a spec of a few kB.
 */
import { specOfChunks, walkPngAsync, type AsyncPngSource } from './png.ts';
import { binaryText } from './spec-error.ts';
import { parseSpecJson, SpecError, type ExperimentSpec } from './spec.ts';

/** Largest spec JSON file read (gdlab's own output JSON, which holds the spec, included). */
export const MAX_SPEC_JSON_BYTES = 16 * 1024 * 1024;
/**
 * Largest PNG whose chunk list is walked (a 4096² export is well under it). It bounds the walk's
 * reads: at most two windows per PNG_READ_WINDOW bytes of file, where each read of a Blob is a
 * round trip (0.3 ms in Node), and 100 000 empty chunks read one by one took 30 s.
 */
export const MAX_SPEC_PNG_BYTES = 256 * 1024 * 1024;
/** Bytes read at a time while walking a PNG: a chunk header and the chunks after it that fit. */
export const PNG_READ_WINDOW = 64 * 1024;

const PNG_SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

/** The spec in `blob` (PNG or JSON); SpecError for anything else, a file too large included. */
export async function readSpecBlob(blob: Blob): Promise<ExperimentSpec> {
  const head = new Uint8Array(await blob.slice(0, 8).arrayBuffer());
  const png = head.length === 8 && PNG_SIGNATURE.every((b, i) => head[i] === b);
  const cap = png ? MAX_SPEC_PNG_BYTES : MAX_SPEC_JSON_BYTES;
  if (blob.size > cap)
    throw new SpecError([
      `file: ${blob.size} bytes is too large for a ${png ? 'gdlab PNG' : 'spec JSON file'} (at most ${cap / (1024 * 1024)} MB)`,
    ]);
  if (png) return specOfChunks(await walkPngAsync({ size: blob.size, read: windowReader(blob) }));
  // Neither kind of file is empty; said as such, not as JSON's "unexpected end of input".
  if (blob.size === 0) throw new SpecError(['file: empty (0 bytes): neither a gdlab PNG nor spec JSON']);
  const bytes = new Uint8Array(await blob.arrayBuffer());
  const text = new TextDecoder().decode(bytes);
  try {
    return parseSpecJson(text);
  } catch (e) {
    // A picture of another format (or a PNG whose signature was damaged), whatever its name says.
    if (binaryText(text))
      throw new SpecError(['file: neither a PNG (it lacks the PNG signature) nor spec JSON (it is binary)']);
    throw e;
  }
}

/**
 * Reads of `blob` through one window of PNG_READ_WINDOW bytes (or the read asked for, when larger:
 * the spec chunk): a read inside the window is answered from it, any other moves the window there.
 */
function windowReader(blob: Blob): AsyncPngSource['read'] {
  let at = 0;
  let window = new Uint8Array(0);
  return async (pos, length) => {
    const end = Math.min(pos + length, blob.size);
    if (pos < at || end > at + window.length) {
      at = pos;
      window = new Uint8Array(await blob.slice(pos, pos + Math.max(length, PNG_READ_WINDOW)).arrayBuffer());
    }
    return window.subarray(pos - at, end - at);
  };
}
