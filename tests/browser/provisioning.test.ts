/**
 * Provisioning in the browser host, by clicks alone, on a fresh plan (the demo plan loaded from the empty
 * state): a product built in the rules editor (a bad rule refused live, in the form and in JSON),
 * customer, device and service, a provision rehearsed by dry run and then run, its allocations followed
 * to the map, a re-link through the Edit dialog in one undo step, a cancel, a failing provision, and the
 * log filtered by action, service and outcome. Screenshots go to test-artifacts/.
 */
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MethodArgs, MethodName, MethodResult } from '../../shared/api/contract';
import { openApp, screenshot, type App, type Browser, showScreen, clearToasts as clearAllToasts } from '../support/browser';

let app: App;
let browser: Browser;
let page: Page;

const engine = <M extends MethodName>(method: M, args: MethodArgs<M>): Promise<MethodResult<M>> => app.call(method, args);

const nav = (label: string) => showScreen(page, label);

const clearToasts = () => clearAllToasts(page);

async function idle(): Promise<void> {
  await page.waitForFunction(() => !(window as unknown as { __fluxplan: { getState(): { busy: boolean } } }).__fluxplan.getState().busy);
}

beforeAll(async () => {
  app = await openApp();
  ({ browser, page } = app);
  await page.getByRole('button', { name: 'Load the demo plan' }).click();
  await page.locator('.react-flow__node [data-cidr="203.0.113.0/24"]').first().waitFor();
  // An IP pool in EU-FRA for the product's address rule: added on the map.
  await page.getByRole('button', { name: '+ Subnet' }).click();
  const add = page.getByTestId('add-dialog');
  await add.locator('input[name="cidr"]').fill('203.0.113.128/28');
  await add.locator('input[name="description"]').fill('FRA VPS pool');
  await add.locator('input[name="ip_pool"]').check();
  await add.getByRole('button', { name: 'Add subnet' }).click();
  await add.waitFor({ state: 'detached' });
}, 180_000);

afterAll(async () => {
  await app?.close();
});

describe('products, services and provisioning', () => {
  it('builds a product in the rules editor, refusing a bad rule live', async () => {
    await nav('Products');
    await page.getByTestId('products-view').waitFor();
    await page.getByRole('button', { name: '+ New product' }).click();
    const editor = page.getByTestId('product-editor');
    await editor.getByLabel('Product name').fill('VPS-S');
    const validation = page.getByTestId('validation');
    await expect.poll(() => validation.textContent()).toContain('Valid ipam_config · 1 rule');

    // A second rule, made a subnet rule: without a prefix length the schema refuses it, beside the field and in the list.
    await editor.getByRole('button', { name: '+ Add rule' }).click();
    const rule2 = editor.getByTestId('rule-2');
    await rule2.getByRole('radio', { name: 'Subnet' }).click();
    await rule2.getByRole('radio', { name: 'IPv6' }).click();
    await expect.poll(() => validation.textContent()).toContain('rules[1].prefix_length: a subnet rule needs prefix_length');
    expect(await rule2.locator('.field-error').allTextContents()).toContain('a subnet rule needs prefix_length');
    expect(await editor.getByRole('button', { name: 'Add product' }).isDisabled()).toBe(true);
    await rule2.getByLabel('Prefix length').fill('200');
    await expect.poll(() => validation.textContent()).toContain('rules[1].prefix_length');
    await rule2.getByLabel('Purpose').fill('additional');
    await rule2.getByLabel('Prefix length').fill('64');
    await editor.getByTestId('rule-1').getByLabel('Purpose').fill('primary');
    await expect.poll(() => validation.textContent()).toContain('Valid ipam_config · 2 rules');

    // The JSON view is the same draft: a bad count typed there shows in the form, and broken JSON is named.
    await editor.getByRole('tab', { name: 'JSON' }).click();
    const json = editor.getByLabel('ipam_config JSON');
    const text = await json.inputValue();
    expect(JSON.parse(text)).toEqual({
      mode: 'full',
      rules: [
        { type: 'ip', family: 4, count: 1, purpose: 'primary' },
        { type: 'subnet', family: 6, count: 1, prefix_length: 64, purpose: 'additional' },
      ],
    });
    await json.fill(text.replace('"count": 1', '"count": 0'));
    await expect.poll(() => validation.textContent()).toContain('rules[0].count: count is at least 1');
    await json.fill('{ "mode": "full", ');
    await expect.poll(() => validation.textContent()).toMatch(/^JSON: /);
    await json.fill(text.replace('"count": 1', '"count": 0'));
    await editor.getByRole('tab', { name: 'Form' }).click();
    const rule1 = editor.getByTestId('rule-1');
    expect(await rule1.getByLabel('Count').getAttribute('aria-invalid')).toBe('true');
    await clearToasts();
    await screenshot(page, 'prov-01-rules-editor-error');
    await rule1.getByLabel('Count').fill('1');
    await expect.poll(() => validation.textContent()).toContain('Valid ipam_config · 2 rules');
    await editor.getByRole('button', { name: 'Add product' }).click();
    await page.getByRole('list', { name: 'Products' }).getByRole('button', { name: /VPS-S/ }).waitFor();
    await clearToasts();
    await screenshot(page, 'prov-02-products');
    expect((await engine('product.list', {})).products.find((p) => p.name === 'VPS-S')?.ipam_config).toEqual({
      mode: 'full',
      rules: [
        { type: 'ip', family: 4, count: 1, purpose: 'primary' },
        { type: 'subnet', family: 6, count: 1, prefix_length: 64, purpose: 'additional' },
      ],
    });
    expect(browser.errors).toEqual([]);
  }, 90_000);

  it('adds a customer, a device and a service, provisions it after a dry run, and follows an allocation to the map', async () => {
    await nav('Services');
    await page.getByRole('tab', { name: /Customers/ }).click();
    await page.getByLabel('Customer ID').fill('cust-8100');
    await page.getByLabel('Customer name').fill('Acme Hosting');
    await page.getByRole('button', { name: 'Add customer' }).click();
    await page.getByRole('table', { name: 'Customers' }).getByRole('cell', { name: 'cust-8100' }).waitFor();

    await page.getByRole('tab', { name: /Devices/ }).click();
    await page.getByLabel('Device name').fill('fra-web1');
    await page.getByLabel('Device location').selectOption('EU-FRA');
    await page.getByLabel('Device kind').fill('server');
    await page.getByRole('button', { name: 'Add device' }).click();
    await page.getByRole('table', { name: 'Devices' }).getByRole('cell', { name: 'fra-web1' }).waitFor();

    await page.getByRole('tab', { name: /Services/ }).click();
    await page.getByLabel('Service ID').fill('svc-1001');
    await page.getByLabel('Service customer').selectOption('cust-8100');
    await page.getByLabel('Service product').selectOption('VPS-S');
    await page.getByLabel('Service device').selectOption('fra-web1');
    await page.getByRole('button', { name: 'Add service' }).click();
    const detail = page.getByTestId('service-detail');
    await expect.poll(() => detail.locator('h2').textContent()).toBe('svc-1001');
    await expect.poll(() => detail.textContent()).toContain('Nothing allocated yet');

    // The dry run names what would be allocated; nothing changes until Provision.
    await detail.getByRole('button', { name: 'Provision…' }).click();
    const dialog = page.getByTestId('provision-dialog');
    const preview = dialog.getByTestId('provision-preview');
    await preview.waitFor();
    expect(await preview.locator('tbody tr').allInnerTexts()).toEqual([
      expect.stringMatching(/#1 · primary\s+203\.0\.113\.129\s+203\.0\.113\.128\/28/),
      expect.stringMatching(/#2 · additional\s+2001:db8:1:8::\/64\s+—\s+—\s+split/),
    ]);
    expect((await engine('ip.list', { cidr: '203.0.113.128/28' })).ips).toEqual([]);
    await clearToasts();
    await screenshot(page, 'prov-03-provision-dry-run');
    await dialog.getByRole('button', { name: 'Provision · 2 allocations' }).click();
    await dialog.waitFor({ state: 'detached' });
    const held = detail.getByTestId('held');
    await expect.poll(() => held.locator('li').count()).toBe(2);
    expect(await held.locator('.link').allTextContents()).toEqual(['203.0.113.129', '2001:db8:1:8::/64']);
    expect((await engine('service.list', {})).services.find((s) => s.service === 'svc-1001')?.status).toBe('active');
    expect((await engine('ip.list', { cidr: '203.0.113.128/28' })).ips.map((i) => [i.address, i.service, i.customer, i.device, i.purpose])).toEqual([
      ['203.0.113.129', 'svc-1001', 'cust-8100', 'fra-web1', 'primary'],
    ]);
    expect((await engine('subnet.get', { cidr: '2001:db8:1:8::/64' })).subnet).toMatchObject({ allocation_status: 'allocated', service: 'svc-1001', customer: 'cust-8100', device: 'fra-web1' });
    await clearToasts();
    await screenshot(page, 'prov-04-service-provisioned');

    // An allocation links back to its place in the tree.
    await held.getByRole('button', { name: 'Show 2001:db8:1:8::/64 on the map' }).last().click();
    await expect.poll(() => page.getByTestId('inspector-cidr').textContent()).toBe('2001:db8:1:8::/64');
    await expect.poll(() => page.getByRole('tab', { name: 'IPv6' }).getAttribute('aria-selected')).toBe('true');
    await page.locator('.react-flow__node [data-cidr="2001:db8:1:8::/64"].sel').first().waitFor();
    await expect.poll(() => page.getByTestId('inspector').textContent()).toContain('svc-1001');
    await clearToasts();
    await screenshot(page, 'prov-05-allocation-on-map');
    expect(browser.errors).toEqual([]);
  }, 90_000);

  it("re-links an allocated subnet's customer and service in one undoable step from the Edit dialog", async () => {
    await page.getByRole('tab', { name: 'IPv4' }).click();
    await page.getByRole('searchbox', { name: 'Search subnets' }).fill('203.0.113.112/28');
    await page.getByTestId('search-results').getByRole('option').filter({ hasText: '203.0.113.112/28' }).first().waitFor();
    await page.getByRole('searchbox', { name: 'Search subnets' }).press('Enter');
    await expect.poll(() => page.getByTestId('inspector-cidr').textContent()).toBe('203.0.113.112/28');
    const before = (await engine('journal.list', { limit: 5 })).batches[0]!.id;
    await page.getByTestId('actions').getByRole('button', { name: 'Edit…' }).click();
    const edit = page.getByTestId('edit-dialog');
    expect(await edit.textContent()).not.toMatch(/releases and re-allocates/);
    await edit.locator('input[name="customer"]').fill('cust-8100');
    await edit.locator('input[name="service"]').fill('svc-1001');
    await edit.locator('select[name="device"]').selectOption('fra-web1');
    await edit.getByRole('button', { name: 'Save' }).click();
    await edit.waitFor({ state: 'detached' });
    await idle();
    expect((await engine('subnet.get', { cidr: '203.0.113.112/28' })).subnet).toMatchObject({ allocation_status: 'allocated', customer: 'cust-8100', service: 'svc-1001', device: 'fra-web1' });
    const after = (await engine('journal.list', { limit: 5 })).batches.filter((b) => b.id > before);
    expect(after.map((b) => b.label)).toEqual(['edit subnet 203.0.113.112/28']);
    // One undo step puts the old links back.
    await page.getByRole('button', { name: 'Undo', exact: true }).click();
    await expect.poll(async () => (await engine('subnet.get', { cidr: '203.0.113.112/28' })).subnet.customer).toBe('cust-7502');
    expect((await engine('subnet.get', { cidr: '203.0.113.112/28' })).subnet).toMatchObject({ allocation_status: 'allocated', service: null, device: null });
    expect(browser.errors).toEqual([]);
  }, 60_000);

  it('cancels the service, releasing what it holds, and logs a failing provision', async () => {
    await nav('Services');
    const detail = page.getByTestId('service-detail');
    await expect.poll(() => detail.locator('h2').textContent()).toBe('svc-1001');
    await detail.getByRole('button', { name: 'Cancel service…' }).click();
    const cancel = page.getByTestId('cancel-dialog');
    await expect.poll(() => cancel.getByTestId('held').locator('.link').allTextContents()).toEqual(['203.0.113.129', '2001:db8:1:8::/64']);
    await cancel.getByRole('button', { name: 'Cancel service' }).click();
    await cancel.waitFor({ state: 'detached' });
    await expect.poll(() => detail.textContent()).toContain('Cancelled: everything was released.');
    expect((await engine('ip.list', { cidr: '203.0.113.128/28' })).ips).toEqual([]);
    expect((await engine('subnet.get', { cidr: '2001:db8:1:8::/64' }).catch(() => null))?.subnet.allocation_status ?? 'gone').not.toBe('allocated');

    // A product that cannot be fulfilled: the dry run names the rule; running it anyway logs only the failure.
    await nav('Products');
    await page.getByRole('button', { name: '+ New product' }).click();
    const editor = page.getByTestId('product-editor');
    await editor.getByLabel('Product name').fill('Dedicated-XL');
    await editor.getByTestId('rule-1').getByRole('radio', { name: 'Subnet' }).click();
    await editor.getByTestId('rule-1').getByLabel('Prefix length').fill('20');
    await expect.poll(() => page.getByTestId('validation').textContent()).toContain('Valid ipam_config');
    await editor.getByRole('button', { name: 'Add product' }).click();
    await page.getByRole('list', { name: 'Products' }).getByRole('button', { name: /Dedicated-XL/ }).waitFor();
    await nav('Services');
    await page.getByLabel('Service ID').fill('svc-1002');
    await page.getByLabel('Service customer').selectOption('cust-8100');
    await page.getByLabel('Service product').selectOption('Dedicated-XL');
    await page.getByLabel('Service device').selectOption('fra-web1');
    await page.getByRole('button', { name: 'Add service' }).click();
    await expect.poll(() => detail.locator('h2').textContent()).toBe('svc-1002');
    await detail.getByRole('button', { name: 'Provision…' }).click();
    const dialog = page.getByTestId('provision-dialog');
    await expect.poll(() => dialog.getByTestId('provision-failure').textContent()).toContain('Rule 1 (subnet, IPv4 /20) failed');
    const logged = (await engine('log.list', { service: 'svc-1002', limit: 10 })).entries.length;
    expect(logged).toBe(0);
    await dialog.getByRole('button', { name: 'Run it anyway' }).click();
    await expect.poll(async () => (await engine('log.list', { service: 'svc-1002', limit: 10 })).entries.map((e) => [e.action, e.success])).toEqual([['ipam_allocate_subnet', false]]);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect(browser.errors).toEqual([]);
  }, 90_000);

  it('filters the log by action, service and outcome, and links its places to the map', async () => {
    await nav('Log');
    const view = page.getByTestId('log-view');
    const rows = view.getByRole('table', { name: 'Log entries' }).locator('tbody > tr:not(.details-row)');
    const all = (await engine('log.list', { limit: 200 })).entries.length;
    await expect.poll(() => rows.count()).toBe(all);
    await clearToasts();
    await screenshot(page, 'prov-06-log');

    await view.getByLabel('Action').selectOption('ipam_cancel');
    await expect.poll(() => rows.count()).toBe(1);
    await expect.poll(() => rows.first().textContent()).toMatch(/cancel.*svc-1001.*ok.*released 2001:db8:1:8::\/64, 203\.0\.113\.129/);

    await view.getByLabel('Action').selectOption('');
    await view.getByRole('radio', { name: 'failed' }).click();
    await expect.poll(() => rows.count()).toBe(1);
    await expect.poll(() => rows.first().textContent()).toMatch(/allocate subnet.*svc-1002.*failed.*rule 1: .*\(/);
    await clearToasts();
    await screenshot(page, 'prov-07-log-failures');

    await view.getByRole('radio', { name: 'all' }).click();
    await view.getByLabel('Service').selectOption('svc-1001');
    const mine = (await engine('log.list', { service: 'svc-1001', limit: 200 })).entries;
    await expect.poll(() => rows.count()).toBe(mine.length);
    expect(mine.map((e) => e.action)).toEqual(['ipam_cancel', 'ipam_release', 'ipam_provision', 'ipam_allocate_subnet', 'ipam_allocate_ip']);
    await view.getByLabel('Action').selectOption('ipam_allocate_ip');
    await expect.poll(() => rows.count()).toBe(1);
    await clearToasts();
    await screenshot(page, 'prov-08-log-filtered');

    // A place in an entry flies the map to it.
    await rows.first().getByRole('button', { name: '203.0.113.128/28' }).click();
    await expect.poll(() => page.getByTestId('inspector-cidr').textContent()).toBe('203.0.113.128/28');
    await page.locator('.react-flow__node [data-cidr="203.0.113.128/28"].sel').first().waitFor();
    expect(browser.errors).toEqual([]);
  }, 60_000);
});
