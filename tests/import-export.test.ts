/** Export to CSV and XLSX: every field, effective location and VLAN, neutralized formulas, and the round trip. */
import ExcelJS from 'exceljs';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { invoke } from '../electron/api/handlers';
import { freshPlan, tempDir } from './support/plan';
import { generatedPlan, importInto, visible, type Env } from './support/import';

const envs: Env[] = [];
afterEach(() => {
  while (envs.length) envs.pop()!.plan.close();
});
const plan = () => {
  const e = freshPlan();
  envs.push(e);
  return e;
};

describe('export', () => {
  it('neutralizes cells a spreadsheet would run as formulas, and FluxPlan reads them back unchanged', async () => {
    const src = plan();
    src.call('customer.add', { id: '-1 cust' });
    src.call('subnet.add', { cidr: '192.0.2.0/24', description: '=HYPERLINK("http://evil","x")' });
    src.call('subnet.add', { cidr: '192.0.2.0/26', description: '+cmd' });
    src.call('subnet.set', { cidr: '192.0.2.64/26', description: '@SUM(1)' });
    src.call('subnet.add', { cidr: '192.0.2.128/26', description: '\tleading tab' });
    src.call('subnet.set', { cidr: '192.0.2.192/26', description: "'=already quoted" });
    src.call('allocate.subnet', { cidr: '192.0.2.0/28', customer: '-1 cust', description: '\rcarriage return' });
    const file = join(tempDir(), 'plan.csv');
    await invoke(src.plan, 'export.run', { file });
    const text = readFileSync(file, 'utf8');
    expect(text.startsWith('\uFEFFkind,space,cidr,address,status,parked,ip_pool,location,vlan,customer')).toBe(true);
    expect(text).toContain(`"'=HYPERLINK(""http://evil"",""x"")"`);
    expect(text).toContain("'+cmd");
    expect(text).toContain("'@SUM(1)");
    expect(text).toContain("'-1 cust");
    expect(text).toContain("'\tleading tab");
    expect(text).toContain("''=already quoted");
    for (const line of text.split('\r\n').slice(1)) for (const cell of line.split(',')) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    const back = plan();
    const r = await importInto(back, file);
    expect(r.errors).toEqual([]);
    expect(visible(back)).toEqual(visible(src));
  });

  it('exports a generated plan of a few thousand rows to CSV and XLSX that import into an empty plan to the same tree and IP records', async () => {
    const src = plan();
    generatedPlan(src, 1200);
    const shown = { global: visible(src), private: visible(src, 'dc-private') };
    expect(shown.global.tree.length + shown.global.ips.length).toBeGreaterThan(3000);
    expect(shown.global.ips.length).toBeGreaterThan(150);
    const dir = tempDir();
    for (const name of ['plan.csv', 'plan.xlsx']) {
      const file = join(dir, name);
      const out = await invoke(src.plan, 'export.run', { file });
      expect(out.subnets).toBe(shown.global.tree.length + shown.private.tree.length);
      expect(out.ips).toBe(shown.global.ips.length + shown.private.ips.length);
      const back = plan();
      const r = await importInto(back, file);
      expect(r.errors).toEqual([]);
      expect(r.failed).toBe(0);
      expect({ global: visible(back), private: visible(back, 'dc-private') }).toEqual(shown);
      expect(back.check()).toEqual([]);
      // Importing the export again into the plan it came from changes nothing.
      const again = await importInto(src, file);
      expect(again).toMatchObject({ created: 0, updated: 0, failed: 0, committed: false });
    }
  });

  it('writes the effective location and VLAN beside each row, and an XLSX with a Subnets and an IP addresses sheet', async () => {
    const src = plan();
    src.call('location.add', { code: 'EU-FRA' });
    src.call('vlan.add', { vid: 102, location: 'EU-FRA', name: 'web' });
    src.call('subnet.add', { cidr: '203.0.113.0/24', location: 'EU-FRA', vlan: 102 });
    src.call('subnet.add', { cidr: '203.0.113.0/28', ip_pool: true });
    src.call('allocate.ip', { pools: ['203.0.113.0/28'] });
    const file = join(tempDir(), 'plan.xlsx');
    await invoke(src.plan, 'export.run', { file });
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(file);
    expect(book.worksheets.map((w) => w.name)).toEqual(['Subnets', 'IP addresses']);
    const rows = (name: string) => {
      const ws = book.getWorksheet(name)!;
      const header = (ws.getRow(1).values as string[]).slice(1);
      const out: Array<Record<string, string>> = [];
      ws.eachRow((r, n) => {
        if (n > 1) out.push(Object.fromEntries(header.map((h, i) => [h, String((r.values as unknown[])[i + 1] ?? '')])));
      });
      return out;
    };
    expect(rows('Subnets').find((r) => r.cidr === '203.0.113.0/28')).toMatchObject({ kind: 'subnet', location: '', vlan: '', effective_location: 'EU-FRA', effective_vlan: 'web (102)', ip_pool: 'yes', parent: '203.0.113.0/27' });
    expect(rows('IP addresses')).toEqual([expect.objectContaining({ kind: 'ip', address: '203.0.113.1', vlan: 'web (102)', effective_location: 'EU-FRA', parent: '203.0.113.0/28' })]);
    await expect(invoke(src.plan, 'export.run', { file: join(tempDir(), 'plan.xls') })).rejects.toThrow(/writes \.xlsx workbooks, not legacy \.xls/);
  });
});
