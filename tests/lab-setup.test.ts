/**
 * The lab's first-click paths as pure functions: a new objective adapts the plane, a view switch
 * sets itself up (the double well's diagram sweeps h over the preset's range with spread starts),
 * plane edits are whole changes, and the words the lab shows (labels, numbers, messages, the status
 * line, the map's text alternative) carry no internal names or float noise.
 */
import { describe, expect, it } from 'vitest';
import { adaptToObjective } from '../src/experiment/adapt.ts';
import { defaultSpec, parseSpec, type ExperimentSpec } from '../src/experiment/spec.ts';
import { GALLERY, getGalleryEntry } from '../src/gallery/entries.ts';
import { flowErrorTable } from '../src/gallery/figures.ts';
import { PRESETS, getPreset } from '../src/presets.ts';
import { largestClasses, mapDescription } from '../src/ui/basin-map/describe.ts';
import { footerLine } from '../src/ui/gd-lab/export.ts';
import { engineTag } from '../src/ui/shared/labels.ts';
import { adaptLine, editSpec } from '../src/ui/gd-lab/spec-edit.ts';
import { specSteps, specView, withView } from '../src/ui/gd-lab/spec-view.ts';
import { duration, si } from '../src/ui/gd-lab/status.ts';
import { sliderSpan } from '../src/ui/objective-panel/param-slider.ts';
import { setAxisQuantity, swapAxes } from '../src/ui/plane-panel/plane-edits.ts';
import { fieldErrors } from '../src/ui/shared/field-errors.ts';
import { labelText } from '../src/ui/shared/canvas-text.ts';
import { fieldLabel, formatNumber, plainIssue, quantityLabel } from '../src/ui/shared/labels.ts';
import { checkSpec, compileSpec } from '../src/ui/shared/objective.ts';
import { applyPreset } from '../src/ui/shared/presets.ts';
import { rememberBasin, setupKind } from '../src/ui/shared/setup-view.ts';
import { viewKey } from '../src/ui/shared/view-keys.ts';
import { logTicks } from '../src/ui/shared/ticks.ts';
import { CURVES } from '../src/ui/trajectory-inspector/chart-style.ts';

const preset = (id: string) => applyPreset(defaultSpec(), getPreset(id)!);
const names = (s: ExperimentSpec) => compileSpec(s);

describe('a new objective adapts the plane', () => {
  it('(x^2-1)^2/4 on the default (x, y) plane: x stays, y becomes h, and the line says so', () => {
    const base = defaultSpec();
    const typed = { ...base, objective: { expr: '(x^2-1)^2/4', preset: null, params: {} } };
    const { spec, axes } = adaptToObjective(typed, { vars: ['x'], params: [] });
    expect(spec.x0).toEqual([0]);
    expect(spec.plane.u).toEqual(base.plane.u);
    expect(spec.plane.v.quantity).toBe('lr');
    expect(spec.plane.v.min).toBeCloseTo(0.11, 12);
    expect(spec.plane.v.max).toBeCloseTo(2.42, 12);
    expect(axes).toEqual([{ axis: 'v', from: 'y', to: 'lr' }]);
    checkSpec(parseSpec(spec));
    expect(adaptLine(spec, ['y'])).toBe('The objective has no y: the map now sweeps x across and h up.');
  });

  it('the line names a coordinate’s rate as runs, which the panel writes h<sub>x</sub>, not "h_x"', () => {
    const rates = parseSpec({
      objective: { expr: '(x^2 + y^2)/2', preset: 'quadratic-2d', params: {} },
      x0: [1, 1],
      lrPerCoord: [0.5, 0.25],
      plane: { u: { quantity: 'lr.x', min: 0.05, max: 2.2 }, v: { quantity: 'lr.y', min: 0.05, max: 2.2 } },
      size: [16, 16],
    });
    const { note, spec } = editSpec(rates, 'objective', (s) => ({
      ...s,
      objective: { expr: 'x^2/2', preset: null, params: {} },
    }));
    expect([spec.plane.u.quantity, spec.plane.v.quantity]).toEqual(['lr.x', 'x']);
    expect(note).toEqual([
      { text: 'The objective has no h', sub: false },
      { text: 'y', sub: true },
      { text: ': the map now sweeps h', sub: false },
      { text: 'x', sub: true },
      { text: ' across and x up.', sub: false },
    ]);
    const diagram = parseSpec({
      ...rates,
      kind: 'bifurcation',
      plane: { u: rates.plane.u, v: { quantity: 'x', min: -2, max: 2 } },
    });
    expect(labelText(adaptLine(diagram, ['lr.y', 'y', 'lr.y']))).toBe(
      'The objective has no h_y or y: the diagram now sweeps h_x.',
    );
  });

  it('other variables take the coordinates’ places and ranges; a box and rates are resized', () => {
    const base: ExperimentSpec = {
      ...defaultSpec(),
      lrPerCoord: [1, 1],
      ensemble: { ...defaultSpec().ensemble, box: { min: [0, 0], max: [1, 1] } },
    };
    const { spec } = adaptToObjective(base, { vars: ['x1', 'x2', 'x3'], params: ['a'] });
    expect(spec.plane.u).toEqual({ ...base.plane.u, quantity: 'x1' });
    expect(spec.plane.v).toEqual({ ...base.plane.v, quantity: 'x2' });
    expect(spec.x0).toEqual([0, 0, 0]);
    expect(spec.lrPerCoord).toBeNull();
    expect(spec.ensemble.box).toEqual({ min: [0, 0, -0.5], max: [1, 1, 0.5] });
    expect(spec.ensemble.observable).toBe('x1');
  });

  it('an expression that still fits is left alone', () => {
    const base = defaultSpec();
    const { spec, axes } = adaptToObjective(base, { vars: ['x', 'y'], params: [] });
    expect(axes).toEqual([]);
    expect(spec).toEqual(base);
  });
});

describe('views that set themselves up', () => {
  it('double well → diagram sweeps h over the preset’s range, starts spread over [-1, 1]', () => {
    const dw = preset('double-well');
    const d = parseSpec(setupKind(dw, 'bifurcation', names(dw)));
    checkSpec(d);
    expect(d.plane.u).toEqual({ quantity: 'lr', min: 0.5, max: 2.2 });
    expect(d.plane.v.quantity).toBe('x');
    expect(d.ensemble.box).toEqual({ min: [-1], max: [1] });
    expect(d.ensemble.range).toBeNull();
    expect(d.iterations).toBe(d.transient + d.ensemble.keep);
    // Back to the map: the plane the user had.
    const back = setupKind(d, 'basin', names(d), rememberBasin(dw));
    expect(back.plane).toEqual(dw.plane);
    expect(back.size).toEqual(dw.size);
  });

  it('the default map (x, y) → diagram sweeps h, never a plane with two equal axes', () => {
    const s = defaultSpec();
    const d = parseSpec(setupKind(s, 'bifurcation', names(s)));
    checkSpec(d);
    expect(d.plane.u).toEqual({ quantity: 'lr', min: 0.1, max: 2.0 });
    expect(d.ensemble.box).toEqual({ min: [-1.25, -1.25], max: [1.25, 1.25] });
  });

  it('multiscale → density spreads its starts and keeps enough iterates for a histogram', () => {
    const m = preset('multiscale');
    const d = parseSpec(setupKind(m, 'density', names(m)));
    checkSpec(d);
    expect(d.ensemble.box).toEqual({ min: [-1], max: [1] });
    expect(d.ensemble.samples).toBeGreaterThanOrEqual(256);
    expect(d.ensemble.keep).toBeGreaterThanOrEqual(1000);
  });

  it('every preset, typed on the default map or switched to each view, is a valid experiment', () => {
    for (const p of PRESETS) {
      const typed = {
        ...defaultSpec(),
        objective: { expr: p.formula, preset: null, params: { ...p.params } },
      };
      const obj = { vars: p.vars, params: Object.keys(p.params) };
      checkSpec(parseSpec(adaptToObjective(typed, obj).spec));
      const s = preset(p.id);
      for (const kind of ['bifurcation', 'density'] as const) {
        const d = parseSpec(setupKind(s, kind, obj));
        checkSpec(d);
        expect(d.plane.u.quantity, p.id).toMatch(/^lr/);
        expect(d.ensemble.box!.min.length, p.id).toBe(p.vars.length);
        // Back and forth between the two ensemble views keeps the box.
        const other = parseSpec(setupKind(d, kind === 'density' ? 'bifurcation' : 'density', obj));
        expect(other.ensemble.box, p.id).toEqual(d.ensemble.box);
      }
    }
  });

  it('every preset switched to the attractor view is a valid experiment over its first two variables', () => {
    for (const p of PRESETS) {
      const obj = { vars: p.vars, params: Object.keys(p.params) };
      const a = parseSpec(setupKind(preset(p.id), 'attractor', obj));
      checkSpec(a);
      expect([a.attractor.u, a.attractor.v], p.id).toEqual([p.vars[0], p.vars[1] ?? 'f']);
      expect([a.attractor.uRange, a.attractor.vRange], p.id).toEqual([null, null]);
      expect(a.size, p.id).toEqual([256, 256]);
      expect(a.ensemble.samples, p.id).toBeGreaterThanOrEqual(256);
      expect(a.iterations, p.id).toBe(a.transient + a.ensemble.keep);
      // Starts spread around the preset's start: x₀ ± 1/4.
      a.ensemble.box!.min.forEach((m, i) => expect(m, p.id).toBeCloseTo(p.x0[i] - 0.25, 14));
      a.ensemble.box!.max.forEach((m, i) => expect(m, p.id).toBeCloseTo(p.x0[i] + 0.25, 14));
      expect(a.ensemble.box!.min, p.id).toHaveLength(p.x0.length);
      // Its view is both ranges: automatic as ±∞, and a box fixes both.
      expect(specView(a), p.id).toEqual({ u: [-Infinity, Infinity], v: [-Infinity, Infinity] });
      const zoomed = parseSpec(withView(a, { u: [0, 1], v: [-2, 3] }));
      expect([zoomed.attractor.uRange, zoomed.attractor.vRange], p.id).toEqual([
        [0, 1],
        [-2, 3],
      ]);
      expect(specView(zoomed)).toEqual({ u: [0, 1], v: [-2, 3] });
      // Back to the map: the plane it had.
      const back = setupKind(a, 'basin', obj, rememberBasin(preset(p.id)));
      expect(back.plane, p.id).toEqual(preset(p.id).plane);
    }
  });

  it('a fixed vertical range does not carry from one preset to another', () => {
    const dw = preset('double-well');
    const d = { ...setupKind(dw, 'bifurcation', names(dw)) };
    d.ensemble = { ...d.ensemble, range: [0.2, 0.4] };
    const next = parseSpec(applyPreset(d, getPreset('multiscale')!));
    checkSpec(next);
    expect(next.kind).toBe('bifurcation');
    expect(next.ensemble.range).toBeNull();
    expect(next.plane.u).toEqual({ quantity: 'lr', min: 0.001, max: 1.0 });
  });
});

describe('plane edits are whole changes', () => {
  it('choosing the other axis’s quantity swaps the two, each keeping its range', () => {
    const s = { ...preset('double-well') };
    const e = setAxisQuantity(s, 'u', 'lr');
    expect(e.plane).toEqual({ u: s.plane.v, v: s.plane.u });
    checkSpec(parseSpec(e));
  });

  it('swap axes twice is the identity, and swaps the grid too', () => {
    const s = { ...defaultSpec(), size: [200, 100] as [number, number] };
    const once = swapAxes(s);
    expect(once.size).toEqual([100, 200]);
    expect(once.plane.u).toEqual(s.plane.v);
    expect(swapAxes(once)).toEqual(s);
  });
});

describe('words and numbers', () => {
  it('h for the learning rate, fields in words, no float noise', () => {
    expect(quantityLabel('lr')).toBe('h');
    expect(quantityLabel('lr.x')).toBe('h_x');
    expect(fieldLabel('obs0', { observables: ['abs(x - y)'] })).toBe('abs(x - y) at the last iterate');
    expect(fieldLabel('final0', { observables: [] }, ['x', 'y'])).toBe("last iterate's x");
    // The map's text alternative names the coordinate as the legend does, not by its number.
    const typed = parseSpec({
      ...defaultSpec(),
      objective: { expr: 'x^2/2 + y^2', preset: null, params: {} },
      colour: { field: 'final1', colormap: 'viridis', log: false, range: null },
    });
    expect(mapDescription(typed, null)).toMatch(/ starts coloured by last iterate's y\. Computing\.$/);
    expect(formatNumber(0.09000000000000001)).toBe('0.09');
    expect(formatNumber(1.1999999046325684, 2.4)).toBe('1.2');
    expect(formatNumber(1.0000123, 1e-4)).toBe('1.0000123');
    expect(formatNumber(0.015625, 2)).toBe('0.015625');
  });

  it('a log colour bar is labelled with the values, not their logarithms', () => {
    // Escape steps 4 … 500 on a log scale.
    const t = logTicks(Math.log10(4), Math.log10(500));
    expect(t.map((m) => m.label)).toEqual(['5', '10', '20', '50', '100', '200', '500']);
    expect(t[1].at).toBeCloseTo(1, 12);
  });

  it('the inspector draws each curve in its own colour', () => {
    const colours = Object.values(CURVES).map((c) => c.colour);
    expect(new Set(colours).size).toBe(4);
  });

  it('messages name the field in plain words and sit beside it', () => {
    expect(plainIssue('lr: must be positive')).toBe('rate h: must be positive');
    expect(plainIssue('classify.tol: must be a number')).toBe('tolerance: must be a number');
    const e = fieldErrors('invalid experiment spec:\n  lr: must be positive\n  spec: odd', {
      lr: ['lr'],
      x0: ['x0'],
    });
    expect(e).toEqual({ byField: { lr: ['rate h: must be positive'] }, rest: ['odd'] });
  });

  it('a refused edit of one field shows its messages once, under that field', () => {
    const paths = { iterations: ['iterations'], transient: ['transient'], maxPeriod: ['classify.maxPeriod'] };
    // Iterations lowered below transient and max period: both issues follow from that edit.
    let message = '';
    try {
      parseSpec({ iterations: 10, classify: { maxPeriod: 16 } });
    } catch (e) {
      message = (e as Error).message;
    }
    expect(fieldErrors(message, paths, 'iterations')).toEqual({
      byField: {
        iterations: ['transient: must be less than iterations', 'max period: must be less than iterations'],
      },
      rest: [],
    });
    // Without the field (an edit of several fields, a zoom), each line goes where its path says.
    expect(fieldErrors(message, paths).byField).toEqual({
      transient: ['transient: must be less than iterations'],
      maxPeriod: ['max period: must be less than iterations'],
    });
    // A field the panel does not have places nothing by itself.
    expect(fieldErrors(message, paths, 'lr')).toEqual(fieldErrors(message, paths));
  });

  it("an emptied or overflowing parameter is refused in the spec's words, under its name", () => {
    const spec = parseSpec({ objective: { expr: 'a*x^2/2 + y^2/2', preset: null, params: { a: 1 } } });
    const refusal = (a: number) => {
      try {
        editSpec(spec, 'objective', (s) => ({ ...s, objective: { ...s.objective, params: { a } } }));
      } catch (e) {
        return fieldErrors((e as Error).message, { 'param-a': ['objective.params.a'] }, 'param-a');
      }
      return null;
    };
    // An empty box is NaN (num); the compiler's words were "parameter 'a' has no value (got NaN)".
    expect(refusal(NaN)).toEqual({ byField: { 'param-a': ['a: must be a number'] }, rest: [] });
    expect(refusal(Infinity)).toEqual({
      byField: { 'param-a': ['a: must be a finite number, not Infinity'] },
      rest: [],
    });
    expect(
      editSpec(spec, 'objective', (s) => ({ ...s, objective: { ...s.objective, params: { a: 0 } } })).spec
        .objective.params,
    ).toEqual({ a: 0 });
  });

  it("a parameter's slider spans twice its value, and [-1, 1] about 0", () => {
    expect(sliderSpan(0)).toEqual({ min: -1, max: 1, step: 0.01 });
    expect(sliderSpan(2)).toEqual({ min: 0, max: 4, step: 0.02 });
    expect(sliderSpan(-0.5)).toEqual({ min: -1, max: 1, step: 0.005 });
  });

  it('status words: durations and rates', () => {
    expect(duration(0.42)).toBe('0.42 s');
    expect(duration(254)).toBe('4 min 14 s');
    expect(si(26_512_345)).toBe('26.5 M');
    expect(specSteps(defaultSpec())).toBe(256 * 256 * 500);
  });

  it('the map’s text alternative lists the largest classes', () => {
    const counts = {
      diverged: 600,
      escaping: 0,
      converged: 10,
      periodic: { 2: 390 },
      chaotic: 0,
      unsettled: 0,
      aperiodic: 0,
    };
    expect(largestClasses(counts, 1000)).toEqual(['60% diverged', '39% period 2', '1% converged']);
  });

  it('an export footer names the rate only when no axis sweeps it, and ends with the engine', () => {
    const fractal = GALLERY.find((e) => e.id === 'fractal')!.spec;
    expect(footerLine(fractal, 'GPU f32')).not.toContain('h =');
    expect(footerLine(defaultSpec(), 'GPU f32')).toContain('h = 1.1');
    const cpu = engineTag({ kind: 'cpu', precision: 'f64', adapter: 'cpu' });
    expect(footerLine(defaultSpec(), cpu)).toMatch(/ · \d+ steps · CPU float64$/);
    expect(engineTag({ kind: 'gpu', precision: 'f32', adapter: 'nvidia' })).toBe('GPU f32');
  });

  it('keys: arrows pan by a tenth, + zooms in about the centre, Enter inspects the centre', () => {
    const view = { u: [0, 10] as [number, number], v: [0, 10] as [number, number] };
    const size = { width: 100, height: 100 };
    expect(viewKey('ArrowLeft', view, size)).toEqual({ kind: 'view', view: { u: [-1, 9], v: [0, 10] } });
    expect(viewKey('ArrowUp', view, size)).toEqual({ kind: 'view', view: { u: [0, 10], v: [1, 11] } });
    expect(viewKey('+', view, size)).toEqual({ kind: 'view', view: { u: [1, 9], v: [1, 9] } });
    expect(viewKey('Enter', view, size)).toEqual({ kind: 'inspect', x: 50, y: 50 });
    expect(viewKey('q', view, size)).toBeNull();
  });
});

describe('texts a reader sees', () => {
  /** Internal words: file names, test talk, the seed text. */
  const internal = /seed|NOTES|\btest|not found/i;

  it('gallery entries and preset explanations carry no internal words, and h is the rate', () => {
    for (const e of GALLERY) {
      const texts = [e.title, e.claim, ...e.paragraphs, ...(e.variants ?? []).map((v) => v.label)];
      for (const t of texts) expect(t, e.id).not.toMatch(internal);
      for (const t of texts) expect(t, e.id).not.toMatch(/η/);
      // The entry's text is shown as text: "h_x" would read as an underscore, not a subscript (the
      // fractal entry wrote "(h_x, h_y)"); the CLI prints the same strings, so words, not markup.
      for (const t of texts) expect(t, e.id).not.toMatch(/\bh_\w/);
    }
    expect(getGalleryEntry('fractal')!.paragraphs[0]).toMatch(
      /^A map over a learning rate per coordinate, that of x across and that of y up, for/,
    );
    for (const p of PRESETS) {
      expect(p.explanation, p.id).not.toMatch(internal);
      expect(p.title, p.id).not.toMatch(internal);
    }
  });

  it('entry 1 shows its claim: error ratios about 2, 4 and 8 when h halves', () => {
    const t = flowErrorTable();
    const ratio = t.rows
      .find((r) => r[0].startsWith('ratio'))!
      .slice(1)
      .map(Number);
    expect(ratio[0]).toBeCloseTo(2, 0);
    expect(ratio[1]).toBeCloseTo(4, 0);
    expect(ratio[2]).toBeCloseTo(8, 0);
  });
});

describe("the inspector's log scale of f", () => {
  it('takes log10 of positive f, refuses a series with f ≤ 0, and labels whole decades', async () => {
    const { decadeLabel, decadeSplits, log10Series } =
      await import('../src/ui/trajectory-inspector/chart-style.ts');
    expect(log10Series([100, 1e-26, Infinity, 1e39])).toEqual([2, -26, null, 39]);
    expect(log10Series([1, 0, 2])).toBeNull();
    expect(log10Series([1, -1])).toBeNull();
    expect(log10Series([NaN])).toBeNull();
    expect(decadeSplits(-26.3, 0.2)).toEqual([-25, -20, -15, -10, -5, 0]);
    expect(decadeSplits(-2.5, 1.5)).toEqual([-2, -1, 0, 1]);
    expect(decadeSplits(-800, 39)).toHaveLength(6);
    expect([-26, -2, -1, 0, 1, 2, 5].map(decadeLabel)).toEqual([
      '1e-26',
      '0.01',
      '0.1',
      '1',
      '10',
      '100',
      '1e5',
    ]);
  });
});
