/**
 * A small WebAssembly binary encoder: enough of the format (types, imports, one memory, functions,
 * exports; scalar, control and f64x2 SIMD instructions) for the objective and kernel emitters.
 * Hand-written rather than a toolkit from npm: the encoding we need is ~200 lines, and the toolkits
 * (binaryen ≈ 10 MB of asm.js, wabt's text parser) would be the largest thing the lab downloads.
 */

import { op, simd } from './opcodes.ts';

/** Value types. */
export const I32 = 0x7f;
export const I64 = 0x7e;
export const F64 = 0x7c;
export const V128 = 0x7b;
export type ValType = typeof I32 | typeof I64 | typeof F64 | typeof V128;

/** Block type of a block/loop/if that yields nothing. */
export const VOID = 0x40;

export { op, simd };

function uleb(out: number[], n: number): void {
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
}

function sleb(out: number[], n: number): void {
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return;
    }
    out.push(b | 0x80);
  }
}

const f64Bytes = new Uint8Array(8);
const f64View = new DataView(f64Bytes.buffer);

/**
 * Vector constants kept in a table in linear memory (a data segment at `base`). V8 folds constant
 * locals back into immediates and rebuilds an f64x2 constant from them at every use inside a loop
 * (three or four instructions); a load from the table is one.
 */
export class ConstTable {
  private readonly map = new Map<string, number>();
  private readonly data: number[] = [];
  constructor(
    readonly base: number,
    /** Bytes available at base. */
    private readonly capacity: number,
  ) {}

  /** Byte offset of the 16-byte constant, or -1 when the table is full. */
  offset(key: string, bytes: number[]): number {
    let at = this.map.get(key);
    if (at === undefined) {
      if (this.data.length + 16 > this.capacity) return -1;
      at = this.base + this.data.length;
      this.map.set(key, at);
      for (const b of bytes) this.data.push(b);
    }
    return at;
  }

  /** The table's bytes, for ModuleBuilder.data(base, …). */
  bytes(): Uint8Array {
    return Uint8Array.from(this.data);
  }
}

/** A function body under construction: instructions appended as bytes. */
export class Code {
  readonly bytes: number[] = [];
  /** Where vector constants go; inline when null. */
  consts: ConstTable | null = null;

  /** Appends another body's bytes. */
  append(other: Code): this {
    for (const b of other.bytes) this.bytes.push(b);
    return this;
  }

  /** Raw opcode bytes. */
  op(...b: number[]): this {
    for (const x of b) this.bytes.push(x);
    return this;
  }
  u32(n: number): this {
    uleb(this.bytes, n);
    return this;
  }
  get(local: number): this {
    this.bytes.push(op.localGet);
    return this.u32(local);
  }
  set(local: number): this {
    this.bytes.push(op.localSet);
    return this.u32(local);
  }
  tee(local: number): this {
    this.bytes.push(op.localTee);
    return this.u32(local);
  }
  i32(n: number): this {
    this.bytes.push(op.i32Const);
    sleb(this.bytes, n | 0);
    return this;
  }
  f64(v: number): this {
    this.bytes.push(op.f64Const);
    f64View.setFloat64(0, v, true);
    for (const b of f64Bytes) this.bytes.push(b);
    return this;
  }
  call(fn: number): this {
    this.bytes.push(op.call);
    return this.u32(fn);
  }
  /** A SIMD instruction with its immediates (lane indices, memargs already encoded). */
  v(simdOp: number, ...imm: number[]): this {
    this.bytes.push(0xfd);
    uleb(this.bytes, simdOp);
    for (const b of imm) this.bytes.push(b);
    return this;
  }
  /** f64x2 constant with both lanes v. */
  f64x2(v: number): this {
    f64View.setFloat64(0, v, true);
    return this.v128([...f64Bytes, ...f64Bytes]);
  }
  /** A v128 constant: from the table when there is one (and room), else inline. */
  private v128(bytes: number[]): this {
    const at = this.consts ? this.consts.offset(bytes.join(','), bytes) : -1;
    if (at >= 0) return this.i32(0).vload(at);
    this.v(simd.const);
    for (const b of bytes) this.bytes.push(b);
    return this;
  }
  /** i64x2 constant with both lanes n. */
  i64x2(n: bigint): this {
    const view = new DataView(new ArrayBuffer(8));
    view.setBigInt64(0, BigInt.asIntN(64, n), true);
    const lane = Array.from({ length: 8 }, (_, i) => view.getUint8(i));
    return this.v128([...lane, ...lane]);
  }
  /** Memory access with alignment log2 and a constant offset. */
  mem(opcode: number, alignLog2: number, offset: number): this {
    this.bytes.push(opcode);
    uleb(this.bytes, alignLog2);
    return this.u32(offset);
  }
  vload(offset: number): this {
    this.v(simd.load);
    uleb(this.bytes, 4);
    return this.u32(offset);
  }
  vstore(offset: number): this {
    this.v(simd.store);
    uleb(this.bytes, 4);
    return this.u32(offset);
  }
}

interface FuncDef {
  type: number;
  locals: ValType[];
  body: Code;
  exportName: string | null;
}

/** A module under construction: one memory (exported as `memory`), imports first, then functions. */
export class ModuleBuilder {
  private readonly types: string[] = [];
  private readonly imports: { module: string; name: string; type: number }[] = [];
  private readonly funcs: FuncDef[] = [];
  private readonly segments: { offset: number; bytes: Uint8Array }[] = [];

  /** @param memoryPages initial 64 KiB pages of the exported memory. */
  constructor(private readonly memoryPages = 1) {}

  type(params: readonly ValType[], results: readonly ValType[]): number {
    const bytes = [0x60];
    uleb(bytes, params.length);
    bytes.push(...params);
    uleb(bytes, results.length);
    bytes.push(...results);
    const key = bytes.join(',');
    const i = this.types.indexOf(key);
    if (i >= 0) return i;
    this.types.push(key);
    return this.types.length - 1;
  }

  /** Imports a function; must come before any `func` (imports take the low indices). */
  importFunc(module: string, name: string, params: ValType[], results: ValType[]): number {
    if (this.funcs.length) throw new Error('imports must precede functions');
    this.imports.push({ module, name, type: this.type(params, results) });
    return this.imports.length - 1;
  }

  /** Bytes the module writes at `offset` when instantiated (an active data segment). */
  data(offset: number, bytes: Uint8Array): void {
    this.segments.push({ offset, bytes });
  }

  /** Index the next `func` will get (for calls between generated functions). */
  get nextFuncIndex(): number {
    return this.imports.length + this.funcs.length;
  }

  func(
    exportName: string | null,
    params: ValType[],
    results: ValType[],
    locals: ValType[],
    body: Code,
  ): number {
    this.funcs.push({ type: this.type(params, results), locals, body, exportName });
    return this.imports.length + this.funcs.length - 1;
  }

  build(): Uint8Array<ArrayBuffer> {
    const out: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
    const section = (id: number, content: number[]) => {
      out.push(id);
      uleb(out, content.length);
      for (const b of content) out.push(b);
    };
    const vec = (items: number[][]) => {
      const c: number[] = [];
      uleb(c, items.length);
      for (const it of items) for (const b of it) c.push(b);
      return c;
    };
    const name = (s: string) => {
      const b = [...new TextEncoder().encode(s)];
      const c: number[] = [];
      uleb(c, b.length);
      return [...c, ...b];
    };
    section(1, vec(this.types.map((t) => t.split(',').map(Number))));
    section(
      2,
      vec(
        this.imports.map((im) => {
          const c = [...name(im.module), ...name(im.name), 0x00];
          uleb(c, im.type);
          return c;
        }),
      ),
    );
    section(
      3,
      vec(
        this.funcs.map((f) => {
          const c: number[] = [];
          uleb(c, f.type);
          return c;
        }),
      ),
    );
    const mem = [0x00];
    uleb(mem, this.memoryPages);
    section(5, vec([mem]));
    const exports: number[][] = [[...name('memory'), 0x02, 0x00]];
    this.funcs.forEach((f, i) => {
      if (f.exportName === null) return;
      const c = [...name(f.exportName), 0x00];
      uleb(c, this.imports.length + i);
      exports.push(c);
    });
    section(7, vec(exports));
    section(
      10,
      vec(
        this.funcs.map((f) => {
          // Locals are run-length grouped by type, in order.
          const groups: number[][] = [];
          for (const t of f.locals) {
            const last = groups[groups.length - 1];
            if (last && last[1] === t) last[0]++;
            else groups.push([1, t]);
          }
          const body: number[] = [];
          uleb(body, groups.length);
          for (const [n, t] of groups) {
            uleb(body, n);
            body.push(t);
          }
          for (const b of f.body.bytes) body.push(b);
          body.push(op.end);
          const c: number[] = [];
          uleb(c, body.length);
          for (const b of body) c.push(b);
          return c;
        }),
      ),
    );
    if (this.segments.length)
      section(
        11,
        vec(
          this.segments.map(({ offset, bytes }) => {
            const c = [0x00, op.i32Const];
            sleb(c, offset);
            c.push(op.end);
            uleb(c, bytes.length);
            for (const b of bytes) c.push(b);
            return c;
          }),
        ),
      );
    return new Uint8Array(out);
  }
}
