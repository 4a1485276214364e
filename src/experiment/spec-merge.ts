/**
 * A partial spec over the defaults: the merge parseSpec validates, which never copies a key that
 * would reach an object's prototype.
 */

/**
 * Deep merge of plain objects; arrays and scalars from `over` replace those of `base`. Keys that
 * would reach an object's prototype are not copied but said in `unsafe`, as the unknown fields they
 * are (zod never sees them: it would have passed over them without a word).
 */
export function mergeDefaults(
  base: Record<string, unknown>,
  over: Record<string, unknown>,
  unsafe: string[],
  path = '',
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) {
    if (k === '__proto__' || k === 'constructor' || k === 'prototype') {
      unsafe.push(`${path ? `${path}: ` : ''}unknown field "${k}"`);
      continue;
    }
    const b = base[k];
    // Parameters are a dictionary, not a shape with defaults: the given one replaces the default.
    const isParams = k === 'params';
    if (!isParams && isPlain(b) && isPlain(v))
      out[k] = mergeDefaults(b, v, unsafe, path ? `${path}.${k}` : k);
    else out[k] = v;
  }
  return out;
}

export function isPlain(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
