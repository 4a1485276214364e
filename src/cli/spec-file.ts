/**
 * `--spec FILE`: a spec JSON or a PNG saved by gdlab, read with a byte cap (a device such as /dev/zero
 * never ends). A PNG on disk is walked chunk by chunk with positional reads, so its pixels are never
 * read, let alone decoded; anything else is read as UTF-8 JSON of at most MAX_SPEC_JSON_BYTES.
 */
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { MAX_SPEC_JSON_BYTES, MAX_SPEC_PNG_BYTES } from '../experiment/blob.ts';
import { readSpecFromPng, walkPng } from '../experiment/png.ts';
import {
  LAB_LIMITS,
  parseSpecJson,
  SpecError,
  type ExperimentSpec,
  type SpecKind,
  type SpecLimits,
} from '../experiment/spec.ts';
import { ObjectiveError } from '../objective/types.ts';
import { CliError } from './args.ts';
import { IoError, systemReason } from './output.ts';

// The lab's bounds: a PNG is read whole up to this only when it cannot be walked in place (a pipe).
export { MAX_SPEC_JSON_BYTES, MAX_SPEC_PNG_BYTES } from '../experiment/blob.ts';

const PNG_SIGNATURE = [137, 80, 78, 71, 13, 10, 26, 10];

/** Reads from fd at its current position until EOF or `cap + 1` bytes, whichever comes first. */
function readCapped(fd: number, first: Uint8Array, cap: number): Uint8Array {
  const chunks: Uint8Array[] = [first];
  let total = first.length;
  while (total <= cap) {
    const buf = new Uint8Array(Math.min(1 << 20, cap + 1 - total));
    const n = readSync(fd, buf, 0, buf.length, null);
    if (n === 0) break;
    chunks.push(buf.subarray(0, n));
    total += n;
  }
  const out = new Uint8Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** The spec in `file` (JSON or PNG); IoError when it cannot be read, SpecError when it is no spec. */
export function readSpecFile(file: string, limits: SpecLimits = LAB_LIMITS): ExperimentSpec {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch (e) {
    throw new IoError(`--spec: cannot read '${file}': ${systemReason(e)}`);
  }
  try {
    const regular = fstatSync(fd).isFile();
    const head = new Uint8Array(8);
    let got = 0;
    for (let n = -1; got < 8 && n !== 0; got += n) n = readSync(fd, head, got, 8 - got, null);
    const first = head.subarray(0, got);
    const png = got === 8 && PNG_SIGNATURE.every((b, i) => head[i] === b);
    if (png && regular) {
      const size = fstatSync(fd).size;
      const { specText } = walkPng({
        size,
        read(pos, length) {
          const buf = new Uint8Array(Math.max(0, Math.min(length, size - pos)));
          let n = 0;
          while (n < buf.length) {
            const k = readSync(fd, buf, n, buf.length - n, pos + n);
            if (k === 0) break;
            n += k;
          }
          return buf.subarray(0, n);
        },
      });
      if (specText === undefined)
        throw new SpecError([`png: no 'gdlab-spec' text chunk (not saved by gdlab?)`]);
      return parseSpecJson(specText, limits);
    }
    const cap = png ? MAX_SPEC_PNG_BYTES : MAX_SPEC_JSON_BYTES;
    const bytes = readCapped(fd, first, cap);
    if (bytes.length > cap)
      throw new SpecError([
        `--spec: larger than ${cap / (1024 * 1024)} MB, too large for a ${png ? 'PNG' : 'spec JSON'} file`,
      ]);
    if (png) return readSpecFromPng(bytes, limits);
    let text: string;
    try {
      text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw new SpecError(['--spec: neither a PNG nor UTF-8 text']);
    }
    return parseSpecJson(text, limits);
  } catch (e) {
    // What is wrong with the file as a whole (not a PNG, damaged, not JSON) is one line naming it;
    // what is wrong with the spec's fields stays a SpecError listing them.
    if (e instanceof SpecError && e.issues.length === 1 && /^(png|spec|--spec):/.test(e.issues[0]))
      throw new CliError(`--spec '${file}': ${e.issues[0].replace(/^(spec|--spec): /, '')}`);
    if (e instanceof SpecError || e instanceof IoError) throw e;
    throw new IoError(`--spec: cannot read '${file}': ${systemReason(e)}`);
  } finally {
    closeSync(fd);
  }
}

/**
 * The spec in `file` for the command of `kind`, whose name is the kind's. A spec of another kind is
 * refused rather than run as this one: a density's 1 × bins plane, opened by basin, was a 1×60 map.
 */
export function readSpecOfKind(
  file: string,
  kind: SpecKind,
  limits: SpecLimits = LAB_LIMITS,
): ExperimentSpec {
  const spec = readSpecFile(file, limits);
  if (spec.kind !== kind)
    throw new CliError(
      `--spec '${file}': a spec of kind '${spec.kind}', not '${kind}' (gdlab ${spec.kind} --spec runs it)`,
    );
  return spec;
}

/**
 * `e`, when it is the compile error of an expression a spec file gave, said with the file and the
 * field: "unknown identifier 'foo' (column 5)" alone did not say that it came from --spec, nor from
 * which of its expressions.
 */
export function inSpecFile(file: string, e: unknown): unknown {
  if (!(e instanceof ObjectiveError)) return e;
  const m = /^observable (\d+): /.exec(e.message);
  const field = m ? `observables.${Number(m[1]) - 1}` : 'objective.expr';
  return new ObjectiveError(`--spec '${file}': ${field}: ${m ? e.message.slice(m[0].length) : e.message}`);
}
