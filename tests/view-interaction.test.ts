/**
 * The map's gestures (src/ui/basin-map/view-interaction.ts) on a stand-in drawing area: wheel zoom
 * about the cursor (previewed, committed once quiet) and drag to pan, committed views and history
 * entries, with the wheel's quiet time run on fake timers.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ReactiveController } from 'lit';
import { ViewInteraction } from '../src/ui/basin-map/view-interaction.ts';
import { panBy, zoomAbout, type View } from '../src/ui/shared/view.ts';

const SIZE = { width: 400, height: 200 };

/** A drawing area at the page's origin that records its listeners, so a test can fire events. */
function fakeArea() {
  const listeners = new Map<string, (e: unknown) => void>();
  return {
    listeners,
    addEventListener: (type: string, f: (e: unknown) => void) => listeners.set(type, f),
    removeEventListener: (type: string) => listeners.delete(type),
    getBoundingClientRect: () => ({ left: 0, top: 0, ...SIZE }),
    setPointerCapture: () => {},
    fire(type: string, e: Record<string, unknown>) {
      listeners.get(type)!({ pointerId: 1, button: 0, shiftKey: false, preventDefault() {}, ...e });
    },
  };
}

/**
 * The gestures on a stand-in area, reporting to a host whose view follows a commit at once, or, like
 * the lab (`lagging`), only when it next renders (`render`).
 */
function setUp(lagging = false) {
  let view: View = { u: [-2, 2], v: [-1, 1] };
  let committed = view;
  const commits: [View, boolean][] = [];
  const previews: (View | null)[] = [];
  const controllers: ReactiveController[] = [];
  const interaction = new ViewInteraction(
    { addController: (c: ReactiveController) => controllers.push(c) } as never,
    {
      view: () => view,
      size: () => SIZE,
      preview: (v: View | null) => previews.push(v),
      commit: (v: View, record: boolean) => {
        committed = v;
        if (!lagging) view = v;
        commits.push([v, record]);
      },
      box: () => {},
      pick: () => {},
      hover: () => {},
      leave: () => {},
    },
  );
  const area = fakeArea();
  interaction.attach(area as unknown as HTMLElement);
  const render = () => (view = committed);
  return { area, commits, previews, interaction, view: () => view, render };
}

describe('map gestures', () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.stubGlobal('window', globalThis);
  });
  afterEach(() => {
    vi.useRealTimers();
    vi.unstubAllGlobals();
  });

  it('a wheel gesture previews every notch and commits once, into history, when quiet', () => {
    const { area, commits, previews, view } = setUp();
    const start = view();
    area.fire('wheel', { clientX: 300, clientY: 100, deltaY: -100, deltaMode: 0 });
    area.fire('wheel', { clientX: 300, clientY: 100, deltaY: -100, deltaMode: 0 });
    const once = zoomAbout(start, SIZE, 300, 100, 1 / 1.25);
    const zoomed = zoomAbout(once, SIZE, 300, 100, 1 / 1.25);
    // No commit (no URL write, no run) while the wheel turns: the frame on screen is moved instead.
    expect(previews).toEqual([once, zoomed]);
    expect(commits).toEqual([]);
    expect(view()).toEqual(start);
    vi.advanceTimersByTime(300);
    expect(commits).toEqual([[zoomed, true]]);
    expect(previews.at(-1)).toBeNull();
    expect(view()).toEqual(zoomed);
  });

  it('a drag right after the wheel pans the zoomed view, and the wheel’s quiet time does not undo it', () => {
    // The lab's view follows a commit only when it renders: the drag, pressed in the same task as the
    // wheel's commit, must start from the wheel's view all the same.
    const { area, commits, view, render, interaction } = setUp(true);
    const zoomed = zoomAbout(view(), SIZE, 300, 100, Math.pow(1.25, -3));
    area.fire('wheel', { clientX: 300, clientY: 100, deltaY: -300, deltaMode: 0 });
    expect(interaction.current()).toEqual(zoomed);
    // Within the wheel's quiet time (250 ms): press, move 100 px right, release.
    vi.advanceTimersByTime(50);
    area.fire('pointerdown', { clientX: 200, clientY: 100 });
    area.fire('pointermove', { clientX: 250, clientY: 100 });
    area.fire('pointermove', { clientX: 300, clientY: 100 });
    area.fire('pointerup', { clientX: 300, clientY: 100 });
    render();
    const panned = panBy(zoomed, SIZE, 100, 0);
    expect(view()).toEqual(panned);
    vi.advanceTimersByTime(1000);
    render();
    expect(view()).toEqual(panned);
    // History: the wheel's gesture (ended when the press began), the pan.
    expect(commits.map(([, r]) => r)).toEqual([true, true]);
    expect(commits[0][0]).toEqual(zoomed);
  });

  it('ending the wheel gesture (a key press does) enters it in history once, and nothing comes later', () => {
    const { area, commits, interaction } = setUp();
    area.fire('wheel', { clientX: 100, clientY: 50, deltaY: 200, deltaMode: 0 });
    interaction.endWheel();
    expect(commits.map(([, r]) => r)).toEqual([true]);
    vi.advanceTimersByTime(1000);
    interaction.endWheel();
    expect(commits).toHaveLength(1);
  });
});
