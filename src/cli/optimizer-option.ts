/**
 * `--optimizer`, `--beta`, `--beta2`, `--eps`, `--no-bias-correction`: the optimizer flags every
 * subcommand that runs trajectories shares (basin, bifurcation, density, trajectory).
 */
import {
  HYPER_NAMES,
  OPTIMIZER_KINDS,
  RULES,
  usesHyper,
  type HyperName,
  type OptimizerSettings,
} from '../optimizer/rules.ts';
import { CliError, parseNumber } from './args.ts';

export const OPTIMIZER_OPTIONS = {
  optimizer: { type: 'string' },
  beta: { type: 'string' },
  beta2: { type: 'string' },
  eps: { type: 'string' },
  'no-bias-correction': { type: 'boolean' },
} as const;

/** Help lines; `sweep` adds that β and β₂ may be ranges (for a plane or the columns). */
export function optimizerHelp(sweep = false): string {
  const range = sweep ? ' (a range A:B to sweep it)' : '';
  return `  --optimizer KIND        gd (default), momentum, nesterov, rmsprop or adam (PyTorch's update rules;
                          the README states them)
  --beta B                momentum's and Nesterov's β, Adam's β₁, in [0, 1) (default 0.9)${range}
  --beta2 B               RMSProp's and Adam's β₂, in [0, 1) (default 0.999)${range}
  --eps E                 RMSProp's and Adam's ε > 0 (default 1e-8)
  --no-bias-correction    Adam without bias correction (m̂ = m, ŝ = s)`;
}

/** The spec paths the optimizer flags set, for messages in the flags' terms (args.ts inFlagTerms). */
export const OPTIMIZER_PATHS = {
  'optimizer.kind': 'optimizer',
  'optimizer.beta': 'beta',
  'optimizer.beta2': 'beta2',
  'optimizer.eps': 'eps',
};

type Flags = Record<string, unknown>;

/** Whether a hyperparameter flag is a range A:B (a sweep) rather than a value. */
export function isRange(text: unknown): boolean {
  return typeof text === 'string' && /^.+?:.+$/.test(text);
}

/**
 * The optimizer the flags give over `base` (a spec file's, or the default). With `sweeps`, a β or β₂
 * given as a range is the caller's sweep and not read here; without, a range is refused. A flag the
 * chosen optimizer does not read is refused rather than ignored (`--beta` with GD would otherwise
 * change nothing without a word).
 */
export function optimizerFromFlags(flags: Flags, base: OptimizerSettings, sweeps = false): OptimizerSettings {
  const kind = flags.optimizer;
  if (kind !== undefined && !(OPTIMIZER_KINDS as readonly unknown[]).includes(kind))
    throw new CliError(`--optimizer: '${String(kind)}' must be one of ${OPTIMIZER_KINDS.join(', ')}`);
  const o: OptimizerSettings = { ...base, kind: (kind as OptimizerSettings['kind']) ?? base.kind };
  const rule = RULES[o.kind];
  for (const name of HYPER_NAMES) {
    const text = flags[name];
    if (text === undefined) continue;
    if (!usesHyper(o, name as HyperName))
      throw new CliError(
        `--${name}: ${rule.label} has no ${name}` +
          (rule.uses.length ? ` (it uses ${rule.uses.join(', ')})` : '') +
          '; choose an optimizer with --optimizer',
      );
    if (!isRange(text)) o[name] = parseNumber(name, String(text));
    else if (!sweeps || name === 'eps')
      throw new CliError(`--${name}: '${String(text)}' must be one value here`);
  }
  if (flags['no-bias-correction']) {
    if (!rule.biased)
      throw new CliError(`--no-bias-correction: only Adam corrects a bias (the optimizer is ${rule.label})`);
    o.biasCorrection = false;
  }
  return o;
}
