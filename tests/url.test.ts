/** The spec in a URL hash: compact, exact round trips, and hostile links answered with SpecError. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultSpec, parseSpec, SpecError, type ExperimentSpec } from '../src/experiment/spec.ts';
import { MAX_HASH_LENGTH, specDiff, specFromHash, specFromLink, specToHash } from '../src/experiment/url.ts';

const b64 = (s: string) => Buffer.from(s).toString('base64url');

function messageOf(hash: string): string {
  try {
    specFromHash(hash);
  } catch (e) {
    expect(e).toBeInstanceOf(SpecError);
    return (e as SpecError).issues.join('\n');
  }
  throw new Error(`no error for ${hash}`);
}

describe('specToHash / specFromHash', () => {
  it('encodes the default experiment as an empty diff', () => {
    expect(specToHash(defaultSpec())).toBe('#s=e30');
    expect(specFromHash('#s=e30')).toEqual(defaultSpec());
  });

  it('gives null for an empty hash or one without the key', () => {
    expect(specFromHash('')).toBeNull();
    expect(specFromHash('#')).toBeNull();
    expect(specFromHash('#other=1')).toBeNull();
  });

  it('stores only what differs, and round-trips it exactly (doubles bit for bit)', () => {
    const s: ExperimentSpec = {
      ...defaultSpec(),
      lr: 1.0000000000000002,
      plane: {
        u: { quantity: 'x', min: -0.1 - 0.2, max: Math.PI },
        v: { quantity: 'lr', min: 1e-300, max: 2 },
      },
      objective: { expr: 'x^2/2 + A*eps*sin(x/eps) + y^2', preset: null, params: { A: 0.5, eps: 1e-3 } },
    };
    const hash = specToHash(s);
    const json = JSON.parse(Buffer.from(hash.slice(3), 'base64url').toString());
    expect(Object.keys(json).sort()).toEqual(['lr', 'objective', 'plane']);
    expect(specFromHash(hash)).toEqual(s);
  });

  it('keeps an array that extends the default: three zeros are not the default two', () => {
    // x0 = [0, 0, 0] agrees with the default [0, 0] in every place the default has; the link must
    // still carry it, or the 3-D view comes back with a 2-D start.
    const s = parseSpec({
      objective: { expr: 'x^2 + y^2 + z^2', preset: null, params: {} },
      x0: [0, 0, 0],
    });
    const json = JSON.parse(Buffer.from(specToHash(s).slice(3), 'base64url').toString());
    expect(json.x0).toEqual([0, 0, 0]);
    expect(specFromHash(specToHash(s))).toEqual(s);
  });

  it('keeps params whole, so a default parameter cannot leak into a link without it', () => {
    const base = { ...defaultSpec(), objective: { expr: 'x*y', preset: null, params: { a: 1, b: 2 } } };
    expect(specDiff(base, { ...base, objective: { ...base.objective, params: { a: 1 } } })).toEqual({
      objective: { params: { a: 1 } },
    });
  });

  it('round-trips arbitrary valid views and rates (property)', () => {
    fc.assert(
      fc.property(
        fc.double({ min: -1e6, max: 1e6, noNaN: true }),
        fc.double({ min: 1e-9, max: 1e3, noNaN: true }),
        fc.double({ min: 1e-6, max: 10, noNaN: true }),
        fc.constantFrom('viridis', 'magma', 'turbo') as fc.Arbitrary<ExperimentSpec['colour']['colormap']>,
        (min0, width, lr, colormap) => {
          // JSON has no -0; a view starting at -0 is the view starting at 0.
          const min = min0 + 0;
          const s = parseSpec({
            lr,
            plane: { u: { quantity: 'x', min, max: min + width }, v: { quantity: 'y', min: -1, max: 1 } },
            colour: { colormap },
          });
          expect(specFromHash(specToHash(s))).toEqual(s);
        },
      ),
      { numRuns: 200 },
    );
  });

  it('answers hostile or broken links with a readable SpecError', () => {
    expect(messageOf('#s=%%%')).toMatch(/not valid base64url/);
    expect(messageOf('#s=' + b64('{"lr":'))).toMatch(/not valid JSON/);
    expect(messageOf('#s=' + b64('[1,2]'))).toMatch(/must be a JSON object/);
    expect(messageOf('#s=' + b64('"text"'))).toMatch(/must be a JSON object/);
    expect(messageOf('#s=' + b64('{"lr":-1}'))).toMatch(/lr: must be positive/);
    expect(messageOf('#s=' + b64('{"size":[100000,1]}'))).toMatch(/size/);
    expect(messageOf('#s=' + b64('{"iterations":1e300}'))).toMatch(/iterations/);
    expect(messageOf('#s=' + Buffer.from([0xff, 0xfe, 0xfd]).toString('base64url'))).toMatch(/base64url/);
    expect(messageOf('#s=' + 'A'.repeat(MAX_HASH_LENGTH + 1))).toMatch(/too long/);
  });

  it('opens a link that mail or chat programs re-encoded, as the link it was', () => {
    const spec = parseSpec({ size: [48, 40], lr: 0.9, x0: [0.25, 0.5] });
    const hash = specToHash(spec);
    const payload = hash.slice(3);
    const standard = Buffer.from(payload, 'base64url').toString('base64');
    // Once these opened the default experiment without a word, or were called "cut short".
    for (const relayed of [
      `#s%3D${payload}`, // the key's = percent-encoded
      `#s=${encodeURIComponent(encodeURIComponent(standard))}`, // the value encoded twice
      `#s=${standard}`, // the standard alphabet with its padding ('+' read as a space)
      `#s=${payload}%3D%3D `, // padding percent-encoded, a space pasted after
    ])
      expect(specFromHash(relayed)).toEqual(spec);
    expect(standard).toMatch(/[+/=]/);
    // Nothing of ours in the hash is still no link.
    expect(specFromHash('#other%3D1')).toBeNull();
  });

  it('says what is wrong with a cut or empty link in words, not the JSON parser’s', () => {
    expect(messageOf('#s=')).toBe('link: s= holds no spec (was the link cut short?)');
    expect(messageOf('#s')).toBe('link: s= holds no spec (was the link cut short?)');
    expect(messageOf('#s=' + b64('{"size":[64,6'))).toBe(
      'link: the spec is not valid JSON (it ends early: was it cut short?)',
    );
    expect(messageOf('#s=' + b64('{"a":1}\u0000\u0007'))).toBe(
      'link: the spec is not valid JSON (it holds binary data, not text)',
    );
  });

  it('refuses a spec under another key, #spec= or ?s=, in words, where it opened the default', () => {
    const spec = parseSpec({ size: [48, 40], lr: 0.9 });
    const payload = specToHash(spec).slice(3);
    const refusal = (form: string) => `link: the lab reads a spec after #s=, not after ${form}`;
    expect(messageOf(`#spec=${payload}`)).toBe(refusal('#spec='));
    expect(messageOf(`#S=${payload}`)).toBe(refusal('#S='));
    expect(messageOf(`#view=1&Spec=${payload}`)).toBe(refusal('#Spec='));
    expect(messageOf(`#spec%3D${payload}`)).toBe(refusal('#spec='));
    const linkMessage = (search: string, hash: string) => {
      try {
        specFromLink(search, hash);
      } catch (e) {
        expect(e).toBeInstanceOf(SpecError);
        return (e as SpecError).issues.join('\n');
      }
      throw new Error(`no error for ${search}${hash}`);
    };
    expect(linkMessage(`?s=${payload}`, '')).toBe(refusal('?s='));
    expect(linkMessage(`?engine=cpu&spec=${payload}`, '')).toBe(refusal('?spec='));
    // The query's other settings are no spec; a spec in the hash is read whatever the query says.
    expect(specFromLink('?engine=cpu&display=readback', '')).toBeNull();
    expect(specFromLink(`?s=${payload}`, specToHash(spec))).toEqual(spec);
    expect(specFromLink('', specToHash(spec))).toEqual(spec);
    // Other keys are still no link: the hash may hold something else's state.
    expect(specFromHash('#specs=1&sx=2')).toBeNull();
  });

  it('refuses __proto__ in a link by name and lets it pollute nothing', () => {
    expect(() => specFromHash('#s=' + b64('{"__proto__":{"polluted":1},"lr":0.5}'))).toThrow(
      'invalid experiment spec:\n  unknown field "__proto__"',
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(specFromHash('#s=' + b64('{"lr":0.5}'))?.lr).toBe(0.5);
  });
});
