/**
 * The spec of `gdlab basin` from its flags: a preset or a typed objective, a saved spec (--spec) that
 * flags override, the plane and its ranges, the rates, the start and the classification, validated as
 * any spec is, with usage errors that name the flag.
 */
import { compileObjective } from '../objective/compile.ts';
import type { CompiledObjective } from '../objective/types.ts';
import { checkSpec } from '../experiment/check.ts';
import { keptOrDefaultAxis } from '../experiment/adapt.ts';
import {
  COLORMAPS,
  COLOUR_FIELDS,
  defaultSpec,
  LAB_LIMITS,
  parseSpec,
  planeQuantities,
  SpecError,
  SWEPT_HYPERS,
  type ColormapName,
  type ColourField,
  type ExperimentSpec,
  type SpecLimits,
} from '../experiment/spec.ts';
import {
  checkParamNames,
  CliError,
  parseInteger,
  parseNumber,
  parseParamItems,
  VARIABLE_NAMES,
} from './args.ts';
import { compileOption } from './objective-option.ts';
import { optimizerFromFlags } from './optimizer-option.ts';
import { inSpecFile, readSpecOfKind } from './spec-file.ts';

export type Flags = Record<string, string | string[] | boolean | undefined>;

/** A quantity's flag text: a value or a range `A:B`. */
type Given = { value: number } | { range: [number, number] };

function parseGiven(flag: string, text: string): Given {
  // A range is two numbers around a colon; a lone number may be negative (-2), a range too (-2:-1).
  const m = /^(.+?):(.+)$/.exec(text);
  if (!m) return { value: parseNumber(flag, text) };
  const a = parseNumber(flag, m[1]);
  const b = parseNumber(flag, m[2]);
  if (!(b > a)) throw new CliError(`--${flag}: range '${text}' must be increasing`);
  return { range: [a, b] };
}

/**
 * The spec the flags describe (validated by parseSpec within `limits`; usage errors are CliErrors
 * naming the flag).
 */
export function specFromFlags(flags: Flags, limits: SpecLimits = LAB_LIMITS): ExperimentSpec {
  const str = (k: string) => flags[k] as string | undefined;
  const parseWithin = (input: unknown) => parseSpec(input, limits);
  const fromFile = str('spec') !== undefined ? readSpecOfKind(str('spec')!, 'basin', limits) : null;
  if (!fromFile && str('objective') === undefined)
    throw new CliError('--objective is required (a preset id or an expression), or --spec FILE');

  // Parameters: NAME=VALUE, or NAME=A:B for a swept one.
  const params: Record<string, Given> = {};
  for (const [name, text] of parseParamItems(flags.param as string[] | undefined))
    params[name] = parseGiven(`param ${name}`, text);
  // A swept parameter still needs a value in the spec (the plane overrides it pixel by pixel): its
  // range's midpoint.
  const values = Object.fromEntries(
    Object.entries(params).map(([k, g]) => [k, 'value' in g ? g.value : (g.range[0] + g.range[1]) / 2]),
  ) as Record<string, number>;

  let spec: ExperimentSpec = fromFile ?? defaultSpec();
  let objective = spec.objective;
  // A typed expression without a spec file has no rate to fall back on (1.1 is mf-scalar's).
  let typedNew = false;
  let newObjective = false;
  const observables = (flags.observable as string[] | undefined) ?? spec.observables;
  if (observables.length > 2) throw new CliError(`--observable: at most two (got ${observables.length})`);
  if (str('objective') !== undefined) {
    // Compiled here for the message an unknown preset gets; the compilation below is the same one.
    const { resolved, preset } = compileOption(str('objective')!, values, observables);
    objective = { expr: resolved.expr, preset: resolved.preset, params: resolved.params };
    typedNew = !fromFile && !preset;
    newObjective = !fromFile || fromFile.objective.expr !== resolved.expr;
    if (newObjective) {
      // A new objective: the preset's start, rate and view (or zeros and x,y) replace the old ones.
      spec = {
        ...spec,
        x0: preset ? [...preset.x0] : [],
        lr: preset?.lr ?? spec.lr,
        lrPerCoord: null,
        plane: preset ? { u: { ...preset.view.u }, v: { ...preset.view.v } } : spec.plane,
      };
    }
  } else objective = { ...objective, params: { ...objective.params, ...values } };
  let obj: CompiledObjective;
  try {
    obj = compileObjective({ expr: objective.expr, params: objective.params, observables });
  } catch (e) {
    // Said with the file where the file gave both the expression and the observables.
    const fileOnly = fromFile && str('objective') === undefined && flags.observable === undefined;
    throw fileOnly ? inSpecFile(str('spec')!, e) : e;
  }
  checkParamNames(Object.keys(params), obj.params);
  const optimizer = optimizerFromFlags(flags, spec.optimizer, true);
  const quantities = planeQuantities(obj.vars, obj.params, optimizer);
  const dim = obj.dim;
  // Zeros only for a new objective without a preset's start: a spec file's x0 of the wrong length
  // is refused (checkSpec) as density and attractor refuse it, not replaced by zeros.
  const x0 = spec.x0.length === dim || !newObjective ? [...spec.x0] : new Array<number>(dim).fill(0);

  // The plane: named by --plane, else the spec's (or the preset's) if it fits, else x,y (lr,x in 1-D).
  let names: [string, string];
  if (str('plane') !== undefined) {
    const parts = str('plane')!
      .split(',')
      .map((s) => s.trim());
    if (parts.length !== 2 || !parts[0] || !parts[1])
      throw new CliError(`--plane: '${str('plane')}' must be U,V`);
    names = [parts[0], parts[1]];
  } else names = [spec.plane.u.quantity, spec.plane.v.quantity];
  const known = (q: string) => quantities.includes(q);
  // A spec file whose objective stays keeps its plane, or says what is wrong with it: a plane is
  // replaced silently only when --objective brought a new objective.
  if (fromFile && str('objective') === undefined && str('plane') === undefined)
    (['u', 'v'] as const).forEach((key, i) => {
      if (!known(names[i]))
        throw new SpecError([
          `plane.${key}: unknown quantity '${names[i]}'; allowed: ${quantities.join(', ')}`,
        ]);
    });
  if (str('plane') === undefined && !(known(names[0]) && known(names[1])))
    names = dim >= 2 ? [obj.vars[0], obj.vars[1]] : ['lr', obj.vars[0]];
  for (const q of names)
    if (!known(q))
      throw new CliError(
        `--plane: '${q}' is not a quantity of this objective and optimizer (${quantities.join(', ')})` +
          ((SWEPT_HYPERS as readonly string[]).includes(q) ? `; ${q} needs an --optimizer that uses it` : ''),
      );

  // Every quantity flag: a value for a fixed quantity, a range for a swept one.
  const given = new Map<string, Given>();
  for (const q of [...obj.vars, 'lr', ...obj.vars.map((v) => `lr.${v}`), ...SWEPT_HYPERS])
    if (str(q) !== undefined) given.set(q, parseGiven(q, str(q)!));
  for (const v of VARIABLE_NAMES)
    if (!obj.vars.includes(v) && (str(v) !== undefined || str(`lr.${v}`) !== undefined))
      throw new CliError(
        `--${str(v) !== undefined ? v : `lr.${v}`}: the objective's variables are ${obj.vars.join(', ')}`,
      );
  for (const [k, g] of Object.entries(params)) given.set(k, g);
  const flagName = (q: string) => (obj.params.includes(q) ? `param ${q}` : q);
  for (const [q, g] of given)
    if ('range' in g && !names.includes(q))
      throw new CliError(
        `--${flagName(q)}: a range is only for the swept quantities (${names.join(', ')}); give a value`,
      );
  const axis = (q: string) => {
    const g = given.get(q);
    if (g && 'value' in g)
      throw new CliError(`--${flagName(q)}: the plane sweeps ${q}, so it needs a range A:B`);
    if (g) return { quantity: q, min: g.range[0], max: g.range[1] };
    // The lab's first range for a newly swept quantity (a typed one-variable objective sweeps lr and x).
    return keptOrDefaultAxis(spec.plane, q, { lr: spec.lr, objective });
  };
  const plane = { u: axis(names[0]), v: axis(names[1]) };

  const ownRate = (v: string) => names.includes(`lr.${v}`) || given.has(`lr.${v}`);
  if (typedNew && !given.has('lr') && !names.includes('lr') && !obj.vars.every(ownRate))
    throw new CliError(
      '--lr is required for an expression (a value, or a range A:B where the plane sweeps lr)',
    );
  let lr = spec.lr;
  let lrPerCoord = spec.lrPerCoord && spec.lrPerCoord.length === dim ? [...spec.lrPerCoord] : null;
  const lrGiven = given.get('lr');
  if (lrGiven && 'value' in lrGiven) {
    lr = lrGiven.value;
    lrPerCoord = null;
  }
  obj.vars.forEach((v, i) => {
    const g = given.get(v);
    if (g && 'value' in g) x0[i] = g.value;
    const r = given.get(`lr.${v}`);
    if (r && 'value' in r) {
      lrPerCoord ??= new Array<number>(dim).fill(lr);
      lrPerCoord[i] = r.value;
    }
  });

  const size = str('size');
  let wh = spec.size;
  if (size !== undefined) {
    const m = /^(\d+)x(\d+)$/.exec(size);
    if (!m) throw new CliError(`--size: '${size}' must be WxH, e.g. 256x256`);
    wh = [Number(m[1]), Number(m[2])];
  }
  const iterations = str('iters') !== undefined ? parseInteger('iters', str('iters')!) : spec.iterations;
  if (!(iterations >= 2)) throw new CliError(`--iters must be ≥ 2 (got ${iterations})`);
  const transient =
    str('transient') !== undefined
      ? parseInteger('transient', str('transient')!, 0)
      : str('iters') !== undefined || spec.transient >= iterations
        ? Math.floor((3 * iterations) / 5)
        : spec.transient;
  const classify = { ...spec.classify };
  if (str('max-period') !== undefined) classify.maxPeriod = parseInteger('max-period', str('max-period')!);
  // A short run looks for periods up to its length unless told otherwise (as gdlab trajectory does).
  else classify.maxPeriod = Math.max(1, Math.min(classify.maxPeriod, iterations - 1));
  if (flags['no-lyapunov']) classify.lyapunov = false;
  const colour = { ...spec.colour };
  if (str('color-by') !== undefined) {
    if (!COLOUR_FIELDS.includes(str('color-by') as ColourField))
      throw new CliError(`--color-by: '${str('color-by')}' must be one of ${COLOUR_FIELDS.join(', ')}`);
    colour.field = str('color-by') as ColourField;
  }
  if (str('colormap') !== undefined) {
    if (!COLORMAPS.includes(str('colormap') as ColormapName))
      throw new CliError(`--colormap: '${str('colormap')}' must be one of ${COLORMAPS.join(', ')}`);
    colour.colormap = str('colormap') as ColormapName;
  }
  if (flags.log) colour.log = true;
  // A field no pixel can have would paint the map mid grey from end to end.
  const obsIndex = colour.field === 'obs0' ? 0 : colour.field === 'obs1' ? 1 : -1;
  if (obsIndex >= 0 && !observables[obsIndex])
    throw new CliError(
      `--color-by ${colour.field}: the map has ${observables.length || 'no'} observable${observables.length === 1 ? '' : 's'}; give ${obsIndex === 0 ? 'one' : 'two'} with --observable EXPR`,
    );
  if (colour.field === 'final1' && dim < 2)
    throw new CliError(`--color-by final1: the objective has one variable (final0 is its final value)`);

  const out = parseWithin({
    ...spec,
    kind: 'basin',
    objective,
    optimizer,
    lr,
    lrPerCoord,
    x0,
    plane,
    size: wh,
    iterations,
    transient,
    classify,
    colour,
    observables,
  });
  checkSpec(out);
  return out;
}
