/**
 * A whole basin map in float64 on the CPU: the plane model of src/experiment/plane.ts, one classified
 * trajectory per pixel, run by the compiled kernel (kernel/basin-block.ts) for objectives compiled
 * from an expression, or by classifyInto over the objective's own evaluators (the interpreted
 * oracle, and hand-written objectives). Both give the same records. Progress is reported, and an
 * abort seen, per row.
 */
import { allocColumns, storeRecord, type RecordColumns } from '../core/records.ts';
import { compileObjective } from '../objective/compile.ts';
import type { CompiledObjective, ObjectiveInput } from '../objective/types.ts';
import { runRows, type BasinEngine, type EngineInfo, type RunOptions } from '../core/engine.ts';
import { allocCpuColumns, HostBasinResult } from '../core/host-result.ts';
import { pixelSetup, resolvePlane, type Plane } from '../experiment/plane.ts';
import type { ExperimentSpec } from '../experiment/spec.ts';
import { ClassifyWorkspace, classifyInto, emptyRecord } from './classify.ts';
import { CompiledBasin } from './kernel/basin-block.ts';

/** Options of a grid run: progress is reported, and the signal checked, after every row. */
export interface GridOptions {
  signal?: AbortSignal;
  /** Completed rows and total rows. */
  onProgress?: (done: number, total: number) => void;
  /** Rows from `rowStart` (inclusive) to `rowEnd` (exclusive); default: all. Columns are still W×H. */
  rowStart?: number;
  rowEnd?: number;
  /** Columns to fill (e.g. from an earlier call over other rows); default: new float64 columns. */
  columns?: RecordColumns;
  /** Run classifyInto over the objective's evaluators (the tape) even when it can be compiled. */
  interpreted?: boolean;
}

/** Columns of the grid and the GD steps taken (escaped trajectories count up to their escape). */
export interface GridResult {
  columns: RecordColumns;
  steps: number;
}

/**
 * A grid ready to run: the resolved plane, scratch buffers and the columns being filled. Rows can be
 * run in any order and in pieces (the CPU engine yields between them).
 */
export class GridRunner {
  readonly columns: RecordColumns;
  private readonly plane: Plane;
  private readonly ws: ClassifyWorkspace;
  private readonly rec = emptyRecord();
  private readonly x0: Float64Array;
  private readonly h: Float64Array;
  private readonly p: Float64Array;
  private readonly o = new Float64Array(3);
  private readonly compiled: CompiledBasin | null;

  /**
   * Throws SpecError when the spec does not fit the objective. `rowStart`: the grid row that the
   * columns' row 0 holds (columns of a band, RunOptions.rows); by default the columns hold every row.
   */
  constructor(
    private readonly spec: ExperimentSpec,
    private readonly obj: CompiledObjective,
    columns?: RecordColumns,
    private readonly rowStart = 0,
    interpreted = false,
  ) {
    this.plane = resolvePlane(spec, obj);
    const { width: W, height: H, dim } = this.plane;
    this.columns = columns ?? allocColumns(W, H - rowStart, 'f64');
    if (this.columns.width !== W || rowStart + this.columns.height > H)
      throw new RangeError(`columns are ${this.columns.width}×${this.columns.height}, the grid ${W}×${H}`);
    this.ws = new ClassifyWorkspace(obj, spec.optimizer);
    this.x0 = new Float64Array(dim);
    this.h = new Float64Array(dim);
    this.p = new Float64Array(obj.params.length);
    this.compiled = !interpreted && obj.graph ? new CompiledBasin(spec, obj) : null;
  }

  /** Classifies row j (every pixel i of it) into the columns; returns the GD steps taken. */
  row(j: number): number {
    const { spec, obj, plane, ws, rec, x0, h, p, o, columns } = this;
    const W = plane.width;
    if (this.compiled) return this.compiled.pixels(j * W, (j + 1) * W, columns, this.rowStart * W);
    let steps = 0;
    for (let i = 0; i < W; i++) {
      pixelSetup(plane, i, j, x0, h, p, o);
      steps += classifyInto(obj, ws, x0, h, p, spec.iterations, spec.transient, spec.classify, rec, o);
      storeRecord(columns, (j - this.rowStart) * W + i, rec);
    }
    return steps;
  }
}

/**
 * Classifies every pixel of spec's plane with the compiled objective (synchronously). Throws
 * SpecError when the spec does not fit the objective, and the signal's reason when aborted.
 */
export function runGrid(spec: ExperimentSpec, obj: CompiledObjective, options: GridOptions = {}): GridResult {
  const runner = new GridRunner(spec, obj, options.columns, 0, options.interpreted);
  const H = spec.size[1];
  const j0 = options.rowStart ?? 0;
  const j1 = options.rowEnd ?? H;
  let steps = 0;
  for (let j = j0; j < j1; j++) {
    options.signal?.throwIfAborted();
    steps += runner.row(j);
    options.onProgress?.(j - j0 + 1, j1 - j0);
  }
  return { columns: runner.columns, steps };
}

/** Compiles a spec's objective; the CPU engine takes one so that it does not fix the compiler. */
export type ObjectiveCompiler = (input: ObjectiveInput) => CompiledObjective;

/** How long the engine computes before it yields to the event loop (so aborts and repaints get in). */
const SLICE_MS = 30;

/**
 * The float64 reference as a BasinEngine: same spec in, same columns out as the GPU engine, but in
 * float64. Yields to the event loop between rows so that an AbortSignal fired by the UI is seen.
 */
export class CpuBasinEngine implements BasinEngine {
  readonly info: EngineInfo = { kind: 'cpu', precision: 'f64', adapter: 'cpu' };
  /** `compile` defaults to the objective language's compiler; tests pass hand-written objectives. */
  constructor(private readonly compile: ObjectiveCompiler = compileObjective) {}

  async runBasin(spec: ExperimentSpec, options: RunOptions = {}): Promise<HostBasinResult> {
    const t0 = performance.now();
    const obj = this.compile({
      expr: spec.objective.expr,
      params: spec.objective.params,
      observables: spec.observables,
    });
    const [j0, j1] = runRows(options.rows, spec.size[1]);
    const runner = new GridRunner(spec, obj, allocCpuColumns(spec.size[0], j1 - j0), j0);
    let steps = 0;
    let j = j0;
    while (j < j1) {
      const sliceStart = performance.now();
      // Whole rows per slice (at least one) until the slice's time is used.
      do {
        options.signal?.throwIfAborted();
        steps += runner.row(j++);
        options.onProgress?.(j - j0, j1 - j0);
      } while (j < j1 && performance.now() - sliceStart < SLICE_MS);
      if (j < j1) await new Promise<void>((resolve) => setTimeout(resolve, 0));
    }
    return new HostBasinResult(spec, this.info, runner.columns, performance.now() - t0, steps);
  }

  dispose(): void {}
}
