/**
 * The address table on a plan with thousands of address records: the engine filters and pages, the
 * table mounts only the rows on screen and fetches later pages as it scrolls; the inspector lists a
 * large pool's first addresses only.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openApp, screenshot, showScreen, type App } from '../support/browser';

let app: App;
let page: Page;

const TOTAL = 3000;
const address = (i: number) => `10.20.${Math.floor(i / 250)}.${1 + (i % 250)}`;

beforeAll(async () => {
  app = await openApp();
  page = app.page;
  const lines = ['prefix,address,status,customer,dns name'];
  lines.push('10.20.0.0/20,,pool,,');
  for (let i = 0; i < TOTAL; i++) lines.push(`,${address(i)},active,cust-${i % 30},${i % 2 ? `host-${i}.example.net` : ''}`);
  const file = join(app.dir, 'addresses.csv');
  writeFileSync(file, `${lines.join('\n')}\n`);
  const r = await app.call('import.run', { file, space: 'global' });
  expect(r.created).toBe(TOTAL + 1);
  await page.reload();
  await showScreen(page, 'Table');
  await page.getByRole('radio', { name: 'Addresses & PTRs' }).click();
}, 180_000);

afterAll(async () => {
  await app?.close();
});

describe('the address table', () => {
  it('counts every record, mounts only the visible rows, and fetches later pages as it scrolls', async () => {
    const table = page.getByTestId('address-table');
    const count = table.getByTestId('address-count');
    await expect.poll(() => count.textContent()).toBe('3,000 addresses');
    expect(await table.locator('.tr.ip-row').count()).toBeLessThan(60);
    await expect.poll(() => table.locator('.tr.ip-row').first().textContent()).toContain(address(0));

    await table.locator('.tbody').evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await expect.poll(() => table.textContent(), { timeout: 10_000 }).toContain(address(TOTAL - 1));
    expect(await table.locator('.tr.ip-row').count()).toBeLessThan(60);
    await screenshot(page, 'address-table-01-scrolled');
  });

  it("opens a row's pool in the inspector, which lists the pool's first 256 addresses and says where the rest are", async () => {
    const table = page.getByTestId('address-table');
    await table.locator('.tr.ip-row').first().click();
    const more = page.getByTestId('ip-table-more');
    await expect.poll(() => more.textContent()).toContain('The first 256 of 3,000');
    expect(await page.getByTestId('ip-table').locator('tr').count()).toBe(256);
  });

  it('filters by text and PTR state in the engine', async () => {
    const table = page.getByTestId('address-table');
    const count = table.getByTestId('address-count');
    await table.getByLabel('Filter addresses').fill('host-2999.example');
    await expect.poll(() => count.textContent()).toBe('1 address');
    await expect.poll(() => table.locator('.tr.ip-row').first().textContent()).toContain(address(2999));

    await table.getByLabel('Filter addresses').fill('cust-7');
    await expect.poll(() => count.textContent()).toBe('100 addresses');

    await table.getByLabel('Filter addresses').fill('');
    await table.getByLabel('PTR filter').selectOption('unnamed');
    await expect.poll(() => count.textContent()).toBe('1,500 addresses');

    await table.getByLabel('Filter addresses').fill('no such address');
    await expect.poll(() => table.textContent()).toContain('No address matches.');
    expect(app.browser.errors).toEqual([]);
  });
});
