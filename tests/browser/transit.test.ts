/**
 * Transit billing in the browser host, by clicks alone, on a fresh plan: a service billed by the 95th
 * percentile added with the form, a small samples CSV imported through the dialog (one sample above the
 * port speed kept but excluded), the chart drawn with the excluded sample marked, and the bill's lines
 * and total checked by hand; then a month of 5-minute samples imported in chunks with progress.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MethodArgs, MethodName, MethodResult } from '../../shared/api/contract';
import { openApp, screenshot, type App, type Browser, showScreen, clearToasts as clearAllToasts } from '../support/browser';

let app: App;
let browser: Browser;
let page: Page;
let dir: string;

const engine = <M extends MethodName>(method: M, args: MethodArgs<M>): Promise<MethodResult<M>> => app.call(method, args);

const nav = (label: string) => showScreen(page, label);

const clearToasts = () => clearAllToasts(page);

/**
 * 20 five-minute samples in March 2024, in = 10, 20 … 200 Mbps and out half of it, then one of 5 Gbps
 * on a 1 Gbps port. Nearest rank over n = 20 counted samples: index ceil(0.95 × 20) − 1 = 18, the 19th
 * smallest: in 190 Mbps, out 95 Mbps; direction max bills 190. Commit 100: 90 Mbps overage at 2.00 is
 * 180.00; with the 500.00 port fee the cycle comes to 680.00.
 */
function smallCsv(): string {
  const rows = ['timestamp,in,out'];
  const t0 = Date.UTC(2024, 2, 1) / 1000;
  for (let i = 1; i <= 20; i++) rows.push(`${new Date((t0 + (i - 1) * 300) * 1000).toISOString().replace('.000', '')},${i * 10_000_000},${i * 5_000_000}`);
  rows.push(`${new Date((t0 + 20 * 300) * 1000).toISOString().replace('.000', '')},5000000000,1000`);
  return `${rows.join('\n')}\n`;
}

/** The last 30 days up to now in 5-minute steps (unix seconds, bits per second): a day's curve with some noise. */
function monthCsv(): { text: string; rows: number } {
  const end = Math.floor(Date.now() / 1000 / 300) * 300;
  const rows = ['timestamp,in,out'];
  for (let t = end - 30 * 86400 + 300; t <= end; t += 300) {
    const day = ((t % 86400) / 86400) * 2 * Math.PI;
    const noise = Math.abs(Math.sin(t * 12.9898) * 43758.5453) % 1;
    const mbpsIn = 190 + 120 * Math.sin(day - 1.8) + 20 * Math.sin(t / 9000) + 25 * noise;
    rows.push(`${t},${Math.round(mbpsIn * 1e6)},${Math.round(mbpsIn * 0.42 * 1e6 + 8e6 * noise)}`);
  }
  return { text: rows.join('\n'), rows: rows.length - 1 };
}

beforeAll(async () => {
  app = await openApp();
  ({ browser, page, dir } = app);
  await page.getByTestId('empty-state').waitFor();
}, 180_000);

afterAll(async () => {
  await app?.close();
});

describe('transit billing', () => {
  it('bills a service for transit: the form refuses what the schema refuses, then adds it', async () => {
    // The service it bills: a customer, a product that allocates nothing, the service.
    await nav('Services');
    await page.getByRole('tab', { name: /Customers/ }).click();
    await page.getByLabel('Customer ID').fill('cust-9100');
    await page.getByLabel('Customer name').fill('Kestrel Games');
    await page.getByRole('button', { name: 'Add customer' }).click();
    await page.getByRole('table', { name: 'Customers' }).getByRole('cell', { name: 'cust-9100' }).waitFor();
    await nav('Products');
    await page.getByRole('button', { name: 'Create the first product' }).click();
    await page.getByLabel('Product name').fill('IP-Transit');
    await page.getByRole('radio', { name: 'Disabled' }).click();
    await page.getByRole('button', { name: 'Add product' }).click();
    await page.getByRole('list', { name: 'Products' }).getByRole('button', { name: /IP-Transit/ }).waitFor();
    await nav('Services');
    await page.getByLabel('Service ID').fill('tr-fra-1');
    await page.getByLabel('Service customer').selectOption('cust-9100');
    await page.getByLabel('Service product').selectOption('IP-Transit');
    await page.getByRole('button', { name: 'Add service' }).click();
    await expect.poll(() => page.getByTestId('service-detail').locator('h2').textContent()).toBe('tr-fra-1');

    await nav('Transit');
    await page.getByTestId('transit-view').getByRole('button', { name: 'Add a transit service' }).click();
    const form = page.getByTestId('transit-form');
    await form.getByLabel('Service').selectOption('tr-fra-1');
    await form.locator('input[name="port"]').fill('fra-edge1 xe-0/0/1');
    await form.locator('input[name="port_speed"]').fill('1000');
    await form.locator('input[name="commit"]').fill('a hundred');
    await form.locator('input[name="fee"]').fill('500');
    await form.getByLabel('Band 1 rate').fill('2');
    await expect.poll(() => form.getByTestId('transit-problems').textContent()).toContain('commit: a number');
    await form.getByRole('button', { name: 'Add transit billing' }).click();
    expect(await form.isVisible()).toBe(true);
    await form.locator('input[name="commit"]').fill('100');
    await expect.poll(() => form.getByTestId('transit-problems').count()).toBe(0);
    await form.getByRole('button', { name: 'Add transit billing' }).click();
    await form.waitFor({ state: 'detached' });
    await page.getByTestId('transit-tr-fra-1').waitFor();
    expect((await engine('transit.get', { service: 'tr-fra-1' })).transit).toMatchObject({
      model: 'percentile',
      port: 'fra-edge1 xe-0/0/1',
      port_speed: 1000,
      commit: 100,
      fee: 500,
      tiers: [{ up_to: null, rate: 2 }],
      direction: null,
      effective_direction: 'max',
    });
    expect(browser.errors).toEqual([]);
  }, 90_000);

  it('imports a small CSV through the dialog, draws the chart and explains a bill with the right total', async () => {
    const file = join(dir, 'fra-edge1-2024-03.csv');
    writeFileSync(file, smallCsv());
    await page.getByTestId('transit-detail').getByRole('button', { name: 'Import samples…' }).click();
    const dialog = page.getByTestId('import-dialog');
    await dialog.locator('input[type="file"]').setInputFiles(file);
    await dialog.getByRole('button', { name: 'Import 21 rows' }).click();
    const summary = dialog.getByTestId('import-summary');
    await summary.waitFor();
    await expect.poll(() => summary.textContent()).toMatch(/21 rows.*21 new.*0 replaced.*1 bad \(kept, excluded\)/);
    await expect.poll(() => summary.textContent()).toContain('line 22 · 2024-03-01 01:40 UTC · above port speed');
    expect(await dialog.getByTestId('import-progress').getAttribute('data-stage')).toBe('done');
    await clearToasts();
    await screenshot(page, 'transit-01-import');
    await dialog.getByRole('button', { name: 'Done' }).click();
    await dialog.waitFor({ state: 'detached' });

    const detail = page.getByTestId('transit-detail');
    await expect.poll(() => detail.getByLabel('Cycle', { exact: true }).inputValue()).toBe('2024-03');
    const chart = detail.getByTestId('rate-chart');
    await expect.poll(() => chart.getAttribute('data-points')).toBe('21');
    expect(await chart.getAttribute('data-excluded')).toBe('1');
    const canvas = chart.locator('canvas');
    await canvas.waitFor();
    const box = await canvas.boundingBox();
    expect(box!.width).toBeGreaterThan(500);
    expect(box!.height).toBeGreaterThan(200);
    await expect.poll(() => chart.locator('.u-legend').textContent()).toMatch(/In.*Out.*95th percentile \(max\).*Commit.*Excluded/);

    const bill = detail.getByTestId('bill');
    await expect.poll(() => bill.getByTestId('bill-total').textContent()).toBe('680.00');
    const lines = await bill.getByTestId('bill-lines').locator('tbody tr').allInnerTexts();
    expect(lines).toEqual([expect.stringMatching(/port fee\s+1 cycle\s+500\.00\s+500\.00/), expect.stringMatching(/overage above 0 Mbps.*\s+90 Mbps\s+2\.00\s+180\.00/)]);
    const facts = bill.getByTestId('bill-facts');
    await expect.poll(() => facts.getByTestId('bill-samples').textContent()).toMatch(/^20 counted of 8,928 five-minute slots21 stored · 8,907 missing \(exclude\) · 1 bad, excluded$/);
    await expect.poll(() => facts.textContent()).toContain('18 (0-based, ascending)');
    await expect.poll(() => facts.textContent()).toContain('190 Mbps in at 2024-03-01 01:30 UTC');
    await expect.poll(() => facts.textContent()).toContain('in 190 Mbps · out 95 Mbps');
    await expect.poll(() => facts.textContent()).toContain('overage 90 Mbps');
    await expect.poll(() => bill.textContent()).toContain('2024-03-01 01:40 UTC · above port speed');
    await clearToasts();
    await screenshot(page, 'transit-02-bill');

    // Cacti counts from the top: index ceil(0.05 × 20) = 1 of the descending order, the same sample here.
    await detail.getByRole('radio', { name: 'cacti' }).click();
    await expect.poll(() => facts.textContent()).toContain('1 (0-based, descending)');
    await expect.poll(() => bill.getByTestId('bill-total').textContent()).toBe('680.00');
    // What if the port were billed on its outbound traffic: 95 Mbps, under the commit, the fee alone.
    await detail.getByLabel('Direction', { exact: true }).selectOption('out');
    await expect.poll(() => bill.getByTestId('bill-total').textContent()).toBe('500.00');
    const engineBill = await engine('transit.bill', { service: 'tr-fra-1', cycle: '2024-03', direction: 'out', rule: 'cacti' });
    expect(engineBill.total).toBe(500);
    await detail.getByLabel('Direction', { exact: true }).selectOption('');
    await detail.getByRole('radio', { name: 'default rule' }).click();
    await expect.poll(() => bill.getByTestId('bill-total').textContent()).toBe('680.00');
    expect(browser.errors).toEqual([]);
  }, 90_000);

  it('imports a month of 5-minute samples in chunks with progress, and estimates the current cycle', async () => {
    const month = monthCsv();
    const file = join(dir, 'fra-edge1-month.csv');
    writeFileSync(file, month.text);
    const detail = page.getByTestId('transit-detail');
    await detail.getByRole('button', { name: 'Import samples…' }).click();
    const dialog = page.getByTestId('import-dialog');
    await dialog.locator('input[type="file"]').setInputFiles(file);
    // One dry run over the whole file, then the rows in chunks: one call each, the progress bar moving between them.
    const calls: number[] = [];
    const count = (r: { url(): string; postData(): string | null }) => {
      if (r.url().endsWith('/api/transit.samples.import')) calls.push(JSON.parse(r.postData() ?? '{}').dry_run ? -1 : (JSON.parse(r.postData() ?? '{}').csv as string).split('\n').length - 1);
    };
    page.on('request', count);
    await dialog.getByRole('button', { name: `Import ${month.rows.toLocaleString('en')} rows` }).click();
    await dialog.getByTestId('import-summary').waitFor({ timeout: 60_000 });
    page.off('request', count);
    expect(calls[0]).toBe(-1);
    expect(calls.slice(1)).toEqual([2000, 2000, 2000, 2000, month.rows - 8000]);
    expect(await dialog.getByRole('progressbar').getAttribute('aria-valuenow')).toBe('100');
    await expect.poll(() => dialog.getByTestId('import-summary').textContent()).toContain(`${month.rows.toLocaleString('en')} rows${month.rows.toLocaleString('en')} new`);
    await dialog.getByRole('button', { name: 'Done' }).click();
    await dialog.waitFor({ state: 'detached' });

    // The newest cycle with samples is the running one: an estimate, as in the list.
    const list = await engine('transit.list', {});
    const current = list.services[0]!.estimate!.cycle;
    await expect.poll(() => detail.getByLabel('Cycle', { exact: true }).inputValue()).toBe(current);
    const chart = detail.getByTestId('rate-chart');
    const get = await engine('transit.chart', { service: 'tr-fra-1', cycle: current });
    await expect.poll(() => chart.getAttribute('data-points')).toBe(String(get.t.length));
    expect(get.t.length).toBeGreaterThan(0);
    const bill = await engine('transit.bill', { service: 'tr-fra-1', cycle: current });
    const money = (n: number) => n.toLocaleString('en', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    await expect.poll(() => detail.getByTestId('bill-total').textContent()).toBe(money(bill.total));
    expect(bill.complete).toBe(false);
    await expect.poll(() => detail.getByTestId('bill').textContent()).toContain('running, as of');
    await expect.poll(() => page.getByTestId('transit-tr-fra-1').getByTestId('estimate-total').textContent()).toBe(money(list.services[0]!.estimate!.total));
    // The previous month holds the rest of the 30 days, unless the month began exactly 30 days ago.
    await page.waitForTimeout(400);
    await clearToasts();
    await screenshot(page, 'transit-03-month');
    expect(browser.errors).toEqual([]);
  }, 120_000);
});
