/**
 * The spreadsheet import wizard and Export in the browser host, by clicks alone, on a fresh plan: a CSV
 * with one bad row (host bits set) read from a path on the host, its detected mapping shown and one
 * unknown column fixed by hand, the dry run's preview with the bad row listed in the error table, the
 * valid rows committed (--valid-rows) and seen on the map; a large file whose import is cancelled while
 * it runs, leaving the plan untouched; and Export writing a CSV that holds the imported subnets.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fileChannels, FILES_CHANNEL_PREFIX, type FileDialogLike } from '../../electron/main/files';
import { secureShellHandler, type InvokeEventLike } from '../../electron/main/ipc';
import { APP_ORIGIN } from '../../electron/main/security';
import type { MethodArgs, MethodName, MethodResult } from '../../shared/api/contract';
import { openApp, screenshot, type App, type Browser } from '../support/browser';

let app: App;
let browser: Browser;
let page: Page;
let dir: string;

const engine = <M extends MethodName>(method: M, args: MethodArgs<M>): Promise<MethodResult<M>> => app.call(method, args);

const roots = async () => Object.fromEntries((await engine('tree.children', { space: 'global', family: 4, limit: 100 })).nodes.map((n) => [n.cidr, n]));

beforeAll(async () => {
  app = await openApp();
  ({ browser, page, dir } = app);
  // "Owner" is no known header: the wizard shows it unmapped and the planner maps it to customer.
  writeFileSync(
    join(dir, 'plan.csv'),
    ['Network,Notes,Owner,Status', '10.50.0.0/24,Core LAN,acme,active', '10.50.1.0/24,Edge,acme,active', '10.50.2.7/24,Broken row,acme,active', '10.60.0.0/22,Lab,,container', ''].join('\n'),
  );
  await page.getByTestId('empty-state').waitFor();
}, 180_000);

afterAll(async () => {
  await app?.close();
});

describe('import wizard', () => {
  it('reads a CSV, shows and fixes the mapping, previews the bad row, commits the valid rows and shows them on the map', async () => {
    await page.getByTestId('empty-state').getByRole('button', { name: 'Import a spreadsheet' }).click();
    const wizard = page.getByTestId('import-wizard');
    await wizard.getByLabel('Path of the file on the host').fill(join(dir, 'plan.csv'));
    await wizard.getByRole('button', { name: 'Read the file' }).click();

    const mapping = wizard.getByTestId('import-mapping');
    await mapping.waitFor();
    expect(await mapping.getByLabel('Field of column Network').inputValue()).toBe('prefix');
    expect(await mapping.getByLabel('Field of column Notes').inputValue()).toBe('description');
    expect(await mapping.getByLabel('Field of column Status').inputValue()).toBe('status');
    const owner = mapping.getByLabel('Field of column Owner');
    expect(await owner.inputValue()).toBe('');
    await expect.poll(() => mapping.textContent()).toContain('10.50.0.0/24');
    await owner.selectOption('customer');
    await expect.poll(() => mapping.locator('tr', { hasText: 'Owner' }).textContent()).toContain('set by you');

    await wizard.getByRole('button', { name: 'Preview import' }).click();
    const preview = wizard.getByTestId('import-preview');
    await preview.waitFor();
    const counts = preview.getByTestId('import-counts');
    await expect.poll(() => counts.locator('div', { hasText: 'create' }).locator('dd').textContent()).toBe('3');
    await expect.poll(() => counts.locator('div', { hasText: 'fail' }).locator('dd').textContent()).toBe('1');
    await expect.poll(() => preview.textContent()).toContain('customers acme');
    const errors = preview.getByTestId('import-errors').locator('.err-row');
    await expect.poll(() => errors.count()).toBe(1);
    const row = (await errors.first().textContent()) ?? '';
    expect(row).toContain('HOST_BITS_SET');
    expect(row).toContain('10.50.2.7/24');
    expect(row).toContain('10.50.2.0/24');
    expect(row).toMatch(/^plan\.csv4NetworkHOST_BITS_SET/);
    // The dry run wrote nothing.
    expect((await engine('plan.info', {})).subnets).toBe(0);
    await screenshot(page, 'import-01-preview');

    await wizard.getByRole('button', { name: 'Import the 3 valid rows, skip 1' }).click();
    const done = wizard.getByTestId('import-done');
    await done.waitFor();
    await expect.poll(() => done.getByTestId('import-errors').locator('.err-row').first().textContent()).toContain('HOST_BITS_SET');
    await wizard.getByRole('button', { name: 'Show the plan' }).click();
    await wizard.waitFor({ state: 'detached' });

    for (const cidr of ['10.50.0.0/24', '10.50.1.0/24', '10.60.0.0/22']) await page.locator(`.react-flow__node [data-cidr="${cidr}"]`).first().waitFor();
    expect(await page.locator('.react-flow__node [data-cidr="10.50.2.0/24"]').count()).toBe(0);
    const r = await roots();
    expect(Object.keys(r).sort()).toEqual(['10.50.0.0/24', '10.50.1.0/24', '10.60.0.0/22']);
    expect(r['10.50.0.0/24']!.customer).toBe('acme');
    expect(r['10.50.0.0/24']!.description).toBe('Core LAN');
    // One journal batch: the toolbar's Undo names it.
    expect((await engine('plan.info', {})).undo).toBeTruthy();
    expect(browser.errors).toEqual([]);
  }, 90_000);

  it('shows a long import\'s progress and cancels it, leaving the plan untouched', async () => {
    const lines = ['prefix,description'];
    for (let i = 0; i < 250_000; i++) lines.push(`10.${128 + (i >> 16)}.${(i >> 8) & 255}.${i & 255}/32,row ${i}`);
    writeFileSync(join(dir, 'big.csv'), `${lines.join('\n')}\n`);
    const before = await engine('plan.info', {});
    await page.getByRole('button', { name: 'Import…' }).click();
    const wizard = page.getByTestId('import-wizard');
    await wizard.getByLabel('Path of the file on the host').fill(join(dir, 'big.csv'));
    await wizard.getByRole('button', { name: 'Read the file' }).click();
    await wizard.getByTestId('import-mapping').waitFor();
    // Checking a quarter of a million rows takes a while: cancelled once it has read rows.
    await wizard.getByRole('button', { name: 'Preview import' }).click();
    const progress = wizard.getByTestId('import-progress');
    await progress.waitFor();
    await expect.poll(async () => Number(((await progress.locator('div', { hasText: 'rows read' }).locator('dd').textContent()) ?? '0').replace(/,/g, '')), { timeout: 20_000 }).toBeGreaterThan(0);
    await progress.getByRole('button', { name: 'Cancel import' }).click();
    await expect.poll(() => wizard.getByRole('status').filter({ hasText: 'cancelled' }).count(), { timeout: 20_000 }).toBe(1);
    await wizard.getByTestId('import-mapping').waitFor();
    const after = await engine('plan.info', {});
    expect(after.subnets).toBe(before.subnets);
    expect(after.undo).toBe(before.undo);
    expect((await roots())['10.128.0.0/32']).toBeUndefined();
    await wizard.getByRole('button', { name: 'Cancel', exact: true }).click();
    await wizard.waitFor({ state: 'detached' });
    expect(browser.errors).toEqual([]);
  }, 120_000);
});

describe('export', () => {
  it('writes the plan to a CSV on the host', async () => {
    const out = join(dir, 'export.csv');
    await page.getByRole('button', { name: 'Export…' }).click();
    const dialog = page.getByTestId('export-dialog');
    await dialog.getByLabel('Path of the file on the host').fill(out);
    await dialog.getByRole('button', { name: 'Export', exact: true }).click();
    await expect.poll(async () => (await dialog.getByTestId('export-done').count()) > 0, { timeout: 20_000 }).toBe(true);
    await expect.poll(() => dialog.getByTestId('export-done').textContent()).toContain('3 subnets');
    expect(existsSync(out)).toBe(true);
    const text = readFileSync(out, 'utf8');
    expect(text).toContain('10.50.0.0/24');
    expect(text).toContain('Core LAN');
    expect(text).toContain('acme');
    expect(text).not.toContain('10.50.2.');
    await dialog.getByRole('button', { name: 'Close' }).first().click();
    expect(browser.errors).toEqual([]);
  }, 60_000);
});

describe('the desktop file dialogs (main-process channels)', () => {
  const policy = { windowId: () => 7 };
  const ev = (url = `${APP_ORIGIN}/index.html`): InvokeEventLike => ({ sender: { id: 7 }, senderFrame: { url, parent: null } });
  const asked: string[] = [];
  const dialog: FileDialogLike = {
    showOpenDialog: async (o) => (asked.push(o.title), { canceled: false, filePaths: ['/home/p/plan.csv'] }),
    showSaveDialog: async (o) => (asked.push(`${o.title} ${o.defaultPath}`), { canceled: o.defaultPath!.endsWith('.xlsx'), filePath: '/home/p/out.csv' }),
  };
  const channels = Object.fromEntries(fileChannels(() => dialog, () => '/home/p').map((c) => [c.channel.slice(FILES_CHANNEL_PREFIX.length), secureShellHandler(c, policy)]));

  it('answers the chosen path, null when cancelled, and refuses other senders and stray arguments', async () => {
    expect(await channels.open!(ev(), {})).toEqual({ ok: true, result: { path: '/home/p/plan.csv' } });
    expect(await channels.save!(ev(), { name: 'fluxplan-export.csv' })).toEqual({ ok: true, result: { path: '/home/p/out.csv' } });
    expect(await channels.save!(ev(), { name: 'fluxplan-export.xlsx' })).toEqual({ ok: true, result: { path: null } });
    expect(asked).toEqual(['Import a spreadsheet', 'Export the plan /home/p/fluxplan-export.csv', 'Export the plan /home/p/fluxplan-export.xlsx']);
    expect(await channels.open!(ev('https://evil.example/'), {})).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await channels.open!(ev(), { path: '/etc/passwd' })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(await channels.save!(ev(), { name: '../../etc/cron.d/x.csv' })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(asked).toHaveLength(3);
  });
});
