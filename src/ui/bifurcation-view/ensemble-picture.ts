/**
 * The picture on an ensemble view's canvas (the bifurcation diagram, the attractor) as it follows
 * the result and the colormap. A new result is painted at once from the counts that came back with
 * it: what a view's `ready` promises (the exports and the tests read the canvas then), with no GPU
 * round trip in between. Another colormap for the picture on screen is coloured by the GPU engine
 * where it still holds the counts, here otherwise, and the old colours stay until it answers; a
 * later draw makes an answer still in flight stale.
 *
 * Not a ReactiveController: it holds nothing to release. A recolour that answers after the view left
 * the DOM paints only the view's own canvas, which stays with the view for when it comes back.
 */
import type { BifurcationResult } from '../../core/ensemble.ts';
import { labColours, type BifurcationColours, type RgbaImage } from '../../engine/bifurcation-render.ts';
import type { ColormapName } from '../../experiment/spec.ts';

/** A picture on the canvas: which result, in which colormap, on which canvas. */
export interface DrawnPicture {
  result: BifurcationResult;
  colormap: ColormapName;
  canvas: HTMLCanvasElement;
}

/** How a view colours its results and puts a picture on its canvas. */
export interface PictureColouring {
  /** The picture of `result` coloured here, from the counts that came back with it. */
  cpu(result: BifurcationResult, colours: BifurcationColours): RgbaImage;
  /** The picture coloured where the counts are (EnsembleRun); null, or a rejection: colour it here. */
  gpu(result: BifurcationResult, colours: BifurcationColours): Promise<RgbaImage | null>;
  /** Puts `img` on `drawn.canvas`; false where the view cannot yet, so that nothing counts as drawn. */
  paint(img: RgbaImage, drawn: DrawnPicture): boolean;
}

/** What a view's canvas shows, and the recolour on its way to it. */
export class EnsemblePicture {
  private drawn: DrawnPicture | null = null;
  /** A recolour in flight on the GPU (the picture on screen in another colormap). */
  private recolouring: DrawnPicture | null = null;

  constructor(private readonly colouring: PictureColouring) {}

  /** Shows `result` in `colormap` on `canvas`, unless it is there already or on its way. */
  draw(result: BifurcationResult, colormap: ColormapName, canvas: HTMLCanvasElement): void {
    const want: DrawnPicture = { result, colormap, canvas };
    const same = (d: DrawnPicture | null) =>
      !!d && d.result === result && d.colormap === colormap && d.canvas === canvas;
    if (same(this.drawn) || same(this.recolouring)) return;
    const colours = labColours(colormap);
    const d = this.drawn;
    if (d && d.result === result && d.canvas === canvas) {
      this.recolouring = want;
      const paint = (img: RgbaImage | null) => {
        if (this.recolouring !== want) return;
        this.recolouring = null;
        this.paint(img ?? this.colouring.cpu(result, colours), want);
      };
      this.colouring.gpu(result, colours).then(paint, () => paint(null));
      return;
    }
    this.recolouring = null;
    this.paint(this.colouring.cpu(result, colours), want);
  }

  private paint(img: RgbaImage, drawn: DrawnPicture): void {
    if (this.colouring.paint(img, drawn)) this.drawn = drawn;
  }
}
