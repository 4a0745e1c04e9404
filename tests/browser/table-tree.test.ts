/**
 * The Table screen's prefix list in Chromium: rows indented by depth, a utilization bar per row, the free space
 * inline as "available" rows, collapse and expand by mouse and keyboard, a row selected into the inspector, an
 * available block allocated from its row, and a plan of 20,000 rows scrolled with only the visible rows mounted.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clearToasts, openApp, screenshot, showScreen, type App } from '../support/browser';

let app: App;
let page: Page;

const list = () => page.getByTestId('prefix-list');
const row = (cidr: string, kind: 'subnet' | 'available' = 'subnet'): Locator => list().locator(`.tr[data-cidr="${cidr}"][data-kind="${kind}"]`);
const count = async () => Number((await page.getByTestId('prefix-count').textContent())!.replace(/\D/g, ''));
/** How many rows the engine lists with these subnets collapsed. */
const listed = async (collapsed: string[] = []) => (await app.call('tree.rows', { collapsed, limit: 1 })).total;

beforeAll(async () => {
  app = await openApp();
  page = app.page;
  // A /16 with allocations, a described /20 holding one, a parked block and an IPv6 /48: built through the API.
  await app.call('customer.add', { id: 'cust-7421' });
  await app.call('customer.add', { id: 'cust-8800' });
  await app.call('location.add', { code: 'EU-FRA' });
  await app.call('vlan.add', { vid: 102, location: 'EU-FRA' });
  await app.call('subnet.add', { cidr: '10.37.0.0/16', location: 'EU-FRA', description: 'Frankfurt core' });
  await app.call('allocate.subnet', { cidr: '10.37.0.0/24', customer: 'cust-7421', vlan: 102, description: 'web farm' });
  await app.call('allocate.subnet', { cidr: '10.37.5.0/24', customer: 'cust-8800' });
  await app.call('allocate.subnet', { cidr: '10.37.64.0/26', customer: 'cust-7421' });
  await app.call('subnet.add', { cidr: '10.37.128.0/20', description: 'lab' });
  await app.call('allocate.subnet', { cidr: '10.37.130.0/24', customer: 'cust-8800', description: 'test rigs' });
  // Adding the /20 carved 10.37.128.0/17 down to it: 10.37.192.0/18 is a row already.
  await app.call('subnet.park', { cidr: '10.37.192.0/18' });
  await app.call('subnet.add', { cidr: '2001:db8::/48', description: 'IPv6 edge' });
  await app.call('allocate.subnet', { cidr: '2001:db8:0:1::/64', customer: 'cust-7421' });
  await page.reload();
  await showScreen(page, 'Table');
  await row('10.37.0.0/16').waitFor();
}, 180_000);

afterAll(async () => {
  await app?.close();
});

describe('the prefix list', () => {
  it('indents rows by depth, shows a utilization bar per row and the free space as available rows', async () => {
    // 7 IPv4 subnets and 21 available blocks; the /48, its /64 and 16 available blocks.
    expect(await listed()).toBe(46);
    await expect.poll(count).toBe(46);
    expect(await row('10.37.0.0/16').getAttribute('data-depth')).toBe('0');
    expect(await row('10.37.0.0/24').getAttribute('data-depth')).toBe('1');
    expect(await row('10.37.130.0/24').getAttribute('data-depth')).toBe('2');
    expect(await row('2001:db8::/48').getAttribute('data-depth')).toBe('0');
    // Deeper rows sit further right.
    const x = async (cidr: string) => (await row(cidr).locator('.cidr-btn').boundingBox())!.x;
    expect(await x('10.37.0.0/24')).toBeGreaterThan((await x('10.37.0.0/16')) + 10);
    expect(await x('10.37.130.0/24')).toBeGreaterThan((await x('10.37.128.0/20')) + 10);
    // The carving's intermediate rows (the /17s, /18s...) are not listed.
    expect(await list().locator('.tr[data-cidr="10.37.0.0/17"]').count()).toBe(0);

    const meter = (cidr: string) => row(cidr).getByRole('meter');
    expect(await meter('10.37.0.0/24').getAttribute('aria-valuenow')).toBe('100');
    expect(await row('10.37.0.0/24').locator('.pct').textContent()).toBe('100%');
    expect(await row('10.37.128.0/20').locator('.pct').textContent()).toBe('6%');
    expect(await row('10.37.0.0/16').locator('.pct').textContent()).toBe('1%');
    expect(await row('2001:db8::/48').locator('.pct').textContent()).toBe('<1%');
    expect(await row('10.37.0.0/24').textContent()).toContain('cust-7421');
    expect(await row('10.37.0.0/24').textContent()).toContain('web farm');

    const free = row('10.37.1.0/24', 'available');
    expect(await free.textContent()).toMatch(/^10\.37\.1\.0\/24available256 free/);
    expect(await free.getAttribute('data-depth')).toBe('1');
    expect(await row('10.37.96.0/19', 'available').textContent()).toContain('8,192 free');
    // Parked space is parked, not available; the word is "parked".
    expect(await row('10.37.192.0/18').locator('.state').textContent()).toBe('parked');
    const parked = row('10.37.192.0/18');
    await parked.scrollIntoViewIfNeeded();
    const next = Number(await parked.getAttribute('data-index')) + 1;
    expect(await list().locator(`.tr[data-index="${next}"]`).getAttribute('data-cidr')).toBe('2001:db8::/48');
    expect(await list().textContent()).not.toContain('reserved');
    await list().locator('.tbody').evaluate((el) => el.scrollTo(0, 0));
    await clearToasts(page);
    await page.screenshot({ path: '/tmp/fluxplan-prefix-list.png' });
    await screenshot(page, 'table-tree-01-prefix-list');
  });

  it('collapses and expands a row with its disclosure button, by mouse and by keyboard', async () => {
    const before = await count();
    await list().getByRole('button', { name: 'Collapse 10.37.128.0/20' }).click();
    await expect.poll(count).toBe(await listed(['10.37.128.0/20']));
    expect(before - (await count())).toBe(5);
    expect(await row('10.37.130.0/24').count()).toBe(0);
    expect(await row('10.37.128.0/20').getAttribute('aria-expanded')).toBe('false');
    const expand = list().getByRole('button', { name: 'Expand 10.37.128.0/20' });
    await expand.focus();
    await page.keyboard.press('Enter');
    await expect.poll(count).toBe(before);
    await row('10.37.130.0/24').waitFor();

    // On a row's prefix: Left folds it, Right unfolds it, Down moves to the next row.
    await row('10.37.0.0/16').locator('.cidr-btn').focus();
    await page.keyboard.press('ArrowLeft');
    await expect.poll(count).toBe(await listed(['10.37.0.0/16']));
    expect(await row('10.37.0.0/24').count()).toBe(0);
    await page.keyboard.press('ArrowRight');
    await expect.poll(count).toBe(before);
    await row('10.37.0.0/16').locator('.cidr-btn').focus();
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('10.37.0.0/24');
  });

  it('selects a row into the inspector, and allocates an available block from its row', async () => {
    await row('10.37.5.0/24').click();
    await expect.poll(() => page.getByTestId('inspector-cidr').textContent()).toBe('10.37.5.0/24');
    expect(await row('10.37.5.0/24').getAttribute('aria-selected')).toBe('true');

    await row('10.37.1.0/24', 'available').getByRole('button', { name: 'Allocate 10.37.1.0/24…' }).click();
    const dialog = page.getByTestId('allocate-chosen-dialog');
    await dialog.locator('input[name="customer"]').fill('cust-8800');
    await dialog.getByRole('button', { name: 'Allocate', exact: true }).click();
    await dialog.waitFor({ state: 'detached' });
    await row('10.37.1.0/24').waitFor();
    expect(await row('10.37.1.0/24').locator('.state').textContent()).toBe('allocated');
    expect(await row('10.37.1.0/24', 'available').count()).toBe(0);
    await row('10.37.130.0/24').click();
    await row('10.37.131.0/24', 'available').hover();
    await clearToasts(page);
    await screenshot(page, 'table-tree-03-selected');
    expect(app.browser.errors).toEqual([]);
  });

  it('scrolls a plan of 20,000 rows with only the visible rows mounted, fetching pages as they come into view', async () => {
    await app.call('subnet.add', { cidr: '10.100.0.0/14', description: 'customer /29s' });
    const block = (i: number) => `10.${100 + Math.floor(i / 8192)}.${Math.floor((i % 8192) / 32)}.${(i % 32) * 8}/29`;
    const lines = ['prefix,status,customer'];
    for (let i = 0; i < 20_000; i++) lines.push(`${block(i)},active,cust-${i % 40}`);
    const file = join(app.dir, 'many.csv');
    writeFileSync(file, `${lines.join('\n')}\n`);
    const r = await app.call('import.run', { file, space: 'global' });
    expect(r.failed).toBe(0);
    await page.reload();
    await showScreen(page, 'Table');
    await page.getByRole('combobox', { name: 'Family filter' }).selectOption('4');
    await expect.poll(count, { timeout: 20_000 }).toBeGreaterThan(20_000);
    const mounted = () => list().locator('.tr').count();
    expect(await mounted()).toBeLessThan(80);
    await list().locator('.tbody').evaluate((el) => el.scrollTo(0, el.scrollHeight));
    // The last of them, with the free space after it.
    await row(block(19_999)).waitFor({ timeout: 20_000 });
    expect(await row(block(19_999)).getAttribute('data-depth')).toBe('1');
    expect(await mounted()).toBeLessThan(80);
    await list().locator('.tbody').evaluate((el) => el.scrollTo(0, el.scrollHeight / 2));
    await expect.poll(() => list().locator('.tr.loading').count(), { timeout: 20_000 }).toBe(0);
    expect(await mounted()).toBeLessThan(80);
    await clearToasts(page);
    await screenshot(page, 'table-tree-02-scrolled');
    expect(app.browser.errors).toEqual([]);
  }, 180_000);
});
