/**
 * PNG with the spec in a tEXt chunk (keyword `gdlab-spec`), through fast-png. An adapter so that
 * the lab and src/spec/png.ts (the CLI's) agree on the keyword and on going through parseSpec.
 */
import { decode, encode } from 'fast-png';
import { parseSpecJson, SpecError, type ExperimentSpec } from '../../spec/spec.ts';
import type { Pixels } from '../engine-host/backend.ts';

export const PNG_SPEC_KEYWORD = 'gdlab-spec';

export function encodeSpecPng(px: Pixels, spec: ExperimentSpec): Uint8Array {
  return encode({
    width: px.width,
    height: px.height,
    data: new Uint8Array(px.rgba.buffer, px.rgba.byteOffset, px.rgba.byteLength),
    channels: 4,
    depth: 8,
    text: { [PNG_SPEC_KEYWORD]: JSON.stringify(spec), Software: 'gdlab' },
  });
}

/** The spec a gdlab PNG carries; SpecError when it has none or it is not valid. */
export function decodeSpecPng(bytes: Uint8Array): ExperimentSpec {
  let text: Record<string, string>;
  try {
    text = decode(bytes).text;
  } catch (e) {
    throw new SpecError([`png: not a readable PNG (${(e as Error).message})`]);
  }
  const json = text[PNG_SPEC_KEYWORD];
  if (!json) throw new SpecError([`png: no '${PNG_SPEC_KEYWORD}' text chunk: not a gdlab export`]);
  return parseSpecJson(json);
}
