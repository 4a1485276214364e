/** The streamed PNG writer and the band copier (src/io): readable PNGs, bands that merge to the same bytes. */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import zlib from 'node:zlib';
import fc from 'fast-check';
import { describe, expect, test, vi } from 'vitest';
import { decodeSpecPng, encodeSpecPng } from '../src/experiment/png.ts';
import { parseSpec } from '../src/experiment/spec.ts';
import { checkBandRows } from '../src/io/band-check.ts';
import { copyRows, PngFormatError, readPngChunks, readPngHeader, writeApng } from '../src/io/png-bands.ts';
import {
  adler32,
  adler32Combine,
  encodeSpecPngStream,
  IDAT_BYTES,
  pngChunk,
  PNG_SIGNATURE,
  PngStreamWriter,
  specTexts,
  writePngFile,
  writeSpecPngFile,
} from '../src/io/png-stream.ts';
import { writeFileStreamed } from '../src/io/files.ts';
import { tempDir } from './helpers/cli.ts';

const dir = tempDir('gdlab-png-stream-');
// A rate that needs all 17 digits and a non-ASCII character: the tEXt must carry both exactly.
const spec = parseSpec({ lr: 1.0000000000000002, objective: { expr: 'x·y', preset: null } });

/** A W×H picture with structure (bands, a gradient) and a little noise, reproducible. */
function picture(W: number, H: number, seed = 1): Uint8Array {
  const rgba = new Uint8Array(W * H * 4);
  let s = seed;
  for (let p = 0; p < W * H; p++) {
    s = (s * 1103515245 + 12345) >>> 0;
    const x = p % W;
    const y = Math.floor(p / W);
    rgba.set([(x * 7) & 255, ((y >> 3) * 40) & 255, s >>> 29 === 0 ? s & 255 : 90, 255], p * 4);
  }
  return rgba;
}

describe('PngStreamWriter', () => {
  test('writes a PNG that fast-png decodes to the same pixels and spec, IDATs bounded', () => {
    const [W, H] = [600, 700];
    const rgba = picture(W, H);
    // Noise in three channels keeps the compressed stream above one IDAT.
    let x = 5;
    for (let i = 0; i < rgba.length; i++)
      if (i % 4 !== 3) rgba[i] = (x = (x * 1664525 + 1013904223) >>> 0) >>> 24;
    const file = join(dir, 'one.png');
    writeSpecPngFile(file, rgba, W, H, spec);
    const back = decodeSpecPng(readFileSync(file));
    expect([back.width, back.height]).toEqual([W, H]);
    expect(back.spec).toEqual(spec);
    expect(Buffer.from(back.rgba).equals(Buffer.from(rgba))).toBe(true);
    const idats = [...readPngChunks(file)].filter((c) => c.type === 'IDAT').map((c) => c.data.length);
    expect(idats.length).toBeGreaterThan(1);
    expect(idats.slice(0, -1).every((n) => n === IDAT_BYTES)).toBe(true);
    // The in-memory variant (the gallery's) is the same bytes.
    expect(Buffer.from(encodeSpecPngStream(rgba, W, H, spec)).equals(readFileSync(file))).toBe(true);
  });

  test('rows arriving in any grouping give the same bytes; bands copied in order give them too', () => {
    const [W, H] = [37, 61];
    const rgba = picture(W, H, 7);
    const whole = join(dir, 'whole.png');
    writePngFile(whole, W, H, specTexts(spec), (w) => w.writeRows(rgba));
    const rowwise = join(dir, 'rowwise.png');
    writePngFile(rowwise, W, H, specTexts(spec), (w) => {
      for (let r = 0; r < H; r++) w.writeRows(rgba.subarray(r * W * 4, (r + 1) * W * 4));
    });
    expect(readFileSync(rowwise).equals(readFileSync(whole))).toBe(true);
    // Bands of 1, 20, 17 and 23 rows, each a PNG of its own with other texts, merged.
    const cuts = [0, 1, 21, 38, 61];
    const bands = cuts.slice(0, -1).map((a, i) => {
      const file = join(dir, `band-${i}.png`);
      const b = cuts[i + 1];
      writePngFile(file, W, b - a, { note: `band ${i}` }, (w) =>
        w.writeRows(rgba.subarray(a * W * 4, b * W * 4)),
      );
      expect(readPngHeader(file)).toEqual({ width: W, height: b - a, texts: { note: `band ${i}` } });
      return { file, rows: b - a };
    });
    const merged = join(dir, 'merged.png');
    writePngFile(merged, W, H, specTexts(spec), (w) => bands.forEach((b) => copyRows(b.file, w, b.rows)));
    expect(readFileSync(merged).equals(readFileSync(whole))).toBe(true);
  });

  test('refuses a short picture, extra rows and a ragged buffer', () => {
    const w = new PngStreamWriter(() => {}, 4, 3, {});
    expect(() => w.writeRows(new Uint8Array(15))).toThrow(/not whole rows/);
    w.writeRows(new Uint8Array(32));
    expect(() => w.finish()).toThrow(/3 rows finished after 2/);
    expect(() => w.writeRows(new Uint8Array(32))).toThrow(/more than 3 rows/);
    expect(() => writeSpecPngFile(join(dir, 'x.png'), new Uint8Array(7), 2, 1, spec)).toThrow(RangeError);
  });
});

describe('Adler-32', () => {
  test('matches zlib, and combines as zlib adler32_combine does', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 9000 }), fc.uint8Array({ maxLength: 9000 }), (a, b) => {
        // zlib's own Adler-32 is the trailer of its zlib-format output.
        const ref = (d: Uint8Array) => zlib.deflateSync(d).readUInt32BE(zlib.deflateSync(d).length - 4);
        expect(adler32(1, a)).toBe(ref(a));
        const ab = Buffer.concat([a, b]);
        expect(adler32Combine(adler32(1, a), adler32(1, b), b.length)).toBe(ref(ab));
      }),
      { numRuns: 60 },
    );
    // A band longer than 2³² bytes: the combination only needs its length modulo 65521.
    const x = adler32(1, Uint8Array.of(1, 2, 3));
    expect(adler32Combine(x, 1, 65521 * 70000)).toBe(adler32Combine(x, 1, 0));
  });
});

describe('copyRows refuses what it cannot copy exactly', () => {
  const [W, H] = [16, 8];
  const rgba = picture(W, H, 3);
  const good = join(dir, 'good.png');
  writePngFile(good, W, H, {}, (w) => w.writeRows(rgba));
  const target = () => new PngStreamWriter(() => {}, W, 100, {});

  test.each([
    [
      'another encoder (fast-png)',
      encodeSpecPng(rgba, W, H, spec),
      /not deflated as gdlab writes|rows are not/,
    ],
    ['a truncated file', readFileSync(good).subarray(0, 120), /truncated/],
    ['a flipped bit', Uint8Array.from(readFileSync(good), (b, i) => (i === 90 ? b ^ 4 : b)), /fails its CRC/],
    ['not a PNG', Buffer.from('{"format": 1}'), /not a PNG/],
  ])('%s', (_name, bytes, message) => {
    const file = join(dir, 'bad.png');
    writeFileSync(file, bytes);
    expect(() => copyRows(file, target(), H)).toThrow(PngFormatError);
    expect(() => copyRows(file, target(), H)).toThrow(message);
  });

  test('a band of another size, or a missing file', () => {
    expect(() => copyRows(good, target(), H + 1)).toThrow(/is 16×8, expected 16×9/);
    expect(() => copyRows(good, new PngStreamWriter(() => {}, W + 1, 9, {}), H)).toThrow(/expected 17×8/);
    expect(() => copyRows(join(dir, 'nowhere.png'), target(), H)).toThrow(/cannot read \(ENOENT\)/);
  });
});

describe('checkBandRows: the bands inflate to exactly their rows, as the merged PNG holds them', () => {
  const W = 8;
  const rowBytes = 1 + 4 * W;
  /** Row r of a band: filter byte 0, then RGBA. */
  const row = (r: number) => Uint8Array.from({ length: rowBytes }, (_, i) => (i ? (r * 31 + i) & 255 : 0));
  /** A stored deflate block of `data`; `final` sets BFINAL. */
  const stored = (data: Uint8Array, final = false) => {
    const n = data.length;
    return Uint8Array.of(final ? 1 : 0, n & 255, n >> 8, ~n & 255, (~n >> 8) & 255, ...data);
  };
  const SYNC_FLUSH = Uint8Array.of(0, 0, 0, 0xff, 0xff);
  const u32 = (v: number) => Uint8Array.of(v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255);
  /**
   * A band PNG of `height` rows as its header says, whose zlib stream is `deflate` (the rows' blocks),
   * framed as gdlab frames it: zlib header, a sync flush (`flush`), the final block and `adler`, in
   * IDATs of at most 64 KiB.
   */
  function band(name: string, height: number, deflate: Uint8Array, adler: number, flush = SYNC_FLUSH) {
    const stream = Buffer.concat([
      Uint8Array.of(0x78, 0x9c),
      deflate,
      flush,
      Uint8Array.of(3, 0),
      u32(adler),
    ]);
    const ihdr = Uint8Array.of(...u32(W), ...u32(height), 8, 6, 0, 0, 0);
    const idats = [];
    for (let at = 0; at < stream.length; at += 1 << 16)
      idats.push(pngChunk('IDAT', stream.subarray(at, at + (1 << 16))));
    const file = join(dir, `${name}.png`);
    writeFileSync(
      file,
      Buffer.concat([PNG_SIGNATURE, pngChunk('IHDR', ihdr), ...idats, pngChunk('IEND', new Uint8Array(0))]),
    );
    return file;
  }
  /** A band of rows[from, to) in stored blocks, with their Adler-32. */
  const rowsBand = (name: string, from: number, to: number, height = to - from) => {
    const rows = Array.from({ length: to - from }, (_, i) => row(from + i));
    return band(name, height, Buffer.concat(rows.map((r) => stored(r))), adler32(1, Buffer.concat(rows)));
  };
  const check = (...bands: [string, number][]) =>
    checkBandRows(
      bands.map(([path, rows]) => ({ path, rows })),
      W,
    );

  test('bands written by gdlab, and hand-made ones that are right, pass', async () => {
    const rgba = picture(W, 5, 9);
    const real = join(dir, 'real-band.png');
    writePngFile(real, W, 5, {}, (w) => w.writeRows(rgba));
    await expect(check([real, 5], [rowsBand('right', 5, 8), 3], [real, 5])).resolves.toBeUndefined();
  });

  test('a header that claims more rows than the stream holds (the auditor’s band), or fewer', async () => {
    const a = rowsBand('a', 0, 4);
    const short = rowsBand('short', 4, 5, 4);
    await expect(check([a, 4], [short, 4])).rejects.toThrow(
      new PngFormatError(
        `${short}: its pixel data is 33 bytes, not the 4 rows of 8 pixels (132 bytes) its header says`,
      ),
    );
    const long = rowsBand('long', 4, 8, 1);
    await expect(check([a, 4], [long, 1])).rejects.toThrow(
      `${long}: its pixel data inflates to more than 1 row of 8 pixels`,
    );
    // A band whose data holds the 4 rows its piece says, but whose header says 5: not that piece's band.
    const tall = rowsBand('tall', 4, 8, 5);
    await expect(check([a, 4], [tall, 4])).rejects.toThrow(
      new PngFormatError(`${tall}: is 8×5, its piece says 8×4`),
    );
  });

  test('a zlib bomb is stopped at its first chunk past the band’s rows', async () => {
    // 4 GiB of zeros from 4 MiB of deflate: one 1 MiB block of zeros, repeated.
    const zeros = zlib.deflateRawSync(new Uint8Array(1 << 20), { finishFlush: zlib.constants.Z_SYNC_FLUSH });
    const bomb = band('bomb', 1, Buffer.concat(Array.from({ length: 4096 }, () => zeros)), 1);
    let inflated = 0;
    const real = zlib.createInflateRaw;
    const spy = vi.spyOn(zlib, 'createInflateRaw').mockImplementation((options) => {
      const z = real(options);
      z.on('data', (chunk: Buffer) => (inflated += chunk.length));
      return z;
    });
    try {
      await expect(check([bomb, 1])).rejects.toThrow(
        `${bomb}: its pixel data inflates to more than 1 row of 8 pixels`,
      );
    } finally {
      spy.mockRestore();
    }
    expect(inflated).toBeGreaterThan(rowBytes);
    expect(inflated).toBeLessThanOrEqual(rowBytes + (64 << 10));
  });

  test('a band that ends the deflate stream, at its end or before, or breaks it', async () => {
    const a = rowsBand('a', 0, 2);
    const rows = [row(2), row(3)];
    const adler = adler32(1, Buffer.concat(rows));
    // Its sync flush made final: its rows inflate, but the merged stream would end with it.
    const finalFlush = Uint8Array.of(1, 0, 0, 0xff, 0xff);
    const last = band('final-last', 2, Buffer.concat(rows.map((r) => stored(r))), adler, finalFlush);
    await expect(check([last, 2], [a, 2])).rejects.toThrow(
      `${last}: its pixel data ends the deflate stream (a final block)`,
    );
    await expect(check([a, 2], [last, 2])).rejects.toThrow(`${last}: its pixel data ends the deflate stream`);
    // A final block before its last row.
    const first = band('final-first', 2, Buffer.concat([stored(rows[0], true), stored(rows[1])]), adler);
    await expect(check([a, 2], [first, 2])).rejects.toThrow(
      `${first}: its pixel data ends the deflate stream`,
    );
    // Block type 3 does not exist.
    const bad = band('bad', 2, Buffer.concat([stored(rows[0]), Uint8Array.of(6), stored(rows[1])]), adler);
    await expect(check([a, 2], [bad, 2])).rejects.toThrow(
      `${bad}: its pixel data does not inflate (invalid block type)`,
    );
    const sum = band('sum', 2, Buffer.concat(rows.map((r) => stored(r))), adler + 1);
    await expect(check([a, 2], [sum, 2])).rejects.toThrow(
      `${sum}: its pixel data fails its Adler-32 checksum`,
    );
  });
});

test('writeApng: frame 0 as the default image, every frame inflates to its pixels', () => {
  const [W, H] = [24, 10];
  const frames = [0, 1, 2].map((k) => {
    const file = join(dir, `frame-${k}.png`);
    writeSpecPngFile(file, picture(W, H, 11 + k), W, H, { ...spec, lr: 1 + k });
    return file;
  });
  const apng = join(dir, 'stack.apng');
  writeFileStreamed(apng, (sink) => writeApng(sink, frames, 12.5));
  const chunks = [...readPngChunks(apng)];
  expect(chunks.map((c) => c.type).filter((t) => t !== 'IDAT' && t !== 'fdAT')).toEqual([
    'IHDR',
    'acTL',
    'tEXt',
    'fcTL',
    'fcTL',
    'fcTL',
    'IEND',
  ]);
  const u32 = (d: Uint8Array, at: number) => new DataView(d.buffer, d.byteOffset).getUint32(at);
  expect([u32(chunks[1].data, 0), u32(chunks[1].data, 4)]).toEqual([3, 0]);
  // Sequence numbers of fcTL and fdAT run 0, 1, 2, … across both; 1000/12500 s per frame.
  const seq = chunks.filter((c) => c.type === 'fcTL' || c.type === 'fdAT').map((c) => u32(c.data, 0));
  expect(seq).toEqual(seq.map((_, i) => i));
  const fctl = chunks.find((c) => c.type === 'fcTL')!.data;
  expect([u32(fctl, 4), u32(fctl, 8), fctl[20] * 256 + fctl[21], fctl[22] * 256 + fctl[23]]).toEqual([
    W,
    H,
    1000,
    12500,
  ]);
  // Each frame's stream, inflated and unfiltered (filter 0), is its picture.
  const streams: Uint8Array[][] = [];
  for (const c of chunks) {
    if (c.type === 'fcTL') streams.push([]);
    if (c.type === 'IDAT') streams.at(-1)!.push(c.data);
    if (c.type === 'fdAT') streams.at(-1)!.push(c.data.subarray(4));
  }
  streams.forEach((parts, k) => {
    const raw = zlib.inflateSync(Buffer.concat(parts));
    const rows = Array.from({ length: H }, (_, r) =>
      raw.subarray(r * (1 + 4 * W) + 1, (r + 1) * (1 + 4 * W)),
    );
    expect(Buffer.concat(rows).equals(Buffer.from(picture(W, H, 11 + k)))).toBe(true);
  });
  // A viewer without APNG shows frame 0, with frame 0's spec.
  const still = decodeSpecPng(readFileSync(apng));
  expect(still.spec?.lr).toBe(1);
  expect(Buffer.from(still.rgba).equals(Buffer.from(picture(W, H, 11)))).toBe(true);
});
