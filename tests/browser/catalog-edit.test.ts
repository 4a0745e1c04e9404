/**
 * Editing and removing the catalog in the browser host, by clicks, on the demo plan: a customer's name
 * edited (its ID shown but fixed), an unreferenced device removed after a confirm step (and brought back
 * by Undo), and a customer that still holds subnets refused with the engine's message shown in the
 * dialog, nothing changed. Screenshots go to test-artifacts/.
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

/** Toasts cleared and the dialog's opening animation done, for a steady screenshot. */
async function shot(name: string): Promise<void> {
  await clearToasts();
  await page.waitForFunction(() => document.getAnimations().every((a) => a.playState !== 'running'));
  await screenshot(page, name);
}

beforeAll(async () => {
  app = await openApp();
  ({ browser, page } = app);
  await page.getByRole('button', { name: 'Load the demo plan' }).click();
  await page.locator('.react-flow__node [data-cidr="203.0.113.0/24"]').first().waitFor();
  await nav('Services');
  await page.getByTestId('services-view').waitFor();
}, 180_000);

afterAll(async () => {
  await app?.close();
});

describe('editing and removing the catalog', () => {
  it("edits a customer's name; the ID is shown but cannot change", async () => {
    await page.getByRole('tab', { name: /Customers/ }).click();
    const customers = page.getByRole('table', { name: 'Customers' });
    const row = customers.getByRole('row').filter({ hasText: 'cust-7422' });
    await expect.poll(() => row.textContent()).toContain('Helios Media');

    await row.getByRole('button', { name: 'Edit…' }).click();
    const dialog = page.getByTestId('customer-edit-dialog');
    const id = dialog.getByLabel('Customer ID');
    expect(await id.inputValue()).toBe('cust-7422');
    expect(await id.getAttribute('readonly')).not.toBeNull();
    expect(await dialog.getByRole('button', { name: 'Save' }).isDisabled()).toBe(true);
    await dialog.getByLabel('Name').fill('Helios Media Group');
    await shot('catalog-01-edit-customer');
    await dialog.getByRole('button', { name: 'Save' }).click();
    await dialog.waitFor({ state: 'detached' });

    await expect.poll(() => row.textContent()).toContain('Helios Media Group');
    expect((await engine('customer.list', {})).customers.find((c) => c.customer === 'cust-7422')).toMatchObject({ name: 'Helios Media Group' });
    expect((await engine('journal.list', { limit: 1 })).batches[0]).toMatchObject({ label: 'edit customer cust-7422', changes: 1 });
    expect(browser.errors).toEqual([]);
  }, 60_000);

  it('refuses to remove a customer that still holds subnets, showing why in the dialog, and changes nothing', async () => {
    const customers = page.getByRole('table', { name: 'Customers' });
    const held = (await engine('tree.get', {})).subnets.filter((s) => s.customer === 'cust-7421');
    expect(held.length).toBeGreaterThan(0);
    const batches = (await engine('journal.list', { limit: 1 })).batches[0]!.id;

    await customers.getByRole('row').filter({ hasText: 'cust-7421' }).getByRole('button', { name: 'Remove…' }).click();
    const dialog = page.getByTestId('customer-remove-dialog');
    expect(await dialog.getByRole('heading').textContent()).toBe('Remove customer cust-7421');
    expect(await dialog.textContent()).toContain('Northwind Hosting');
    await dialog.getByRole('button', { name: 'Remove' }).click();

    const alert = dialog.getByRole('alert');
    await expect.poll(() => alert.textContent()).toMatch(/^Customer cust-7421 still holds \d+ subnets? \(/);
    // Exactly the engine's refusal.
    const refusal = await engine('customer.remove', { ref: 'cust-7421' }).then(
      () => 'removed',
      (e: Error) => e.message.replace(/^customer\.remove: /, ''),
    );
    expect(await alert.textContent()).toBe(refusal);
    expect(refusal).toContain(held[0]!.cidr);
    await shot('catalog-02-remove-customer-refused');

    await dialog.getByRole('button', { name: 'Keep' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect((await engine('customer.list', {})).customers.map((c) => c.customer)).toContain('cust-7421');
    expect((await engine('journal.list', { limit: 1 })).batches[0]!.id).toBe(batches);
    await customers.getByRole('cell', { name: 'cust-7421', exact: true }).waitFor();
    expect(browser.errors).toEqual([]);
  }, 60_000);

  it('removes an unreferenced device after the confirm step, and Undo brings it back', async () => {
    await page.getByRole('tab', { name: /Devices/ }).click();
    const devices = page.getByRole('table', { name: 'Devices' });
    await page.getByLabel('Device name').fill('spare-1');
    await page.getByLabel('Device location').selectOption('EU-AMS');
    await page.getByLabel('Device kind').fill('server');
    await page.getByRole('button', { name: 'Add device' }).click();
    await devices.getByRole('cell', { name: 'spare-1', exact: true }).waitFor();
    const id = (await engine('device.list', {})).devices.find((d) => d.name === 'spare-1')!.id;

    await devices.getByRole('row').filter({ hasText: 'spare-1' }).getByRole('button', { name: 'Remove…' }).click();
    const dialog = page.getByTestId('device-remove-dialog');
    expect(await dialog.getByRole('heading').textContent()).toBe('Remove device spare-1');
    expect(await dialog.textContent()).toContain('server · EU-AMS');
    // Nothing goes before the planner confirms.
    expect((await engine('device.list', {})).devices.map((d) => d.name)).toContain('spare-1');
    await shot('catalog-03-remove-device-confirm');
    await dialog.getByRole('button', { name: 'Remove' }).click();
    await dialog.waitFor({ state: 'detached' });

    await expect.poll(() => devices.getByRole('cell', { name: 'spare-1', exact: true }).count()).toBe(0);
    expect((await engine('device.list', {})).devices.map((d) => d.name)).not.toContain('spare-1');
    expect((await engine('journal.list', { limit: 1 })).batches[0]).toMatchObject({ label: 'remove device spare-1', changes: 1 });
    expect((await engine('check.run', {})).violations).toEqual([]);

    await page.getByRole('button', { name: 'Undo', exact: true }).click();
    await devices.getByRole('cell', { name: 'spare-1', exact: true }).waitFor();
    expect((await engine('device.list', {})).devices.find((d) => d.name === 'spare-1')).toEqual({ id, name: 'spare-1', location: 'EU-AMS', kind: 'server' });
    expect(browser.errors).toEqual([]);
  }, 60_000);

  it('removes an unused VLAN from its screen, and refuses a location still in use', async () => {
    await nav('VLANs');
    const vlans = page.getByTestId('vlans-view');
    await vlans.getByRole('row').filter({ hasText: 'storage' }).getByRole('button', { name: 'remove…' }).click();
    const dialog = page.getByTestId('vlan-remove-dialog');
    expect(await dialog.getByRole('heading').textContent()).toBe('Remove VLAN 120 at EU-AMS');
    await dialog.getByRole('button', { name: 'Remove' }).click();
    await dialog.waitFor({ state: 'detached' });
    await expect.poll(() => vlans.getByRole('row').filter({ hasText: 'storage' }).count()).toBe(0);
    expect((await engine('vlan.list', {})).vlans.map((v) => `${v.vid}@${v.location}`)).not.toContain('120@EU-AMS');

    await nav('Locations');
    const locations = page.getByTestId('locations-view');
    await locations.getByRole('row').filter({ hasText: 'EU-FRA' }).getByRole('button', { name: 'remove…' }).click();
    const refuse = page.getByTestId('location-remove-dialog');
    expect(await refuse.textContent()).toContain('It still has 2 VLANs: remove them first.');
    await refuse.getByRole('button', { name: 'Remove' }).click();
    await expect.poll(() => refuse.getByRole('alert').textContent()).toMatch(/^Location EU-FRA still has 2 VLANs \(102, 200\), \d+ subnets? \(/);
    await shot('catalog-04-remove-location-refused');
    await refuse.getByRole('button', { name: 'Keep' }).click();
    await refuse.waitFor({ state: 'detached' });
    expect((await engine('location.list', {})).locations.map((l) => l.code)).toContain('EU-FRA');
    expect(browser.errors).toEqual([]);
  }, 60_000);

  it("edits a service's product, refuses removing a product in use, and removes the service and the products", async () => {
    const rules = { mode: 'full' as const, rules: [{ type: 'ip' as const, family: 4 as const }] };
    await engine('product.add', { name: 'VPS-A', ipam_config: rules });
    await engine('product.add', { name: 'VPS-B', ipam_config: rules });
    await engine('service.add', { id: 'svc-9001', customer: 'cust-7430', product: 'VPS-A', device: 'fra-r1' });
    // Written beside the page: the app reads the plan again as after any change of its own.
    await page.evaluate(() => (window as unknown as { __fluxplan: { getState(): { refresh(): Promise<void> } } }).__fluxplan.getState().refresh());

    await nav('Services');
    await page.getByRole('tab', { name: /Services/ }).click();
    const services = page.getByRole('table', { name: 'Services' });
    const row = services.getByRole('row').filter({ hasText: 'svc-9001' });
    await row.getByRole('button', { name: 'Edit…' }).click();
    const edit = page.getByTestId('service-edit-dialog');
    await edit.getByLabel('Product').selectOption('VPS-B');
    await shot('catalog-05-edit-service');
    await edit.getByRole('button', { name: 'Save' }).click();
    await edit.waitFor({ state: 'detached' });
    await expect.poll(() => row.textContent()).toContain('VPS-B');
    expect((await engine('service.list', {})).services.find((x) => x.service === 'svc-9001')).toMatchObject({ customer: 'cust-7430', product: 'VPS-B', device: 'fra-r1' });

    await nav('Products');
    const list = page.getByRole('list', { name: 'Products' });
    await list.getByRole('button', { name: /VPS-B/ }).click();
    const editor = page.getByTestId('product-editor');
    await expect.poll(() => editor.locator('h2').textContent()).toBe('VPS-B');
    await editor.getByRole('button', { name: 'Remove…' }).click();
    const refuse = page.getByTestId('product-remove-dialog');
    await refuse.getByRole('button', { name: 'Remove' }).click();
    await expect.poll(() => refuse.getByRole('alert').textContent()).toBe(
      'Product VPS-B is still used by 1 service (svc-9001); move the services to another product or remove them (service set ID --product NAME, service remove ID) first',
    );
    await refuse.getByRole('button', { name: 'Keep' }).click();

    await list.getByRole('button', { name: /VPS-A/ }).click();
    await expect.poll(() => editor.locator('h2').textContent()).toBe('VPS-A');
    await editor.getByRole('button', { name: 'Remove…' }).click();
    await page.getByTestId('product-remove-dialog').getByRole('button', { name: 'Remove' }).click();
    await expect.poll(() => list.getByRole('button', { name: /VPS-A/ }).count()).toBe(0);

    await nav('Services');
    await row.getByRole('button', { name: 'Remove…' }).click();
    await page.getByTestId('service-remove-dialog').getByRole('button', { name: 'Remove' }).click();
    await expect.poll(() => row.count()).toBe(0);
    await nav('Products');
    await list.getByRole('button', { name: /VPS-B/ }).click();
    await editor.getByRole('button', { name: 'Remove…' }).click();
    await page.getByTestId('product-remove-dialog').getByRole('button', { name: 'Remove' }).click();
    await expect.poll(() => list.getByRole('button', { name: /VPS-B/ }).count()).toBe(0);
    expect((await engine('product.list', {})).products).toEqual([]);
    expect((await engine('check.run', {})).violations).toEqual([]);
    expect(browser.errors).toEqual([]);
  }, 60_000);
});
