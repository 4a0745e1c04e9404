/**
 * The renderer in Debian's Chromium against the loopback host on a fresh plan, by clicks alone:
 * the seed's sample tree, undo step by step, search that flies to a node, and the token check.
 * Screenshots of the main views go to test-artifacts/.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { STATUS_LABEL } from '../../renderer/src/status';
import type { MethodName, Reply } from '../../shared/api/contract';
import { builtRenderer, openBrowser, screenshot, serveFreshPlan, type Browser, type Served, showScreen } from '../support/browser';

let served: Served;
let browser: Browser;
let page: Page;

async function engine<T = Record<string, unknown>>(method: MethodName, args: unknown = {}): Promise<T> {
  const r = (await served.engine.call(method, args)) as Reply<MethodName>;
  if (!r.ok) throw new Error(`${method}: ${r.error.message}`);
  return r.result as T;
}

async function tree(): Promise<Map<string, Record<string, unknown>>> {
  const r = await engine<{ subnets: Array<Record<string, unknown>> }>('tree.get', {});
  return new Map(r.subnets.map((s) => [s.cidr as string, s]));
}

/** Waits until the page's store has applied the latest change (plan.info reflects the journal). */
async function waitForUndoLabel(label: string | null): Promise<void> {
  const state = () =>
    page.evaluate(() => {
      const s = (window as unknown as { __fluxplan: { getState(): { info: unknown; busy: boolean; toasts: unknown } } }).__fluxplan.getState();
      return JSON.stringify({ info: s.info, busy: s.busy, toasts: s.toasts });
    });
  await page.waitForFunction(
    (want) => {
      const s = (window as unknown as { __fluxplan: { getState(): { info: { undo: string | null } | null; busy: boolean } } }).__fluxplan.getState();
      return !s.busy && s.info !== null && s.info.undo === want;
    },
    label,
    { timeout: 15_000 },
  ).catch(async (e: unknown) => {
    throw new Error(`waiting for undo label ${label}: ${await state()} (${String(e)})`);
  });
}

async function blur(): Promise<void> {
  await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur());
}

const nav = (label: string) => showScreen(page, label);

async function fit(): Promise<void> {
  await page.getByRole('button', { name: 'Fit' }).click();
  await page.waitForTimeout(250);
}

async function selectNode(cidr: string): Promise<void> {
  await page.locator(`.react-flow__node [data-cidr="${cidr}"]`).first().click();
  await expect.poll(() => page.getByTestId('inspector-cidr').textContent()).toBe(cidr);
}

async function allocateNext(inside: string, len: number, expected: string, customer?: string, vlan?: string): Promise<void> {
  await fit();
  await selectNode(inside);
  await page.getByTestId('actions').getByRole('button', { name: 'Allocate next…' }).click();
  const dialog = page.getByTestId('allocate-dialog');
  await dialog.locator('select[name="prefix"]').selectOption(String(len));
  if (customer) await dialog.locator('input[name="customer"]').fill(customer);
  if (vlan) await dialog.locator('select[name="vlan"]').selectOption(vlan);
  // The dry run names the block before anything changes.
  await expect.poll(() => dialog.getByTestId('preview-cidr').textContent(), { timeout: 10_000 }).toBe(expected);
  await dialog.getByRole('button', { name: `Allocate ${expected}` }).click();
  await dialog.waitFor({ state: 'detached' });
  await page.locator(`.react-flow__node [data-cidr="${expected}"].st-allocated`).first().waitFor();
}

async function inViewport(selector: string): Promise<boolean> {
  const box = await page.locator(selector).first().boundingBox();
  const map = await page.getByTestId('map').boundingBox();
  if (!box || !map) return false;
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  return cx > map.x && cx < map.x + map.width && cy > map.y && cy < map.y + map.height;
}

beforeAll(async () => {
  const rendererDir = await builtRenderer();
  served = await serveFreshPlan(rendererDir);
  browser = await openBrowser();
  page = browser.page;
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await served?.close();
});

describe('FluxPlan in the browser host', () => {
  it('refuses a request without the token', async () => {
    const plain = await fetch(`${served.host.origin}/`);
    expect(plain.status).toBe(403);
    const api = await fetch(`${served.host.origin}/api/plan.info`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{}' });
    expect(api.status).toBe(403);
    await page.goto(`${served.host.origin}/`);
    expect(await page.textContent('body')).toContain('Forbidden');
  });

  it("reproduces the seed's sample tree by clicks alone", async () => {
    await page.goto(served.host.url);
    await page.getByTestId('empty-state').waitFor();
    // The token leaves the address bar; the cookie set from it keeps the page working.
    expect(page.url()).not.toContain('token=');
    await screenshot(page, '01-empty-state');

    await nav('Locations');
    await page.getByLabel('Location code').fill('EU-FRA');
    await page.getByLabel('Location name').fill('Frankfurt');
    await page.getByRole('button', { name: 'Add location' }).click();
    await page.locator('td', { hasText: 'EU-FRA' }).waitFor();
    await screenshot(page, '02-locations');

    await nav('VLANs');
    await page.getByLabel('VLAN ID').fill('102');
    await page.getByLabel('VLAN name').fill('public');
    await page.getByRole('button', { name: 'Add VLAN' }).click();
    await page.locator('td', { hasText: '102' }).waitFor();
    await screenshot(page, '03-vlans');
    // Disable and enable it again at the location: two journal steps, undone below with the rest.
    await page.getByTitle('Disable at this location').click();
    await expect.poll(async () => (await engine<{ vlans: Array<{ enabled: boolean }> }>('vlan.list', {})).vlans[0]?.enabled).toBe(false);
    await page.getByTitle('Enable at this location').click();
    await expect.poll(async () => (await engine<{ vlans: Array<{ enabled: boolean }> }>('vlan.list', {})).vlans[0]?.enabled).toBe(true);

    await nav('Map');
    await page.getByRole('button', { name: '+ Subnet' }).click();
    const add = page.getByTestId('add-dialog');
    await add.locator('input[name="cidr"]').fill('203.0.113.0/24');
    await add.locator('select[name="location"]').selectOption('EU-FRA');
    await add.locator('input[name="description"]').fill('public pool');
    await add.getByRole('button', { name: 'Add subnet' }).click();
    await page.locator('.react-flow__node [data-cidr="203.0.113.0/24"]').waitFor();

    await allocateNext('203.0.113.0/24', 26, '203.0.113.0/26', 'cust-7421', '102');
    await allocateNext('203.0.113.0/24', 27, '203.0.113.64/27', 'cust-7422', '102');

    // Park 203.0.113.96/29: add it (carved out of free space), then park it from the inspector.
    await page.getByRole('button', { name: '+ Subnet' }).click();
    await add.locator('input[name="cidr"]').fill('203.0.113.96/29');
    await add.getByRole('button', { name: 'Add subnet' }).click();
    await expect.poll(() => page.getByTestId('inspector-cidr').textContent()).toBe('203.0.113.96/29');
    await page.getByTestId('actions').getByRole('button', { name: 'Park' }).click();
    await expect.poll(() => page.getByTestId('inspector-status').textContent()).toBe('parked');
    await page.locator('.react-flow__node [data-cidr="203.0.113.96/29"].st-parked').first().waitFor();
    // The legend names every state, in the words the map, inspector and table use.
    expect((await page.locator('.legend span').allTextContents()).sort()).toEqual(Object.values(STATUS_LABEL).sort());

    // The next free /29 skips the parked block.
    await fit();
    await selectNode('203.0.113.0/24');
    await page.getByTestId('actions').getByRole('button', { name: 'Allocate next…' }).click();
    const dialog = page.getByTestId('allocate-dialog');
    await dialog.locator('select[name="prefix"]').selectOption('29');
    await expect.poll(() => dialog.getByTestId('preview-cidr').textContent(), { timeout: 10_000 }).toBe('203.0.113.104/29');
    await screenshot(page, '04-allocate-dry-run');
    await dialog.getByRole('button', { name: 'Allocate 203.0.113.104/29' }).click();
    await dialog.waitFor({ state: 'detached' });
    await page.locator('.react-flow__node [data-cidr="203.0.113.104/29"].st-allocated').first().waitFor();
    await fit();
    await screenshot(page, '05-seed-sample-tree');

    const t = await tree();
    expect(t.get('203.0.113.0/24')).toMatchObject({ allocation_status: 'subdivided', location: 'EU-FRA', description: 'public pool' });
    expect(t.get('203.0.113.0/26')).toMatchObject({ allocation_status: 'allocated', customer: 'cust-7421', vlan: 102, effective_location: 'EU-FRA' });
    expect(t.get('203.0.113.64/27')).toMatchObject({ allocation_status: 'allocated', customer: 'cust-7422', vlan: 102 });
    expect(t.get('203.0.113.96/29')).toMatchObject({ is_unavailable: true, allocation_status: 'unallocated' });
    expect(t.get('203.0.113.104/29')).toMatchObject({ allocation_status: 'allocated' });
    expect((await engine<{ ok: boolean }>('check.run')).ok).toBe(true);

    // A refusal shows the engine's own message next to the node (and in the inspector); nothing changes.
    page.once('dialog', (d) => void d.accept());
    await selectNode('203.0.113.0/24');
    await page.getByTestId('actions').getByRole('button', { name: 'Delete' }).click();
    await expect.poll(() => page.getByTestId('inspector-error').textContent()).toContain('203.0.113.0/24 cannot be deleted');
    await page.locator('.react-flow__node [data-cidr="203.0.113.0/24"] .node-error').waitFor();
    await screenshot(page, '05b-engine-error-beside-node');
    expect((await tree()).get('203.0.113.0/24')).toMatchObject({ allocation_status: 'subdivided' });
    expect(browser.errors).toEqual([]);
  }, 120_000);

  it('undoes it step by step with Ctrl+Z and the Undo button, and redoes with Shift+Ctrl+Z', async () => {
    const { batches } = await engine<{ batches: Array<{ label: string; kind: string; undone: boolean }> }>('journal.list', { limit: 50 });
    const labels = batches.filter((b) => b.kind === 'do').map((b) => b.label);
    // Newest first: every click above is one journal batch.
    expect(labels).toEqual([
      'allocate 203.0.113.104/29',
      'park 203.0.113.96/29',
      'add subnet 203.0.113.96/29',
      'allocate 203.0.113.64/27 to cust-7422',
      'add customer cust-7422',
      'allocate 203.0.113.0/26 to cust-7421',
      'add customer cust-7421',
      'add subnet 203.0.113.0/24',
      'edit VLAN 102 at EU-FRA',
      'edit VLAN 102 at EU-FRA',
      'add VLAN 102 at EU-FRA',
      'add location EU-FRA',
    ]);
    const checks: Record<number, () => Promise<void>> = {
      1: async () => {
        expect((await tree()).get('203.0.113.104/29')?.allocation_status ?? 'gone').not.toBe('allocated');
        await page.locator('.react-flow__node [data-cidr="203.0.113.104/29"].st-allocated').waitFor({ state: 'detached' });
      },
      2: async () => expect((await tree()).get('203.0.113.96/29')).toMatchObject({ is_unavailable: false }),
      3: async () => expect((await tree()).has('203.0.113.96/29')).toBe(false),
      4: async () => expect((await tree()).has('203.0.113.64/27')).toBe(false),
      6: async () => expect((await tree()).has('203.0.113.0/26')).toBe(false),
      8: async () => {
        expect((await tree()).size).toBe(0);
        await page.getByTestId('empty-state').waitFor();
      },
      9: async () => expect((await engine<{ vlans: Array<{ enabled: boolean }> }>('vlan.list', {})).vlans[0]?.enabled).toBe(false),
      12: async () => expect((await engine<{ locations: unknown[] }>('location.list')).locations).toEqual([]),
    };
    for (let i = 1; i <= labels.length; i++) {
      await blur();
      if (i % 2 === 1) await page.keyboard.press('Control+z');
      else await page.getByRole('button', { name: 'Undo', exact: true }).click();
      await waitForUndoLabel(labels[i] ?? null);
      await checks[i]?.();
      if (i === 4) await screenshot(page, '06-undo-midway');
    }
    await blur();
    await page.keyboard.press('Shift+Control+z');
    await waitForUndoLabel('redo add location EU-FRA');
    expect((await engine<{ locations: Array<{ code: string }> }>('location.list')).locations.map((l) => l.code)).toEqual(['EU-FRA']);
    expect(browser.errors).toEqual([]);
  }, 120_000);

  it('searches and flies the map to the match', async () => {
    await page.getByRole('button', { name: 'Load the demo plan' }).click();
    await page.locator('.react-flow__node [data-cidr="203.0.113.0/24"]').waitFor();
    await screenshot(page, '07-demo-plan');

    const search = page.getByRole('searchbox', { name: 'Search subnets' });
    await search.fill('Helios');
    const hit = page.getByTestId('search-results').getByRole('option').filter({ hasText: '203.0.113.64/27' });
    await hit.waitFor();
    await screenshot(page, '08-search');
    await hit.click();
    await expect.poll(() => page.getByTestId('inspector-cidr').textContent()).toBe('203.0.113.64/27');
    const sel = '.react-flow__node [data-cidr="203.0.113.64/27"].sel';
    await page.locator(sel).first().waitFor();
    await page.waitForTimeout(700);
    expect(await inViewport(sel)).toBe(true);
    await screenshot(page, '09-flown-to-match');

    // By CIDR into the IPv6 tree: the family tab follows.
    await search.fill('2001:db8:1:a::/64');
    await page.getByTestId('search-results').getByRole('option').filter({ hasText: '2001:db8:1:a::/64' }).waitFor();
    await search.press('Enter');
    await expect.poll(() => page.getByRole('tab', { name: 'IPv6' }).getAttribute('aria-selected')).toBe('true');
    const v6 = '.react-flow__node [data-cidr="2001:db8:1:a::/64"].sel';
    await page.locator(v6).first().waitFor();
    await page.waitForTimeout(700);
    expect(await inViewport(v6)).toBe(true);
    await screenshot(page, '10-ipv6');

    // By address, into another space.
    await search.fill('10.10.0.1');
    await page.getByTestId('search-results').getByRole('option').filter({ hasText: '10.10.0.1' }).waitFor();
    await search.press('Enter');
    await expect.poll(() => page.getByLabel('Address space').inputValue()).toBe('mgmt');
    await expect.poll(() => page.getByTestId('inspector-cidr').textContent()).toBe('10.10.0.0/24');
    await page.getByTestId('ip-table').waitFor();
    await screenshot(page, '11-ip-pool-inspector');

    const mounted = Number(await page.getByTestId('map').getAttribute('data-mounted'));
    expect(mounted).toBeGreaterThan(0);
    expect(mounted).toBeLessThanOrEqual(500);
    expect(browser.errors).toEqual([]);
  }, 120_000);

  it('shows the table view, sorted and filtered by the engine', async () => {
    await page.getByLabel('Address space').selectOption('global');
    await nav('Table');
    await page.getByTestId('table-view').waitFor();
    // The Subnets rows open as the prefix list; the sorted, filtered table is its flat list.
    await page.getByRole('button', { name: 'Flat list' }).click();
    await page.getByLabel('Status filter').selectOption('allocated');
    await expect.poll(async () => Number((await page.getByTestId('table-count').textContent())!.replace(/\D/g, ''))).toBeGreaterThan(5);
    await page.getByRole('columnheader', { name: 'Customer' }).click();
    await page.locator('.tr:not(.loading)').first().waitFor();
    const customers = await page.locator('.tr:not(.loading) > span:nth-child(3)').allTextContents();
    expect(customers.length).toBeGreaterThan(3);
    expect([...customers].sort()).toEqual(customers);
    await screenshot(page, '12-table');
    await nav('Map');
  }, 60_000);
});
