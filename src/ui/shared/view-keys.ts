/**
 * Keyboard navigation of a picture, as pure arithmetic on its view: arrows pan by a tenth of the
 * view, + and − zoom about the centre, Enter asks to inspect the centre. The pictures call this from
 * their keydown handler and dispatch what it returns, so a keyboard does all a mouse does.
 */
import { panBy, zoomAbout, type Size, type View } from './view.ts';

/** Fraction of the view one arrow press pans. */
export const KEY_PAN = 0.1;
/** Zoom factor of one + press (− zooms out by the same). */
export const KEY_ZOOM = 1.25;

export type KeyAction = { kind: 'view'; view: View } | { kind: 'inspect'; x: number; y: number } | null;

/** What a key does to a picture of this view and size (screen pixels), or null for other keys. */
export function viewKey(key: string, view: View, size: Size): KeyAction {
  const cx = size.width / 2;
  const cy = size.height / 2;
  const pan = (dx: number, dy: number): KeyAction => ({
    kind: 'view',
    view: panBy(view, size, dx * size.width * KEY_PAN, dy * size.height * KEY_PAN),
  });
  switch (key) {
    case 'ArrowLeft':
      return pan(1, 0);
    case 'ArrowRight':
      return pan(-1, 0);
    case 'ArrowUp':
      return pan(0, 1);
    case 'ArrowDown':
      return pan(0, -1);
    case '+':
    case '=':
      return { kind: 'view', view: zoomAbout(view, size, cx, cy, 1 / KEY_ZOOM) };
    case '-':
    case '_':
      return { kind: 'view', view: zoomAbout(view, size, cx, cy, KEY_ZOOM) };
    case 'Enter':
    case ' ':
      return { kind: 'inspect', x: cx, y: cy };
    default:
      return null;
  }
}
