/**
 * `gdlab merge`: assembles the pieces that `gdlab basin --tile/--stack` wrote (src/cli/pieces.ts)
 * into the map a single run gives: counts summed, band PNGs' compressed rows copied in order (inflated
 * once to check them, never re-encoded), so the PNG is byte for byte the one a whole run writes and
 * memory stays at a few MiB whatever the map's size. A stack becomes a folder of frames (and an
 * animated PNG). Pieces that do not belong together, are missing or doubled, or whose counts or rows
 * are not what they claim, are refused by name before anything is written.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { parseArgs } from 'node:util';
import type { EngineInfo } from '../core/engine.ts';
import { emptyCounts, type OutcomeCounts } from '../core/records.ts';
import { asciiJson, PNG_SPEC_KEYWORD } from '../experiment/png.ts';
import type { ExperimentSpec } from '../experiment/spec.ts';
import { checkBandRows } from '../io/band-check.ts';
import { copyRows, PngFormatError, readPngHeader, writeApng } from '../io/png-bands.ts';
import { writeFileStreamed } from '../io/files.ts';
import { specTexts, writePngFile } from '../io/png-stream.ts';
import { CliError, parseArgsError, parseNumber } from './args.ts';
import { makeOutputDir, writeJson } from './output.ts';
import {
  countsProblem,
  firstDifference,
  MAX_PIECES,
  parsePieceJson,
  PIECE_JSON_SUFFIX,
  pieceStem,
  stackValue,
  tileRows,
  tooManyPieces,
  type PieceJson,
} from './piece-format.ts';

export const help = `gdlab merge: assemble the pieces of a map or a stack (gdlab basin --tile, --stack)

usage: gdlab merge PIECES… [--png FILE | --frames DIR [--apng FILE]] [--json FILE]

  PIECES            NAME.piece.json files, or folders holding them (what gdlab basin --pieces DIR wrote)
  --png FILE        the whole map: the PNG a single run of its spec writes, byte for byte
  --frames DIR      a stack: one PNG per member, DIR/frame-0000.png, frame-0001.png, … (a video tool
                    reads them in order, e.g. ffmpeg -framerate 10 -i DIR/frame-%04d.png)
  --apng FILE       a stack as one animated PNG made from the frames (needs --frames)
  --fps F           frames per second of the animated PNG (default 10)
  --json FILE       the counts summed over the pieces, as gdlab basin writes them; for a stack, per
                    member ('-': stdout; the default without --png and --frames)
  --dry-run         check the flags and exit without reading the pieces
  -h, --help        this text

Pieces are refused, by name, when they come from different runs (spec, stack or tile count differ),
ran on different engines or precisions, repeat an index, or leave one out.
`;

const OPTIONS = {
  png: { type: 'string' },
  frames: { type: 'string' },
  apng: { type: 'string' },
  fps: { type: 'string' },
  json: { type: 'string' },
  'dry-run': { type: 'boolean' },
} as const;

/** Most piece files one merge reads: a run has at most MAX_PIECES pieces, so more cannot merge. */
const MAX_FILES = MAX_PIECES;
/** Largest piece JSON read (a spec and counts are a few KiB). */
const MAX_JSON_BYTES = 1 << 20;
/** Missing pieces named in the refusal; the rest are counted. */
const MISSING_SHOWN = 5;

interface Loaded {
  file: string;
  piece: PieceJson;
}

function parseMergeFlags(argv: string[]) {
  try {
    return parseArgs({ args: argv, options: OPTIONS, strict: true, allowPositionals: true });
  } catch (e) {
    throw parseArgsError(e, 'merge', Object.keys(OPTIONS));
  }
}

/** Piece files named by the arguments: files as given, folders by their *.piece.json, sorted. */
function pieceFiles(args: string[]): string[] {
  const files: string[] = [];
  for (const arg of args) {
    let isDir: boolean;
    try {
      isDir = statSync(arg).isDirectory();
    } catch {
      throw new CliError(`${arg}: no such file or folder`);
    }
    if (!isDir) files.push(arg);
    else {
      const found = readdirSync(arg)
        .filter((f) => f.endsWith(PIECE_JSON_SUFFIX))
        .sort();
      if (!found.length) throw new CliError(`${arg}: no *${PIECE_JSON_SUFFIX} files in this folder`);
      files.push(...found.map((f) => join(arg, f)));
    }
    if (files.length > MAX_FILES)
      throw new CliError(`more than ${MAX_FILES} piece files (a run has at most ${MAX_PIECES} pieces)`);
  }
  return files;
}

function loadPiece(file: string): Loaded {
  try {
    if (statSync(file).size > MAX_JSON_BYTES) throw new Error(`larger than ${MAX_JSON_BYTES} bytes`);
    return { file, piece: parsePieceJson(readFileSync(file, 'utf8')) };
  } catch (e) {
    throw new CliError(`${file}: not a piece of a gdlab map (${(e as Error).message})`);
  }
}

const where = (p: PieceJson) => (p.member === null ? `tile ${p.tile}` : `member ${p.member}, tile ${p.tile}`);

/**
 * Checks that the pieces are one run, complete and each in its place; returns them by member, tiles
 * in order (one member, null, without a stack).
 */
function checkPieces(loaded: Loaded[]): Loaded[][] {
  const first = loaded[0];
  const { whole } = first.piece;
  // Every piece must share `whole`, so the first one's bound holds for the table built below.
  const many = tooManyPieces(whole.stack?.n ?? 1, whole.tiles);
  if (many) throw new CliError(`${first.file}: ${many}`);
  const H = whole.spec.size[1];
  const slots = new Map<string, Loaded>();
  const adapters = new Set<string>();
  for (const l of loaded) {
    const p = l.piece;
    const diff = firstDifference(p.whole, whole);
    if (diff) throw new CliError(`${l.file} and ${first.file} are pieces of different runs (whole.${diff})`);
    if (p.engine !== first.piece.engine || p.precision !== first.piece.precision)
      throw new CliError(
        `${l.file} ran on ${p.engine} (${p.precision}), ${first.file} on ${first.piece.engine} ` +
          `(${first.piece.precision}): a map is merged from one engine's pieces`,
      );
    adapters.add(p.adapter);
    const bad = (why: string) => new CliError(`${l.file}: ${why} (hand-edited, or a different gdlab?)`);
    if (p.tile >= whole.tiles) throw bad(`tile ${p.tile} of ${whole.tiles}`);
    if (firstDifference(p.rows, tileRows(p.tile, whole.tiles, H)))
      throw bad(`rows ${p.rows} for ${where(p)}`);
    const counts = countsProblem(p);
    if (counts) throw bad(counts);
    if (whole.stack) {
      if (p.member === null || p.member >= whole.stack.n) throw bad(`member ${p.member} of ${whole.stack.n}`);
      if (p.value !== stackValue(whole.stack, p.member)) throw bad(`value ${p.value} for member ${p.member}`);
    } else if (p.member !== null || firstDifference(p.spec, whole.spec)) throw bad('not a tile of its map');
    const key = `${p.member}/${p.tile}`;
    const twin = slots.get(key);
    if (twin) throw new CliError(`${twin.file} and ${l.file} are both ${where(p)}: remove one`);
    slots.set(key, l);
  }
  if (adapters.size > 1)
    process.stderr.write(
      `gdlab merge: warning: pieces ran on ${adapters.size} adapters (${[...adapters].join('; ')}); ` +
        `f32 results can differ between GPUs\n`,
    );
  const members = whole.stack ? Array.from({ length: whole.stack.n }, (_, m) => m) : [null];
  const missing: string[] = [];
  let missingCount = 0;
  const out = members.map((m) =>
    Array.from({ length: whole.tiles }, (_, k) => {
      const l = slots.get(`${m}/${k}`);
      if (!l && missingCount++ < MISSING_SHOWN) missing.push(pieceStem(whole, m, k));
      return l!;
    }),
  );
  if (missingCount) {
    const total = members.length * whole.tiles;
    const more = missingCount - missing.length;
    const shown = missing.join(', ') + (more ? ` … and ${more} more` : '');
    throw new CliError(
      `missing ${missingCount} of ${total} pieces: ${shown} (in ${dirname(first.file)}; rerun those tasks)`,
    );
  }
  for (const tiles of out)
    for (const l of tiles) {
      const d = firstDifference(l.piece.spec, tiles[0].piece.spec);
      if (d) throw new CliError(`${l.file} and ${tiles[0].file} are tiles of different maps (spec.${d})`);
    }
  return out;
}

const bandFile = (l: Loaded) => join(dirname(l.file), l.piece.png);

/**
 * Reads each band's header: size and spec must be its JSON's, before a byte is written. With
 * `inflate` (the bands are to be copied into a PNG), also inflates their rows as that PNG will hold them.
 */
async function checkBands(tiles: Loaded[], inflate: boolean): Promise<void> {
  const bandRows = (l: Loaded) => l.piece.rows[1] - l.piece.rows[0];
  try {
    for (const l of tiles) {
      const file = bandFile(l);
      const header = readPngHeader(file);
      if (header.width !== l.piece.spec.size[0] || header.height !== bandRows(l))
        throw new PngFormatError(
          `${file}: is ${header.width}×${header.height}, its piece says ${l.piece.spec.size[0]}×${bandRows(l)}`,
        );
      if (header.texts[PNG_SPEC_KEYWORD] !== asciiJson(l.piece.spec))
        throw new PngFormatError(`${file}: carries another spec than ${l.file} (a band of another run?)`);
    }
    if (inflate)
      await checkBandRows(
        tiles.map((l) => ({ path: bandFile(l), rows: bandRows(l) })),
        tiles[0].piece.spec.size[0],
      );
  } catch (e) {
    if (e instanceof PngFormatError) throw new CliError(e.message);
    throw e;
  }
}

/** A map's PNG from its bands, in order. */
function writeMap(file: string, spec: ExperimentSpec, tiles: Loaded[], info: EngineInfo): number {
  try {
    return writePngFile(file, spec.size[0], spec.size[1], specTexts(spec, {}, info), (w) => {
      for (const l of tiles) copyRows(bandFile(l), w, l.piece.rows[1] - l.piece.rows[0]);
    });
  } catch (e) {
    if (e instanceof PngFormatError) throw new CliError(e.message);
    throw e;
  }
}

function addCounts(a: OutcomeCounts, b: OutcomeCounts): OutcomeCounts {
  const periodic = { ...a.periodic };
  for (const [k, n] of Object.entries(b.periodic)) periodic[k] = (periodic[k] ?? 0) + n;
  return {
    diverged: a.diverged + b.diverged,
    escaping: a.escaping + b.escaping,
    converged: a.converged + b.converged,
    periodic,
    chaotic: a.chaotic + b.chaotic,
    unsettled: a.unsettled + b.unsettled,
    aperiodic: a.aperiodic + b.aperiodic,
  };
}

/** Counts, steps and time of some pieces, summed. */
function totals(pieces: Loaded[]) {
  let counts = emptyCounts();
  let steps = 0;
  let ms = 0;
  for (const { piece } of pieces) {
    counts = addCounts(counts, piece.counts);
    steps += piece.steps;
    ms += piece.ms;
  }
  return { counts, steps, ms: Math.round(ms * 10) / 10 };
}

export async function run(argv: string[]): Promise<number> {
  const { values: flags, positionals } = parseMergeFlags(argv);
  if (!positionals.length) throw new CliError('no pieces given (piece files or folders of them)');
  if (flags.png !== undefined && flags.frames !== undefined)
    throw new CliError('--png is for a map in tiles, --frames for a stack: give one');
  if (flags.apng !== undefined && flags.frames === undefined)
    throw new CliError('--apng: needs --frames DIR (the animated PNG is made from the frames)');
  const fps = flags.fps !== undefined ? parseNumber('fps', flags.fps) : 10;
  if (!(fps > 0 && fps <= 60)) throw new CliError(`--fps: '${flags.fps}' must be in (0, 60]`);
  if (flags['dry-run']) {
    const outs = [flags.png, flags.frames, flags.apng, flags.json].filter((f) => f !== undefined);
    process.stdout.write(
      `gdlab merge: dry run: pieces from ${positionals.join(', ')} into ${outs.join(', ') || 'JSON on stdout'}\n`,
    );
    return 0;
  }

  const loaded = pieceFiles(positionals).map(loadPiece);
  const members = checkPieces(loaded);
  const { whole } = loaded[0].piece;
  const info = loaded[0].piece;
  const adapter = [...new Set(loaded.map((l) => l.piece.adapter))].join('; ');
  // Pieces from devices that differ on subnormals say neither.
  const flushes = [...new Set(loaded.map((l) => l.piece.subnormals))];
  const subnormals = flushes.length === 1 ? flushes[0] : undefined;
  const engine: EngineInfo = {
    kind: info.engine,
    precision: info.precision,
    adapter,
    ...(subnormals && { subnormals }),
  };
  const [W, H] = whole.spec.size;
  const json = flags.json ?? (flags.png === undefined && flags.frames === undefined ? '-' : undefined);
  // JSON on stdout keeps stdout to itself.
  const say = (s: string) => (json === '-' ? process.stderr : process.stdout).write(`gdlab merge: ${s}\n`);
  let out: Record<string, unknown>;
  if (!whole.stack) {
    if (flags.frames !== undefined)
      throw new CliError('--frames: these pieces are tiles of one map; use --png');
    const tiles = members[0];
    await checkBands(tiles, flags.png !== undefined);
    const sum = totals(tiles);
    // The keys and order of gdlab basin's JSON, then how many pieces made it.
    out = {
      spec: whole.spec,
      engine: info.engine,
      adapter,
      precision: info.precision,
      size: [W, H],
      counts: sum.counts,
      ms: sum.ms,
      steps: sum.steps,
      pieces: whole.tiles,
    };
    if (flags.png !== undefined) {
      const bytes = writeMap(flags.png, whole.spec, tiles, engine);
      say(`${whole.tiles} tiles of a ${W}×${H} map into ${flags.png} (${bytes} bytes)`);
    }
  } else {
    if (flags.png !== undefined)
      throw new CliError('--png: these pieces are a stack of maps; use --frames DIR (and --apng FILE)');
    const stack = whole.stack;
    for (const tiles of members) await checkBands(tiles, flags.frames !== undefined);
    const digits = Math.max(4, String(stack.n - 1).length);
    const frameName = (m: number) => `frame-${String(m).padStart(digits, '0')}.png`;
    const perMember = members.map((tiles, m) => ({
      member: m,
      value: stackValue(stack, m),
      ...totals(tiles),
      ...(flags.frames !== undefined ? { frame: frameName(m) } : {}),
    }));
    const sum = totals(loaded);
    out = {
      spec: whole.spec,
      stack: { ...stack, rule: 'member m at min + (m + 0.5)(max - min)/n' },
      engine: info.engine,
      adapter,
      precision: info.precision,
      size: [W, H],
      counts: sum.counts,
      ms: sum.ms,
      steps: sum.steps,
      pieces: loaded.length,
      members: perMember,
    };
    if (flags.frames !== undefined) {
      makeOutputDir(flags.frames, 'frames');
      const frames = members.map((tiles, m) => {
        const file = join(flags.frames!, frameName(m));
        writeMap(file, tiles[0].piece.spec, tiles, engine);
        return file;
      });
      say(
        `${stack.n} frames of ${W}×${H} (${stack.quantity} ${stack.min}…${stack.max}) into ${flags.frames}`,
      );
      if (flags.apng !== undefined) {
        const apng = flags.apng;
        writeFileStreamed(apng, (sink) => writeApng(sink, frames, fps));
        say(`animated PNG of ${stack.n} frames at ${fps} fps into ${apng}`);
      }
    }
  }
  if (json !== undefined) writeJson(json, out);
  return 0;
}
