/**
 * Pieces in process: which piece an array index runs, the bounds a piece is held to, the dry run,
 * and every way `gdlab merge` refuses pieces that do not make one map (naming the files).
 */
import { copyFileSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import zlib from 'node:zlib';
import { afterEach, describe, expect, test, vi } from 'vitest';
import { main } from '../src/cli/main.ts';
import { run as merge } from '../src/cli/merge.ts';
import { stackValue, tileRows, withQuantity, type PieceJson } from '../src/cli/piece-format.ts';
import { planPieces, schedulerIndex } from '../src/cli/pieces.ts';
import { LAB_LIMITS, parseSpec, POSTER_LIMITS } from '../src/experiment/spec.ts';
import { readPngChunks } from '../src/io/png-bands.ts';
import { adler32, pngChunk, PNG_SIGNATURE } from '../src/io/png-stream.ts';
import { tempDir } from './helpers/cli.ts';

const spec = parseSpec({ size: [64, 48], iterations: 200, transient: 120 });

/** Runs `gdlab …` in this process, capturing what it prints. */
async function gdlab(...argv: string[]): Promise<{ status: number; out: string; err: string }> {
  let out = '';
  let err = '';
  // A write's callback is called as a stream would (main waits for stdout to drain before it returns).
  const capture =
    (add: (s: string) => void) =>
    (s: unknown, ...rest: unknown[]) => {
      add(String(s));
      const done = rest.find((r) => typeof r === 'function') as (() => void) | undefined;
      done?.();
      return true;
    };
  const o = vi.spyOn(process.stdout, 'write').mockImplementation(capture((s) => (out += s)) as never);
  const e = vi.spyOn(process.stderr, 'write').mockImplementation(capture((s) => (err += s)) as never);
  try {
    return { status: await main(argv), out, err };
  } finally {
    o.mockRestore();
    e.mockRestore();
  }
}
afterEach(() => vi.restoreAllMocks());

describe('which piece a task runs', () => {
  const plan = (flags: Record<string, string | boolean>, env: Record<string, string> = {}) =>
    planPieces({ pieces: '/tmp/p', ...flags }, spec, env);

  test('tiles split the rows top first, in bands one row apart at most', () => {
    const bands = Array.from({ length: 5 }, (_, k) => tileRows(k, 5, 48));
    expect(bands).toEqual([
      [0, 9],
      [9, 19],
      [19, 28],
      [28, 38],
      [38, 48],
    ]);
    expect(plan({ tile: '3/5' })?.at).toMatchObject({ member: null, tile: 3, rows: [28, 38] });
  });

  test('K from SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX; both auto split one index', () => {
    expect(plan({ tile: 'auto/4' }, { SLURM_ARRAY_TASK_ID: '2' })?.at?.tile).toBe(2);
    expect(plan({ tile: 'auto/4' }, { JOB_COMPLETION_INDEX: '3' })?.at?.tile).toBe(3);
    expect(plan({ tile: 'auto/4' }, { JOB_COMPLETION_INDEX: '1', SLURM_ARRAY_TASK_ID: '1' })?.at?.tile).toBe(
      1,
    );
    // Index 7 of a 3-member stack × 4 tiles: member 1, tile 3.
    const both = plan({ tile: 'auto/4', stack: 'lr=1:2:3' }, { SLURM_ARRAY_TASK_ID: '7' })!.at!;
    expect([both.member, both.tile, both.spec.lr]).toEqual([1, 3, 1.5]);
    // An explicit member with tiles from the index.
    expect(
      plan({ tile: 'auto/4', stack: 'lr=1:2:3', member: '2' }, { JOB_COMPLETION_INDEX: '1' })!.at,
    ).toMatchObject({ member: 2, tile: 1 });
    expect(schedulerIndex({})).toBeNull();
  });

  test.each([
    [{ tile: 'auto/4' }, { SLURM_ARRAY_TASK_ID: '4' }, /SLURM_ARRAY_TASK_ID=4 is not in 0…3 .*--array=0-3/],
    [{ tile: 'auto/4' }, {}, /no SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX in the environment/],
    [{ tile: 'auto/4' }, { SLURM_ARRAY_TASK_ID: '1', JOB_COMPLETION_INDEX: '2' }, /disagree/],
    [{ tile: 'auto/4' }, { JOB_COMPLETION_INDEX: '-1' }, /JOB_COMPLETION_INDEX='-1' is not an array index/],
    [{ tile: '4/4' }, {}, /--tile: K = 4 is not in 0…3/],
    [{ tile: '1-4' }, {}, /--tile: '1-4' must be K\/N/],
    [{ tile: '0/49' }, {}, /49 bands of a 48-row map/],
    [{ stack: 'lr=2:1:4' }, {}, /--stack: range 2:1 must be increasing/],
    [{ stack: 'lr=-1:1:4', member: '0' }, {}, /--stack: member 0 \(lr = -0\.75\): lr: must be positive/],
    [{ stack: 'y=0:1:4', member: '0' }, {}, /the plane \(x, y\) sets y at every pixel/],
    [{ stack: 'z=0:1:4', member: '0' }, {}, /--stack: unknown quantity 'z'; allowed: x, y, lr, lr\.x, lr\.y/],
    [{ stack: 'lr=1:2:4', member: '4' }, {}, /--member: 4 is not in 0…3/],
    [{ tile: '0/2', png: 'a.png' }, {}, /--png: a piece writes to --pieces DIR/],
    [
      { stack: 'lr=1:2:1000', tile: '0/101' },
      {},
      /^--stack, --tile: 1000 members × 101 tiles is more than 100000 pieces$/,
    ],
  ])('%o with %o is refused', (flags, env, message) => {
    expect(() => plan(flags as Record<string, string>, env)).toThrow(message);
  });

  test('a stack quantity of every kind sets what the plane leaves alone', () => {
    const ref = (kind: string, extra = {}) => ({ kind, ...extra }) as never;
    expect(withQuantity(spec, ref('coord', { index: 1 }), 0.3).x0).toEqual([0, 0.3]);
    expect(withQuantity({ ...spec, lrPerCoord: [1, 2] }, ref('lr'), 0.7)).toMatchObject({
      lr: 0.7,
      lrPerCoord: null,
    });
    expect(withQuantity(spec, ref('lrCoord', { index: 0 }), 0.2).lrPerCoord).toEqual([0.2, spec.lr]);
    expect(withQuantity(spec, ref('param', { name: 'a' }), 3).objective.params).toEqual({ a: 3 });
    expect(stackValue({ quantity: 'lr', min: 1, max: 2, n: 4 }, 3)).toBe(1.875);
    // Member 0 of lr = 0:1:4 runs at 0.125, a valid rate (the range may start where rates cannot).
    expect(planPieces({ stack: 'lr=0:1:4', member: '0', pieces: 'p' }, spec, {})?.at?.spec.lr).toBe(0.125);
  });

  test('a poster is a spec in pieces only, and each piece is held to the lab’s bounds', () => {
    const poster = { size: [65536, 65536], iterations: 10_000, transient: 6000 };
    expect(() => parseSpec(poster, LAB_LIMITS)).toThrow(/size\.0: must be at most 16384/);
    expect(() => parseSpec({ ...poster, size: [65537, 8] }, POSTER_LIMITS)).toThrow(/must be at most 65536/);
    const big = parseSpec(poster, POSTER_LIMITS);
    // Each piece at most MAX_WORK steps: 512 rows of 65536 pixels × 10000 iterations.
    expect(() => planPieces({ tile: '0/127', pieces: 'p' }, big, {})).toThrow(/use at least 128 tiles/);
    expect(planPieces({ tile: '255/256', pieces: 'p' }, big, {})?.at?.rows).toEqual([65280, 65536]);
    const field = parseSpec({ ...spec, colour: { field: 'lyapunov' } });
    expect(() => planPieces({ tile: '0/2', pieces: 'p' }, field, {})).toThrow(/fix colour\.range/);
    const fixed = parseSpec({ ...spec, colour: { field: 'lyapunov', range: [-1, 1] } });
    expect(planPieces({ tile: '0/2', pieces: 'p' }, fixed, {})?.at?.tile).toBe(0);
  });
});

describe('gdlab basin --dry-run', () => {
  const MAP = ['basin', '--objective', 'mf-scalar', '--x', '-2:2', '--y', '-2:2', '--engine', 'cpu'];

  test('says what a piece, an array or a whole map would run, and runs nothing', async () => {
    const poster = await gdlab(
      ...MAP,
      '--size',
      '65536x65536',
      '--iters',
      '10000',
      '--tile',
      '3/256',
      '--pieces',
      'p',
      '--dry-run',
    );
    expect(poster.status).toBe(0);
    expect(poster.out).toMatch(
      /dry run: tile 3 of 256 \(picture rows 768…1023 of 65536\) of a 65536×65536 map × 10000 iterations: 1\.68e\+7 pixels, 1\.68e\+11 steps; writes p\/tile-0003-of-256\.png/,
    );
    const array = await gdlab(
      ...MAP,
      '--stack',
      'lr=1:2:10',
      '--tile',
      'auto/4',
      '--pieces',
      'p',
      '--dry-run',
    );
    expect(array.out).toMatch(
      /dry run: 40 tasks, index from SLURM_ARRAY_TASK_ID or JOB_COMPLETION_INDEX \(0…39\)/,
    );
    const whole = await gdlab(...MAP, '--size', '65536x65536', '--dry-run');
    expect(whole.status).toBe(2);
    expect(whole.err).toMatch(/--size \(size\.0\): must be at most 16384/);
  });
});

describe('gdlab merge refuses pieces that do not make one map', () => {
  const dir = tempDir('gdlab-merge-refuse-');
  const MAP = [
    'basin',
    '--objective',
    'mf-scalar',
    '--x',
    '-2:2',
    '--y',
    '-2:2',
    '--size',
    '32x24',
    '--iters',
    '60',
  ];
  const piece = (run: string, lr: string, tile: string) =>
    gdlab(...MAP, '--lr', lr, '--engine', 'cpu', '--tile', tile, '--pieces', join(dir, run));
  const f = (run: string, k: number, of = 3) => join(dir, run, `tile-000${k}-of-${of}.piece.json`);

  test('missing, doubled, from another run, another tile count or engine, or hand-edited', async () => {
    for (const k of [0, 1, 2]) expect((await piece('a', '1.1', `${k}/3`)).status).toBe(0);
    await piece('b', '1.2', '1/3');
    await piece('c', '1.1', '1/4');
    const ok = await gdlab('merge', join(dir, 'a'), '--json', join(dir, 'a.json'));
    expect(ok.status).toBe(0);
    expect(JSON.parse(readFileSync(join(dir, 'a.json'), 'utf8')).counts.diverged).toBeGreaterThan(100);

    await expect(merge([f('a', 0), f('a', 2)])).rejects.toThrow(
      /missing 1 of 3 pieces: tile-0001-of-3 \(in .*\/a; rerun those tasks\)/,
    );
    await expect(merge([f('a', 0), f('a', 1), f('a', 1), f('a', 2)])).rejects.toThrow(
      /tile-0001-of-3\.piece\.json and .*tile-0001-of-3\.piece\.json are both tile 1: remove one/,
    );
    await expect(merge([f('a', 0), f('b', 1), f('a', 2)])).rejects.toThrow(
      /b\/tile-0001-of-3\.piece\.json and .*a\/tile-0000-of-3\.piece\.json are pieces of different runs \(whole\.spec\.lr: 1\.2 vs 1\.1\)/,
    );
    await expect(merge([f('a', 0), f('c', 1, 4), f('a', 2)])).rejects.toThrow(
      /different runs \(whole\.tiles: 4 vs 3\)/,
    );

    // The same piece claimed by the GPU engine.
    const text = readFileSync(f('a', 1), 'utf8');
    writeFileSync(
      join(dir, 'gpu.piece.json'),
      text.replace('"engine":"cpu"', '"engine":"gpu"').replace('"f64"', '"f32"'),
    );
    await expect(merge([f('a', 0), join(dir, 'gpu.piece.json'), f('a', 2)])).rejects.toThrow(
      /gpu\.piece\.json ran on gpu \(f32\), .* on cpu \(f64\)/,
    );
    writeFileSync(join(dir, 'neg.piece.json'), text.replace(/"diverged":\d+/, '"diverged":-5'));
    await expect(merge([join(dir, 'neg.piece.json')])).rejects.toThrow(
      /neg\.piece\.json: not a piece of a gdlab map \(counts\.diverged: must be a whole number from 0 to 2\^53 - 1\)/,
    );
    writeFileSync(
      join(dir, 'path.piece.json'),
      text.replace('"png":"tile-0001-of-3.png"', '"png":"../x.png"'),
    );
    await expect(merge([join(dir, 'path.piece.json')])).rejects.toThrow(
      /png: must be the name of a PNG file beside the piece \(no folder\)\)$/,
    );

    // A band PNG of another run under this piece's name: refused before anything is written.
    copyFileSync(join(dir, 'b', 'tile-0001-of-3.png'), join(dir, 'a', 'tile-0001-of-3.png'));
    await expect(merge([join(dir, 'a'), '--png', join(dir, 'x.png')])).rejects.toThrow(
      /a\/tile-0001-of-3\.png: carries another spec than .*tile-0001-of-3\.piece\.json/,
    );
    rmSync(join(dir, 'a', 'tile-0001-of-3.png'));
    await expect(merge([join(dir, 'a'), '--png', join(dir, 'x.png')])).rejects.toThrow(
      /cannot read \(ENOENT\)/,
    );
    await expect(merge([join(dir, 'a'), '--frames', join(dir, 'f')])).rejects.toThrow(
      /tiles of one map; use --png/,
    );
  });

  /** A piece of a fresh run `run` (tile 1 of 3) edited by `edit`, written beside it as `name`. */
  async function crafted(run: string, name: string, edit: (p: PieceJson) => void): Promise<string> {
    const real = f(run, 1);
    if (!existsSync(real)) expect((await piece(run, '1.1', '1/3')).status).toBe(0);
    const p = JSON.parse(readFileSync(real, 'utf8')) as PieceJson;
    edit(p);
    const file = join(dir, run, name);
    writeFileSync(file, JSON.stringify(p));
    return file;
  }

  test('a piece that claims more pieces than a run may have is refused before any table is built', async () => {
    // 100000 members × 100000 tiles, each within its own bound: 10¹⁰ pieces to list.
    const bomb = await crafted('bomb', 'a.piece.json', (p) => {
      p.whole.stack = { quantity: 'lr', min: 0.1, max: 0.2, n: 100_000 };
      p.whole.tiles = 100_000;
    });
    const got = await gdlab('merge', bomb, '--json', join(dir, 'bomb.json'));
    expect([got.status, got.err]).toEqual([
      2,
      `gdlab merge: ${bomb}: 100000 members × 100000 tiles is more than 100000 pieces\n`,
    ]);
    expect(existsSync(join(dir, 'bomb.json'))).toBe(false);

    // 33333 members × 3 tiles is within the bound; a lone piece leaves 99998 missing, and the refusal
    // names the first five and counts the rest.
    const stack = { quantity: 'lr', min: 1, max: 2, n: 33_333 };
    const lone = await crafted('bomb', 'lone.piece.json', (p) => {
      p.whole.stack = stack;
      p.member = 0;
      p.value = stackValue(stack, 0);
    });
    const missing = await gdlab('merge', lone);
    // Member 0 lacks tiles 0 and 2, member 1 all three.
    const first = ['0-0', '0-2', '1-0', '1-1', '1-2'].map(
      (s) => `member-0000${s[0]}-of-33333-tile-000${s[2]}-of-3`,
    );
    expect(missing.status).toBe(2);
    expect(missing.err).toBe(
      `gdlab merge: missing 99998 of 99999 pieces: ${first.join(', ')} … and 99993 more (in ${join(dir, 'bomb')}; rerun those tasks)\n`,
    );
  });

  test('a piece with thousands of bad fields is refused in one short line', async () => {
    // 125 000 period names in a 1 MB piece overflowed zod's stack ('Maximum call stack size
    // exceeded'); 60 000 made a line of 131 kB.
    const keys = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`p${i}`, 1]));
    // Names of three letters, so that 125 000 of them fit the 1 MB a piece may have.
    const A = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ';
    const short = Array.from(
      { length: 125_000 },
      (_, i) => A[i % 52] + A[((i / 52) % 52) | 0] + A[(i / 2704) | 0],
    );
    const many = await crafted(
      'many',
      'many.piece.json',
      (p) => (p.counts.periodic = Object.fromEntries(short.map((k) => [k, 0]))),
    );
    await expect(merge([many])).rejects.toThrow(
      `${many}: not a piece of a gdlab map (counts.periodic: 125000 periods (a spec looks for at most 64))`,
    );
    const bad = await crafted('many', 'bad.piece.json', (p) => {
      p.counts.periodic = keys(60);
      (p as unknown as Record<string, unknown>).adapter = 'a'.repeat(1000);
    });
    const listed = Array.from(
      { length: 10 },
      (_, i) => `counts.periodic.p${i}: is not a period (1 to 3 digits)`,
    );
    await expect(merge([bad])).rejects.toThrow(
      `${bad}: not a piece of a gdlab map (adapter: is too long (at most 500 characters); ${listed.slice(0, 9).join('; ')}; … and 51 more)`,
    );
    // Numbers in the spec's words (spec-ranges.ts), not zod's 'expected number, received string'.
    const text = await crafted('many', 'text.piece.json', (p) => {
      (p as unknown as Record<string, unknown>).steps = '12';
      (p as unknown as Record<string, unknown>).value = null;
    });
    await expect(merge([text])).rejects.toThrow(
      `${text}: not a piece of a gdlab map (steps: must be a number, not a string)`,
    );
  });

  test('counts that are not one outcome per pixel of the band, in periods the spec looks for', async () => {
    const none = {
      diverged: 0,
      escaping: 0,
      converged: 0,
      periodic: {},
      chaotic: 0,
      unsettled: 0,
      aperiodic: 0,
    };
    // Tile 1 of 3 of a 32×24 map: rows 8…15, 256 pixels; the spec looks for periods up to 16.
    const cases: [string, (p: PieceJson) => void, string][] = [
      [
        'big',
        (p) => (p.counts = { ...none, diverged: Number.MAX_SAFE_INTEGER }),
        'counts: 9007199254740991 outcomes for the 256 pixels of rows 8…15',
      ],
      [
        'short',
        (p) => (p.counts = { ...none, converged: 255 }),
        'counts: 255 outcomes for the 256 pixels of rows 8…15',
      ],
      [
        'period',
        (p) => (p.counts = { ...none, diverged: 251, periodic: { '999': 5 } }),
        'counts.periodic.999: the spec looks for periods 1…16 only',
      ],
      [
        'zero',
        (p) => (p.counts = { ...none, diverged: 251, periodic: { '02': 5 } }),
        'counts.periodic.02: the spec looks for periods 1…16 only',
      ],
      [
        'aperiodic',
        (p) => (p.counts = { ...none, chaotic: 200, unsettled: 56, aperiodic: 57 }),
        'counts.aperiodic: 57 is not chaotic + unsettled (256)',
      ],
    ];
    for (const [name, edit, why] of cases) {
      const file = await crafted('counts', `${name}.piece.json`, edit);
      const got = await gdlab('merge', file, '--json', join(dir, 'counts.json'));
      expect([got.status, got.err]).toEqual([
        2,
        `gdlab merge: ${file}: ${why} (hand-edited, or a different gdlab?)\n`,
      ]);
    }
    expect(existsSync(join(dir, 'counts.json'))).toBe(false);
    // What a piece really counted passes: every case above is its own edit.
    const real = await crafted('counts', 'real.piece.json', () => {});
    expect((await gdlab('merge', real, '--json', join(dir, 'counts.json'))).err).toMatch(/missing 2 of 3/);
  });

  test('a band whose pixel data is not the rows its header claims is refused, and no PNG written', async () => {
    for (const k of [0, 1, 2]) expect((await piece('rows', '1.1', `${k}/3`)).status).toBe(0);
    // The auditor's band: its header and spec as written, its stream one row of the eight it claims.
    const png = join(dir, 'rows', 'tile-0001-of-3.png');
    const row = new Uint8Array(1 + 4 * 32);
    const adler = Buffer.alloc(4);
    adler.writeUInt32BE(adler32(1, row));
    const sync = { finishFlush: zlib.constants.Z_SYNC_FLUSH };
    const stream = Buffer.concat([
      Uint8Array.of(0x78, 0x9c),
      zlib.deflateRawSync(row, sync),
      Uint8Array.of(3, 0),
      adler,
    ]);
    const kept = [...readPngChunks(png)].filter((c) => c.type !== 'IDAT' && c.type !== 'IEND');
    writeFileSync(
      png,
      Buffer.concat([
        PNG_SIGNATURE,
        ...kept.map((c) => pngChunk(c.type, c.data)),
        pngChunk('IDAT', stream),
        pngChunk('IEND', new Uint8Array(0)),
      ]),
    );
    const out = join(dir, 'rows.png');
    const got = await gdlab('merge', join(dir, 'rows'), '--png', out);
    expect([got.status, got.err]).toEqual([
      2,
      `gdlab merge: ${png}: its pixel data is 129 bytes, not the 8 rows of 32 pixels (1032 bytes) its header says\n`,
    ]);
    expect(existsSync(out)).toBe(false);
    // Counts alone do not read the pixel data.
    expect((await gdlab('merge', join(dir, 'rows'), '--json', join(dir, 'rows.json'))).status).toBe(0);
  });

  test('usage: pieces are required, outputs fit the pieces, --dry-run reads nothing', async () => {
    await expect(merge([])).rejects.toThrow(/no pieces given/);
    await expect(merge(['x', '--apng', 'a.png'])).rejects.toThrow(/--apng: needs --frames/);
    await expect(merge(['x', '--png', 'a', '--frames', 'b'])).rejects.toThrow(/give one/);
    await expect(merge(['x', '--fps', '0'])).rejects.toThrow(/--fps: '0' must be in \(0, 60\]/);
    await expect(merge([join(dir, 'nowhere')])).rejects.toThrow(/nowhere: no such file or folder/);
    const dry = await gdlab('merge', '/results/poster', '--png', '/results/poster.png', '--dry-run');
    expect([dry.status, dry.out]).toEqual([
      0,
      'gdlab merge: dry run: pieces from /results/poster into /results/poster.png\n',
    ]);
  });
});
