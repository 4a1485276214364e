import { describe, expect, test } from 'vitest';
import { crc32 } from 'node:zlib';
import { zlibSync } from 'fflate';
import { readSpecBlob } from '../src/experiment/blob.ts';
import {
  decodeSpecPng,
  encodeSpecPng,
  MAX_SPEC_CHUNK_BYTES,
  PNG_SPEC_KEYWORD,
  readSpecFromPng,
} from '../src/experiment/png.ts';
import { asciiJson } from '../src/experiment/png.ts';
import { parseSpec } from '../src/experiment/spec.ts';

const ascii = (s: string) => Uint8Array.from([...s].map((c) => c.charCodeAt(0)));
const cat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

/** A chunk with its length and a correct CRC. */
function chunk(type: string, data: Uint8Array): Uint8Array {
  const body = cat(ascii(type), data);
  const out = new Uint8Array(body.length + 8);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(body, 4);
  view.setUint32(body.length + 4, crc32(body));
  return out;
}

/** `png` with its gdlab-spec tEXt chunk replaced by `replacement` (other chunks as they were). */
function rewriteSpecChunk(png: Uint8Array, replacement: Uint8Array): Uint8Array {
  const parts = [png.subarray(0, 8)];
  const view = new DataView(png.buffer, png.byteOffset, png.byteLength);
  for (let pos = 8; pos < png.length;) {
    const length = view.getUint32(pos);
    const type = String.fromCharCode(...png.subarray(pos + 4, pos + 8));
    const whole = png.subarray(pos, pos + 12 + length);
    const keyword = String.fromCharCode(...png.subarray(pos + 8, pos + 8 + PNG_SPEC_KEYWORD.length));
    parts.push(type === 'tEXt' && keyword === PNG_SPEC_KEYWORD ? replacement : whole);
    pos += 12 + length;
  }
  return cat(...parts);
}

const key = ascii(`${PNG_SPEC_KEYWORD}\0`);
const iTXt = (text: Uint8Array, compressed: boolean) =>
  chunk('iTXt', cat(key, Uint8Array.from([compressed ? 1 : 0, 0]), ascii('en\0\0'), text));
const zTXt = (compressed: Uint8Array, method = 0) =>
  chunk('zTXt', cat(key, Uint8Array.of(method), compressed));

describe('a gdlab PNG whose spec chunk another tool rewrote (iTXt, zTXt)', () => {
  const spec = parseSpec({ lr: 0.625, objective: { expr: 'x^4/4 - x^2/2 + a*x', params: { a: 0.1 } } });
  const png = encodeSpecPng(new Uint8Array(4 * 4 * 4).fill(200), 4, 4, spec);
  const json = asciiJson(spec);
  const utf8 = new TextEncoder().encode(JSON.stringify(spec));

  test('reopens with the same spec from iTXt (plain or compressed, UTF-8) and zTXt', async () => {
    const rewritten = [
      rewriteSpecChunk(png, iTXt(utf8, false)),
      rewriteSpecChunk(png, iTXt(zlibSync(utf8), true)),
      rewriteSpecChunk(png, zTXt(zlibSync(ascii(json)))),
    ];
    for (const file of rewritten) {
      // No tEXt spec chunk is left: the spec comes from the rewritten one.
      expect(String.fromCharCode(...file)).not.toContain(`tEXt${PNG_SPEC_KEYWORD}`);
      expect(readSpecFromPng(file)).toEqual(spec);
      expect(decodeSpecPng(file).spec).toEqual(spec);
      expect(decodeSpecPng(file).rgba[0]).toBe(200);
      expect(await readSpecBlob(new Blob([file.slice()]))).toEqual(spec);
    }
    expect(readSpecFromPng(rewritten[0]).objective.params).toEqual({ a: 0.1 });
  });

  test('a compressed chunk that inflates past the bound is refused after inflating little of it', () => {
    // 8 MB of zeros deflate to 8 kB, well under the chunk's own bound (a 64 kB chunk claims 64 MB).
    const bomb = zlibSync(new Uint8Array(8 * 1024 * 1024), { level: 9 });
    expect(bomb.length).toBeLessThan(MAX_SPEC_CHUNK_BYTES);
    const t0 = performance.now();
    expect(() => readSpecFromPng(rewriteSpecChunk(png, zTXt(bomb)))).toThrow(
      `png: the 'gdlab-spec' zTXt chunk inflates to more than ${MAX_SPEC_CHUNK_BYTES} bytes`,
    );
    expect(performance.now() - t0).toBeLessThan(1000);
    expect(() => readSpecFromPng(rewriteSpecChunk(png, iTXt(bomb, true)))).toThrow(
      `png: the 'gdlab-spec' iTXt chunk inflates to more than ${MAX_SPEC_CHUNK_BYTES} bytes`,
    );
  });

  test('damaged, cut or unknown compression, and text that is not UTF-8, are one message each', () => {
    const z = zlibSync(ascii(json));
    const said = (c: Uint8Array) => {
      try {
        readSpecFromPng(rewriteSpecChunk(png, c));
      } catch (e) {
        return (e as Error).message;
      }
      return 'read';
    };
    expect(said(zTXt(z, 8))).toMatch(/zTXt chunk names compression method 8$/);
    expect(said(zTXt(z.subarray(0, z.length - 10)))).toMatch(
      /zTXt chunk holds damaged compressed text \(unexpected EOF\)$/,
    );
    // fflate checks neither the block type nor the Adler-32 sum: such junk inflates to junk text,
    // which the spec's parser names.
    expect(said(zTXt(Uint8Array.from([0x78, 0x9c, 0xff, 0xff, 0xff, 0xff])))).toMatch(
      /^invalid experiment spec:\n {2}spec: not valid JSON \([^\n]+\)$/,
    );
    expect(said(iTXt(Uint8Array.of(0xff, 0xfe, 0x7b), false))).toMatch(/iTXt chunk is not UTF-8$/);
    expect(said(chunk('iTXt', cat(key, Uint8Array.of(2, 0), ascii('\0\0{}'))))).toMatch(
      /iTXt chunk is malformed$/,
    );
    expect(said(chunk('iTXt', cat(key, Uint8Array.of(0, 0), ascii('en'))))).toMatch(
      /iTXt chunk is malformed$/,
    );
  });
});
