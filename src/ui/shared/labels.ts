/**
 * The words the lab shows for the spec's internal names, in one place so the notation stays the same
 * everywhere: h for the learning rate (the spec says `lr`), h_x for one coordinate's rate where text is all
 * a place holds (the PNG's text, the CLI, JSON; the panels' labels write h<sub>x</sub>,
 * quantity-markup.ts, and canvases and axis titles draw the subscript, canvas-text.ts) and "rate of x"
 * where it is read aloud (aria-labels), colour fields in words, numbers without float noise, and spec
 * messages in plain words.
 */
import type { EngineInfo } from '../../core/engine.ts';
import { Outcome, OUTCOME_NAMES } from '../../core/outcome.ts';
import { type TrajectoryRecord } from '../../core/records.ts';
import type { ColourField, ExperimentSpec } from '../../experiment/spec.ts';

/** How a swept quantity is written on axes, in readouts and in the plane's choices. */
export function quantityLabel(q: string, params: readonly string[] = []): string {
  if (q === 'lr') return 'h';
  if (q.startsWith('lr.')) return `h_${q.slice(3)}`;
  if (!params.includes(q) && q in HYPER_SYMBOL) return HYPER_SYMBOL[q];
  return q;
}

/**
 * A swept quantity as a screen reader should say it (aria-labels): one coordinate's rate in words,
 * "rate of x", where quantityLabel's "h_x" was read "h underscore x"; quantityLabel otherwise.
 */
export function quantityWords(q: string, params: readonly string[] = []): string {
  return q.startsWith('lr.') ? `rate of ${q.slice(3)}` : quantityLabel(q, params);
}

/** The optimizer's hyperparameters as the lab writes them. */
export const HYPER_SYMBOL: Record<string, string> = { beta: 'β', beta2: 'β₂', eps: 'ε' };

/** A quantity as a choice in a menu: its symbol and what it is. */
export function quantityChoice(q: string, vars: readonly string[], params: readonly string[] = []): string {
  if (q === 'lr') return 'h (learning rate)';
  // An <option> holds text only: the words, not an h_x that the panels write h<sub>x</sub>.
  if (q.startsWith('lr.')) return `rate of ${q.slice(3)} only`;
  if (vars.includes(q)) return `${q} (start)`;
  if (!params.includes(q) && q in HYPER_SYMBOL) return `${HYPER_SYMBOL[q]} (optimizer)`;
  return `${q} (parameter)`;
}

/**
 * What a colour field shows, in words (colour bars, menus, exports): the observable's own expression
 * instead of `obs0`, the coordinate's name instead of `final0`.
 */
export function fieldLabel(
  field: ColourField,
  spec: Pick<ExperimentSpec, 'observables'>,
  vars: readonly string[] = [],
): string {
  switch (field) {
    case 'outcome':
      return 'outcome';
    case 'escape':
      return 'escape iteration k (diverged starts)';
    case 'period':
      return 'period (settled starts)';
    case 'lyapunov':
      return 'Lyapunov exponent λ';
    case 'f':
      return 'f at the last iterate';
    case 'sharpness':
      return 'sharpness λmax(∇²f) at the last iterate';
    case 'obs0':
    case 'obs1': {
      const k = field === 'obs0' ? 0 : 1;
      const e = spec.observables[k];
      return e ? `${e} at the last iterate` : `observable ${k + 1} (none set)`;
    }
    case 'final0':
    case 'final1': {
      const k = field === 'final0' ? 0 : 1;
      return `last iterate's ${vars[k] ?? `coordinate ${k + 1}`}`;
    }
  }
}

/** The rate a spec runs at, for a label: h, or its rates per coordinate as (h₁, h₂, …). */
export function rateText(spec: Pick<ExperimentSpec, 'lr' | 'lrPerCoord'>): string {
  return spec.lrPerCoord
    ? `(${spec.lrPerCoord.map((r) => formatNumber(r)).join(', ')})`
    : formatNumber(spec.lr);
}

/**
 * A number for an input box or a label, without float noise: at most `digits` significant digits,
 * and when `span` is given (the width of the range the number bounds) six decimals past the span's
 * leading digit, so a zoomed range reads 0.09, not 0.09000000000000001, a float32 bound reads 1.2,
 * not 1.1999999046, and 0.015625 stays 0.015625.
 */
export function formatNumber(v: number, span?: number, digits = 12): string {
  if (!Number.isFinite(v)) return String(v);
  if (v === 0) return '0';
  const short = Number(v.toPrecision(digits));
  if (span === undefined || !(span > 0) || !Number.isFinite(span)) return String(short);
  const decimals = Math.min(15, Math.max(0, Math.ceil(-Math.log10(span)) + 6));
  const rounded = Number(v.toFixed(decimals));
  return String(Math.abs(rounded) >= 1e21 ? short : Number(rounded.toPrecision(digits)));
}

/** The lab's name of each spec field, for messages shown beside it. */
const FIELD_WORDS: [RegExp, string][] = [
  [/^optimizer\.kind$/, 'optimizer'],
  [/^optimizer\.beta$/, 'β'],
  [/^optimizer\.beta2$/, 'β₂'],
  [/^optimizer\.eps$/, 'ε'],
  [/^lrPerCoord(\.\d+)?$/, 'rate of that coordinate'],
  [/^lr$/, 'rate h'],
  [/^x0(\.\d+)?$/, 'start x₀'],
  [/^iterations$/, 'iterations'],
  [/^transient$/, 'transient'],
  [/^classify\.tol$/, 'tolerance'],
  [/^classify\.maxPeriod$/, 'max period'],
  [/^classify\.divergeRadius$/, 'divergence radius'],
  [/^plane\.u(\.\w+)?$/, 'horizontal axis'],
  [/^plane\.v(\.\w+)?$/, 'vertical axis'],
  [/^plane$/, 'plane'],
  [/^size(\.0)?$/, 'grid'],
  [/^size\.1$/, 'grid'],
  [/^ensemble\.samples$/, 'samples'],
  [/^ensemble\.keep$/, 'keep'],
  [/^ensemble\.bins$/, 'bins'],
  [/^ensemble\.box(\.\w+)*$/, 'box'],
  [/^ensemble\.range(\.\d+)?$/, 'range'],
  [/^ensemble\.observable$/, 'observable'],
  [/^colour\.range(\.\d+)?$/, 'colour range'],
  [/^objective\.params$/, 'parameters'],
  // A parameter by its own name, as its row of the objective panel is labelled.
  [/^objective\.params\.([A-Za-z_]\w*)$/, '$1'],
];

/**
 * One `path: message` line of a SpecError in plain words: the field as the panel names it. The
 * message is the spec's own (an empty or non-numeric box says "must be a number" there, for every
 * reader of a spec alike).
 */
export function plainIssue(line: string): string {
  const m = /^([A-Za-z0-9_.]+): (.*)$/s.exec(line.trim());
  if (!m) return line.trim();
  const [, path, message] = m;
  const entry = FIELD_WORDS.find(([re]) => re.test(path));
  // Each pattern spans the whole path, so the replacement is the words ('$1' takes a name from it).
  const words = entry && path.replace(entry[0], entry[1]);
  const text = message.replace(/\bu and v\b/g, 'the two axes');
  return words ? `${words}: ${text}` : text;
}

/** "GPU f32" or "CPU float64": a chaotic pixel's λ differs between the two, so numbers say which. */
export function engineTag(info: EngineInfo): string {
  return info.kind === 'gpu'
    ? `GPU ${info.precision}`
    : `CPU ${info.precision === 'f64' ? 'float64' : 'f32'}`;
}

/** An outcome with its period, in the legend's words. */
export function outcomeWords(r: Pick<TrajectoryRecord, 'outcome' | 'period' | 'iter'>): string {
  const o = r.outcome;
  if (o === Outcome.PERIODIC) return `period ${r.period}`;
  if (o === Outcome.UNSETTLED) return 'not settled';
  if (o === Outcome.DIVERGED) return `diverged at k = ${r.iter}`;
  return OUTCOME_NAMES[o];
}
