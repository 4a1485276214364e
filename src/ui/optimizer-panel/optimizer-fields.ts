/**
 * The optimizer's own fields in <gd-optimizer-panel>: a kind selector, then only the numbers that
 * kind's update rule reads (src/optimizer/rules.ts), each labelled with its symbol, and for Adam the
 * bias correction. The rule itself is shown in one line under the selector, so a reader sees what
 * each number does.
 */
import { html, nothing, type TemplateResult } from 'lit';
import type { ExperimentSpec } from '../../experiment/spec.ts';
import { OPTIMIZER_KINDS, RULES, usesHyper, type OptimizerKind } from '../../optimizer/rules.ts';
import { numberField } from '../shared/number-field.ts';
import { formatNumber } from '../shared/labels.ts';

/** The update rule of each kind in one line, in the lab's notation (h the rate, g = ∇f). */
export const RULE_LINES: Record<OptimizerKind, string> = {
  gd: 'x ← x − h·g',
  momentum: 'v ← βv + g,  x ← x − h·v',
  nesterov: 'v ← βv + g,  x ← x − h·(g + βv)',
  rmsprop: 's ← β₂s + (1 − β₂)g²,  x ← x − h·g/(√s + ε)',
  adam: 'm ← βm + (1 − β)g,  s ← β₂s + (1 − β₂)g²,  x ← x − h·m̂/(√ŝ + ε)',
};

export interface OptimizerFieldsOptions {
  spec: ExperimentSpec;
  /** Error lines by field. */
  errors: { kind?: string[]; beta?: string[]; beta2?: string[]; eps?: string[] };
  /** Applies an edit of the optimizer settings made in `field`. */
  edit: (
    field: 'kind' | 'beta' | 'beta2' | 'eps',
    change: (o: ExperimentSpec['optimizer']) => ExperimentSpec['optimizer'],
  ) => void;
}

export function optimizerFields({ spec, errors, edit }: OptimizerFieldsOptions): TemplateResult {
  const o = spec.optimizer;
  const uses = (n: 'beta' | 'beta2' | 'eps') => usesHyper(o, n);
  const swept = (n: string) =>
    spec.plane.u.quantity === n || (spec.kind === 'basin' && spec.plane.v.quantity === n);
  const number = (id: 'beta' | 'beta2' | 'eps', label: string, title: string) =>
    numberField({
      id,
      label,
      title: swept(id) ? `${title}; the plane sweeps it, this value is used elsewhere` : title,
      step: 'any',
      min: id === 'eps' ? undefined : 0,
      max: id === 'eps' ? undefined : 1,
      value: formatNumber(o[id]),
      onChange: (n) => edit(id, (x) => ({ ...x, [id]: n })),
      errors: { id: `${id}-error`, lines: errors[id] },
    });
  return html`<label
      >optimizer
      <select
        id="optimizer-kind"
        @change=${(e: Event) =>
          edit('kind', (x) => ({ ...x, kind: (e.target as HTMLSelectElement).value as OptimizerKind }))}
      >
        ${OPTIMIZER_KINDS.map(
          (k) => html`<option value=${k} ?selected=${k === o.kind}>${RULES[k].label}</option>`,
        )}
      </select></label
    >
    <div class="hint" id="optimizer-rule">${RULE_LINES[o.kind]}</div>
    ${
      uses('beta')
        ? number('beta', o.kind === 'adam' ? 'β₁ (β)' : 'β', 'momentum: how much of the last step is kept')
        : nothing
    }
    ${uses('beta2') ? number('beta2', 'β₂', 'decay of the running mean of g²') : nothing}
    ${uses('eps') ? number('eps', 'ε', 'added to √s so that a zero gradient divides by ε, not 0') : nothing}
    ${
      RULES[o.kind].biased
        ? html`<label class="inline"
            ><input
              type="checkbox"
              id="bias-correction"
              .checked=${o.biasCorrection}
              @change=${(e: Event) =>
                edit('kind', (x) => ({ ...x, biasCorrection: (e.target as HTMLInputElement).checked }))}
            />bias correction (m̂ = m/(1 − β^k), ŝ = s/(1 − β₂^k))</label
          >`
        : nothing
    }
    ${errors.kind?.length ? html`<div class="error" id="optimizer-kind-error">${errors.kind.join('\n')}</div>` : nothing}`;
}
