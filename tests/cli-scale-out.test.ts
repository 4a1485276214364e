/**
 * Pieces as a batch system runs them: `gdlab basin --tile/--stack` processes in parallel, each told
 * its index by SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX, then `gdlab merge`, against single runs
 * of the same spec: the same counts and steps, and the same PNG bytes.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { decodeSpecPng } from '../src/experiment/png.ts';
import { readPngChunks } from '../src/io/png-bands.ts';
import { runCli, tempDir } from './helpers/cli.ts';

const MAP = ['--objective', 'mf-scalar', '--x', '-2:2', '--y', '-2:2', '--size', '64x48', '--iters', '200'];
const json = (file: string) => JSON.parse(readFileSync(file, 'utf8'));

/** Runs `gdlab basin` once per index, all at once, as a job array does. */
function pieces(variable: string, count: number, args: string[]) {
  return Promise.all(
    Array.from({ length: count }, (_, k) =>
      runCli(['basin', ...args], { env: { ...process.env, [variable]: String(k) } }),
    ),
  );
}

/** The single run a merge must reproduce: its JSON and PNG bytes. */
async function single(dir: string, name: string, args: string[]) {
  const [png, js] = [join(dir, `${name}.png`), join(dir, `${name}.json`)];
  await runCli(['basin', ...args, '--png', png, '--json', js]);
  return { png: readFileSync(png), json: json(js) };
}

/** Member m of n over [a, b]: the pixel-centre rule, as the test states it, not as gdlab computes it. */
const memberValue = (a: number, b: number, m: number, n: number) => a + ((m + 0.5) * (b - a)) / n;

describe('gdlab basin --tile, gdlab merge', () => {
  test.each([
    ['gpu', 'JOB_COMPLETION_INDEX'],
    ['cpu', 'SLURM_ARRAY_TASK_ID'],
  ])('%s: 4 tiles run in parallel merge into the single run, byte for byte', async (engine, variable) => {
    const dir = tempDir(`gdlab-tiles-${engine}-`);
    const args = [...MAP, '--lr', '1.1', '--engine', engine];
    const [, whole] = await Promise.all([
      pieces(variable, 4, [...args, '--tile', 'auto/4', '--pieces', join(dir, 'pieces')]),
      single(dir, 'whole', args),
    ]);
    const names = readdirSync(join(dir, 'pieces')).sort();
    expect(names).toEqual(
      [0, 1, 2, 3].flatMap((k) => [`tile-000${k}-of-4.piece.json`, `tile-000${k}-of-4.png`]),
    );
    // Each piece holds its band: 12 rows of 64 pixels, top band first.
    const p2 = json(join(dir, 'pieces', 'tile-0002-of-4.piece.json'));
    expect(p2).toMatchObject({ tile: 2, rows: [24, 36], engine, whole: { tiles: 4, stack: null } });
    expect(Object.values<number>(p2.counts.periodic).reduce((a, b) => a + b, p2.counts.diverged)).toBe(768);

    const { stdout } = await runCli([
      'merge',
      join(dir, 'pieces'),
      '--png',
      join(dir, 'merged.png'),
      '--json',
      join(dir, 'merged.json'),
    ]);
    expect(stdout).toMatch(/4 tiles of a 64×48 map into .*merged\.png/);
    const merged = json(join(dir, 'merged.json'));
    expect(merged.counts).toEqual(whole.json.counts);
    expect(merged.steps).toBe(whole.json.steps);
    expect(merged.spec).toEqual(whole.json.spec);
    expect([merged.engine, merged.precision, merged.size]).toEqual([engine, whole.json.precision, [64, 48]]);
    // Counts that could be wrong: both basins are there (diverged and period 2, as the README's map).
    expect(merged.counts.diverged).toBeGreaterThan(500);
    expect(merged.counts.periodic['2']).toBeGreaterThan(500);
    expect(readFileSync(join(dir, 'merged.png')).equals(whole.png)).toBe(true);
    expect(decodeSpecPng(whole.png).spec).toEqual(merged.spec);
  });

  test('gpu: a 4-member stack over lr merges into frames that are the members’ single runs', async () => {
    const dir = tempDir('gdlab-stack-gpu-');
    const [a, b, n] = [1, 1.4, 4];
    const args = [...MAP, '--lr', '1', '--engine', 'gpu'];
    const [, ...singles] = await Promise.all([
      pieces('JOB_COMPLETION_INDEX', n, [
        ...args,
        '--stack',
        `lr=${a}:${b}:${n}`,
        '--pieces',
        join(dir, 'p'),
      ]),
      ...[0, 1, 2, 3].map((m) =>
        single(dir, `member-${m}`, [...MAP, '--lr', String(memberValue(a, b, m, n)), '--engine', 'gpu']),
      ),
    ]);
    await runCli([
      'merge',
      join(dir, 'p'),
      '--frames',
      join(dir, 'frames'),
      '--json',
      join(dir, 'stack.json'),
    ]);
    const stack = json(join(dir, 'stack.json'));
    expect(stack.stack).toMatchObject({ quantity: 'lr', min: a, max: b, n });
    singles.forEach((s, m) => {
      expect(stack.members[m].value).toBe(memberValue(a, b, m, n));
      expect(stack.members[m].counts).toEqual(s.json.counts);
      expect(readFileSync(join(dir, 'frames', `frame-000${m}.png`)).equals(s.png)).toBe(true);
    });
    // h = 1.05 and 1.15 keep a period-2 basin, 1.25 a period-4 one: the frames differ as they should.
    expect(stack.members[0].counts.periodic['2']).toBeGreaterThan(1000);
    expect(stack.members[2].counts.periodic['4']).toBeGreaterThan(1000);
  });

  test('cpu: a 4-member stack × 2 tiles from one array index of 8, with an animated PNG', async () => {
    const dir = tempDir('gdlab-stack-cpu-');
    const [a, b, n] = [0.9, 1.3, 4];
    const args = [...MAP, '--lr', '1', '--engine', 'cpu'];
    const [, ...singles] = await Promise.all([
      pieces('SLURM_ARRAY_TASK_ID', 8, [
        ...args,
        '--stack',
        `lr=${a}:${b}:${n}`,
        '--tile',
        'auto/2',
        '--pieces',
        join(dir, 'p'),
      ]),
      ...[0, 1, 2, 3].map((m) =>
        single(dir, `member-${m}`, [...MAP, '--lr', String(memberValue(a, b, m, n)), '--engine', 'cpu']),
      ),
    ]);
    // Index 5 of 8 is member 2, tile 1.
    expect(readdirSync(join(dir, 'p'))).toContain('member-0002-of-4-tile-0001-of-2.piece.json');
    const out = [join(dir, 'frames'), join(dir, 'stack.png'), join(dir, 'stack.json')];
    await runCli(['merge', join(dir, 'p'), '--frames', out[0], '--apng', out[1], '--json', out[2]]);
    const stack = json(out[2]);
    singles.forEach((s, m) => {
      expect(stack.members[m].counts).toEqual(s.json.counts);
      expect(stack.members[m].steps).toBe(s.json.steps);
      expect(readFileSync(join(out[0], `frame-000${m}.png`)).equals(s.png)).toBe(true);
    });
    const chunks = [...readPngChunks(out[1])];
    expect(chunks.filter((c) => c.type === 'fcTL')).toHaveLength(4);
    expect(decodeSpecPng(readFileSync(out[1])).spec?.lr).toBe(memberValue(a, b, 0, n));
  });
});
