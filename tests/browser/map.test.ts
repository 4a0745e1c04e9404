/**
 * The map a planner reads and steers, in Chromium through the browser host. Each test builds its own
 * plan through the API and opens its own page, so any one of them runs alone.
 *
 * - Wheel zoom over a block keeps the pointer over that block, never moves the rows up or down, and
 *   ends with the block's full CIDR on screen, the levels below it opened down to the allocated blocks.
 * - Siblings are told apart: the 256 allocated /24s of a /16, zoomed until their labels show, never
 *   share a label, and every label is its block's CIDR or the end of it (never a cut one).
 * - A carved-only block (a /25 that exists only because /27s were carved from it) is found by typing
 *   its CIDR and pressing Enter, framed with its pieces, and merged from the inspector.
 * - A split shows its pieces at once, each labelled.
 * - The hover card (DOM text, not a native tooltip) names the block under the pointer.
 */
import type { Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { openApp, screenshot, type App } from '../support/browser';

let app: App | null = null;
afterEach(async () => {
  await app?.close();
  app = null;
});

/** A fresh app over a plan built by `build`, on the map, fitted. */
async function open(build: (call: App['call']) => Promise<void>): Promise<{ app: App; page: Page }> {
  app = await openApp();
  await build(app.call);
  await app.page.reload();
  await app.page.getByTestId('map').waitFor();
  await app.page.getByRole('button', { name: 'Fit' }).click();
  return { app, page: app.page };
}

const node = (page: Page, cidr: string) => page.locator(`.react-flow__node [data-cidr="${cidr}"]`).first();

/** The labels of the map's mounted subnet nodes that show one, by CIDR. */
async function labels(page: Page): Promise<Map<string, string>> {
  const pairs = await page.locator('.react-flow__node [data-cidr]').evaluateAll((els) =>
    els.map((el) => [el.getAttribute('data-cidr')!, el.querySelector('.cidr')?.textContent ?? ''] as [string, string]),
  );
  return new Map(pairs.filter(([, l]) => l !== ''));
}

/** The CIDR of the map node under a point of the page, if any. */
function cidrAt(page: Page, x: number, y: number): Promise<string | null> {
  return page.evaluate(([px, py]) => document.elementFromPoint(px!, py!)?.closest('[data-cidr]')?.getAttribute('data-cidr') ?? null, [x, y]);
}

describe('the map', () => {
  it('zooms around the pointer with the wheel: the block stays under it, the rows stay put, its full CIDR shows', async () => {
    const { page } = await open(async (call) => {
      await call('customer.add', { id: 'cust-1' });
      await call('subnet.add', { cidr: '10.0.0.0/8' });
      for (const b of [5, 37, 90, 141, 200]) await call('allocate.subnet', { cidr: `10.${b}.0.0/16`, customer: 'cust-1' });
    });
    const root = await node(page, '10.0.0.0/8').boundingBox();
    // At fit the /8 shows eight wide blocks (/11s, carved-only rows folded); 10.37.0.0/16 lies in 10.32.0.0/11.
    const target = node(page, '10.32.0.0/11');
    await target.waitFor();
    const box = (await target.boundingBox())!;
    const px = box.x + box.width / 2;
    const py = box.y + box.height / 2;
    expect(await cidrAt(page, px, py)).toBe('10.32.0.0/11');
    await page.mouse.move(px, py);
    for (let i = 0; i < 12; i++) {
      await page.mouse.wheel(0, -120);
      await page.waitForTimeout(40);
    }
    await expect.poll(async () => (await target.boundingBox())?.width ?? 0).toBeGreaterThan(box.width * 20);
    // Still under the pointer, on the same row.
    expect(await cidrAt(page, px, py)).toBe('10.32.0.0/11');
    expect(Math.abs((await target.boundingBox())!.y - box.y)).toBeLessThan(1);
    expect(Math.abs((await node(page, '10.0.0.0/8').boundingBox())!.y - root!.y)).toBeLessThan(1);
    // Wide now: its whole CIDR on screen, and the hover card names it.
    await expect.poll(() => target.locator('.cidr').textContent()).toBe('10.32.0.0/11');
    // The levels below open as it widens, down to the allocated /16 with its whole CIDR.
    await expect.poll(() => node(page, '10.37.0.0/16').locator('.cidr').textContent()).toBe('10.37.0.0/16');
    const inner = (await node(page, '10.37.0.0/16').boundingBox())!;
    await page.mouse.move(inner.x + inner.width / 2, inner.y + inner.height / 2);
    const card = page.getByTestId('hover-card');
    await expect.poll(() => card.textContent()).toContain('10.37.0.0/16');
    expect(await card.textContent()).toContain('cust-1');
    await page.mouse.move(px, py);
    await screenshot(page, 'map-wheel-zoom');
    // And back out, the same way: the block still under the pointer.
    for (let i = 0; i < 12; i++) {
      await page.mouse.wheel(0, 120);
      await page.waitForTimeout(40);
    }
    await expect.poll(async () => (await target.boundingBox())?.width ?? 0).toBeLessThan(box.width * 2);
    expect(await cidrAt(page, px, py)).toBe('10.32.0.0/11');
  });

  it('tells the 256 allocated /24s of a /16 apart: no two share a label, and no label is cut', async () => {
    const { page } = await open(async (call) => {
      await call('customer.add', { id: 'cust-1' });
      await call('subnet.add', { cidr: '10.20.0.0/16' });
      for (let i = 0; i < 256; i++) await call('allocate.subnet', { cidr: `10.20.${i}.0/24`, customer: 'cust-1' });
    });
    const mapBox = (await page.getByTestId('map').boundingBox())!;
    await page.mouse.move(mapBox.x + mapBox.width * 0.25, mapBox.y + 200);
    const seen = new Map<string, string>();
    for (let step = 0; step < 40 && seen.size < 8; step++) {
      await page.mouse.wheel(0, -240);
      await page.waitForTimeout(60);
      for (const [cidr, label] of await labels(page)) if (cidr.endsWith('/24')) seen.set(cidr, label);
    }
    expect(seen.size).toBeGreaterThanOrEqual(8);
    await screenshot(page, 'map-distinct-labels');
    const byLabel = new Map<string, string[]>();
    for (const [cidr, label] of seen) {
      // The whole CIDR, or its end with the prefix length: ".20.7.0/24" or ".7.0/24".
      expect(label === cidr || (label.startsWith('.') && cidr.endsWith(label)), `${cidr} is labelled ${label}`).toBe(true);
      byLabel.set(label, [...(byLabel.get(label) ?? []), cidr]);
    }
    expect([...byLabel.values()].filter((c) => c.length > 1)).toEqual([]);
  });

  it('finds a carved-only /25 by its CIDR and Enter, frames its pieces, and merges it from the inspector', async () => {
    const { page } = await open(async (call) => {
      await call('subnet.add', { cidr: '203.0.113.0/24' });
      await call('subnet.split', { cidr: '203.0.113.0/24', to: 25 });
      await call('subnet.split', { cidr: '203.0.113.128/25', to: 27 });
    });
    // Carved into /27s, the /25 itself is no block of the map: only its pieces are.
    expect(await page.locator('.react-flow__node [data-cidr="203.0.113.128/25"]').count()).toBe(0);
    const search = page.getByRole('searchbox', { name: /^Search/ });
    expect(await search.getAttribute('placeholder')).toMatch(/^Search/);
    await search.fill('203.0.113.128/25');
    await search.press('Enter');
    await expect.poll(() => page.getByTestId('inspector-cidr').textContent()).toBe('203.0.113.128/25');
    for (const piece of ['203.0.113.128/27', '203.0.113.160/27', '203.0.113.192/27', '203.0.113.224/27']) {
      const box = await node(page, piece).boundingBox();
      expect(box, `${piece} framed on the map`).not.toBeNull();
    }
    const merge = page.getByRole('button', { name: /^Merge/ });
    expect(await merge.isEnabled()).toBe(true);
    await screenshot(page, 'map-carved-found');
    await merge.click();
    await expect.poll(() => page.getByTestId('inspector-status').textContent()).toBe('free');
    await node(page, '203.0.113.128/25').waitFor();
    expect(await page.locator('.react-flow__node [data-cidr="203.0.113.160/27"]').count()).toBe(0);
  });

  it('shows the pieces of a split at once, each with its label', async () => {
    const { page } = await open(async (call) => {
      await call('subnet.add', { cidr: '198.51.100.0/24' });
      await call('subnet.add', { cidr: '192.0.2.0/24' });
    });
    await node(page, '198.51.100.0/24').click();
    await page.getByTestId('actions').getByRole('button', { name: 'Split…' }).click();
    const dialog = page.getByTestId('split-dialog');
    await dialog.getByLabel('Split into').selectOption('27');
    await dialog.getByRole('button', { name: 'Split' }).click();
    const pieces = Array.from({ length: 8 }, (_, i) => `198.51.100.${i * 32}/27`);
    await expect.poll(async () => {
      const shown = await labels(page);
      return pieces.filter((p) => shown.has(p)).length;
    }).toBe(8);
    const shown = await labels(page);
    const texts = pieces.map((p) => shown.get(p)!);
    expect(new Set(texts).size).toBe(8);
    for (const [i, t] of texts.entries()) expect(pieces[i]!.endsWith(t)).toBe(true);
    await screenshot(page, 'map-split-pieces');
  });

  it("shows a /24 IP pool's addresses as a grid, and assigns the address of the free cell clicked", async () => {
    const { page } = await open(async (call) => {
      await call('customer.add', { id: 'cust-1' });
      await call('subnet.add', { cidr: '192.0.2.0/24', ip_pool: true });
      await call('allocate.ip', { family: 4, address: '192.0.2.10', customer: 'cust-1' });
      await call('allocate.ip', { family: 4, address: '192.0.2.11', customer: 'cust-1' });
    });
    await node(page, '192.0.2.0/24').click();
    const grid = page.getByTestId('address-grid');
    await grid.waitFor();
    expect(await grid.getByRole('gridcell').count()).toBe(256);
    const cell = (a: string) => grid.locator(`[data-address="${a}"]`);
    // The network and broadcast addresses are never handed out; the two in use say whose they are.
    expect(await cell('192.0.2.0').isDisabled()).toBe(true);
    expect(await cell('192.0.2.255').isDisabled()).toBe(true);
    expect(await cell('192.0.2.10').getAttribute('aria-label')).toBe('192.0.2.10: in use (cust-1)');
    expect(await cell('192.0.2.10').isDisabled()).toBe(true);
    await screenshot(page, 'map-address-grid');
    await cell('192.0.2.20').click();
    const dialog = page.getByTestId('allocate-chosen-dialog');
    expect(await dialog.getByLabel('Address').inputValue()).toBe('192.0.2.20');
    await dialog.getByLabel('Customer').fill('cust-1');
    await dialog.getByRole('button', { name: 'Allocate' }).click();
    await expect.poll(() => cell('192.0.2.20').getAttribute('aria-label')).toBe('192.0.2.20: in use (cust-1)');
    expect((await app!.call('ip.list', { cidr: '192.0.2.0/24' })).ips.map((i) => i.address)).toEqual(['192.0.2.10', '192.0.2.11', '192.0.2.20']);
  });

  it('keeps the view where it is after an action whose result is in view, and highlights the result', async () => {
    const { page } = await open(async (call) => {
      await call('subnet.add', { cidr: '203.0.113.0/24' });
      await call('subnet.add', { cidr: '198.51.100.0/24' });
    });
    const before = (await node(page, '203.0.113.0/24').boundingBox())!;
    const other = (await node(page, '198.51.100.0/24').boundingBox())!;
    await node(page, '203.0.113.0/24').click();
    await page.getByTestId('actions').getByRole('button', { name: 'Allocate next…' }).click();
    const dialog = page.getByTestId('allocate-dialog');
    await dialog.getByLabel('Prefix length').selectOption('26');
    const submit = dialog.getByRole('button', { name: 'Allocate 203.0.113.0/26' });
    await submit.waitFor();
    await submit.click();
    const result = page.locator('.react-flow__node [data-cidr="203.0.113.0/26"]').first();
    await expect.poll(() => result.getAttribute('class')).toMatch(/\bhl\b/);
    expect(await result.getAttribute('class')).toMatch(/\bsel\b/);
    await expect.poll(() => page.getByTestId('inspector-cidr').textContent()).toBe('203.0.113.0/26');
    // Nothing moved (to the pixel): the camera stayed where the planner left it.
    for (const [cidr, was] of [['203.0.113.0/24', before], ['198.51.100.0/24', other]] as const) {
      const now = (await node(page, cidr).boundingBox())!;
      for (const k of ['x', 'y', 'width', 'height'] as const) expect(Math.abs(now[k] - was[k]), `${cidr} ${k}`).toBeLessThan(1);
    }
  });
});
