/**
 * Reverse DNS in the browser host, by clicks alone, on a fresh plan (the demo plan loaded from the empty
 * state): a PTR set in the inspector (a bad name refused beside the field), names filled from a pattern
 * with its preview, a Cloudflare provider added with its secret file (the browser host's way), its zone
 * declared, the pending count per provider and on the rail, a push previewed as a diff and applied to a
 * local Cloudflare stand-in (tests/rdns-cloudflare-mock.mjs), and a PTR edited in the address table.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MethodArgs, MethodName, MethodResult } from '../../shared/api/contract';
import { openApp, screenshot, type App, type Browser, type Served, showScreen, clearToasts as clearAllToasts } from '../support/browser';

const TOKEN = 'cf-ui-test-token-5d21e0';
const ZONE = '100.51.198.in-addr.arpa';

let app: App;
let served: Served;
let browser: Browser;
let page: Page;
let mock: ChildProcess;
let base: string;
let dir: string;
let secretFile: string;

const engine = <M extends MethodName>(method: M, args: MethodArgs<M>): Promise<MethodResult<M>> => app.call(method, args);

const ptrs = async () => Object.fromEntries((await engine('ip.list', { cidr: '198.51.100.128/26' })).ips.map((i) => [i.address, i.rdns]));
const records = async () => {
  const state = (await (await fetch(`${base}/__state`)).json()) as { records: Record<string, Array<{ name: string; content: string; comment: string | null }>> };
  return Object.fromEntries(state.records['zone-v4']!.map((r) => [r.name, `${r.content}${r.comment ? ` (${r.comment})` : ''}`]));
};

const nav = (label: string) => showScreen(page, label);

const clearToasts = () => clearAllToasts(page);

beforeAll(async () => {
  app = await openApp();
  ({ served, browser, page, dir } = app);
  secretFile = join(dir, 'cloudflare.token');
  writeFileSync(secretFile, `${TOKEN}\n`);
  chmodSync(secretFile, 0o600);
  mock = spawn(process.execPath, [join(__dirname, '..', 'rdns-cloudflare-mock.mjs'), TOKEN, JSON.stringify([{ id: 'zone-v4', name: ZONE }]), '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
  const first = await new Promise<string>((resolve, reject) => {
    createInterface({ input: mock.stdout! }).once('line', resolve);
    mock.once('exit', (code) => reject(new Error(`the Cloudflare stand-in exited (${code})`)));
  });
  base = `http://127.0.0.1:${JSON.parse(first).port}`;
  // A record made by hand at the provider: FluxPlan must leave it alone.
  await fetch(`${base}/__seed`, { method: 'POST', body: JSON.stringify({ zone_id: 'zone-v4', record: { type: 'PTR', name: `140.${ZONE}`, content: 'noc.example.org' } }) });
  await page.getByRole('button', { name: 'Load the demo plan' }).click();
  await page.locator('.react-flow__node [data-cidr="198.51.100.0/24"]').first().waitFor();
}, 180_000);

afterAll(async () => {
  await app?.close();
  mock?.kill('SIGTERM');
});

describe('reverse DNS', () => {
  it('sets a PTR in the inspector, refusing a name that is not a hostname', async () => {
    const search = page.getByRole('searchbox', { name: 'Search subnets' });
    await search.fill('198.51.100.128/26');
    await page.getByTestId('search-results').getByRole('option').filter({ hasText: '198.51.100.128/26' }).first().waitFor();
    await search.press('Enter');
    await expect.poll(() => page.getByTestId('inspector-cidr').textContent()).toBe('198.51.100.128/26');
    const table = page.getByTestId('ip-table');
    await table.getByRole('button', { name: 'Edit the PTR of 198.51.100.130' }).click();
    const input = table.getByLabel('PTR of 198.51.100.130');
    await input.fill('web_2!.example.net');
    await input.press('Enter');
    await expect.poll(() => table.getByRole('alert').textContent()).toMatch(/web_2!\.example\.net/);
    expect((await ptrs())['198.51.100.130']).toBeNull();
    await input.fill('web2.example.net.');
    await input.press('Enter');
    await table.getByRole('button', { name: 'Edit the PTR of 198.51.100.130' }).waitFor();
    await expect.poll(async () => (await ptrs())['198.51.100.130']).toBe('web2.example.net');
    await expect.poll(() => table.getByRole('button', { name: 'Edit the PTR of 198.51.100.130' }).textContent()).toBe('web2.example.net');
    await clearToasts();
    await screenshot(page, 'rdns-01-inspector-ptr');
    expect(browser.errors).toEqual([]);
  }, 60_000);

  it('fills the rest from a pattern, after its preview', async () => {
    await page.getByTestId('inspector').getByRole('button', { name: 'Fill PTRs…' }).click();
    const dialog = page.getByTestId('pattern-dialog');
    expect(await dialog.getByLabel('Block').inputValue()).toBe('198.51.100.128/26');
    const pattern = dialog.getByLabel('Pattern');
    await pattern.fill('host-.static.example.net');
    // A placeholder inserted where the cursor is.
    await pattern.focus();
    await pattern.evaluate((el: HTMLInputElement) => el.setSelectionRange(5, 5));
    await dialog.getByRole('button', { name: '{last-octet}' }).click();
    await expect.poll(() => pattern.inputValue()).toBe('host-{last-octet}.static.example.net');
    const preview = dialog.getByTestId('pattern-preview');
    await expect.poll(() => preview.locator('tr').count()).toBe(5);
    await expect.poll(() => preview.textContent()).toContain('198.51.100.130web2.example.net→host-130.static.example.net');
    await dialog.getByText('leave addresses that already have a name alone').click();
    await expect.poll(() => preview.locator('tr').count()).toBe(4);
    await expect.poll(() => preview.locator('.preview-title').textContent()).toContain('4 names to set · 1 unchanged');
    expect(Object.values(await ptrs()).filter(Boolean)).toEqual(['web2.example.net']);
    await screenshot(page, 'rdns-02-pattern-preview');
    await dialog.getByRole('button', { name: 'Set 4 names' }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(ptrs).toEqual({
      '198.51.100.129': 'host-129.static.example.net',
      '198.51.100.130': 'web2.example.net',
      '198.51.100.131': 'host-131.static.example.net',
      '198.51.100.132': 'host-132.static.example.net',
      '198.51.100.133': 'host-133.static.example.net',
    });
    expect(browser.errors).toEqual([]);
  }, 60_000);

  it('adds a Cloudflare provider with its secret file and shows what waits to be pushed', async () => {
    await nav('rDNS');
    const view = page.getByTestId('rdns-view');
    // In the browser host keys come from secret files; the page says so.
    await expect.poll(() => view.textContent()).toContain('key is read from its secret file');
    await view.getByRole('button', { name: '+ Provider' }).click();
    const form = page.getByTestId('provider-form');
    await form.getByRole('radio', { name: /Cloudflare/ }).click();
    await form.getByLabel('Name').fill('cf');
    await form.getByLabel('API base').fill(`${base}/client/v4`);
    await form.getByLabel('Zone ids').fill(`${ZONE}=zone-v4`);
    await form.getByLabel('Secret file').fill(secretFile);
    expect(await form.getByLabel(/in the OS keychain/).count()).toBe(0);
    await form.getByRole('button', { name: 'Add provider' }).click();
    await form.waitFor({ state: 'detached' });
    expect((await engine('rdns.provider.list', {})).providers).toMatchObject([{ name: 'cf', type: 'cloudflare', url: `${base}/client/v4`, secret_file: secretFile, zone_ids: { [ZONE]: 'zone-v4' } }]);

    // The provider serves the one zone declared for it.
    await view.getByRole('tab', { name: 'Zones' }).click();
    await view.getByLabel('Zone', { exact: true }).fill('198.51.100.0/24');
    await view.getByLabel('Zone provider').selectOption('cf');
    await view.getByRole('button', { name: 'Declare zone' }).click();
    await view.getByRole('table', { name: 'Zones' }).getByRole('row').filter({ hasText: ZONE }).filter({ hasText: 'declared' }).waitFor();
    await expect.poll(() => view.getByRole('table', { name: 'Zones' }).getByRole('row').filter({ hasText: ZONE }).textContent()).toMatch(/198\.51\.100\.0\/24.*cf5/);
    await view.getByRole('tab', { name: /Providers/ }).click();

    const card = view.getByTestId('pending-cf');
    await expect.poll(() => card.getByTestId('pending-count').textContent()).toBe('5');
    await expect.poll(() => card.textContent()).toContain(`+5 ~0 −0 in ${ZONE}`);
    await expect.poll(() => page.getByTestId('rdns-pending-badge').textContent()).toBe('5');
    expect((await engine('rdns.pending', {})).providers).toMatchObject([{ provider: 'cf', pending: 5, create: 5 }]);
    await clearToasts();
    await screenshot(page, 'rdns-03-providers-pending');
    expect(browser.errors).toEqual([]);
  }, 60_000);

  it('pushes after showing the diff, leaving hand-made records alone, and counts a later edit as pending', async () => {
    const view = page.getByTestId('rdns-view');
    await view.getByTestId('pending-cf').getByRole('button', { name: 'Push…' }).click();
    const dialog = page.getByTestId('push-dialog');
    const zone = dialog.getByTestId('zone-diff');
    await zone.waitFor();
    expect(await zone.getAttribute('data-zone')).toBe(ZONE);
    expect(await zone.locator('.diff-lines li').allTextContents()).toEqual([
      '+129 PTR host-129.static.example.net',
      '+130 PTR web2.example.net',
      '+131 PTR host-131.static.example.net',
      '+132 PTR host-132.static.example.net',
      '+133 PTR host-133.static.example.net',
    ]);
    await expect.poll(() => dialog.getByTestId('push-summary').textContent()).toContain('5 changes to push');
    // The preview wrote nothing.
    expect(Object.keys(await records())).toEqual([`140.${ZONE}`]);
    await screenshot(page, 'rdns-04-push-diff');
    await dialog.getByRole('button', { name: 'Push 5 changes' }).click();
    await expect.poll(() => dialog.getByTestId('push-summary').textContent()).toContain('5 changes pushed');
    await expect.poll(() => dialog.getByTestId('push-summary').textContent()).toContain('still pending: cf 0');
    expect(await records()).toEqual({
      [`140.${ZONE}`]: 'noc.example.org',
      [`129.${ZONE}`]: 'host-129.static.example.net (managed by FluxPlan)',
      [`130.${ZONE}`]: 'web2.example.net (managed by FluxPlan)',
      [`131.${ZONE}`]: 'host-131.static.example.net (managed by FluxPlan)',
      [`132.${ZONE}`]: 'host-132.static.example.net (managed by FluxPlan)',
      [`133.${ZONE}`]: 'host-133.static.example.net (managed by FluxPlan)',
    });
    await dialog.getByRole('button', { name: 'Done' }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => view.getByTestId('pending-cf').getByTestId('pending-count').textContent()).toBe('0');
    expect(await page.getByTestId('rdns-pending-badge').count()).toBe(0);

    // Offline again: an edit in the address table waits as one pending change.
    await nav('Table');
    await page.getByRole('radio', { name: 'Addresses & PTRs' }).click();
    const addresses = page.getByTestId('address-table');
    await addresses.getByRole('button', { name: 'Edit the PTR of 198.51.100.131' }).click();
    await addresses.getByLabel('PTR of 198.51.100.131').fill('shop.example.net');
    await addresses.getByLabel('PTR of 198.51.100.131').press('Enter');
    await expect.poll(async () => (await ptrs())['198.51.100.131']).toBe('shop.example.net');
    await expect.poll(() => page.getByTestId('rdns-pending-badge').textContent()).toBe('1');
    expect((await engine('rdns.pending', {})).providers).toMatchObject([{ provider: 'cf', pending: 1, change: 1 }]);
    await clearToasts();
    await screenshot(page, 'rdns-05-address-table');
    expect(browser.errors).toEqual([]);
  }, 90_000);

  it('on the desktop, keeps a provider key through the shell keychain and never reads it back', async () => {
    // The desktop renderer, with a stand-in for the preload's keychain bridge (main's side is tested in tests/desktop/secrets.test.ts).
    const desktop = await browser.context.newPage();
    await desktop.addInitScript(() => {
      const kept = new Map<string, string>();
      const calls: unknown[][] = [];
      (window as unknown as { __keychainCalls: unknown[][] }).__keychainCalls = calls;
      (window as unknown as { fluxplanShell: unknown }).fluxplanShell = {
        platform: 'linux',
        onMenu: () => () => undefined,
        secrets: {
          status: async () => {
            calls.push(['status']);
            return { ok: true, result: { available: true, reason: null, providers: [...kept.keys()].map((provider) => ({ provider, saved_at: '2026-03-01T10:00:00.000Z' })) } };
          },
          save: async (provider: string, secret: string) => {
            calls.push(['save', provider, secret.length]);
            kept.set(provider, secret);
            return { ok: true, result: { provider, saved_at: '2026-03-01T10:00:00.000Z' } };
          },
          remove: async (provider: string) => {
            calls.push(['remove', provider]);
            return { ok: true, result: { provider, removed: kept.delete(provider) } };
          },
        },
      };
    });
    await desktop.goto(served.host.url);
    await desktop.locator('nav[aria-label="Screens"] button', { hasText: 'rDNS' }).click();
    const view = desktop.getByTestId('rdns-view');
    await expect.poll(() => view.textContent()).toContain('Keys live in the OS keychain or in a secret file');
    await view.getByRole('table', { name: 'Providers' }).getByRole('button', { name: 'Edit…' }).click();
    const form = desktop.getByTestId('provider-form');
    const key = form.getByLabel('API token in the OS keychain');
    expect(await key.getAttribute('type')).toBe('password');
    await key.fill('cf-kept-by-the-keychain-0001');
    await form.getByRole('button', { name: 'Save' }).click();
    await form.waitFor({ state: 'detached' });
    await view.getByRole('table', { name: 'Providers' }).getByText('keychain', { exact: true }).waitFor();
    const calls = await desktop.evaluate(() => (window as unknown as { __keychainCalls: unknown[][] }).__keychainCalls);
    expect(calls.filter((c) => c[0] !== 'status')).toEqual([['save', 'cf', 'cf-kept-by-the-keychain-0001'.length]]);
    // Editing again shows that a key is kept, never the key.
    await view.getByRole('table', { name: 'Providers' }).getByRole('button', { name: 'Edit…' }).click();
    expect(await form.getByLabel('API token in the OS keychain').inputValue()).toBe('');
    await expect.poll(() => form.textContent()).toContain('A key is kept for this provider');
    await expect.poll(() => form.textContent()).not.toContain('cf-kept-by-the-keychain-0001');
    await desktop.keyboard.press('Escape');
    await desktop.getByTestId('pending-cf').getByRole('button', { name: 'Push…' }).click();
    await expect.poll(() => desktop.getByTestId('push-dialog').textContent()).toContain('keys from the keychain');
    await desktop.keyboard.press('Escape');
    await desktop.close();
  }, 60_000);
});

