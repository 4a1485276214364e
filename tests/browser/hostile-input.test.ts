/**
 * Crafted input reaching the lab in the browser: a link to hours of work, files dropped on the page
 * that are not what their names say, links re-encoded on their way, and a parameter that takes the
 * name of a constant. Each gets one message in the lab's words; the page keeps answering, and the
 * spec and picture on screen stay until the user says otherwise.
 */
import type { Page } from 'puppeteer';
import { encode } from 'fast-png';
import { describe, expect, it } from 'vitest';
import { defaultSpec } from '../../src/experiment/spec.ts';
import { hashFor, labState, screenshot, sharedBrowser, waitForMap, watchErrors } from './harness.ts';

const shared = sharedBrowser();

/** The longest the page took to answer during `ms`: it must never be busy for long. */
async function slowestAnswer(page: Page, ms: number): Promise<number> {
  let worst = 0;
  for (const end = Date.now() + ms; Date.now() < end;) {
    const t = Date.now();
    await page.evaluate(() => 1);
    worst = Math.max(worst, Date.now() - t);
    await new Promise((r) => setTimeout(r, 100));
  }
  return worst;
}

/** What the lab shows of a question, a run and its errors. */
function lab(page: Page) {
  return page.evaluate(() => {
    const l = document.querySelector('gd-lab')!;
    return {
      pending: l.pending?.seconds ?? null,
      confirm: l.shadowRoot!.getElementById('confirm-text')?.textContent ?? null,
      running: l.progress !== null,
      size: l.spec.size,
    };
  });
}

const click = (page: Page, id: string) =>
  page.evaluate(
    (id) => (document.querySelector('gd-lab')!.shadowRoot!.getElementById(id) as HTMLElement).click(),
    id,
  );

describe('a link to a run within the limits that takes hours', () => {
  it('asks first, over the default picture; kept, nothing runs; agreed to, it runs and Escape stops it', async () => {
    const page = await shared.browser.newPage();
    const errors = watchErrors(page);
    // 4096² starts × 20 000 steps with the exponent: exactly the lab's work limit, hours on the CPU engine.
    const link = hashFor({
      objective: { expr: 'sin(x*y)^2 + exp(-x^2)*cos(3*y) + (1-x*y)^2/2', preset: null },
      size: [4096, 4096],
      iterations: 20_000,
      transient: 10_000,
      classify: { lyapunov: true },
    });
    await page.goto(`${shared.url}?engine=cpu${link}`);
    await waitForMap(page);
    const asked = await lab(page);
    expect(asked.pending).toBeGreaterThan(3600);
    expect(asked.confirm).toMatch(
      /^This basin map needs 336 G steps: about \d+ h( \d+ min)? as estimated for this engine \(no run measured here yet\)\.$/,
    );
    expect(asked.running).toBe(false);
    const before = await labState(page);
    // The picture under the question is the default experiment's; the address keeps the link.
    expect(before.spec).toEqual(defaultSpec());
    expect(before.counts).not.toBeNull();
    expect(before.hash).toBe(link);
    expect(await slowestAnswer(page, 2000)).toBeLessThan(1000);
    await screenshot(page, 'hostile-1-asked');

    await click(page, 'confirm-skip');
    await new Promise((r) => setTimeout(r, 500));
    expect(await lab(page)).toMatchObject({ pending: null, running: false });
    expect((await labState(page)).counts).toEqual(before.counts);

    // Asked again on reload, and agreed to: the link's run starts, the page answers, Escape stops it.
    await page.reload();
    await page.waitForFunction(() => document.querySelector('gd-lab')!.pending !== null, { timeout: 60_000 });
    await click(page, 'confirm-run');
    await page.waitForFunction(() => document.querySelector('gd-lab')!.progress !== null);
    expect((await lab(page)).size).toEqual([4096, 4096]);
    expect(await slowestAnswer(page, 2000)).toBeLessThan(1000);
    await page.keyboard.press('Escape');
    expect((await lab(page)).running).toBe(false);
    expect(errors).toEqual([]);
    await page.close();
  });
});

/** Drops a file of `bytes` named `name` on the lab, as a file manager's drag does. */
async function drop(page: Page, name: string, bytes: Uint8Array): Promise<void> {
  await page.evaluate(
    (name, b64) => {
      const bin = Uint8Array.from(atob(b64), (c) => c.charCodeAt(0));
      const dt = new DataTransfer();
      dt.items.add(new File([bin], name, { type: 'image/png' }));
      const l = document.querySelector('gd-lab')!;
      l.setError('open', null);
      l.dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    },
    name,
    Buffer.from(bytes).toString('base64'),
  );
  await page.waitForFunction(() => !!document.querySelector('gd-lab')!.errors.open, { timeout: 10_000 });
}

describe('files dropped on the lab', () => {
  it('say what they are not, in words without a byte of theirs; the spec and the picture stay', async () => {
    const page = await shared.browser.newPage();
    const errors = watchErrors(page);
    await page.goto(shared.gpuUrl + hashFor({ size: [64, 64], iterations: 200, transient: 100 }));
    await waitForMap(page);
    const before = await labState(page);
    // The picture is the frame on screen (a message above it moves it, so pixels at a place would not do).
    await page.evaluate(
      () => ((window as unknown as { shown: unknown }).shown = document.querySelector('gd-lab')!.frame),
    );
    // A JPEG's first bytes under a PNG's name, an empty file, and a gdlab PNG whose spec chunk holds
    // binary bytes (its CRC correct: damaged before it was written, not after).
    const jpeg = Uint8Array.from([0xff, 0xd8, 0xff, 0xe0, 0, 16, 74, 70, 73, 70, 0, 1, 1, 0, 0, 1, 0, 1]);
    const junk = String.fromCharCode(...Array.from({ length: 60 }, (_, i) => (i * 37 + 1) % 256 || 1));
    const chunk = encode({ width: 2, height: 2, data: new Uint8Array(16), text: { 'gdlab-spec': junk } });
    const said: Record<string, string> = {};
    for (const [name, bytes] of [
      ['photo.png', jpeg],
      ['empty.png', new Uint8Array(0)],
      ['damaged.png', chunk],
    ] as const) {
      await drop(page, name, bytes);
      said[name] = (await labState(page)).errors.open!;
    }
    expect(said).toEqual({
      'photo.png':
        'photo.png: invalid experiment spec:\n  file: neither a PNG (it lacks the PNG signature) nor spec JSON (it is binary)',
      'empty.png':
        'empty.png: invalid experiment spec:\n  file: empty (0 bytes): neither a gdlab PNG nor spec JSON',
      'damaged.png':
        'damaged.png: invalid experiment spec:\n  spec: not valid JSON (it holds binary data, not text)',
    });
    const after = await labState(page);
    expect(after.spec).toEqual(before.spec);
    expect(after.counts).toEqual(before.counts);
    const same = await page.evaluate(
      () => document.querySelector('gd-lab')!.frame === (window as unknown as { shown: unknown }).shown,
    );
    expect(same).toBe(true);
    await screenshot(page, 'hostile-2-dropped');
    expect(errors).toEqual([]);
    await page.close();
  });
});

describe('links as they arrive', () => {
  it('a link whose = a mail program percent-encoded opens its experiment, not the default', async () => {
    const page = await shared.browser.newPage();
    const errors = watchErrors(page);
    const link = hashFor({ size: [48, 40], iterations: 120, transient: 60, lr: 0.9 });
    await page.goto(shared.gpuUrl + link.replace('#s=', '#s%3D'));
    await waitForMap(page);
    const s = await labState(page);
    expect(s.errors).toEqual({});
    expect([s.spec.size, s.spec.iterations, s.spec.lr]).toEqual([[48, 40], 120, 0.9]);
    expect(errors).toEqual([]);
    await page.close();
  });

  it('a spec under #spec= or ?s= is refused in words; the lab keeps the experiment it shows', async () => {
    const page = await shared.browser.newPage();
    const errors = watchErrors(page);
    const patch = { size: [48, 40], iterations: 120, transient: 60, lr: 0.9 };
    const payload = hashFor(patch).slice(3);
    const refusal = (form: string) =>
      `This link's experiment could not be opened: invalid experiment spec:\n  link: the lab reads a spec after #s=, not after ${form}`;
    // Both opened the default experiment without a word, as if the link held nothing.
    await page.goto(`${shared.gpuUrl}&s=${payload}`);
    await waitForMap(page);
    const query = await labState(page);
    expect(query.errors.link).toBe(refusal('?s='));
    expect(query.spec).toEqual(defaultSpec());
    expect(query.counts).not.toBeNull();
    await page.goto(`${shared.gpuUrl}#spec=${payload}`);
    await waitForMap(page);
    const hash = await labState(page);
    expect(hash.errors.link).toBe(refusal('#spec='));
    expect(hash.spec).toEqual(defaultSpec());
    await page.close();
    // Pasted over an experiment on screen: the message, and the experiment stays.
    const other = await shared.browser.newPage();
    const otherErrors = watchErrors(other);
    await other.goto(`${shared.gpuUrl}${hashFor(patch)}`);
    await waitForMap(other);
    expect((await labState(other)).errors).toEqual({});
    await other.evaluate((p) => (location.hash = `#spec=${p}`), payload);
    await other.waitForFunction(() => !!document.querySelector('gd-lab')!.errors.link);
    const pasted = await labState(other);
    expect(pasted.errors.link).toBe(refusal('#spec='));
    expect([pasted.spec.size, pasted.spec.iterations, pasted.spec.lr]).toEqual([[48, 40], 120, 0.9]);
    expect([...errors, ...otherErrors]).toEqual([]);
    await other.close();
  });

  it('a parameter named e is refused: its slider would say 0 while f used e = 2.718…', async () => {
    const page = await shared.browser.newPage();
    const errors = watchErrors(page);
    const objective = { expr: '(1 - x*y)^2/2 + e*x^2', preset: null, params: { e: 0 } };
    await page.goto(shared.gpuUrl + hashFor({ objective, size: [32, 32] }));
    await waitForMap(page);
    const s = await labState(page);
    expect(s.errors.link).toBe(
      "This link's experiment could not be opened: invalid experiment spec:\n  objective.params: 'e' is the constant e = 2.71828…; a parameter needs another name",
    );
    expect(s.spec).toEqual(defaultSpec());
    expect(errors).toEqual([]);
    await page.close();
  });
});
