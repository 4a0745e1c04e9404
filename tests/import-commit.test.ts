/** Committing an import: all or nothing, valid rows, dry run, idempotence, undo, cancel, and the two writers agreeing. */
import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { invoke } from '../electron/api/handlers';
import { freshPlan, tempDir } from './support/plan';
import { csvFile, importInto, tables, visible, type Env } from './support/import';

let env: Env;
afterEach(() => {
  vi.useRealTimers();
  env?.plan.close();
});

const MIXED = [
  'prefix,address,status,location,vlan,tenant,description',
  '10.0.0.0/16,,container,EU-FRA,,,root',
  '10.0.1.0/24,,active,,web (102),cust-1,hello',
  '10.1.0.0/24,,active,,5,cust-2,no location for its VLAN',
  '10.0.3.0/24,,active,,102,cust-3,',
  ',10.0.1.5,,,,cust-1,',
  ',10.1.0.5,,,,,inside the failed row',
  ',10.0.3.9,,,,cust-3,',
];

describe('all or nothing, or the valid rows', () => {
  it('writes nothing when a row fails, unless --valid-rows, which commits the rest and reports the failures', async () => {
    env = freshPlan();
    const file = csvFile(tempDir(), 'mixed.csv', MIXED);
    const r = await importInto(env, file);
    // The address inside the failed subnet row has nothing to land in once that row is left out: it fails too.
    expect(r).toMatchObject({ committed: false, batch: null, failed: 2, created: 5 });
    expect(r.errors.map((e) => [e.row, e.code])).toEqual([[4, 'VLAN_NO_LOCATION'], [7, 'IP_OUTSIDE']]);
    expect(env.call('tree.get', {}).subnets).toEqual([]);
    expect(env.call('journal.list', {}).batches).toEqual([]);

    const v = await importInto(env, file, { valid_rows: true });
    expect(v.errors.map((e) => [e.row, e.code])).toEqual([[4, 'VLAN_NO_LOCATION'], [7, 'IP_OUTSIDE']]);
    expect(v).toMatchObject({ committed: true, failed: 2, created: 5, updated: 0, unchanged: 0 });
    expect(env.call('ip.list', {}).ips.map((i) => i.address)).toEqual(['10.0.1.5', '10.0.3.9']);
    expect(env.call('journal.list', {}).batches).toHaveLength(1);
    expect(env.check()).toEqual([]);
  });

  it('a dry run writes nothing and shows the rows it would create, update, leave and fail, and the tree', async () => {
    env = freshPlan();
    env.call('location.add', { code: 'EU-FRA' });
    env.call('subnet.add', { cidr: '10.0.0.0/16', location: 'EU-FRA', description: 'old' });
    const before = visible(env);
    const r = await importInto(env, csvFile(tempDir(), 'mixed.csv', MIXED), { dry_run: true });
    expect(r).toMatchObject({ dry_run: true, committed: false, batch: null, created: 4, updated: 1, unchanged: 0, failed: 2 });
    expect(r.tree[0]).toMatchObject({ cidr: '10.0.0.0/16', description: 'root', allocation_status: 'subdivided' });
    expect(r.tree.find((s) => s.cidr === '10.0.1.0/24')).toMatchObject({ allocation_status: 'allocated', customer: 'cust-1', vlan: 102 });
    expect(r.tree_total).toBe(r.tree.length);
    expect(r.catalog.customers).toEqual(['cust-1', 'cust-3']);
    expect(visible(env)).toEqual(before);
    expect(env.call('customer.list', {}).customers).toEqual([]);
  });
});

describe('repeating and undoing', () => {
  it('importing the same file twice changes nothing the second time', async () => {
    env = freshPlan();
    const file = csvFile(tempDir(), 'good.csv', MIXED.filter((l) => !l.includes('VLAN') && !l.includes('failed row')));
    const first = await importInto(env, file);
    expect(first).toMatchObject({ committed: true, created: 5, failed: 0 });
    const snapshot = tables(env);
    const again = await importInto(env, file);
    expect(again).toMatchObject({ committed: false, created: 0, updated: 0, unchanged: 5, failed: 0, batch: null });
    expect(tables(env)).toEqual(snapshot);
  });

  it('one undo reverts the whole import, catalog entries included, and redo brings it back', async () => {
    env = freshPlan();
    env.call('subnet.add', { cidr: '10.0.0.0/16' });
    env.call('subnet.add', { cidr: '10.0.9.0/24', ip_pool: true });
    env.call('allocate.ip', { address: '10.0.9.1' });
    const before = { ...visible(env), locations: env.call('location.list', {}).locations, customers: env.call('customer.list', {}).customers };
    const file = csvFile(tempDir(), 'good.csv', [
      'prefix,address,status,location,vlan,tenant,description',
      '10.0.0.0/16,,container,EU-FRA,,,root',
      '10.0.1.0/24,,active,,web (102),cust-1,hello',
      '10.0.0.0/8,,container,,,,over the root',
      '10.0.9.0/24,,,,,,pool described',
      ',10.0.1.5,,,,cust-1,',
      ',10.0.9.1,,,,cust-2,',
    ]);
    const r = await importInto(env, file);
    expect(r).toMatchObject({ committed: true, created: 3, updated: 3, failed: 0 });
    expect(env.check()).toEqual([]);
    const after = visible(env);
    const undone = env.call('journal.undo', {});
    expect(undone.undone.batch).toBeGreaterThan(0);
    expect(undone.undone.label).toBe('import good.csv');
    expect({ ...visible(env), locations: env.call('location.list', {}).locations, customers: env.call('customer.list', {}).customers }).toEqual(before);
    expect(env.check()).toEqual([]);
    env.call('journal.redo', {});
    expect(visible(env)).toEqual(after);
    expect(env.check()).toEqual([]);
  });
});

describe('the bulk writer', () => {
  it('writes exactly what the row-by-row writer writes: every table, journal included', async () => {
    const dir = tempDir();
    // A second space (VRF) too: chunks of rows that span two spaces are journaled like the rest.
    const lines = ['prefix,address,status,location,vlan,tenant,description,dns name,vrf'];
    for (let i = 0; i < 300; i++) lines.push(`10.${1 + (i % 3)}.${i % 250}.0/24,,${i % 5 ? 'active' : 'reserved'},${i % 50 ? '' : 'US-NYC'},${i % 4 ? `v (${100 + (i % 4)})` : ''},c-${i % 13},row ${i},`);
    for (let i = 0; i < 300; i++) lines.push(`,10.${1 + (i % 3)}.${i % 250}.${1 + (i % 200)},,,,c-${i % 13},,h${i}.example.net`);
    for (let i = 0; i < 20; i++) lines.push(`10.1.${i}.0/24,,active,,,c-1,blue ${i},,blue`, `,10.1.${i}.5,,,,c-2,,b${i}.example.net,blue`);
    lines.push('10.0.0.0/8,,container,EU-FRA,,,all of ten', '10.0.8.0/24,,active,,,,', ',10.0.9.9,,,,,existing leaf', '2001:db8::/48,,,EU-FRA,,,', '2001:db8:0:1::/64,,active,,7,c-1,', ',2001:db8::1,,,,,');
    const file = csvFile(dir, 'mixed.csv', lines);
    const seed = (e: Env) => {
      e.call('location.add', { code: 'EU-FRA' });
      e.call('subnet.add', { cidr: '10.0.0.0/16', location: 'EU-FRA' });
      e.call('subnet.add', { cidr: '10.0.8.0/22' });
      e.call('allocate.ip', { address: '10.0.9.9' });
      e.call('subnet.add', { cidr: '10.2.200.0/22', description: 'existing root' });
      e.call('subnet.add', { cidr: '192.0.2.0/24', ip_pool: true });
      e.call('allocate.ip', { address: '192.0.2.1' });
    };
    const runs: Array<{ result: unknown; tables: Record<string, unknown[]> }> = [];
    for (const writer of ['rows', 'bulk'] as const) {
      vi.useFakeTimers({ now: new Date('2030-01-02T03:04:05Z'), toFake: ['Date'] });
      env = freshPlan();
      seed(env);
      const r = await importInto(env, file, {}, writer);
      expect(r.errors).toEqual([]);
      expect(env.check()).toEqual([]);
      runs.push({ result: { ...r, seconds: 0 }, tables: tables(env) });
      env.plan.close();
      vi.useRealTimers();
    }
    const [rows, bulk] = runs as [(typeof runs)[0], (typeof runs)[0]];
    expect(Object.keys(bulk.tables)).toEqual(Object.keys(rows.tables));
    for (const t of Object.keys(rows.tables)) expect(bulk.tables[t], t).toEqual(rows.tables[t]);
    expect(bulk.result).toEqual(rows.result);
    expect((rows.tables.journal_records as unknown[]).length).toBeGreaterThan(1000);
  });

  it('proves every catalog id it wrote exists, so the import can run with foreign-key enforcement off', async () => {
    const { BulkWriter } = await import('../electron/tree/bulk');
    const { parseCidr } = await import('../shared/cidr');
    env = freshPlan();
    env.call('customer.add', { id: 'c-1' });
    const customer = (env.plan.sqlite.prepare("SELECT id FROM customers WHERE ref = 'c-1'").get() as { id: number }).id;
    const before = tables(env);
    env.plan.sqlite.pragma('foreign_keys = OFF');
    const data = (customer_id: number) => ({ location_id: null, vlan_id: null, allocation_status: 'allocated' as const, is_unavailable: 0 as const, is_ip_pool: 0 as const, customer_id, service_id: null, device_id: null, description: null });
    expect(() =>
      env.plan.mutate('bulk', () => {
        const w = new BulkWriter(env.plan);
        w.subnet(1, parseCidr('198.51.100.0/24'), null, data(customer), 0);
        w.subnet(1, parseCidr('203.0.113.0/24'), null, data(customer + 4242), 0);
        w.finish();
      }),
    ).toThrow(new RegExp(`refer to customers that do not exist \\(ids ${customer + 4242}\\); nothing was written`));
    env.plan.sqlite.pragma('foreign_keys = ON');
    expect(tables(env)).toEqual(before);
    // With every id there, the same write goes through.
    env.plan.mutate('bulk', () => {
      const w = new BulkWriter(env.plan);
      w.subnet(1, parseCidr('198.51.100.0/24'), null, data(customer), 0);
      w.finish();
    });
    expect(env.call('subnet.get', { cidr: '198.51.100.0/24' }).subnet).toMatchObject({ customer: 'c-1' });
    expect(env.check()).toEqual([]);
  });
});

describe('running in the import worker', () => {
  it('reports progress, and a cancel leaves the plan untouched', async () => {
    env = freshPlan();
    env.call('subnet.add', { cidr: '10.0.0.0/8' });
    const before = tables(env);
    const dir = tempDir();
    const file = join(dir, 'big.csv');
    const lines = ['prefix,address,tenant'];
    for (let i = 0; i < 30_000; i++) lines.push(`10.${i >> 8 & 255}.${i & 255}.0/29,,c-${i % 97}`);
    writeFileSync(file, `${lines.join('\n')}\n`);
    const { job } = invoke(env.plan, 'import.start', { file });
    let status = invoke(env.plan, 'import.status', { job });
    for (let i = 0; i < 400 && status.state === 'running' && status.rows_read === 0; i++) {
      await new Promise((r) => setTimeout(r, 5));
      status = invoke(env.plan, 'import.status', { job });
    }
    expect(invoke(env.plan, 'import.cancel', { job }).state).toBe('running');
    for (let i = 0; i < 2000 && status.state === 'running'; i++) {
      await new Promise((r) => setTimeout(r, 10));
      status = invoke(env.plan, 'import.status', { job });
    }
    expect(status).toMatchObject({ state: 'cancelled', result: null, error: { code: 'CANCELLED' } });
    expect(tables(env)).toEqual(before);

    // The same file, not cancelled: progress counts every row, and the result comes through the job.
    const { job: job2 } = invoke(env.plan, 'import.start', { file, dry_run: true, tree_limit: 3 });
    let s2 = invoke(env.plan, 'import.status', { job: job2 });
    for (let i = 0; i < 3000 && s2.state === 'running'; i++) {
      await new Promise((r) => setTimeout(r, 10));
      s2 = invoke(env.plan, 'import.status', { job: job2 });
    }
    expect(s2).toMatchObject({ state: 'done', phase: 'done', rows_read: 30_001, rows_checked: 30_000 });
    expect(s2.result).toMatchObject({ dry_run: true, created: 30_000, failed: 0 });
    expect(s2.result!.tree).toHaveLength(3);
    expect(tables(env)).toEqual(before);
  });

  it('pages through the errors of a finished import for the wizard', async () => {
    env = freshPlan();
    const lines = ['prefix,status'];
    for (let i = 0; i < 30; i++) lines.push(`10.0.${i}.1/24,${i % 2 ? 'bogus' : ''}`);
    const { job } = invoke(env.plan, 'import.start', { file: csvFile(tempDir(), 'errs.csv', lines) });
    let s = invoke(env.plan, 'import.status', { job, errors_limit: 5 });
    for (let i = 0; i < 1000 && s.state === 'running'; i++) {
      await new Promise((r) => setTimeout(r, 10));
      s = invoke(env.plan, 'import.status', { job, errors_limit: 5 });
    }
    expect(s.result).toMatchObject({ failed: 30, errors_total: 45 });
    expect(s.result!.errors).toHaveLength(5);
    const page = invoke(env.plan, 'import.errors', { job, offset: 10, limit: 4, code: 'UNKNOWN_STATUS' });
    expect(page.total).toBe(15);
    expect(page.errors.map((e) => e.row)).toEqual([23, 25, 27, 29]);
  });
});
