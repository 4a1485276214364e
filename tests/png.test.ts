import { describe, expect, test } from 'vitest';
import { decode, encode } from 'fast-png';
import { PNG_READ_WINDOW, readSpecBlob } from '../src/experiment/blob.ts';
import {
  asciiJson,
  decodeSpecPng,
  encodeSpecPng,
  MAX_PNG_CHUNKS,
  PNG_SOURCE_KEYWORD,
  PNG_SPEC_KEYWORD,
  readSpecFromPng,
  sourceText,
} from '../src/experiment/png.ts';
import { defaultSpec, parseSpec, SpecError } from '../src/experiment/spec.ts';

/**
 * A file of `parts` (bytes, or a count of zero bytes that are never allocated), as the Blob a drop
 * hands the lab, counting the bytes and the reads asked of it. Reading it whole counts its size and
 * fails: a test of what is read need not hold 200 MB.
 */
class CountingBlob {
  bytesRead = 0;
  reads = 0;
  readonly size: number;
  constructor(private readonly parts: readonly (Uint8Array | number)[]) {
    this.size = parts.reduce<number>((n, p) => n + (typeof p === 'number' ? p : p.length), 0);
  }
  slice(start = 0, end = this.size): Blob {
    const [from, to] = [Math.min(start, this.size), Math.min(end, this.size)];
    const out = new Uint8Array(Math.max(0, to - from));
    let at = 0;
    for (const p of this.parts) {
      const n = typeof p === 'number' ? p : p.length;
      const [a, b] = [Math.max(from, at), Math.min(to, at + n)];
      if (a < b && typeof p !== 'number') out.set(p.subarray(a - at, b - at), a - from);
      at += n;
    }
    this.bytesRead += out.length;
    this.reads++;
    return new Blob([out]);
  }
  arrayBuffer(): Promise<ArrayBuffer> {
    this.bytesRead += this.size;
    return Promise.reject(new Error(`read all ${this.size} bytes`));
  }
}

/** A chunk of `type` with `length` data bytes (zeros, unwritten) and no valid CRC: walks skip it. */
const chunkHead = (length: number, type: string) => {
  const b = new Uint8Array(8);
  new DataView(b.buffer).setUint32(0, length);
  b.set(
    [...type].map((c) => c.charCodeAt(0)),
    4,
  );
  return b;
};

function picture(w: number, h: number): Uint8Array {
  const rgba = new Uint8Array(w * h * 4);
  for (let i = 0; i < rgba.length; i++) rgba[i] = (i * 37 + 11) % 256;
  return rgba;
}

describe('PNG with the spec in a tEXt chunk', () => {
  test("states the engine and precision that computed it in PNG's Source chunk, in printable ASCII", () => {
    const spec = parseSpec({ ...defaultSpec(), size: [2, 2] });
    const gpu = { kind: 'gpu', precision: 'f32', adapter: 'nvidia hopper H200\u00ae\0\nx' } as const;
    const text = decode(encodeSpecPng(picture(2, 2), 2, 2, spec, gpu)).text;
    expect(text[PNG_SOURCE_KEYWORD]).toBe('gdlab GPU engine, float32, nvidia hopper H200???x');
    expect(decodeSpecPng(encodeSpecPng(picture(2, 2), 2, 2, spec, gpu)).spec).toEqual(spec);
    expect(sourceText({ kind: 'cpu', precision: 'f64', adapter: 'cpu, 2 threads' })).toBe(
      'gdlab CPU engine, float64',
    );
    expect(sourceText({ ...gpu, adapter: 'a'.repeat(1000) })).toHaveLength(200);
    expect(sourceText({ ...gpu, adapter: 'SwiftShader', subnormals: 'flushed' })).toBe(
      'gdlab GPU engine, float32, subnormals flushed to zero, SwiftShader',
    );
    expect(sourceText({ ...gpu, adapter: 'H200', subnormals: 'kept' })).toBe(
      'gdlab GPU engine, float32, H200',
    );
    // Without an engine (a spec saved before it ran), the spec alone.
    expect(Object.keys(decode(encodeSpecPng(picture(2, 2), 2, 2, spec)).text)).toEqual([PNG_SPEC_KEYWORD]);
  });

  test('pixels and spec round-trip exactly, non-Latin-1 text included', () => {
    const spec = parseSpec({
      ...defaultSpec(),
      objective: { expr: '(1 - x*y)^2/2 + 0*ε', preset: null, params: { a: 0.25 } },
      observables: ['abs(x)-abs(y)'],
      size: [5, 3],
      lr: 1.0000000000000002,
    });
    const rgba = picture(5, 3);
    const bytes = encodeSpecPng(rgba, 5, 3, spec);
    // The PNG signature, then a tEXt chunk with the keyword and only Latin-1 bytes.
    expect([...bytes.slice(0, 8)]).toEqual([137, 80, 78, 71, 13, 10, 26, 10]);
    const latin = new TextDecoder('latin1').decode(bytes);
    expect(latin).toContain(`tEXt${PNG_SPEC_KEYWORD}\0`);
    expect(latin).toContain('\\u03b5');
    // The chunk's text is printable ASCII: PNG readers may reject other control characters, DEL too.
    const type = latin.indexOf(`tEXt${PNG_SPEC_KEYWORD}\0`);
    const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(type - 4);
    const text = bytes.subarray(type + 4 + PNG_SPEC_KEYWORD.length + 1, type + 4 + length);
    expect(text.length).toBeGreaterThan(100);
    expect(text.every((b) => b >= 0x20 && b <= 0x7e)).toBe(true);
    expect(asciiJson({ s: 'a\u007fb\u00e9' })).toBe('{"s":"a\\u007fb\\u00e9"}');
    const back = decodeSpecPng(bytes);
    expect(back.width).toBe(5);
    expect(back.height).toBe(3);
    expect(back.rgba).toEqual(rgba);
    expect(back.spec).toEqual(spec);
    expect(readSpecFromPng(bytes).lr).toBe(1.0000000000000002);
  });

  test('a PNG without the chunk has no spec; a wrong chunk or no PNG is a SpecError', () => {
    const plain = encode({ width: 2, height: 1, data: new Uint8Array(8), channels: 4, depth: 8 });
    expect(decodeSpecPng(plain).spec).toBeNull();
    expect(() => readSpecFromPng(plain)).toThrow(/no 'gdlab-spec' text chunk/);
    const bad = encode({
      width: 1,
      height: 1,
      data: new Uint8Array(4),
      channels: 4,
      depth: 8,
      text: { [PNG_SPEC_KEYWORD]: '{"lr": -1}' },
    });
    expect(() => decodeSpecPng(bad)).toThrow(SpecError);
    expect(() => decodeSpecPng(bad)).toThrow(/lr: must be positive/);
    expect(() => decodeSpecPng(new Uint8Array([1, 2, 3]))).toThrow(/not a PNG file/);
    expect(() => encodeSpecPng(new Uint8Array(7), 2, 1, defaultSpec())).toThrow(RangeError);
  });

  test("the lab's Open… reads a gdlab PNG or spec JSON, and refuses a file too large unread", async () => {
    const png = encodeSpecPng(picture(2, 2), 2, 2, parseSpec({ lr: 0.75 }));
    expect((await readSpecBlob(new Blob([png.slice()]))).lr).toBe(0.75);
    expect((await readSpecBlob(new Blob(['\ufeff{"lr": 0.5}']))).lr).toBe(0.5);
    // A dropped disk image: its size is read, its bytes never (arrayBuffer() held it all in the tab).
    const huge = (head: Uint8Array<ArrayBuffer>) =>
      ({
        size: 2 ** 40,
        slice: () => new Blob([head]),
        arrayBuffer: () => Promise.reject(new Error('read the whole file')),
      }) as unknown as Blob;
    await expect(readSpecBlob(huge(png.slice(0, 8)))).rejects.toThrow(
      'invalid experiment spec:\n  file: 1099511627776 bytes is too large for a gdlab PNG (at most 256 MB)',
    );
    await expect(readSpecBlob(huge(new TextEncoder().encode('{"lr": 1')))).rejects.toThrow(
      'file: 1099511627776 bytes is too large for a spec JSON file (at most 16 MB)',
    );
    await expect(readSpecBlob(new Blob([new Uint8Array(17 * 1024 * 1024)]))).rejects.toThrow(SpecError);
  });

  test('a dropped PNG is walked chunk by chunk: 200 MB of pixels are skipped, not read', async () => {
    const spec = parseSpec({ lr: 0.75, size: [48, 40] });
    const png = encodeSpecPng(picture(2, 2), 2, 2, spec);
    // Signature and IHDR (33 bytes), then 200 MB of a private chunk, then gdlab's tEXt and the rest.
    const big = 200 * 1024 * 1024;
    const file = new CountingBlob([
      png.slice(0, 33),
      chunkHead(big, 'prVt'),
      big,
      new Uint8Array(4),
      png.slice(33),
    ]);
    expect(file.size).toBe(png.length + big + 12);
    expect(await readSpecBlob(file as unknown as Blob)).toEqual(spec);
    // The signature, a window at the start and one past the private chunk: it read all 200 MB.
    expect(file.reads).toBe(3);
    expect(file.bytesRead).toBe(8 + PNG_READ_WINDOW + (png.length - 33));
  });

  test('a PNG of as many empty chunks as a walk takes is read in windows, not a read per chunk', async () => {
    const png = encodeSpecPng(picture(2, 2), 2, 2, parseSpec({ lr: 0.5 }));
    const empty = Uint8Array.from([...chunkHead(0, 'prVt'), 0, 0, 0, 0]);
    const many = new Uint8Array(12 * (MAX_PNG_CHUNKS - 10));
    for (let k = 0; k < many.length; k += 12) many.set(empty, k);
    const file = new CountingBlob([png.slice(0, 33), many, png.slice(33)]);
    // A read per chunk header took 30 s here (0.3 ms a read of a Blob); a window holds 5461 of them.
    expect((await readSpecBlob(file as unknown as Blob)).lr).toBe(0.5);
    expect(file.reads).toBe(1 + Math.ceil(file.size / PNG_READ_WINDOW));
    expect(file.bytesRead).toBeLessThan(file.size + 8 + PNG_READ_WINDOW);
  });

  test('a file that is not ours says so in words, never with its bytes', async () => {
    const said = (blob: Blob) =>
      readSpecBlob(blob).then(
        () => 'accepted',
        (e: SpecError) => e.issues.join('\n'),
      );
    // JSON.parse's message quoted the bytes around its failure: NULs, controls and U+FFFD for a
    // JPEG named .png, and "Unexpected end of JSON input" for an empty file.
    const jpeg = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 74, 70, 73, 70, 0, 1, 1, 0, 0, 1]);
    expect(await said(new Blob([jpeg]))).toBe(
      'file: neither a PNG (it lacks the PNG signature) nor spec JSON (it is binary)',
    );
    expect(await said(new Blob([]))).toBe('file: empty (0 bytes): neither a gdlab PNG nor spec JSON');
    // A gdlab PNG whose spec chunk holds binary bytes (written so: its CRC is right).
    const junk = String.fromCharCode(...Array.from({ length: 60 }, (_, i) => (i * 37 + 1) % 256 || 1));
    const png = encode({ width: 1, height: 1, data: new Uint8Array(4), text: { [PNG_SPEC_KEYWORD]: junk } });
    expect(await said(new Blob([png.slice()]))).toBe('spec: not valid JSON (it holds binary data, not text)');
    expect(await said(new Blob(['{"lr": 0.5'.slice(0, 9)]))).toBe(
      'spec: not valid JSON (it ends early: was it cut short?)',
    );
    // Text that is JSON gone wrong keeps the parser's words, which quote only printable text.
    expect(await said(new Blob(['{"lr": NaN}']))).toMatch(/^spec: not valid JSON \(Unexpected token 'N'/);
  });
});
