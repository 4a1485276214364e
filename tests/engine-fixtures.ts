/**
 * Hand-written objectives for the GPU engine tests: the float64 fixtures of the reference tests,
 * plus WGSL blocks written by hand to the contract of src/objective/types.ts, so the kernels are
 * tested independently of the objective compiler.
 */
import { expect } from 'vitest';
import type { CompiledObjective } from '../src/objective/types.ts';
import { COLUMN_KEYS, type RecordColumns } from '../src/core/records.ts';
import type { GpuBasinEngine } from '../src/engine/gpu-engine.ts';
import { defaultSpec, parseSpec, type ExperimentSpec } from '../src/experiment/spec.ts';
import { anisotropic, doubleWell, mfScalar } from './reference-fixtures.ts';

const NAN_OBS = (i: number) => `fn observable_${i}(x: array<f32, DIM>) -> f32 {
  var b = 0x7fc00000u;
  return bitcast<f32>(b);
}`;

const MF_WGSL = `const DIM: u32 = 2u;
const DIM_SQ: u32 = 4u;
const NPARAM: u32 = 1u;
var<private> P: array<f32, NPARAM>;
fn objective_f(x: array<f32, DIM>) -> f32 {
  let r = 1.0 - x[0] * x[1];
  return r * r / 2.0;
}
fn objective_grad(x: array<f32, DIM>) -> array<f32, DIM> {
  let r = x[0] * x[1] - 1.0;
  return array<f32, DIM>(r * x[1], r * x[0]);
}
fn objective_hess(x: array<f32, DIM>) -> array<f32, DIM_SQ> {
  let o = 2.0 * x[0] * x[1] - 1.0;
  return array<f32, DIM_SQ>(x[1] * x[1], o, o, x[0] * x[0]);
}
fn objective_hvp(x: array<f32, DIM>, v: array<f32, DIM>) -> array<f32, DIM> {
  let o = 2.0 * x[0] * x[1] - 1.0;
  return array<f32, DIM>(x[1] * x[1] * v[0] + o * v[1], o * v[0] + x[0] * x[0] * v[1]);
}
fn observable_0(x: array<f32, DIM>) -> f32 {
  return x[0] * x[0] - x[1] * x[1];
}
${NAN_OBS(1)}
`;

const WELL_WGSL = `const DIM: u32 = 1u;
const DIM_SQ: u32 = 1u;
const NPARAM: u32 = 1u;
var<private> P: array<f32, NPARAM>;
fn objective_f(x: array<f32, DIM>) -> f32 {
  let r = x[0] * x[0] - 1.0;
  return r * r / 4.0;
}
fn objective_grad(x: array<f32, DIM>) -> array<f32, DIM> {
  return array<f32, DIM>(x[0] * (x[0] * x[0] - 1.0));
}
fn objective_hess(x: array<f32, DIM>) -> array<f32, DIM_SQ> {
  return array<f32, DIM_SQ>(3.0 * x[0] * x[0] - 1.0);
}
fn objective_hvp(x: array<f32, DIM>, v: array<f32, DIM>) -> array<f32, DIM> {
  return array<f32, DIM>((3.0 * x[0] * x[0] - 1.0) * v[0]);
}
${NAN_OBS(0)}
${NAN_OBS(1)}
`;

const ANISO_WGSL = `const DIM: u32 = 2u;
const DIM_SQ: u32 = 4u;
const NPARAM: u32 = 2u;
var<private> P: array<f32, NPARAM>;
fn objective_f(x: array<f32, DIM>) -> f32 {
  return (P[0] * x[0] * x[0] + P[1] * x[1] * x[1]) / 2.0;
}
fn objective_grad(x: array<f32, DIM>) -> array<f32, DIM> {
  return array<f32, DIM>(P[0] * x[0], P[1] * x[1]);
}
fn objective_hess(x: array<f32, DIM>) -> array<f32, DIM_SQ> {
  return array<f32, DIM_SQ>(P[0], 0.0, 0.0, P[1]);
}
fn objective_hvp(x: array<f32, DIM>, v: array<f32, DIM>) -> array<f32, DIM> {
  return array<f32, DIM>(P[0] * v[0], P[1] * v[1]);
}
${NAN_OBS(0)}
${NAN_OBS(1)}
`;

function withWgsl(obj: CompiledObjective, wgsl: string): CompiledObjective {
  return { ...obj, wgsl };
}

/** f = (1 - xy)²/2 with observable x² - y². */
export const mfGpu = withWgsl(mfScalar, MF_WGSL);
/** f = (x² - 1)²/4: GD is the cubic map. */
export const wellGpu = withWgsl(doubleWell, WELL_WGSL);
/** f = a x²/2 + b y²/2 with parameters a, b. */
export const anisoGpu = withWgsl(anisotropic, ANISO_WGSL);

const BY_EXPR = new Map([mfGpu, wellGpu, anisoGpu].map((o) => [o.expr, o]));

/** An ObjectiveCompiler over the fixtures, for engines built in tests. */
export function fixtureCompiler(input: { expr: string; params: Record<string, number> }): CompiledObjective {
  const obj = BY_EXPR.get(input.expr);
  if (!obj) throw new Error(`no fixture for ${input.expr}`);
  return {
    ...obj,
    paramValues: Float64Array.from(obj.params.map((p) => input.params[p] ?? NaN)),
  };
}

/** A basin spec over the fixtures, small enough for SwiftShader. */
export function smallSpec(over: Record<string, unknown>): ExperimentSpec {
  const base = defaultSpec();
  return parseSpec({
    ...base,
    size: [48, 48],
    iterations: 300,
    transient: 200,
    observables: [],
    ...over,
  });
}

const bytes = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);

/** Every column of two readbacks, byte for byte (NaN payloads and signed zeros included). */
export function expectBitIdentical(a: RecordColumns, b: RecordColumns): void {
  for (const k of COLUMN_KEYS) expect(bytes(a[k]), k).toEqual(bytes(b[k]));
}

/**
 * The double well over (lr, x), 48² × 400 steps (T = 280): diverged, converged, several periods and
 * chaos side by side. N - T = 120 is a multiple of every period up to 6 and of 8: λ averages whole
 * cycles, so it does not depend on the phase at which f32 and f64 enter the same cycle.
 */
export function wellMap(over: Record<string, unknown> = {}): ExperimentSpec {
  return parseSpec({
    ...smallSpec({}),
    objective: { expr: wellGpu.expr, preset: null, params: {} },
    x0: [0.5],
    plane: { u: { quantity: 'lr', min: 0.5, max: 2.3 }, v: { quantity: 'x', min: -1.8, max: 1.8 } },
    iterations: 400,
    transient: 280,
    ...over,
  });
}

/** A run and every record of it read back (these tests compare whole grids against float64). */
export async function withColumns(engine: GpuBasinEngine, spec: ExperimentSpec) {
  const result = await engine.runBasin(spec);
  return Object.assign(result, { columns: await result.readAll() });
}

/** mf-scalar's usual view, [-2, 2]². */
export const mfPlane = { u: { quantity: 'x', min: -2, max: 2 }, v: { quantity: 'y', min: -2, max: 2 } };
