/** The map's pure helpers: view transforms, ticks and back/forward history. */
import { compileFor } from '../../src/ui/shared/objective.ts';
import { describe, expect, it } from 'vitest';
import { ViewHistory } from '../../src/ui/shared/history.ts';
import { formatTicks, niceStep, niceTicks } from '../../src/ui/shared/ticks.ts';
import {
  boxToView,
  isUsableView,
  panBy,
  planeToCell,
  planeToScreen,
  screenToPixel,
  screenToPlane,
  viewsEqual,
  zoomAbout,
  type View,
} from '../../src/ui/shared/view.ts';

const view: View = { u: [-3, 3], v: [-1, 2] };
const size = { width: 600, height: 300 };

describe('view transforms', () => {
  it('maps corners and centre, with v growing upwards', () => {
    expect(screenToPlane(view, size, 0, 0)).toEqual([-3, 2]);
    expect(screenToPlane(view, size, 600, 300)).toEqual([3, -1]);
    expect(screenToPlane(view, size, 300, 150)).toEqual([0, 0.5]);
    expect(planeToScreen(view, size, 0, 0.5)).toEqual([300, 150]);
  });

  it('finds the grid pixel with row 0 at the bottom', () => {
    expect(screenToPixel(size, [60, 30], 0, 299.9)).toEqual([0, 0]);
    expect(screenToPixel(size, [60, 30], 599.9, 0)).toEqual([59, 29]);
    expect(screenToPixel(size, [60, 30], 600, 0)).toBeNull();
  });

  it('finds the cell of a plane point with row 0 at the bottom, and cells outside the grid', () => {
    expect(planeToCell(view, [6, 3], -3, -1)).toEqual([0, 0]);
    expect(planeToCell(view, [6, 3], 2.99, 1.99)).toEqual([5, 2]);
    expect(planeToCell(view, [6, 3], -0.01, 0.5)).toEqual([2, 1]);
    expect(planeToCell(view, [6, 3], 3, 2)).toEqual([6, 3]);
    expect(planeToCell(view, [6, 3], -3.01, -1.01)).toEqual([-1, -1]);
  });

  it('zooms about the cursor, keeping that plane point under it', () => {
    const z = zoomAbout(view, size, 450, 100, 0.5);
    expect(z.u[1] - z.u[0]).toBeCloseTo(3, 12);
    expect(z.v[1] - z.v[0]).toBeCloseTo(1.5, 12);
    const [u, v] = screenToPlane(view, size, 450, 100);
    const [u2, v2] = screenToPlane(z, size, 450, 100);
    expect(u2).toBeCloseTo(u, 12);
    expect(v2).toBeCloseTo(v, 12);
  });

  it('pans so that content follows the pointer', () => {
    const p = panBy(view, size, 100, -30);
    expect(p.u[0]).toBeCloseTo(-4, 12);
    expect(p.v[0]).toBeCloseTo(-1.3, 12);
  });

  it('box-zooms to the dragged rectangle, ignoring a click-sized box', () => {
    expect(boxToView(view, size, 300, 0, 0, 150)).toEqual({ u: [-3, 0], v: [0.5, 2] });
    expect(boxToView(view, size, 10, 10, 12, 40)).toBeNull();
  });

  it('refuses views float64 cannot resolve', () => {
    expect(isUsableView(view, [256, 256])).toBe(true);
    expect(isUsableView({ u: [1, 1 + 1e-15], v: [0, 1] }, [256, 256])).toBe(false);
    expect(isUsableView({ u: [1, 0], v: [0, 1] }, [256, 256])).toBe(false);
    expect(isUsableView({ u: [0, Infinity], v: [0, 1] }, [256, 256])).toBe(false);
  });
});

describe('ticks', () => {
  it('chooses 1, 2, 5 steps and labels them without float noise', () => {
    expect(niceStep(0.3)).toBeCloseTo(0.5, 15);
    expect(niceTicks(-3, 3, 6)).toEqual([-3, -2, -1, 0, 1, 2, 3]);
    expect(formatTicks(niceTicks(0, 1, 5))).toEqual(['0.0', '0.2', '0.4', '0.6', '0.8', '1.0']);
    expect(formatTicks(niceTicks(0.1, 0.4, 3))).toEqual(['0.1', '0.2', '0.3', '0.4']);
  });

  it('tells neighbouring ticks apart deep in a zoom', () => {
    const t = niceTicks(1.23456, 1.23458, 4);
    const labels = formatTicks(t);
    expect(new Set(labels).size).toBe(labels.length);
    expect(labels[0]).toBe('1.234560');
  });

  it('switches to exponents for huge and tiny values', () => {
    expect(formatTicks(niceTicks(0, 3e7, 3))).toEqual(['0', '1e+7', '2e+7', '3e+7']);
    expect(formatTicks([1e-6, 2e-6])[1]).toBe('2e-6');
  });
});

describe('view history', () => {
  it('goes back and forward, and a new push drops the forward entries', () => {
    const h = new ViewHistory<View>(viewsEqual);
    const a = view;
    const b = zoomAbout(a, size, 0, 0, 0.5);
    const c = panBy(b, size, 10, 0);
    h.push(a);
    h.push(b);
    h.push(b);
    expect(h.length).toBe(2);
    h.push(c);
    expect(h.back()).toBe(b);
    expect(h.back()).toBe(a);
    expect(h.canBack).toBe(false);
    expect(h.forward()).toBe(b);
    h.push(a);
    expect(h.canForward).toBe(false);
    expect(h.length).toBe(3);
  });

  it('is bounded', () => {
    const h = new ViewHistory<number>(Object.is, 5);
    for (let k = 0; k < 20; k++) h.push(k);
    expect(h.length).toBe(5);
    expect(h.current).toBe(19);
  });
});

describe('frame scheduler', () => {
  it('draws at most once per animation frame however often it is asked', async () => {
    const { FrameScheduler } = await import('../../src/ui/shared/frame-scheduler.ts');
    const queue: (() => void)[] = [];
    const g = globalThis as unknown as Record<string, unknown>;
    const saved = [g.requestAnimationFrame, g.cancelAnimationFrame];
    g.requestAnimationFrame = (cb: () => void) => queue.push(cb);
    g.cancelAnimationFrame = (h: number) => (queue[h - 1] = () => {});
    try {
      const controllers: { hostDisconnected?: () => void }[] = [];
      const host = { addController: (c: object) => controllers.push(c) } as never;
      let draws = 0;
      const s = new FrameScheduler(host, () => draws++);
      for (let k = 0; k < 10; k++) s.request();
      expect(queue.length).toBe(1);
      queue.shift()!();
      expect(draws).toBe(1);
      s.request();
      s.request();
      // Leaving the DOM cancels the pending frame.
      controllers[0].hostDisconnected!();
      queue.splice(0).forEach((f) => f());
      expect(draws).toBe(1);
    } finally {
      [g.requestAnimationFrame, g.cancelAnimationFrame] = saved;
    }
  });
});

describe('compileFor', () => {
  it('keeps both compilations an ensemble check alternates between', () => {
    const a = compileFor('(x^2 - 1)^2/4', {}, []);
    const b = compileFor('(x^2 - 1)^2/4', {}, ['x']);
    expect(b).not.toBe(a);
    expect(compileFor('(x^2 - 1)^2/4', {}, [])).toBe(a);
    expect(compileFor('(x^2 - 1)^2/4', {}, ['x'])).toBe(b);
    for (const e of ['x^2', 'x^3', 'x^4', 'x^5']) compileFor(e, {}, []);
    expect(compileFor('(x^2 - 1)^2/4', {}, [])).not.toBe(a); // evicted after four others
  });
});
