/** The ensemble kernel's WGSL declarations agree with the layouts TypeScript reads and writes. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import {
  ENSEMBLE_BINDINGS,
  ENSEMBLE_UNIFORM_BYTES,
  ENSEMBLE_UNIFORM_FIELDS,
  OBS_KIND,
  ensembleStateLayout,
} from '../src/engine/bifurcation-layout.ts';
import { AxisKind } from '../src/experiment/plane.ts';

const wgsl = readFileSync(new URL('../shaders/bifurcation.wgsl', import.meta.url), 'utf8');

describe('bifurcation.wgsl layouts', () => {
  it('declares EnsembleUniforms field by field as ENSEMBLE_UNIFORM_FIELDS', () => {
    const body = /struct EnsembleUniforms \{([^}]*)\}/.exec(wgsl)![1];
    const fields = [...body.matchAll(/(\w+):\s*(\w+),/g)].map((m) => [m[1], m[2]]);
    expect(fields).toEqual(ENSEMBLE_UNIFORM_FIELDS.map(([n, t]) => [n, t]));
    expect(ENSEMBLE_UNIFORM_BYTES % 16).toBe(0);
  });

  it('binds each buffer at the index ENSEMBLE_BINDINGS names', () => {
    const names: Record<string, string> = {
      U: 'uniforms',
      base: 'base',
      starts: 'starts',
      values: 'values',
      state: 'state',
      counts: 'counts',
    };
    const found = [...wgsl.matchAll(/@group\(0\) @binding\((\d+)\) var<[^>]+> (\w+)/g)].map((m) => [
      names[m[2]],
      Number(m[1]),
    ]);
    expect(Object.fromEntries(found)).toEqual(ENSEMBLE_BINDINGS);
  });

  it('places the state words where ensembleStateLayout says, for every dimension', () => {
    const consts = Object.fromEntries(
      [...wgsl.matchAll(/const (S_\w+|STATE_WORDS): u32 = (?:(\d+)u \* DIM(?: \+ (\d+)u)?|DIM);/g)].map(
        (m) => [m[1], m[2] === undefined ? [1, 0] : [Number(m[2]), Number(m[3] ?? 0)]],
      ),
    );
    for (const dim of [1, 2, 5, 8]) {
      const at = (k: string) => consts[k][0] * dim + consts[k][1];
      const L = ensembleStateLayout(dim);
      expect([at('S_V'), at('S_C'), at('S_XT'), at('S_LYAP'), at('S_ESCAPE'), at('S_PERIOD')]).toEqual([
        L.v,
        L.c,
        L.xT,
        L.lyap,
        L.escape,
        L.period,
      ]);
      expect([at('S_MIN'), at('S_MAX'), at('S_LYAP_C'), at('STATE_WORDS')]).toEqual([
        L.min,
        L.max,
        L.lyapC,
        L.words,
      ]);
      expect([at('S_ANCHOR'), at('S_R1'), at('S_R2'), at('S_EXTENT')]).toEqual([
        L.anchor,
        L.r1,
        L.r2,
        L.extent,
      ]);
    }
  });

  it('codes the sweep and the observable as the TypeScript constants', () => {
    for (const [name, code] of [
      ['AXIS_COORD', AxisKind.COORD],
      ['AXIS_LR', AxisKind.LR],
      ['AXIS_LR_COORD', AxisKind.LR_COORD],
      ['AXIS_PARAM', AxisKind.PARAM],
    ] as const)
      expect(wgsl).toContain(`const ${name}: u32 = ${code}u;`);
    expect(wgsl).toContain(`if (OBS_KIND == ${OBS_KIND.f}u) {`);
    expect(wgsl).toContain(`if (OBS_KIND == ${OBS_KIND.expr}u) {`);
  });
});
