/** `--objective ID_OR_EXPR`, shared by the subcommands: a preset or an expression, compiled. */
import { compileObjective } from '../objective/compile.ts';
import { ObjectiveError, type CompiledObjective } from '../objective/types.ts';
import {
  getPreset,
  looksLikePresetId,
  PRESETS,
  resolveObjectiveOption,
  type Preset,
  type ResolvedObjective,
} from '../presets.ts';
import { CliError } from './args.ts';
import { nearNames } from '../experiment/near-names.ts';

export interface CompiledOption {
  resolved: ResolvedObjective;
  preset: Preset | undefined;
  obj: CompiledObjective;
}

/**
 * Resolves and compiles an `--objective` option with the given parameters and observables. A text
 * shaped like a preset id that is neither a preset nor a valid expression is reported as an unknown
 * preset (naming the presets), with what it means as an expression.
 */
export function compileOption(
  option: string,
  params: Record<string, number>,
  observables: string[] = [],
): CompiledOption {
  const resolved = resolveObjectiveOption(option, params);
  const preset = resolved.preset ? getPreset(resolved.preset) : undefined;
  try {
    const obj = compileObjective({ expr: resolved.expr, params: resolved.params, observables });
    return { resolved, preset, obj };
  } catch (e) {
    // A preset id misspelt ('double_well', 'mf-scaler') reads as an expression of unknown names.
    const near = preset
      ? []
      : nearNames(
          option.trim().toLowerCase(),
          PRESETS.map((p) => p.id),
        );
    if (e instanceof ObjectiveError && !preset && (near.length > 0 || looksLikePresetId(option)))
      throw new CliError(
        `--objective: '${option.trim()}' is not a preset (` +
          (near.length
            ? `did you mean ${near.join(' or ')}?`
            : `presets: ${PRESETS.map((p) => p.id).join(', ')}`) +
          `); read as an expression: ${e.message}`,
      );
    // The flag that holds the text the column counts in (an observable's error names its own).
    if (e instanceof ObjectiveError && !e.message.startsWith('observable '))
      throw new ObjectiveError(`--objective: ${e.message}`);
    throw e;
  }
}
