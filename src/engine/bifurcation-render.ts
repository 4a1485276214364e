/**
 * A bifurcation result as RGBA pixels, DOM-free: for the CLI's PNG and for the lab's view to blit.
 *
 * Layout, top to bottom (image row 0 is the top):
 *   rows 0 … s-1            diverged fraction per column (light: none, dark: all)
 *   row  s                  separator (the empty colour)
 *   rows s+1 … 2s           each column's outcome (colours.column: its period, chaotic, escaping,
 *                           unsettled, or diverged where nothing is bounded)
 *   row  2s+1               separator
 *   rows 2s+2 … 2s+1+H      the density, log(1 + count) through the colormap, highest value on top
 * with s = stripRows. Column c of the image is column c of the result.
 */
import { colormapLut, LUT_SIZE } from '../colormaps.ts';
import { OUTCOME_PALETTE, packRgba } from '../palette.ts';
import type { ColormapName } from '../experiment/spec.ts';
import type { BifurcationResult } from '../core/ensemble.ts';
import { Outcome } from '../core/outcome.ts';

/** Colours of the picture; the CLI and the lab pass the lab's colormap and outcome palette. */
export interface BifurcationColours {
  /** Continuous colormap at t ∈ [0, 1], sRGB 0…255. */
  colormap(t: number): readonly number[];
  /** A column's outcome (ColumnStats.outcome) and its period (null unless converged or periodic). */
  column(outcome: Outcome, period: number | null): readonly number[];
  /** Cells without counts and the separators. */
  empty?: readonly number[];
}

export interface BifurcationRenderOptions {
  /** Height of each strip in pixels (0 leaves the strips out). */
  stripRows?: number;
  /** 'global': one log scale for the image; 'column': each column scaled to its own maximum. */
  normalise?: 'global' | 'column';
}

/** RGBA pixels, row-major from the top, as a canvas ImageData or fast-png wants them. */
export interface RgbaImage {
  width: number;
  height: number;
  rgba: Uint8ClampedArray;
  /** Image row where the density starts (its top row is the value range's upper end). */
  densityTop: number;
}

const bytes = new Uint8ClampedArray(3);
/**
 * packRgba of a colour first clamped and rounded to bytes, as the Uint8ClampedArray these images are
 * stores it (a mixed colour, or one a caller's colormap gives, need not be whole numbers). Written
 * into a Uint32Array view of the image: gdlab takes hosts to be little-endian, as the GPU is.
 */
export function pack(c: readonly number[]): number {
  bytes[0] = c[0];
  bytes[1] = c[1];
  bytes[2] = c[2];
  return packRgba([bytes[0], bytes[1], bytes[2]]);
}

const DIVERGED_NONE = OUTCOME_PALETTE.converged;
const DIVERGED_ALL = OUTCOME_PALETTE.diverged[0];
/** Height of each strip unless a caller says otherwise. */
export const DEFAULT_STRIP_ROWS = 6;

/**
 * The lab's colours (src/colormaps.ts, src/palette.ts): the named colormap's LUT for the density, the
 * outcome palette for the strip of column outcomes (converged, period p, chaotic at its strongest,
 * escaping, unsettled; the diverged colour where nothing is bounded).
 */
export function labColours(colormap: ColormapName): BifurcationColours {
  const lut = colormapLut(colormap);
  const P = OUTCOME_PALETTE;
  return {
    colormap: (t: number) => {
      const i = 4 * Math.min(LUT_SIZE - 1, Math.max(0, Math.round(t * (LUT_SIZE - 1))));
      return [lut[i], lut[i + 1], lut[i + 2]];
    },
    column: (o, p) =>
      o === Outcome.PERIODIC && p !== null
        ? P.periods[(p - 2) % P.periods.length]
        : o === Outcome.CONVERGED
          ? P.converged
          : o === Outcome.CHAOTIC
            ? P.chaotic[1]
            : o === Outcome.ESCAPING
              ? P.escaping
              : o === Outcome.UNSETTLED
                ? P.unsettled
                : P.diverged[0],
    empty: [0, 0, 0],
  };
}

/**
 * The strips' colours per column: the diverged fraction's (words 0 … W-1), then the outcome's
 * (W … 2W-1). Worked out on the host from the column statistics, for this renderer and the GPU's
 * (src/engine/ensemble-colour-pass.ts) alike, so the strips of both are the same bytes.
 */
export function stripWords(
  stats: BifurcationResult['stats'],
  columns: number,
  colours: BifurcationColours,
): Uint32Array {
  const words = new Uint32Array(2 * columns);
  for (let c = 0; c < columns; c++) {
    const d = stats.diverged[c];
    words[c] = pack(DIVERGED_NONE.map((v, k) => v + d * (DIVERGED_ALL[k] - v)));
    words[columns + c] = pack(colours.column(stats.outcome[c] as Outcome, stats.period[c]));
  }
  return words;
}

/**
 * The colormap as the 256 words the GPU's colour stage looks up: colours.colormap at i / 255, the
 * entry renderBifurcation's round(255 t) picks. For labColours these are its LUT's own entries; a
 * continuous colormap of a caller's is sampled at those 256 points.
 */
export function colourLut(colours: Pick<BifurcationColours, 'colormap'>): Uint32Array {
  const words = new Uint32Array(LUT_SIZE);
  for (let i = 0; i < LUT_SIZE; i++) words[i] = pack(colours.colormap(i / (LUT_SIZE - 1)));
  return words;
}

/** Image rows of the strips and separators above the density (none without strips). */
export function densityTopOf(stripRows: number): number {
  return stripRows > 0 ? 2 * stripRows + 2 : 0;
}

export function renderBifurcation(
  result: Pick<BifurcationResult, 'plan' | 'density' | 'stats'>,
  colours: BifurcationColours,
  options: BifurcationRenderOptions = {},
): RgbaImage {
  const { columns: W, rows: H } = result.plan;
  const s = options.stripRows ?? DEFAULT_STRIP_ROWS;
  const densityTop = densityTopOf(s);
  const height = densityTop + H;
  const rgba = new Uint8ClampedArray(W * height * 4);
  const px = new Uint32Array(rgba.buffer);
  const empty = pack(colours.empty ?? [0, 0, 0]);
  const { stats, density } = result;
  if (s > 0) {
    const strips = stripWords(stats, W, colours);
    for (let c = 0; c < W; c++) {
      for (let y = 0; y < s; y++) {
        px[y * W + c] = strips[c];
        px[(s + 1 + y) * W + c] = strips[W + c];
      }
      px[s * W + c] = empty;
      px[(2 * s + 1) * W + c] = empty;
    }
  }
  // Log scale: a periodic column piles K counts per orbit point into one cell while a chaotic one
  // spreads them thinly; a linear scale would show only the former.
  const colMax = new Float64Array(W);
  let globalMax = 0;
  for (let r = 0; r < H; r++)
    for (let c = 0; c < W; c++) {
      const v = density[r * W + c];
      if (v > colMax[c]) colMax[c] = v;
      if (v > globalMax) globalMax = v;
    }
  const perColumn = options.normalise === 'column';
  // One scale for the image: the colour of each count below 2¹⁶ is worked out once (a diagram holds
  // few distinct counts: K per orbit point, small ones in chaotic cells), 0 standing for not yet (a
  // pixel word is opaque): 2× faster at 1024 × 512, 4× at 4096 × 2048 (the bytes are the same).
  const seen = new Uint32Array(perColumn ? 0 : Math.min(globalMax + 1, 1 << 16));
  const shade = (v: number, top: number) => pack(colours.colormap(Math.log1p(v) / Math.log1p(top)));
  for (let r = 0; r < H; r++) {
    const row = (densityTop + (H - 1 - r)) * W;
    for (let c = 0; c < W; c++) {
      const v = density[r * W + c];
      let colour = empty;
      if (v > 0 && perColumn) colour = shade(v, colMax[c]);
      else if (v > 0 && v < seen.length) colour = seen[v] || (seen[v] = shade(v, globalMax));
      else if (v > 0) colour = shade(v, globalMax);
      px[row + c] = colour;
    }
  }
  return { width: W, height, rgba, densityTop };
}

/** An engine that colours a result of its own where the counts are (GpuEnsembleEngine, on the GPU). */
export interface EnsembleRenderer {
  /** The picture renderBifurcation draws of `result`; null where the engine no longer holds its counts. */
  renderEnsemble(
    result: BifurcationResult,
    colours: BifurcationColours,
    options?: BifurcationRenderOptions,
  ): Promise<RgbaImage | null>;
}

/**
 * The picture of `result`: coloured by `engine` where it can (the GPU engine's latest result), else by
 * renderBifurcation from the counts read back (the CPU engines, or an older GPU result).
 */
export async function renderEnsembleImage(
  engine: object,
  result: BifurcationResult,
  colours: BifurcationColours,
  options: BifurcationRenderOptions = {},
): Promise<RgbaImage> {
  const image =
    'renderEnsemble' in engine
      ? await (engine as EnsembleRenderer).renderEnsemble(result, colours, options)
      : null;
  return image ?? renderBifurcation(result, colours, options);
}

/** What the picture shows under a pixel: for a crosshair readout and for picking a column's h. */
export interface BifurcationReadout {
  column: number;
  /** The swept quantity's value at the column's centre. */
  u: number;
  /** The density row and the observable's value at its centre; null over the strips. */
  row: number | null;
  value: number | null;
  /** Counts in that cell (0 over the strips). */
  count: number;
  diverged: number;
  period: number | null;
  /** The column's outcome (ColumnStats.outcome). */
  outcome: Outcome;
  lyapunov: number;
}

/** The readout at image pixel (x, y) of an image rendered with `densityTop`; null outside the image. */
export function bifurcationReadout(
  result: Pick<BifurcationResult, 'plan' | 'density' | 'stats' | 'range'>,
  densityTop: number,
  x: number,
  y: number,
): BifurcationReadout | null {
  const { columns: W, rows: H, values } = result.plan;
  const c = Math.floor(x);
  const py = Math.floor(y);
  if (c < 0 || c >= W || py < 0 || py >= densityTop + H) return null;
  const row = py >= densityTop ? H - 1 - (py - densityTop) : null;
  const [lo, hi] = result.range;
  return {
    column: c,
    u: values[c],
    row,
    value: row === null ? null : lo + ((row + 0.5) * (hi - lo)) / H,
    count: row === null ? 0 : result.density[row * W + c],
    diverged: result.stats.diverged[c],
    period: result.stats.period[c],
    outcome: result.stats.outcome[c] as Outcome,
    lyapunov: result.stats.lyapunov[c],
  };
}
