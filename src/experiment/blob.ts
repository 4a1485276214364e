/**
 * A spec from a file the lab was given (dropped, or chosen with Open…): a gdlab PNG or spec JSON.
 * The size is checked before a byte is read: `arrayBuffer()` of a dropped disk image or video would
 * hold gigabytes in the tab for nothing, since neither kind of file can be that large and be ours.
 */
import { readSpecFromPng } from './png.ts';
import { binaryText } from './spec-error.ts';
import { parseSpecJson, SpecError, type ExperimentSpec } from './spec.ts';

/** Largest spec JSON file read (gdlab's own output JSON, which holds the spec, included). */
export const MAX_SPEC_JSON_BYTES = 16 * 1024 * 1024;
/** Largest PNG read whole to walk its chunks (a 4096² export is well under it). */
export const MAX_SPEC_PNG_BYTES = 256 * 1024 * 1024;

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
  // Neither kind of file is empty; said as such, not as JSON's "unexpected end of input".
  if (blob.size === 0) throw new SpecError(['file: empty (0 bytes): neither a gdlab PNG nor spec JSON']);
  const bytes = new Uint8Array(await blob.arrayBuffer());
  if (png) return readSpecFromPng(bytes);
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
