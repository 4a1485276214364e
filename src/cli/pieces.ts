/**
 * `gdlab basin --tile K/N`, `--stack NAME=A:B:n --member K`, `--dry-run`: one piece of a map (a row
 * band, a member of a stack of maps, or both) as an independent, deterministic job that Slurm job
 * arrays or Kubernetes Indexed Jobs fan out, written as a band PNG and a JSON for `gdlab merge`.
 * The engine computes the band's rows itself (RunOptions.rows), so every pixel is the number a
 * whole run gives, and the band's PNG bytes are a slice of the whole's (src/io/png-stream.ts).
 */
import { renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { precisionTag, recordsFor } from '../core/engine.ts';
import { compileObjective } from '../objective/compile.ts';
import {
  LAB_LIMITS,
  MAX_SIDE,
  MAX_WORK,
  parseSpec,
  POSTER_LIMITS,
  resolveQuantity,
  SpecError,
  type ExperimentSpec,
  type SpecLimits,
} from '../experiment/spec.ts';
import { specTexts, writePngFile } from '../io/png-stream.ts';
import { CliError, parseInteger, parseNumber } from './args.ts';
import { makeOutputDir } from './output.ts';
import type { EngineChoice } from '../select/decide.ts';
import {
  gridRows,
  MAX_PIECES,
  PIECE_FORMAT,
  PIECE_JSON_SUFFIX,
  PIECE_VERSION,
  pieceStem,
  PNG_PIECE_KEYWORD,
  stackValue,
  tileRows,
  tooManyPieces,
  withQuantity,
  type PieceJson,
  type PieceWhole,
  type StackDef,
} from './piece-format.ts';

export const PIECE_OPTIONS = {
  tile: { type: 'string' },
  stack: { type: 'string' },
  member: { type: 'string' },
  pieces: { type: 'string' },
  'dry-run': { type: 'boolean' },
} as const;

export const PIECE_HELP = `
Pieces, run as separate jobs and assembled by gdlab merge (docs/SCALE-OUT.md):
  --tile K/N              the K-th of N row bands, 0 ≤ K < N, counted from the top of the picture
  --stack NAME=A:B:n      one of n maps sweeping a third quantity (a start coordinate, lr, lr.<coord>,
                          beta, beta2 or a parameter): member m runs at A + (m + 0.5)(B - A)/n, the
                          pixel-centre rule
  --member K              which member, 0 ≤ K < n (default auto)
  --pieces DIR            where the piece writes its band PNG and NAME.piece.json (required with
                          --tile or --stack, which write nothing else)
  --dry-run               check the flags, the spec (and the piece), print what would run, and exit
K = auto (--tile auto/N, --member auto) is the task's index in SLURM_ARRAY_TASK_ID or
JOB_COMPLETION_INDEX; with both auto, index I is member ⌊I/N⌋ and tile I mod N (n·N tasks). A run
has at most ${MAX_PIECES} pieces (n·N).
A map in tiles may be up to 65536² pixels; each piece is held to the lab's bounds (16384-pixel sides,
4096²·20000 steps). With tiles, colouring by a field needs a fixed colour range (colour.range in a
--spec file): a band does not know the whole map's range.
`;

type Flags = Record<string, string | string[] | boolean | undefined>;

/** Scheduler variables that give a job array task its index, in the order they are read. */
export const INDEX_VARIABLES = ['SLURM_ARRAY_TASK_ID', 'JOB_COMPLETION_INDEX'] as const;

/** Spec limits for these flags: a map in tiles may be a poster (each piece is checked here). */
export function pieceSpecLimits(flags: Flags): SpecLimits {
  return flags.tile !== undefined ? POSTER_LIMITS : LAB_LIMITS;
}

type Index = number | 'auto';

function parseIndexText(flag: string, text: string): Index {
  return text === 'auto' ? 'auto' : parseInteger(flag, text, 0);
}

function parseTile(text: string): { k: Index; n: number } {
  const m = /^([^/]+)\/([^/]+)$/.exec(text);
  if (!m) throw new CliError(`--tile: '${text}' must be K/N (K a number or auto)`);
  const n = parseInteger('tile', m[2]);
  if (n > MAX_PIECES) throw new CliError(`--tile: at most ${MAX_PIECES} tiles`);
  const k = parseIndexText('tile', m[1]);
  if (k !== 'auto' && k >= n) throw new CliError(`--tile: K = ${k} is not in 0…${n - 1}`);
  return { k, n };
}

function parseStack(text: string): StackDef {
  const m = /^([A-Za-z_][A-Za-z0-9_.]*)=([^:]+):([^:]+):([^:]+)$/.exec(text);
  if (!m) throw new CliError(`--stack: '${text}' must be NAME=A:B:n, e.g. lr=1:2:100`);
  const [min, max] = [parseNumber('stack', m[2]), parseNumber('stack', m[3])];
  if (!(max > min)) throw new CliError(`--stack: range ${m[2]}:${m[3]} must be increasing`);
  const n = parseInteger('stack', m[4]);
  if (n > MAX_PIECES) throw new CliError(`--stack: at most ${MAX_PIECES} members`);
  return { quantity: m[1], min, max, n };
}

/** The job array index from the environment, or null when no scheduler set one. */
export function schedulerIndex(env: NodeJS.ProcessEnv): { index: number; name: string } | null {
  const set = INDEX_VARIABLES.filter((v) => (env[v] ?? '') !== '');
  if (set.length === 0) return null;
  if (set.length > 1 && new Set(set.map((v) => env[v])).size > 1)
    throw new CliError(`${set.map((v) => `${v}=${env[v]}`).join(' and ')} disagree; unset one`);
  const text = env[set[0]]!;
  if (!/^\d{1,9}$/.test(text)) throw new CliError(`${set[0]}='${text}' is not an array index`);
  return { index: Number(text), name: set[0] };
}

/** One piece: where it sits in the whole, and the spec of the map it belongs to. */
interface Piece {
  member: number | null;
  tile: number;
  rows: [number, number];
  spec: ExperimentSpec;
}

/** Pieces of one run as the flags describe them; `at` is null when the index is left to the scheduler. */
interface PiecePlan {
  whole: PieceWhole;
  dir: string;
  at: Piece | null;
  /** What the index from the scheduler runs over, for messages. */
  tasks: number;
}

function memberSpec(whole: PieceWhole, member: number): ExperimentSpec {
  const stack = whole.stack!;
  const base = whole.spec;
  const obj = compileObjective({
    expr: base.objective.expr,
    params: base.objective.params,
    observables: base.observables,
  });
  let ref;
  try {
    ref = resolveQuantity(stack.quantity, obj.vars, obj.params, base.optimizer);
  } catch (e) {
    throw new CliError(`--stack: ${(e as SpecError).issues[0].replace(/^plane: /, '')}`);
  }
  const swept = [base.plane.u.quantity, base.plane.v.quantity];
  if (swept.includes(stack.quantity) || (stack.quantity.startsWith('lr.') && swept.includes('lr')))
    throw new CliError(
      `--stack: the plane (${swept.join(', ')}) sets ${stack.quantity} at every pixel; stack another quantity`,
    );
  const value = stackValue(stack, member);
  try {
    // The size is the base map's, already checked; each band is held to the lab's bounds by checkBands.
    return parseSpec(withQuantity(base, ref, value), POSTER_LIMITS);
  } catch (e) {
    if (!(e instanceof SpecError)) throw e;
    throw new CliError(`--stack: member ${member} (${stack.quantity} = ${value}): ${e.issues.join('; ')}`);
  }
}

/** Holds every band of the map to the lab's bounds, so any task of the array is a lab-size run. */
function checkBands(spec: ExperimentSpec, tiles: number): void {
  const [W, H] = spec.size;
  if (tiles > H) throw new CliError(`--tile: ${tiles} bands of a ${H}-row map; at most ${H}`);
  const rowsFit = Math.floor(Math.min((MAX_SIDE * MAX_SIDE) / W, MAX_WORK / (W * spec.iterations)));
  if (rowsFit < 1)
    throw new CliError(
      `one row of ${W} pixels × ${spec.iterations} iterations exceeds a piece's ${MAX_WORK} steps`,
    );
  const rows = Math.ceil(H / tiles);
  if (rows > rowsFit)
    throw new CliError(
      `--tile: bands of ${rows} rows of ${W} pixels × ${spec.iterations} iterations exceed a piece's bounds ` +
        `(${MAX_SIDE}² pixels, ${MAX_WORK} steps); use at least ${Math.ceil(H / rowsFit)} tiles`,
    );
  if (tiles > 1 && spec.colour.field !== 'outcome' && spec.colour.range === null)
    throw new CliError(
      `--tile: colouring by ${spec.colour.field} takes its range from the whole map, which a band ` +
        `does not see; colour by outcome, or fix colour.range in a --spec file`,
    );
}

/** The plan the piece flags describe, or null for a whole map. Usage errors are CliErrors. */
export function planPieces(flags: Flags, spec: ExperimentSpec, env: NodeJS.ProcessEnv): PiecePlan | null {
  const str = (k: string) => flags[k] as string | undefined;
  if (str('tile') === undefined && str('stack') === undefined) {
    if (str('member') !== undefined) throw new CliError('--member: goes with --stack');
    if (str('pieces') !== undefined) throw new CliError('--pieces: goes with --tile or --stack');
    return null;
  }
  const dir = str('pieces');
  if (dir === undefined) throw new CliError('--pieces DIR is required with --tile and --stack');
  for (const f of ['png', 'json'])
    if (flags[f] !== undefined)
      throw new CliError(
        `--${f}: a piece writes to --pieces DIR; gdlab merge DIR --${f} FILE assembles the map`,
      );
  const tile = str('tile') !== undefined ? parseTile(str('tile')!) : { k: 0, n: 1 };
  const stack = str('stack') !== undefined ? parseStack(str('stack')!) : null;
  if (!stack && str('member') !== undefined) throw new CliError('--member: goes with --stack');
  // gdlab merge refuses more pieces than this, so no array is started that could not be merged.
  const many = stack && tooManyPieces(stack.n, tile.n);
  if (many) throw new CliError(`--stack, --tile: ${many}`);
  const memberK: Index | null = stack ? parseIndexText('member', str('member') ?? 'auto') : null;
  if (stack && memberK !== 'auto' && memberK !== null && memberK >= stack.n)
    throw new CliError(`--member: ${memberK} is not in 0…${stack.n - 1}`);
  const whole: PieceWhole = { spec, stack, tiles: tile.n };
  // Every member's spec must be valid; checking the ends finds a range that leaves the valid values.
  if (stack) for (const m of new Set([0, stack.n - 1])) checkBands(memberSpec(whole, m), tile.n);
  else checkBands(spec, tile.n);

  let member = memberK;
  let k = tile.k;
  const autos = [memberK === 'auto' ? stack!.n : 1, k === 'auto' ? tile.n : 1];
  const tasks = autos[0] * autos[1];
  if (member === 'auto' || k === 'auto') {
    const got = schedulerIndex(env);
    if (!got) {
      if (flags['dry-run']) return { whole, dir, at: null, tasks };
      throw new CliError(
        `${k === 'auto' ? `--tile ${str('tile')}` : '--member auto'}: no ${INDEX_VARIABLES.join(' or ')} ` +
          `in the environment; give the index`,
      );
    }
    if (got.index >= tasks)
      throw new CliError(
        `${got.name}=${got.index} is not in 0…${tasks - 1} (this run has ${tasks} tasks: Slurm --array=0-${tasks - 1}, ` +
          `Kubernetes completions: ${tasks})`,
      );
    if (member === 'auto' && k === 'auto') [member, k] = [Math.floor(got.index / tile.n), got.index % tile.n];
    else if (member === 'auto') member = got.index;
    else k = got.index;
  }
  const m = member as number | null;
  const pieceSpec = stack ? memberSpec(whole, m!) : spec;
  const rows = tileRows(k as number, tile.n, spec.size[1]);
  return { whole, dir, at: { member: m, tile: k as number, rows, spec: pieceSpec }, tasks };
}

const sci = (v: number) => (v < 1e6 ? String(v) : v.toExponential(2));

function describe(whole: PieceWhole, at: Piece): string {
  const [W, H] = whole.spec.size;
  const parts: string[] = [];
  if (whole.stack && at.member !== null)
    parts.push(`member ${at.member} of ${whole.stack.n} (${whole.stack.quantity} = ${valueOf(whole, at)})`);
  parts.push(`tile ${at.tile} of ${whole.tiles} (picture rows ${at.rows[0]}…${at.rows[1] - 1} of ${H})`);
  const pixels = W * (at.rows[1] - at.rows[0]);
  return `${parts.join(', ')} of a ${W}×${H} map × ${whole.spec.iterations} iterations: ${sci(pixels)} pixels, ${sci(pixels * whole.spec.iterations)} steps`;
}

const valueOf = (whole: PieceWhole, at: Piece) => stackValue(whole.stack!, at.member!);

/**
 * Runs what the piece flags ask for: a dry run (also of a whole map), or one piece. Returns the exit
 * status, or undefined when the flags ask for a plain whole map (basin.ts runs it).
 */
export async function runPieceFlags(
  flags: Flags,
  spec: ExperimentSpec,
  engineChoice: EngineChoice,
  env: NodeJS.ProcessEnv = process.env,
): Promise<number | undefined> {
  const plan = planPieces(flags, spec, env);
  const say = (s: string) => process.stdout.write(`gdlab basin: ${s}\n`);
  if (flags['dry-run']) {
    if (!plan) {
      const [W, H] = spec.size;
      const outs = [flags.png, flags.json].filter((f) => f !== undefined).join(', ') || 'JSON to stdout';
      say(
        `dry run: a ${W}×${H} map × ${spec.iterations} iterations (${sci(W * H * spec.iterations)} steps) on engine ${engineChoice}; writes ${outs}`,
      );
    } else if (!plan.at)
      say(
        `dry run: ${plan.tasks} tasks, index from ${INDEX_VARIABLES.join(' or ')} (0…${plan.tasks - 1}); writes to ${plan.dir}`,
      );
    else {
      const stem = pieceStem(plan.whole, plan.at.member, plan.at.tile);
      say(
        `dry run: ${describe(plan.whole, plan.at)}; writes ${join(plan.dir, stem)}.png and ${PIECE_JSON_SUFFIX}`,
      );
    }
    return 0;
  }
  if (!plan) return undefined;
  return runPiece(plan.whole, plan.dir, plan.at!, engineChoice);
}

async function runPiece(
  whole: PieceWhole,
  dir: string,
  at: Piece,
  engineChoice: EngineChoice,
): Promise<number> {
  const { spec } = at;
  const [W, H] = spec.size;
  // Before the run: a folder that cannot be made was said after it, the band's work lost.
  makeOutputDir(dir, 'pieces');
  const { createEngine } = await import('../select/node.ts');
  const created = await createEngine({ choice: engineChoice, spec });
  try {
    const result = await created.engine.runBasin(spec, {
      rows: gridRows(at.rows, H),
      records: recordsFor(spec.colour),
    });
    for (const note of result.notes ?? []) process.stderr.write(`gdlab basin: ${note}\n`);
    const counts = result.counts;
    // Coloured where the records are, as a whole run colours them (src/cli/basin.ts), with the band's
    // own value range.
    const rgba = await result.readImage(spec.colour);
    result.dispose();

    const stem = pieceStem(whole, at.member, at.tile);
    const png = `${stem}.png`;
    const label = { member: at.member, tile: at.tile, tiles: whole.tiles, rows: at.rows };
    const texts = specTexts(spec, { [PNG_PIECE_KEYWORD]: JSON.stringify(label) }, result.info);
    writePngFile(join(dir, png), W, at.rows[1] - at.rows[0], texts, (w) => w.writeRows(rgba));
    const piece: PieceJson = {
      format: PIECE_FORMAT,
      version: PIECE_VERSION,
      whole,
      member: at.member,
      value: whole.stack ? valueOf(whole, at) : null,
      tile: at.tile,
      rows: at.rows,
      spec,
      engine: result.info.kind,
      adapter: result.info.adapter,
      precision: result.info.precision,
      ...(result.info.subnormals && { subnormals: result.info.subnormals }),
      counts,
      steps: result.steps,
      ms: Math.round(result.ms * 10) / 10,
      png,
    };
    // Written last and renamed into place: a piece is done when its JSON exists.
    const file = join(dir, stem + PIECE_JSON_SUFFIX);
    writeFileSync(`${file}.partial-${process.pid}`, JSON.stringify(piece) + '\n');
    renameSync(`${file}.partial-${process.pid}`, file);
    process.stdout.write(
      `${describe(whole, at)} on ${result.info.kind} (${precisionTag(result.info)}, ${result.info.adapter}) ` +
        `in ${(result.ms / 1000).toFixed(2)} s: wrote ${file}\n`,
    );
    return 0;
  } finally {
    created.dispose();
  }
}
