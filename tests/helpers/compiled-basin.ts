/**
 * The compiled GD kernel (CompiledBasin, src/reference/kernel) held to the interpreted float64
 * reference (runGrid with `interpreted`: classifyInto over the tape) bit for bit, for the tests of the
 * kernel and of the optimizers it compiles.
 */
import { expect } from 'vitest';
import { allocColumns, COLUMN_KEYS, type RecordColumns } from '../../src/core/records.ts';
import type { ExperimentSpec } from '../../src/experiment/spec.ts';
import { compileObjective } from '../../src/objective/compile.ts';
import { runGrid } from '../../src/reference/grid.ts';
import { CompiledBasin } from '../../src/reference/kernel/basin-block.ts';

/**
 * Runs `spec` on both and expects `fields` of every record (the first five that differ are named) and
 * the step counts to be the same; returns the compiled kernel's columns.
 */
export function sameAsInterpreted(
  spec: ExperimentSpec,
  fields: readonly (typeof COLUMN_KEYS)[number][] = COLUMN_KEYS,
): RecordColumns {
  const obj = compileObjective({
    expr: spec.objective.expr,
    params: spec.objective.params,
    observables: spec.observables,
  });
  const ref = runGrid(spec, obj, { interpreted: true });
  const cols = allocColumns(spec.size[0], spec.size[1]);
  const steps = new CompiledBasin(spec, obj).pixels(0, spec.size[0] * spec.size[1], cols);
  const diffs: string[] = [];
  for (const key of fields)
    for (let i = 0; i < cols.outcome.length; i++)
      if (!Object.is(ref.columns[key][i], cols[key][i]) && diffs.length < 5)
        diffs.push(`${key}[${i}]: reference ${ref.columns[key][i]}, kernel ${cols[key][i]}`);
  expect(diffs).toEqual([]);
  expect(steps).toBe(ref.steps);
  return cols;
}
