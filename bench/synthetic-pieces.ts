/**
 * Synthetic pieces of a large map, for measuring what `gdlab merge` costs without rendering it:
 * N band PNGs and piece JSONs, as `gdlab basin --tile K/N` writes them, of solid colour bands (each
 * piece one colour) or of noise (incompressible, the worst case for size). Then, e.g.
 *
 *   node --import tsx bench/synthetic-pieces.ts 16384 16 /tmp/poster solid
 *   /usr/bin/time -v node bin/gdlab.js merge /tmp/poster --png /tmp/poster.png
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { emptyCounts } from '../src/core/records.ts';
import {
  PIECE_FORMAT,
  PIECE_JSON_SUFFIX,
  PIECE_VERSION,
  pieceStem,
  tileRows,
  type PieceJson,
} from '../src/cli/piece-format.ts';
import { parseSpec, POSTER_LIMITS } from '../src/experiment/spec.ts';
import { specTexts, writePngFile } from '../src/io/png-stream.ts';

const [side, tiles, dir, kind = 'solid'] = process.argv.slice(2);
const S = Number(side);
const N = Number(tiles);
if (!(S > 0 && N > 0 && dir) || (kind !== 'solid' && kind !== 'noise'))
  throw new Error('usage: synthetic-pieces.ts SIDE TILES DIR [solid|noise]');
const spec = parseSpec({ size: [S, S], iterations: 100, transient: 60 }, POSTER_LIMITS);
const whole = { spec, stack: null, tiles: N };
mkdirSync(dir, { recursive: true });
const row = new Uint8Array(4 * S);
let seed = 1;
for (let k = 0; k < N; k++) {
  const rows = tileRows(k, N, S);
  const stem = pieceStem(whole, null, k);
  const colour = [(k * 67) & 255, (k * 151) & 255, (k * 29) & 255, 255];
  for (let i = 0; i < S; i++) row.set(colour, 4 * i);
  writePngFile(join(dir, `${stem}.png`), S, rows[1] - rows[0], specTexts(spec), (w) => {
    for (let r = rows[0]; r < rows[1]; r++) {
      if (kind === 'noise')
        for (let i = 0; i < row.length; i++) row[i] = (seed = (seed * 1664525 + 1013904223) >>> 0) >>> 24;
      w.writeRows(row);
    }
  });
  const counts = { ...emptyCounts(), converged: S * (rows[1] - rows[0]) };
  const piece: PieceJson = {
    format: PIECE_FORMAT,
    version: PIECE_VERSION,
    whole,
    member: null,
    value: null,
    tile: k,
    rows,
    spec,
    engine: 'cpu',
    adapter: 'synthetic',
    precision: 'f64',
    counts,
    steps: 0,
    ms: 0,
    png: `${stem}.png`,
  };
  writeFileSync(join(dir, stem + PIECE_JSON_SUFFIX), JSON.stringify(piece) + '\n');
}
process.stdout.write(`${N} ${kind} pieces of a ${S}×${S} map in ${dir}\n`);
