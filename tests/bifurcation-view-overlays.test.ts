/**
 * Overlays of the lab's bifurcation view (src/ui/bifurcation-view/overlays.ts): fixed points and the
 * thresholds 2/λmax at minimizers, exact in one variable and found by GD from the starts in more.
 */
import { describe, expect, it } from 'vitest';
import { ensembleOverlays } from '../src/ui/bifurcation-view/overlays.ts';
import { parseSpec } from '../src/experiment/spec.ts';

const bif = (over: Record<string, unknown>) =>
  parseSpec({
    kind: 'bifurcation',
    plane: { u: { quantity: 'lr', min: 0.5, max: 1.5 }, v: { quantity: 'x', min: -2, max: 2 } },
    size: [64, 64],
    ...over,
  });

describe('bifurcation view overlays', () => {
  it('double well: minima ±1 with threshold 2/f″ = 1, the maximum 0 without one', () => {
    const spec = bif({
      objective: { expr: '(x^2 - 1)^2/4', preset: 'double-well', params: {} },
      x0: [0.3],
      ensemble: { observable: 'x' },
    });
    const ov = ensembleOverlays(spec, [-1.5, 1.5])!;
    expect(ov.method).toBe('exact');
    expect(ov.sweepsLr).toBe(true);
    const pts = [...ov.points].sort((a, b) => a.value - b.value);
    expect(pts.map((p) => p.kind)).toEqual(['minimum', 'maximum', 'minimum']);
    expect(pts[0].value).toBeCloseTo(-1, 12);
    expect(pts[1].value).toBeCloseTo(0, 12);
    expect(pts[2].value).toBeCloseTo(1, 12);
    expect(pts[0].threshold).toBeCloseTo(1, 12);
    expect(pts[1].threshold).toBeNull();
    // With f as the observable the lines sit at f(x*): 0 at the minima, 1/4 at the maximum.
    const f = ensembleOverlays({ ...spec, ensemble: { ...spec.ensemble, observable: 'f' } }, [0, 1])!;
    expect(f.points.map((p) => p.value).sort()).toEqual([0, 0, 0.25]);
  });

  it('(1 - xy)²/2: minimizers found from the starts lie on xy = 1 with threshold 2/(x² + y²)', () => {
    const spec = bif({
      objective: { expr: '(1 - x*y)^2/2', preset: 'mf-scalar', params: {} },
      x0: [0.5, 0.5],
      ensemble: { samples: 16, box: { min: [0.2, 0.4], max: [2, 1] }, observable: 'x' },
    });
    const ov = ensembleOverlays(spec, [-2, 2])!;
    expect(ov.method).toBe('sampled');
    expect(ov.points.length).toBeGreaterThan(3);
    for (const p of ov.points) {
      const x = p.value;
      const y = 1 / x;
      expect(p.kind).toBe('minimum');
      expect(p.threshold!).toBeCloseTo(2 / (x * x + y * y), 6);
    }
    // From (0.5, 0.5) GD stays on the diagonal: the balanced minimizer (1, 1), threshold 1.
    expect(ov.points[0].value).toBeCloseTo(1, 6);
    expect(ov.points[0].threshold!).toBeCloseTo(1, 6);
  });

  it('no overlays when the sweep changes the fixed points (a parameter or a start)', () => {
    const spec = bif({
      objective: { expr: 'x^2/2 + A*eps*sin(x/eps)', preset: 'multiscale', params: { A: 1, eps: 0.01 } },
      x0: [0.5],
      plane: { u: { quantity: 'A', min: 0.5, max: 1.5 }, v: { quantity: 'x', min: -2, max: 2 } },
    });
    expect(ensembleOverlays(spec, [-1, 1])).toBeNull();
  });
});
