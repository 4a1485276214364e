/**
 * A picture that carries its experiment: RGBA pixels as PNG with the spec JSON in a `tEXt` chunk
 * (keyword `gdlab-spec`), so the lab reopens a saved map exactly. Works in the browser and in Node
 * (fast-png is pure JavaScript).
 */
import { decode, encode } from 'fast-png';
import { parseSpecJson, SpecError, type ExperimentSpec } from './spec.ts';

export const PNG_SPEC_KEYWORD = 'gdlab-spec';

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
    text: { [PNG_SPEC_KEYWORD]: asciiJson(spec) },
  });
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
 * the same checks as a URL (SpecError). Not a PNG: SpecError too, with what was wrong.
 */
export function decodeSpecPng(bytes: ArrayBufferView | ArrayBuffer): SpecPng {
  let png;
  try {
    png = decode(bytes);
  } catch (e) {
    throw new SpecError([`png: not a readable PNG (${(e as Error).message})`]);
  }
  const text = png.text?.[PNG_SPEC_KEYWORD];
  return {
    width: png.width,
    height: png.height,
    rgba: toRgba8(png.data, png.channels, png.depth, png.width * png.height),
    spec: text === undefined ? null : parseSpecJson(text),
  };
}

/** The spec of a PNG written by gdlab; SpecError when it has none. */
export function readSpecFromPng(bytes: ArrayBufferView | ArrayBuffer): ExperimentSpec {
  const { spec } = decodeSpecPng(bytes);
  if (!spec) throw new SpecError([`png: no '${PNG_SPEC_KEYWORD}' text chunk (not saved by gdlab?)`]);
  return spec;
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
