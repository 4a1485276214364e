/**
 * Buffer layouts declared once, in TypeScript, and turned into WGSL text: a struct for the kernels
 * that own a buffer, word-offset constants for the ones that read it as plain words, and the packing
 * and parsing the host does. Every field is one or more 4-byte words (scalars, arrays of scalars, or
 * the trajectory's arrays of f32: `vec` = x, `tan` = x and the optimizer's vectors, `state` = those
 * and the optimizer's clocks), so the WGSL layout rules never pad between fields and a field's byte
 * offset is 4 × its word offset, in uniform and storage buffers alike.
 */

/**
 * A word type as WGSL spells it, or one of the trajectory's arrays: `vec` (`array<f32, DIM>`), `tan`
 * (`Tan`, TDIM words) or `state` (`State`, SDIM words), as src/engine/wgsl-state.ts declares them.
 */
export type FieldType = 'u32' | 'f32' | 'i32' | 'vec' | 'tan' | 'state';

/** `[name, type]`, or `[name, type, count]` for an array of `count` words of that type. */
export type Field = readonly [name: string, type: FieldType, count?: number];

/** The trajectory's sizes: DIM, TDIM and SDIM words; a number n means all three are n (GD). */
export type Dims = number | { dim: number; tdim: number; sdim: number };

const TRAJ_WGSL: Partial<Record<FieldType, string>> = { vec: 'array<f32, DIM>', tan: 'Tan', state: 'State' };

/** Words of a field's type: a trajectory array's size, else `count` (default 1). */
function words(field: Field, dims: Dims): number {
  const [, type, count] = field;
  const d = typeof dims === 'number' ? { dim: dims, tdim: dims, sdim: dims } : dims;
  if (type === 'vec') return d.dim;
  if (type === 'tan') return d.tdim;
  if (type === 'state') return d.sdim;
  return count ?? 1;
}

/** Words of a struct (its trajectory arrays sized by `dims`). */
export function structWords(fields: readonly Field[], dims: Dims = 0): number {
  return fields.reduce((s, f) => s + words(f, dims), 0);
}

/** Word offset of a field. */
export function fieldOffset(fields: readonly Field[], name: string, dims: Dims = 0): number {
  let o = 0;
  for (const f of fields) {
    if (f[0] === name) return o;
    o += words(f, dims);
  }
  throw new RangeError(`no field '${name}'`);
}

/**
 * The WGSL declaration of a struct. `atomic`: u32 fields become `atomic<u32>`, for a buffer the
 * kernels accumulate into.
 */
export function wgslStruct(
  name: string,
  fields: readonly Field[],
  options: { atomic?: boolean } = {},
): string {
  const body = fields.map(([n, type, count]) => {
    const traj = TRAJ_WGSL[type];
    const scalar = traj ?? (options.atomic && type === 'u32' ? 'atomic<u32>' : type);
    return `  ${n}: ${count === undefined || traj ? scalar : `array<${scalar}, ${count}>`},`;
  });
  return `struct ${name} {\n${body.join('\n')}\n}`;
}

/** `const PREFIX_NAME: u32 = offset;` for every field (uppercased), and PREFIX_WORDS. */
export function wgslOffsets(prefix: string, fields: readonly Field[], dims: Dims = 0): string {
  const lines: string[] = [];
  let o = 0;
  for (const f of fields) {
    lines.push(`const ${prefix}_${f[0].toUpperCase()}: u32 = ${o}u;`);
    o += words(f, dims);
  }
  lines.push(`const ${prefix}_WORDS: u32 = ${o}u;`);
  return lines.join('\n');
}

/** Scalar fields only: what a uniform struct of named numbers may hold. */
export type ScalarFields = readonly (readonly [string, 'u32' | 'f32' | 'i32'])[];

/** Writes named values into a struct's words by its field list (scalars only), at word `offset`. */
export function packUniforms<F extends ScalarFields>(
  fields: F,
  values: { [K in F[number] as K[0]]: number },
  bytes: number,
  into?: { buffer: ArrayBuffer; byteOffset: number },
): ArrayBuffer {
  const buf = into?.buffer ?? new ArrayBuffer(bytes);
  const at = into?.byteOffset ?? 0;
  const u = new Uint32Array(buf, at, fields.length);
  const i32 = new Int32Array(buf, at, fields.length);
  const f = new Float32Array(buf, at, fields.length);
  const v = values as Record<string, number>;
  fields.forEach(([name, type], i) => {
    const x = v[name];
    if (type === 'u32') u[i] = x >>> 0;
    else if (type === 'i32') i32[i] = x | 0;
    else f[i] = x;
  });
  return buf;
}

/** Bytes of a uniform struct of scalar fields, rounded to 16 as uniform buffers require. */
export function uniformBytes(fields: readonly Field[]): number {
  return align(structWords(fields) * 4, 16);
}

export function align(n: number, to: number): number {
  return Math.ceil(n / to) * to;
}
