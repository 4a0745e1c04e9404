/**
 * Sync with the FluxBilling tenant in the browser host, by clicks alone, against the tenant emulator
 * (tests/sync-helpers.ts): the first remote set up with a token file; the status bar at a glance
 * (never synced, pending, versions, behind, conflicts); the Sync dialog's dry run, preview and one Sync
 * button; a second planner's push seen as "behind" after a probe and previewed as a pull; a field
 * conflict shown with both values, kept mine, and pushed; Cancel during a slow sync leaving the tenant
 * untouched; two plans never synced offered replace or merge; and on the desktop (a stand-in for the
 * preload's bridge) the File menu command and the token kept in the keychain, removed again when the
 * remote is refused. Screenshots go to test-artifacts/ (docs/screenshots/fluxplan-sync-*.png are copies of them).
 */
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { menuTemplate } from '../../electron/main/menu';
import { builtRenderer, callerOf, openBrowser, screenshot, serveFreshPlan, type Browser, type Served, clearToasts as clearAllToasts } from '../support/browser';
import { tempDir } from '../support/plan';
import { planImage, Planner, startTenant, tenantChangesets, tokenFile } from '../sync-helpers';

let rendererDir: string;
let browser: Browser;
let page: Page;
const serving: Served[] = [];

const POLL = { timeout: 30_000, interval: 100 };

async function serve(): Promise<Served> {
  const s = await serveFreshPlan(rendererDir);
  serving.push(s);
  return s;
}

const engineOf = callerOf;

const textOf = async (l: Locator) => ((await l.textContent()) ?? '').replace(/\s+/g, ' ');
const indicator = () => page.getByTestId('sync-indicator');
const dialog = () => page.getByTestId('sync-dialog');
/** A button of the dialog's footer (the header has its own Close). */
const footerButton = (name: string) => dialog().locator('footer').getByRole('button', { name, exact: true });

const clearToasts = (p: Page = page) => clearAllToasts(p);

/** The subnet of a plan file as `tree --json` shows it. */
function subnetIn(file: string, cidr: string): Record<string, unknown> | undefined {
  const img = planImage(file);
  return (img.trees[img.spaces.indexOf('global')] as Array<Record<string, unknown>>).find((s) => s.cidr === cidr);
}

/** Waits for the dialog's dry run to end in a preview and returns its text. */
async function preview(): Promise<Locator> {
  const p = dialog().getByTestId('sync-preview');
  await p.waitFor({ timeout: 30_000 });
  return p;
}

beforeAll(async () => {
  rendererDir = await builtRenderer();
  browser = await openBrowser();
  page = browser.page;
}, 180_000);

afterAll(async () => {
  await browser?.close();
  for (const s of serving) await s.close();
});

describe('sync with the FluxBilling tenant', () => {
  it('sets up a remote, previews and pushes the plan, pulls a teammate’s change, and resolves a field conflict keeping mine', async () => {
    const served = await serve();
    const engine = engineOf(served);
    const tenant = await startTenant();
    const dir = tempDir();
    const token = tokenFile(tenant.token, dir);
    await page.goto(served.host.url);
    await page.getByRole('button', { name: 'Load the demo plan' }).click();
    await page.locator('.react-flow__node [data-cidr="203.0.113.0/24"]').first().waitFor();

    // No remote yet: the status bar offers to set one up.
    await expect.poll(() => textOf(indicator()), POLL).toContain('Set up sync');
    await indicator().click();
    const form = dialog().getByTestId('remote-form');
    expect(await form.getByLabel('Name').inputValue()).toBe('fluxbilling');
    await expect.poll(() => textOf(form), POLL).toContain('https is required; plain http only to this machine');
    // The browser host has no keychain: the token comes from a file.
    expect(await form.getByLabel('API token', { exact: true }).count()).toBe(0);
    await form.getByLabel('Tenant URL').fill(tenant.url);
    await form.getByLabel('Token file').fill(join(dir, 'no-such-token'));
    await form.getByRole('button', { name: 'Connect' }).click();
    // The engine's refusal, in its words.
    await expect.poll(() => textOf(form.getByRole('alert')), POLL).toContain('does not exist');
    await form.getByLabel('Token file').fill(token);
    await form.getByRole('button', { name: 'Connect' }).click();

    // Never synced, with the demo plan pending.
    await expect.poll(() => textOf(indicator()), POLL).toContain('never synced');
    const before = await engine('sync.status', {});
    expect(before).toMatchObject({ remote: 'fluxbilling', version: null, last_sync: null });
    expect(before.pending).toBeGreaterThan(0);
    expect(await textOf(indicator())).toContain(`${before.pending} pending`);

    // Opening runs a dry run: the preview names every subnet to push.
    let p = await preview();
    const push = p.getByTestId('sync-push');
    await expect.poll(() => textOf(push), POLL).toMatch(/Will push \d+ changes to the tenant: \d+ subnets created/);
    for (const cidr of ['203.0.113.0/24', '198.51.100.128/26', '192.0.2.64/27', '2001:db8:1::/48', 'mgmt 10.10.0.0/16']) {
      expect(await push.locator('.sync-chips li', { hasText: cidr }).count()).toBeGreaterThan(0);
    }
    expect(await textOf(p.getByTestId('sync-pull'))).toContain('Nothing to pull');
    expect(await push.getByTestId('sync-push-tree').locator('li').count()).toBeGreaterThan(10);
    // The dry run sent nothing.
    expect(tenantChangesets(tenant.db)).toEqual([]);
    await clearToasts();
    await screenshot(page, 'sync-preview');

    await p.getByRole('button', { name: 'Sync', exact: true }).click();
    const done = dialog().getByTestId('sync-done');
    await done.waitFor({ timeout: 30_000 });
    await expect.poll(() => textOf(done), POLL).toMatch(/Synced.*this plan is now at tenant version 1/);
    await clearToasts();
    await screenshot(page, 'sync-done');
    expect(tenantChangesets(tenant.db)).toHaveLength(1);
    expect(planImage(tenant.db).trees).toEqual(planImage(served.file).trees);
    await done.getByRole('button', { name: 'Done' }).click();
    await dialog().waitFor({ state: 'detached' });
    await expect.poll(() => textOf(indicator()), POLL).toMatch(/fluxbilling.*online.*synced just now.*all pushed.*v1/);
    expect(await engine('sync.status', {})).toMatchObject({ pending: 0, version: 1, tenant_version: 1, online: true, conflicts: 0 });

    // A teammate clones the tenant, adds a block and pushes it.
    const bob = new Planner('bob', dir);
    await bob.connect(tenant);
    expect((await bob.sync()).code).toBe(0);
    await bob.ok('subnet', 'add', '100.64.0.0/16', '--description', 'CGNAT');
    expect((await bob.sync()).code).toBe(0);
    // A probe (the window regains focus) shows this plan one version behind, without pulling anything.
    await expect
      .poll(async () => {
        await page.evaluate(() => window.dispatchEvent(new Event('focus')));
        return textOf(indicator());
      }, POLL)
      .toContain('1 version behind');
    expect(await engine('sync.status', {})).toMatchObject({ version: 1, tenant_version: 2 });
    await clearToasts();
    await screenshot(page, 'sync-status');

    await indicator().getByRole('button', { name: /Sync with fluxbilling/ }).click();
    p = await preview();
    const pull = p.getByTestId('sync-pull');
    await expect.poll(() => textOf(pull), POLL).toContain('Will pull 1 change from the tenant: 1 subnet created.');
    expect(await pull.locator('.sync-chips li').allTextContents()).toEqual(['100.64.0.0/16']);
    expect(await pull.getByTestId('sync-pull-tree').locator('li').allTextContents()).toEqual(['+100.64.0.0/16 free "CGNAT"']);
    expect(await textOf(p.getByTestId('sync-push'))).toContain('Nothing to push');
    await p.getByRole('button', { name: 'Sync', exact: true }).click();
    await expect.poll(() => textOf(dialog().getByTestId('sync-done')), POLL).toContain('Pushed 0 changes · pulled 1 change · this plan is now at tenant version 2');
    expect(subnetIn(served.file, '100.64.0.0/16')).toMatchObject({ description: 'CGNAT' });
    // The map has the pulled block too.
    await page.locator('.react-flow__node [data-cidr="100.64.0.0/16"]').first().waitFor();
    // A second look: up to date, said plainly, and nothing to press.
    await dialog().getByRole('button', { name: 'Preview again' }).click();
    await expect.poll(() => textOf(dialog().getByTestId('sync-up-to-date')), POLL).toContain('Up to date');
    expect(await dialog().getByRole('button', { name: 'Sync', exact: true }).isDisabled()).toBe(true);
    await footerButton('Close').click();
    await dialog().waitFor({ state: 'detached' });

    // Both change the description of the same block; the teammate pushes first.
    await bob.ok('subnet', 'set', '203.0.113.0/24', '--description', 'theirs: pool B');
    expect((await bob.sync()).code).toBe(0);
    await page.evaluate(() =>
      (window as unknown as { __fluxplan: { getState(): { mutate(m: string, a: unknown): Promise<unknown> } } }).__fluxplan
        .getState()
        .mutate('subnet.set', { cidr: '203.0.113.0/24', description: 'mine: pool A' }),
    );
    // The local change counts as pending at once.
    await expect.poll(() => textOf(indicator()), POLL).toContain('1 pending');
    await indicator().getByRole('button', { name: /Sync with fluxbilling/ }).click();
    p = await preview();
    const found = p.getByTestId('conflict');
    await expect.poll(() => found.count(), POLL).toBe(1);
    expect(await textOf(found)).toContain('subnet global 203.0.113.0/24');
    expect(await found.getByTestId('conflict-mine').allTextContents()).toEqual(['mine: pool A']);
    expect(await found.getByTestId('conflict-theirs').allTextContents()).toEqual(['theirs: pool B']);
    await p.getByRole('button', { name: 'Sync', exact: true }).click();
    const held = dialog().getByTestId('sync-done');
    await expect.poll(() => textOf(held), POLL).toContain('Synced, with 1 conflict to resolve');
    // Nothing was pushed while the conflict is open; the status bar counts it.
    expect(subnetIn(tenant.db, '203.0.113.0/24')).toMatchObject({ description: 'theirs: pool B' });
    await expect.poll(() => textOf(page.getByTestId('sync-conflicts')), POLL).toContain('1 conflict');
    await held.getByRole('button', { name: 'Resolve conflicts' }).click();

    const pane = dialog().getByTestId('sync-conflicts-pane');
    const card = pane.getByTestId('conflict');
    await expect.poll(() => card.count(), POLL).toBe(1);
    expect(await textOf(card)).toContain('Same field, two values');
    expect(await card.locator('tbody tr').allTextContents()).toEqual(['descriptionmine: pool Atheirs: pool B']);
    expect(await card.getByRole('button', { name: 'Re-allocate mine' }).count()).toBe(0);
    await expect.poll(() => textOf(pane), POLL).toContain('the other side’s values stay recorded');
    await clearToasts();
    await screenshot(page, 'sync-conflicts');
    await card.getByRole('button', { name: 'Keep mine' }).click();
    await expect.poll(() => textOf(pane), POLL).toContain('No open conflicts');
    // The losing value stays on record.
    await pane.getByRole('button', { name: /Resolved · 1/ }).click();
    const settled = pane.getByTestId('conflict');
    await expect.poll(() => textOf(settled), POLL).toContain('Resolved');
    expect(await settled.getByTestId('conflict-theirs').allTextContents()).toEqual(['theirs: pool B']);
    expect((await engine('sync.conflicts', { all: true })).conflicts).toMatchObject([{ status: 'resolved', resolution: 'mine', theirs: { description: 'theirs: pool B' } }]);

    // The preview, run again after the choice, now pushes mine.
    await pane.getByRole('button', { name: 'Preview the sync' }).click();
    p = await preview();
    await expect.poll(() => textOf(p.getByTestId('sync-push')), POLL).toContain('Will push 1 change to the tenant');
    expect(await p.getByTestId('sync-push-tree').locator('li').allTextContents()).toEqual(['~203.0.113.0/24 subdivided at EU-FRA "theirs: pool B" → subdivided at EU-FRA "mine: pool A"']);
    await p.getByRole('button', { name: 'Sync', exact: true }).click();
    await expect.poll(() => textOf(dialog().getByTestId('sync-done')), POLL).toContain('Pushed 1 change');
    expect(subnetIn(tenant.db, '203.0.113.0/24')).toMatchObject({ description: 'mine: pool A' });
    expect(await engine('sync.status', {})).toMatchObject({ pending: 0, conflicts: 0, version: 4, tenant_version: 4 });
    await dialog().getByRole('button', { name: 'Done' }).click();
    await expect.poll(() => textOf(indicator()), POLL).toMatch(/all pushed.*v4/);
    expect(await page.getByTestId('sync-conflicts').count()).toBe(0);
    // The teammate gets mine with the next pull.
    expect((await bob.sync()).code).toBe(0);
    expect(subnetIn(bob.db, '203.0.113.0/24')).toMatchObject({ description: 'mine: pool A' });
    expect(browser.errors).toEqual([]);
  }, 240_000);

  it('Cancel during a slow sync stops it before anything is sent', async () => {
    const served = await serve();
    const engine = engineOf(served);
    const tenant = await startTenant({ faults: ['--delay-ms', '1500'] });
    await engine('subnet.add', { cidr: '198.18.0.0/15', description: 'bench lab' });
    await engine('sync.remote.add', { name: 'fluxbilling', url: tenant.url, secret_file: tokenFile(tenant.token) });
    await page.goto(served.host.url);
    await expect.poll(() => textOf(indicator()), POLL).toContain('1 pending');
    // The browser host's shortcut opens the dialog (the desktop's File menu has the same accelerator).
    await page.keyboard.press('Control+Shift+Y');
    const progress = dialog().getByTestId('sync-progress');
    await expect.poll(() => textOf(progress), POLL).toContain('A dry run: nothing is written');
    await screenshot(page, 'sync-progress');
    const p = await preview();
    await expect.poll(() => textOf(p.getByTestId('sync-push')), POLL).toContain('198.18.0.0/15');
    await p.getByRole('button', { name: 'Sync', exact: true }).click();
    // The tenant answers each request 1.5 s late: Cancel lands before the push.
    await progress.waitFor();
    await progress.getByRole('button', { name: 'Cancel', exact: true }).click();
    const cancelled = dialog().getByTestId('sync-cancelled');
    await expect.poll(() => textOf(cancelled), POLL).toContain('Sync cancelled');
    expect(await textOf(cancelled)).toContain('nothing was sent');
    await screenshot(page, 'sync-cancelled');
    expect(tenantChangesets(tenant.db)).toEqual([]);
    expect(subnetIn(tenant.db, '198.18.0.0/15')).toBeUndefined();
    expect(await engine('sync.status', {})).toMatchObject({ pending: 1, version: null, last_sync: null, unconfirmed: 0 });
    await expect.poll(() => textOf(indicator()), POLL).toContain('never synced');
    await footerButton('Close').click();
    expect(browser.errors).toEqual([]);
  }, 120_000);

  it('two plans never synced: offers replacing this plan or merging, and replaces after a confirm that names the consequence', async () => {
    const served = await serve();
    const engine = engineOf(served);
    const tenant = await startTenant();
    const carol = new Planner('carol');
    await carol.ok('subnet', 'add', '10.20.0.0/16', '--description', 'tenant plan');
    await carol.connect(tenant);
    expect((await carol.sync()).code).toBe(0);
    await engine('subnet.add', { cidr: '172.16.0.0/12', description: 'local plan' });
    await engine('sync.remote.add', { name: 'fb', url: tenant.url, secret_file: tokenFile(tenant.token) });
    await page.goto(served.host.url);
    await indicator().getByRole('button', { name: /Sync with fb/ }).click();

    const failed = dialog().getByTestId('sync-failed');
    await expect.poll(() => textOf(failed), POLL).toContain('This plan and the tenant were never synced');
    expect(await textOf(failed)).toContain('NEVER_SYNCED');
    await screenshot(page, 'sync-never-synced');
    const choices = failed.getByRole('group', { name: 'How to bring the two plans together' });
    expect(await choices.getByRole('button').allTextContents()).toEqual([
      expect.stringContaining('Replace this plan with the tenant’s'),
      expect.stringContaining('Merge the two plans'),
    ]);
    // Merge: previewed first, every row from both sides kept.
    await choices.getByRole('button', { name: /Merge the two plans/ }).click();
    let p = await preview();
    await expect.poll(() => textOf(p), POLL).toContain('every row both hold with different values becomes a conflict');
    expect(await p.getByTestId('sync-pull').locator('.sync-chips li').allTextContents()).toContain('10.20.0.0/16');
    expect(await p.getByTestId('sync-push').locator('.sync-chips li').allTextContents()).toContain('172.16.0.0/12');
    expect(await p.getByRole('button', { name: 'Merge the two plans' }).isEnabled()).toBe(true);
    // Back to the choice, and replace instead.
    await footerButton('Close').click();
    await indicator().getByRole('button', { name: /Sync with fb/ }).click();
    await dialog().getByRole('button', { name: /Replace this plan with the tenant’s/ }).click();
    const confirm = dialog().getByTestId('sync-replace-confirm');
    await expect.poll(() => textOf(confirm), POLL).toContain('Replace this plan with the tenant’s?');
    expect(await textOf(confirm)).toMatch(/This plan’s own rows \(1 subnet, 0 IP records\) are deleted and replaced by the tenant’s/);
    expect(await textOf(confirm)).toContain('version 1: 1 subnets');
    expect(subnetIn(served.file, '172.16.0.0/12')).toBeDefined();
    await confirm.getByRole('button', { name: 'Replace this plan' }).click();
    await expect.poll(() => textOf(dialog().getByTestId('sync-done')), POLL).toContain('Replaced this plan with the tenant’s');
    expect(subnetIn(served.file, '172.16.0.0/12')).toBeUndefined();
    expect(subnetIn(served.file, '10.20.0.0/16')).toMatchObject({ description: 'tenant plan' });
    expect(await engine('sync.status', {})).toMatchObject({ version: 1, pending: 0 });
    await page.locator('.react-flow__node [data-cidr="10.20.0.0/16"]').first().waitFor();
    expect(browser.errors).toEqual([]);
  }, 120_000);

  it('on the desktop: File › Sync opens the dialog; the token is kept in the keychain, removed again when the remote is refused; remotes are edited and removed', async () => {
    const served = await serve();
    const engine = engineOf(served);
    const desktop = await browser.context.newPage();
    // The desktop renderer with a stand-in for the preload's bridge (main's side: tests/desktop/sync-tokens.test.ts).
    await desktop.addInitScript(() => {
      const kept = new Map<string, string>();
      const calls: unknown[][] = [];
      const w = window as unknown as { __calls: unknown[][]; __menu: (c: string) => void; fluxplanShell: unknown };
      w.__calls = calls;
      w.fluxplanShell = {
        platform: 'linux',
        onMenu: (listener: (c: string) => void) => {
          w.__menu = listener;
          return () => undefined;
        },
        syncTokens: {
          status: async () => ({ ok: true, result: { available: true, reason: null, providers: [...kept.keys()].map((provider) => ({ provider, saved_at: '2026-03-01T10:00:00.000Z' })) } }),
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
    // The File menu's command, with its accelerator.
    const sent: string[] = [];
    const file = menuTemplate({ send: (c) => sent.push(c), openPlanFolder: () => undefined, about: () => undefined, isMac: false, dev: false }).find((m) => m.label === 'File')!
      .submenu as Array<{ label?: string; accelerator?: string; click?: () => void }>;
    const item = file.find((i) => i.label === 'Sync with FluxBilling…')!;
    expect(item.accelerator).toBe('Shift+CmdOrCtrl+Y');
    item.click!();
    expect(sent).toEqual(['sync']);

    await desktop.goto(served.host.url);
    await desktop.getByTestId('empty-state').waitFor();
    await desktop.waitForFunction(() => typeof (window as unknown as { __menu?: unknown }).__menu === 'function');
    await desktop.evaluate(() => (window as unknown as { __menu: (c: string) => void }).__menu('sync'));
    const dlg = desktop.getByTestId('sync-dialog');
    const form = dlg.getByTestId('remote-form');
    const token = form.getByLabel('API token', { exact: true });
    await token.waitFor();
    expect(await token.getAttribute('type')).toBe('password');
    expect(await form.getByRole('radio', { name: 'OS keychain' }).getAttribute('aria-checked')).toBe('true');
    await form.getByLabel('Tenant URL').fill('http://billing.example.net');
    await token.fill('tenant-token-typed-once');
    await form.getByRole('button', { name: 'Connect' }).click();
    await expect.poll(() => textOf(form.getByRole('alert')), POLL).toContain('must be reached over https');
    const calls = () => desktop.evaluate(() => (window as unknown as { __calls: unknown[][] }).__calls);
    // Saved, then removed again: the refused remote leaves no token behind.
    expect(await calls()).toEqual([['save', 'fluxbilling', 23], ['remove', 'fluxbilling']]);
    expect((await engine('sync.remote.list', {})).remotes).toEqual([]);

    await form.getByLabel('Tenant URL').fill('http://127.0.0.1:9');
    await form.getByRole('button', { name: 'Connect' }).click();
    // The remote refers to the keychain; the token never reaches the plan.
    await expect.poll(async () => (await engine('sync.remote.list', {})).remotes.map((r) => [r.name, r.url, r.secret]), POLL).toEqual([['fluxbilling', 'http://127.0.0.1:9', "the desktop app's keychain"]]);
    expect((await calls()).slice(2)).toEqual([['save', 'fluxbilling', 23]]);
    // Here main would add the token to the sync; the browser host cannot, and says so in the engine's words.
    const failed = dlg.getByTestId('sync-failed');
    await expect.poll(() => textOf(failed), POLL).toContain('SECRET');
    expect(await textOf(failed)).toContain('kept by the host that added it');

    // Remotes: change the URL, replace the token, remove.
    await failed.getByRole('button', { name: 'Edit the remote…' }).click();
    const card = dlg.getByTestId('remote-card');
    await expect.poll(() => textOf(card), POLL).toContain('the desktop app');
    await card.getByRole('button', { name: 'Edit…' }).click();
    const edit = dlg.getByTestId('remote-form');
    await edit.getByLabel('Tenant URL').fill('http://localhost:9');
    await edit.getByRole('button', { name: 'Save' }).click();
    await expect.poll(() => textOf(dlg.getByTestId('remote-card')), POLL).toContain('http://localhost:9');
    expect((await engine('sync.remote.list', {})).remotes[0]).toMatchObject({ url: 'http://localhost:9' });
    await dlg.getByTestId('remote-card').getByRole('button', { name: 'Replace token…' }).click();
    await dlg.getByTestId('remote-form').getByLabel('Replace the API token').fill('a-new-tenant-token');
    await dlg.getByTestId('remote-form').getByRole('button', { name: 'Save' }).click();
    await dlg.getByTestId('remote-card').waitFor();
    expect((await calls()).slice(3)).toEqual([['save', 'fluxbilling', 18]]);
    await dlg.getByTestId('remote-card').getByRole('button', { name: 'Remove…' }).click();
    await dlg.getByRole('alertdialog').getByRole('button', { name: 'Remove fluxbilling' }).click();
    await expect.poll(() => textOf(dlg.getByTestId('sync-remotes-pane')), POLL).toContain('No remote yet');
    expect((await engine('sync.remote.list', {})).remotes).toEqual([]);
    await expect.poll(() => textOf(desktop.getByTestId('sync-indicator')), POLL).toContain('Set up sync');

    // A remote set up with a token file moves its token into the keychain, and back out into a file.
    const tokenPath = tokenFile('tenant-token-from-a-file');
    await dlg.getByTestId('sync-remotes-pane').getByRole('button', { name: '+ Add a remote' }).click();
    const add = dlg.getByTestId('remote-form');
    await add.getByRole('radio', { name: 'Token file' }).click();
    await add.getByLabel('Tenant URL').fill('http://127.0.0.1:9');
    await add.getByLabel('Token file').fill(tokenPath);
    await add.getByRole('button', { name: 'Add remote' }).click();
    await expect.poll(async () => (await engine('sync.remote.list', {})).remotes.map((r) => r.secret), POLL).toEqual([`the file ${tokenPath}`]);
    await dlg.getByRole('tab', { name: /Remotes/ }).click();
    await dlg.getByTestId('remote-card').getByRole('button', { name: 'Edit…' }).click();
    const move = dlg.getByTestId('remote-form');
    await move.getByRole('radio', { name: 'OS keychain' }).click();
    await move.getByLabel('API token', { exact: true }).fill('tenant-token-from-a-file');
    await move.getByRole('button', { name: 'Save' }).click();
    await expect.poll(async () => (await engine('sync.remote.list', {})).remotes.map((r) => r.secret), POLL).toEqual(["the desktop app's keychain"]);
    expect((await calls()).slice(-1)).toEqual([['save', 'fluxbilling', 24]]);
    await dlg.getByTestId('remote-card').getByRole('button', { name: 'Edit…' }).click();
    const back = dlg.getByTestId('remote-form');
    await back.getByRole('radio', { name: 'Token file' }).click();
    await back.getByLabel('Token file').fill(tokenPath);
    await back.getByRole('button', { name: 'Save' }).click();
    await expect.poll(async () => (await engine('sync.remote.list', {})).remotes.map((r) => r.secret), POLL).toEqual([`the file ${tokenPath}`]);
    await expect.poll(async () => (await calls()).slice(-1), POLL).toEqual([['remove', 'fluxbilling']]);
    await clearToasts(desktop);
    await desktop.close();
  }, 120_000);
});
