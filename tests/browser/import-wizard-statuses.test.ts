/**
 * The import wizard's status words and profiles in the browser host, by clicks alone: a CSV with one status
 * word the engine does not know ("in use") shows it flagged in the Status words panel, and the dry run
 * fails its row with UNKNOWN_STATUS; mapped to a meaning, the dry run passes and the commit gives the row
 * that status. A profile saved with the column mapping and the status override restores both when it is
 * chosen again, and is deleted (after a confirm step inside the wizard) from the list and the plan.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MethodArgs, MethodName, MethodResult } from '../../shared/api/contract';
import { openApp, screenshot, type App, type Browser } from '../support/browser';

let app: App;
let browser: Browser;
let page: Page;
let dir: string;
let file: string;

const engine = <M extends MethodName>(method: M, args: MethodArgs<M>): Promise<MethodResult<M>> => app.call(method, args);

const subnet = async (cidr: string) => (await engine('subnet.get', { space: 'global', cidr })).subnet;
const wordRow = (panel: Locator, word: string) => panel.locator(`tr[data-status-word="${word}"]`);

beforeAll(async () => {
  app = await openApp();
  ({ browser, page, dir } = app);
  file = join(dir, 'site.csv');
  // "in use" is no word of the built-in vocabulary; "Owner" is no known header.
  writeFileSync(file, ['Network,Status,Owner,Notes', '10.70.0.0/24,active,acme,Core', '10.70.1.0/24,in use,acme,Web', '10.70.2.0/24,deprecated,,Old', '10.70.3.0/24,In Use,acme,Db', ''].join('\n'));
  await page.getByTestId('empty-state').waitFor();
}, 180_000);

afterAll(async () => {
  await app?.close();
});

async function readFile(wizard: Locator) {
  await wizard.getByLabel('Path of the file on the host').fill(file);
  await wizard.getByRole('button', { name: 'Read the file' }).click();
  await wizard.getByTestId('import-mapping').waitFor();
}

describe('import wizard: status words', () => {
  it('flags the unknown word, maps it, previews without UNKNOWN_STATUS, saves it with the profile and commits it', async () => {
    await page.getByTestId('empty-state').getByRole('button', { name: 'Import a spreadsheet' }).click();
    const wizard = page.getByTestId('import-wizard');
    await readFile(wizard);

    const panel = wizard.getByTestId('import-statuses');
    await panel.waitFor();
    // Every distinct word of the file, spellings that compare the same as one, with their rows.
    await expect.poll(() => panel.locator('tbody tr').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-status-word')))).toEqual(['active', 'in use', 'deprecated']);
    expect(await wordRow(panel, 'in use').locator('td').nth(1).textContent()).toBe('2');
    // Built-in meanings shown as the default.
    expect(await panel.getByLabel('Meaning of status active').inputValue()).toBe('active');
    expect(await wordRow(panel, 'active').textContent()).toContain('built-in');
    expect(await panel.getByLabel('Meaning of status deprecated').inputValue()).toBe('parked');
    // The unknown word is flagged before any dry run.
    const flag = wizard.getByTestId('import-unknown-statuses');
    await expect.poll(() => flag.textContent()).toContain('in use');
    expect(await flag.textContent()).toContain('UNKNOWN_STATUS');
    expect(await wordRow(panel, 'in use').getAttribute('class')).toContain('unknown');
    expect(await wordRow(panel, 'in use').textContent()).toContain('not known');
    expect(await panel.getByLabel('Meaning of status in use').inputValue()).toBe('');
    await screenshot(page, 'import-statuses-01-unknown');

    // The engine agrees: the dry run fails both rows that carry it.
    await wizard.getByRole('button', { name: 'Preview import' }).click();
    const preview = wizard.getByTestId('import-preview');
    await preview.waitFor();
    await expect.poll(() => preview.getByTestId('import-counts').locator('div', { hasText: 'fail' }).locator('dd').textContent()).toBe('2');
    await expect.poll(() => preview.getByTestId('import-errors').locator('.err-row').first().textContent()).toContain('UNKNOWN_STATUS');
    await wizard.getByRole('button', { name: 'Back to mapping' }).click();

    // Map the word and a column, and keep both in a profile.
    await panel.getByLabel('Meaning of status in use').selectOption('allocated');
    await expect.poll(() => flag.count()).toBe(0);
    await expect.poll(() => wordRow(panel, 'in use').textContent()).toContain('set by you');
    expect(await wordRow(panel, 'in use').getAttribute('class')).not.toContain('unknown');
    const mapping = wizard.getByTestId('import-mapping');
    await mapping.getByLabel('Field of column Owner').selectOption('customer');
    await wizard.getByLabel('Profile name').fill('site-a');
    await wizard.getByRole('button', { name: 'Save mapping' }).click();
    await expect.poll(() => wizard.getByRole('status').filter({ hasText: 'site-a' }).count()).toBe(1);
    expect(await wizard.getByLabel('Mapping profile').inputValue()).toBe('site-a');
    expect((await engine('import.profile.get', { name: 'site-a' })).profile).toMatchObject({ mapping: { Owner: 'customer' }, statuses: { 'in use': 'allocated' } });

    await wizard.getByRole('button', { name: 'Preview import' }).click();
    await preview.waitFor();
    await expect.poll(() => preview.getByTestId('import-counts').locator('div', { hasText: 'create' }).locator('dd').textContent()).toBe('4');
    expect(await preview.getByTestId('import-counts').locator('div', { hasText: 'fail' }).locator('dd').textContent()).toBe('0');
    expect(await preview.getByTestId('import-errors').count()).toBe(0);
    expect(await preview.textContent()).not.toContain('UNKNOWN_STATUS');
    expect((await engine('plan.info', {})).subnets).toBe(0);

    await wizard.getByRole('button', { name: 'Import 4 rows' }).click();
    await wizard.getByTestId('import-done').waitFor();
    await wizard.getByRole('button', { name: 'Show the plan' }).click();
    await wizard.waitFor({ state: 'detached' });

    // Both spellings took the mapped meaning; the others their built-in one.
    expect(await subnet('10.70.1.0/24')).toMatchObject({ allocation_status: 'allocated', customer: 'acme', description: 'Web' });
    expect(await subnet('10.70.3.0/24')).toMatchObject({ allocation_status: 'allocated', customer: 'acme' });
    expect(await subnet('10.70.2.0/24')).toMatchObject({ is_unavailable: true });
    expect(browser.errors).toEqual([]);
  }, 120_000);

  it('restores the column mapping and the status override from the profile, and deletes the profile after a confirm', async () => {
    await page.getByRole('button', { name: 'Import…' }).click();
    const wizard = page.getByTestId('import-wizard');
    await readFile(wizard);
    const panel = wizard.getByTestId('import-statuses');
    const mapping = wizard.getByTestId('import-mapping');
    const flag = wizard.getByTestId('import-unknown-statuses');
    const select = wizard.getByLabel('Mapping profile');
    // Without the profile: detected afresh.
    await expect.poll(() => flag.count()).toBe(1);
    expect(await mapping.getByLabel('Field of column Owner').inputValue()).toBe('');

    await select.selectOption('site-a');
    await expect.poll(() => panel.getByLabel('Meaning of status in use').inputValue()).toBe('allocated');
    expect(await wordRow(panel, 'in use').textContent()).toContain('from the profile');
    expect(await flag.count()).toBe(0);
    expect(await mapping.getByLabel('Field of column Owner').inputValue()).toBe('customer');
    expect(await mapping.locator('tr', { hasText: 'Owner' }).textContent()).toContain('from the profile');
    await screenshot(page, 'import-statuses-02-profile');

    // Deleting asks first, inside the wizard; "Keep it" keeps it.
    const askDelete = wizard.getByRole('button', { name: 'Delete profile…' });
    await askDelete.click();
    const confirm = wizard.getByRole('group', { name: 'Confirm deleting the profile' });
    await expect.poll(() => confirm.textContent()).toContain('site-a');
    await confirm.getByRole('button', { name: 'Keep it' }).click();
    await expect.poll(() => confirm.count()).toBe(0);
    expect((await engine('import.profile.list', {})).profiles.map((p) => p.name)).toEqual(['site-a']);

    await askDelete.click();
    await confirm.getByRole('button', { name: 'Delete it' }).click();
    await expect.poll(() => wizard.getByRole('status').filter({ hasText: 'Deleted the profile' }).count()).toBe(1);
    await expect.poll(() => select.inputValue()).toBe('');
    expect(await select.locator('option').evaluateAll((os) => os.map((o) => (o as HTMLOptionElement).value))).toEqual(['']);
    expect((await engine('import.profile.list', {})).profiles).toEqual([]);
    expect(await askDelete.isDisabled()).toBe(true);
    // The mapping as detected without it: the word is unknown again.
    await expect.poll(() => flag.count()).toBe(1);
    expect(await panel.getByLabel('Meaning of status in use').inputValue()).toBe('');

    await wizard.getByRole('button', { name: 'Cancel', exact: true }).click();
    await wizard.waitFor({ state: 'detached' });
    expect(browser.errors).toEqual([]);
  }, 120_000);
});
