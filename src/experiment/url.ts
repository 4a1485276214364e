/**
 * The spec in a URL hash, so that copying the link reproduces the view on another machine.
 *
 * Format: `#s=<base64url(JSON)>` where the JSON holds only what differs from `defaultSpec()`; a link
 * to the default experiment is `#s=e30` (`{}`). Base64url keeps the hash free of characters that
 * chat clients and mail programs like to re-encode. Decoding goes through `parseSpec`, so a hostile
 * or truncated link meets the same checks and messages as any other spec, and never throws anything
 * but SpecError.
 */
import { defaultSpec, parseSpec, SpecError, type ExperimentSpec } from './spec.ts';
import { jsonProblem } from './spec-error.ts';

/** Hash key that carries the spec. */
export const HASH_KEY = 's';
/** Longest hash accepted: a spec is at most a few kB; anything longer is not one of ours. */
export const MAX_HASH_LENGTH = 32_000;
/**
 * Keys (any case) a link may carry a spec under by mistake: `#spec=…` written by hand, `#S=…`, or
 * `?s=…` in the query. The lab reads none of them; a link with one is refused in words, where it
 * opened the default experiment without a word, as if the link held nothing.
 */
const NEAR_KEYS: ReadonlySet<string> = new Set([HASH_KEY, 'spec']);

/** The hash (with its leading `#`) that encodes `spec`. */
export function specToHash(spec: ExperimentSpec): string {
  const diff = specDiff(
    defaultSpec() as unknown as Record<string, unknown>,
    spec as unknown as Record<string, unknown>,
  );
  return `#${HASH_KEY}=${toBase64Url(JSON.stringify(diff ?? {}))}`;
}

/**
 * The spec a hash encodes. An empty hash (or one without our key) gives null: the caller opens the
 * default. Anything malformed throws SpecError with a message a user can read.
 */
export function specFromHash(hash: string): ExperimentSpec | null {
  const h = hash.startsWith('#') ? hash.slice(1) : hash;
  if (h.length === 0) return null;
  if (h.length > MAX_HASH_LENGTH) throw new SpecError([`link: too long (${h.length} characters)`]);
  const value = hashValue(h);
  if (value === null) return null;
  if (value === '') throw new SpecError([`link: ${HASH_KEY}= holds no spec (was the link cut short?)`]);
  let text: string;
  try {
    text = fromBase64Url(value);
  } catch {
    throw new SpecError(['link: the spec is not valid base64url (was the link cut short?)']);
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new SpecError([`link: the spec is not valid JSON (${jsonProblem(text, e)})`]);
  }
  return parseSpec(json);
}

/**
 * The spec of a page's address: its hash's (specFromHash), else a SpecError where the query holds a
 * spec key (`?s=…`), which the lab does not read; null where the address carries no spec.
 */
export function specFromLink(search: string, hash: string): ExperimentSpec | null {
  const spec = specFromHash(hash);
  if (spec !== null) return spec;
  const key = nearKey(new URLSearchParams(search));
  if (key !== null) throw misplaced(`?${key}=`);
  return null;
}

/** The first key of `params` that is a spec key in the wrong form (NEAR_KEYS), or null. */
function nearKey(params: URLSearchParams): string | null {
  for (const k of params.keys()) if (NEAR_KEYS.has(k.toLowerCase())) return k;
  return null;
}

function misplaced(form: string): SpecError {
  return new SpecError([`link: the lab reads a spec after #${HASH_KEY}=, not after ${form}`]);
}

/**
 * The spec's text in a hash, as the lab wrote it or as mail and chat programs pass it on: with the
 * key's `=` percent-encoded (`s%3D…`), or the value encoded once more (`%253D`). Each is undone once,
 * so that such a link opens rather than the default experiment without a word. Null: no spec;
 * SpecError: a spec key in another form (`#spec=`).
 */
function hashValue(h: string): string | null {
  const once = (t: string): string | null => {
    try {
      return decodeURIComponent(t);
    } catch {
      return null;
    }
  };
  let params = new URLSearchParams(h);
  let value = params.get(HASH_KEY);
  if (value === null) {
    const decoded = h.includes('%') ? once(h) : null;
    if (decoded !== null) params = new URLSearchParams(decoded);
    value = params.get(HASH_KEY);
  }
  if (value === null) {
    // A key NEAR_KEYS lists is at most four letters: naming it quotes nothing a hostile link chose.
    const key = nearKey(params);
    if (key !== null) throw misplaced(`#${key}=`);
  }
  if (value !== null && value.includes('%')) value = once(value) ?? value;
  return value;
}

/**
 * What differs in `value` from `base`, in the shape `parseSpec`'s merge expects: plain objects are
 * compared field by field, while arrays, scalars and `params` (which parseSpec replaces wholesale)
 * are kept whole when they differ. Returns undefined when nothing differs.
 */
export function specDiff(base: unknown, value: unknown, key = ''): unknown {
  if (key !== 'params' && isPlain(base) && isPlain(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const d = specDiff(base[k], v, k);
      if (d !== undefined) out[k] = d;
    }
    return Object.keys(out).length ? out : undefined;
  }
  return deepEqual(base, value) ? undefined : value;
}

function isPlain(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (Object.is(a, b)) return true;
  if (Array.isArray(a) && Array.isArray(b))
    return a.length === b.length && a.every((x, i) => deepEqual(x, b[i]));
  if (isPlain(a) && isPlain(b)) {
    const ka = Object.keys(a);
    return ka.length === Object.keys(b).length && ka.every((k) => k in b && deepEqual(a[k], b[k]));
  }
  return false;
}

function toBase64Url(text: string): string {
  const bytes = new TextEncoder().encode(text);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * Base64url text as UTF-8. The standard alphabet and `=` padding, which a link passed through another
 * encoder may have, are read too; '+' arrives as a space, since the hash is read as a query string.
 */
function fromBase64Url(s: string): string {
  const t = s
    .trim()
    .replace(/ /g, '+')
    .replace(/={1,2}$/, '');
  if (!/^[A-Za-z0-9_+/-]*$/.test(t)) throw new Error('bad alphabet');
  const b64 = t.replace(/-/g, '+').replace(/_/g, '/');
  const bin = atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4));
  const bytes = Uint8Array.from(bin, (c) => c.charCodeAt(0));
  return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
}
