/**
 * Hostile and careless files for the corpus (issue 12), written into a fresh folder: spec JSON with a
 * byte-order mark, specs naming Object.prototype members, PNGs whose header claims 30000² or 8000²
 * pixels over a few MB of data, a 50 MB tEXt chunk, a corrupted CRC, a truncated file, and the GPU-hang
 * objective as JSON and PNG.
 */
import { randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { deflateSync } from 'node:zlib';
import { encodeSpecPng } from '../../src/experiment/png.ts';
import { parseSpec } from '../../src/experiment/spec.ts';

let table: Uint32Array | null = null;
function crc32(bytes: Uint8Array): number {
  table ??= Uint32Array.from({ length: 256 }, (_, n) => {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    return c >>> 0;
  });
  let c = 0xffffffff;
  for (const b of bytes) c = table[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/** One PNG chunk; `badCrc` flips the CRC's lowest bit. */
export function chunk(type: string, data: Uint8Array, badCrc = false): Buffer {
  const b = Buffer.alloc(12 + data.length);
  b.writeUInt32BE(data.length, 0);
  b.write(type, 4, 'latin1');
  b.set(data, 8);
  b.writeUInt32BE((crc32(b.subarray(4, 8 + data.length)) ^ (badCrc ? 1 : 0)) >>> 0, 8 + data.length);
  return b;
}

const SIGNATURE = Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]);

function ihdr(w: number, h: number): Buffer {
  const d = Buffer.alloc(13);
  d.writeUInt32BE(w, 0);
  d.writeUInt32BE(h, 4);
  d[8] = 8;
  d[9] = 6;
  return d;
}

const specText = (json: string) =>
  Buffer.concat([Buffer.from('gdlab-spec\0', 'latin1'), Buffer.from(json, 'latin1')]);

/** A small basin spec (the default objective) for the hostile PNGs to carry. */
export const SMALL_SPEC = JSON.stringify({ kind: 'basin', size: [8, 8], iterations: 20, transient: 10 });

/** The objective of issue 12's GPU hang, as a spec. */
export const HANG_SPEC = {
  kind: 'basin',
  objective: { expr: 'x^2/2 + y^2/2 + (A^-2048)^1048576', preset: null, params: { A: 1 } },
  size: [8, 8],
  iterations: 20,
  transient: 12,
};

/** Writes every fixture into `dir`. */
export function writeFixtures(dir: string): void {
  const w = (name: string, data: string | Uint8Array) => writeFileSync(join(dir, name), data);
  const iend = chunk('IEND', new Uint8Array(0));
  // A 3.5 MB PNG whose header claims 30000×30000 (random, so incompressible, IDAT) and one of 8000².
  const idat = chunk('IDAT', deflateSync(randomBytes(3_500_000)));
  for (const [name, side] of [
    ['huge-header.png', 30000],
    ['8000.png', 8000],
  ] as const)
    w(
      name,
      Buffer.concat([
        SIGNATURE,
        chunk('IHDR', ihdr(side, side)),
        chunk('tEXt', specText(SMALL_SPEC)),
        idat,
        iend,
      ]),
    );
  w(
    'big-text.png',
    Buffer.concat([
      SIGNATURE,
      chunk('IHDR', ihdr(8, 8)),
      chunk('tEXt', specText(SMALL_SPEC + ' '.repeat(50_000_000))),
      iend,
    ]),
  );
  const good = Buffer.concat([
    SIGNATURE,
    chunk('IHDR', ihdr(8, 8)),
    chunk('tEXt', specText(SMALL_SPEC)),
    iend,
  ]);
  w(
    'bad-crc.png',
    Buffer.concat([SIGNATURE, chunk('IHDR', ihdr(8, 8)), chunk('tEXt', specText(SMALL_SPEC), true), iend]),
  );
  w('truncated.png', good.subarray(0, good.length - 20));
  w('bom.json', '\ufeff' + SMALL_SPEC);
  w('hang.json', JSON.stringify(HANG_SPEC));
  const hang = parseSpec(HANG_SPEC);
  w('hang.png', encodeSpecPng(new Uint8Array(8 * 8 * 4), 8, 8, hang));
  w('plane-tostring.json', JSON.stringify({ plane: { u: { quantity: 'toString', min: 0, max: 1 } } }));
  w('plane-lr-proto.json', JSON.stringify({ plane: { u: { quantity: 'lr.__proto__', min: 0.5, max: 1 } } }));
  w('param-proto.json', '{"objective": {"expr": "x^2*A + y^2", "params": {"__proto__": 1, "A": 1}}}');
  w(
    'observable-z.json',
    JSON.stringify({ kind: 'basin', size: [8, 8], iterations: 20, transient: 10, observables: ['z'] }),
  );
  w('misspelt.json', JSON.stringify({ kind: 'basin', iteratons: 20 }));
}
