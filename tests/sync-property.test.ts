/**
 * Random work by two planners at once, synced in random order through the tenant, with every
 * conflict resolved by a random choice: at the end (everything resolved and synced) the two plans
 * and the tenant's are equal, every plan keeps every invariant, and every action that was not
 * overruled by a resolution is in all three.
 *
 * The tenant here is the emulator's own logic (Tenant, the same code the HTTP server calls) reached
 * in-process through the TenantAdapter interface, with every request and answer validated by the
 * protocol schemas, so that thousands of syncs run in seconds. The HTTP path is tested elsewhere.
 */
import { join } from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { invoke } from '../electron/api/handlers';
import { Plan } from '../electron/plan';
import type { PostOutcome, SnapshotInfo, SnapshotRows, TenantAdapter } from '../electron/sync/adapter';
import { resolveConflict } from '../electron/sync/conflicts';
import { planRows, toSnapshotRow } from '../electron/sync/snapshot';
import { addRemote, getRemote, openConflicts } from '../electron/sync/store';
import { runSync } from '../electron/sync/sync';
import { Tenant } from '../electron/sync/tenant/tenant';
import { isFluxError } from '../shared/errors';
import { changeset, changesetStatus, changesPage, snapshotRow, type SnapshotRow } from '../shared/sync/protocol';
import { tempDir } from './support/plan';
import { planImage, tokenFile, violations } from './sync-helpers';

/** The emulator's tenant logic as an adapter, every message through the protocol's schemas. */
export class LocalTenant implements TenantAdapter {
  constructor(readonly tenant: Tenant) {}
  async status() {
    return this.tenant.status();
  }
  async changes(since: number, cursor: string | null) {
    return changesPage.parse(JSON.parse(this.tenant.changesPage(since, cursor, 7)));
  }
  async snapshot(onRows: SnapshotRows): Promise<SnapshotInfo> {
    const plan = this.tenant.plan;
    const { rows, info } = plan.read(() => {
      const info = { tenant: this.tenant.id, version: this.tenant.version(), rows: 0 };
      const rows: SnapshotRow[] = [];
      for (const r of planRows(plan)) rows.push(snapshotRow.parse(JSON.parse(JSON.stringify(toSnapshotRow(r)))));
      info.rows = rows.length;
      return { rows, info };
    });
    await onRows(rows, info, rows.map((r) => JSON.stringify(r)));
    return info;
  }
  async post(cs: Parameters<TenantAdapter['post']>[0]): Promise<PostOutcome> {
    const a = this.tenant.post(changeset.parse(JSON.parse(JSON.stringify(cs))));
    return { status: a.status, answer: a.body } as PostOutcome;
  }
  async changesetStatus(id: string) {
    const s = this.tenant.changesetStatus(id);
    return s.status === 404 ? null : changesetStatus.parse(s.body);
  }
  async close() {}
}

type Op =
  | { t: 'alloc'; prefix: number; customer: number; pool: number }
  | { t: 'allocChosen'; block: number; len: number; customer: number }
  | { t: 'ip'; customer: number }
  | { t: 'release'; pick: number }
  | { t: 'releaseIp'; pick: number }
  | { t: 'describe'; pick: number; text: number }
  | { t: 'park'; pick: number }
  | { t: 'pool'; pick: number }
  | { t: 'merge'; pick: number }
  | { t: 'split'; pick: number }
  | { t: 'customer'; n: number }
  | { t: 'location'; n: number }
  | { t: 'undo' }
  | { t: 'redo' }
  | { t: 'sync' };

const opArb: fc.Arbitrary<Op> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ t: fc.constant('alloc' as const), prefix: fc.integer({ min: 26, max: 30 }), customer: fc.integer({ min: 0, max: 3 }), pool: fc.integer({ min: 0, max: 2 }) }) },
  { weight: 3, arbitrary: fc.record({ t: fc.constant('allocChosen' as const), block: fc.integer({ min: 0, max: 63 }), len: fc.integer({ min: 26, max: 29 }), customer: fc.integer({ min: 0, max: 3 }) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('ip' as const), customer: fc.integer({ min: 0, max: 3 }) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('release' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('releaseIp' as const), pick: fc.nat() }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('describe' as const), pick: fc.nat(), text: fc.integer({ min: 0, max: 2 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('park' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('pool' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('merge' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('split' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('customer' as const), n: fc.integer({ min: 0, max: 6 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('location' as const), n: fc.integer({ min: 0, max: 2 }) }) },
  { weight: 1, arbitrary: fc.constant({ t: 'undo' as const }) },
  { weight: 1, arbitrary: fc.constant({ t: 'redo' as const }) },
  { weight: 3, arbitrary: fc.constant({ t: 'sync' as const }) },
);

export const STATS: Record<string, number> = {};
const POOLS = ['10.0.0.0/24', '10.0.1.0/24', '10.0.2.0/23'];

function subnets(plan: Plan, where: string): string[] {
  return (plan.q(`SELECT cidr FROM subnets WHERE ${where} ORDER BY net, prefix_len`).all() as Array<{ cidr: string }>).map((r) => r.cidr);
}

function step(plan: Plan, op: Op): void {
  const pick = (list: string[], n: number) => (list.length ? list[n % list.length] : undefined);
  const call = (method: Parameters<typeof invoke>[1], args: unknown) => {
    try {
      invoke(plan, method, args);
    } catch (e) {
      if (!isFluxError(e) || e.code === 'INTERNAL') throw e;
    }
  };
  switch (op.t) {
    case 'alloc':
      return call('allocate.subnet', { family: 4, prefix: op.prefix, customer: `c${op.customer}`, pools: [POOLS[op.pool]] });
    case 'allocChosen': {
      const net = (10 << 24) + op.block * 32;
      const size = 2 ** (32 - op.len);
      const base = net - (net % size);
      return call('allocate.subnet', { cidr: `10.0.${(base >> 8) & 255}.${base & 255}/${op.len}`, customer: `c${op.customer}` });
    }
    case 'ip':
      return call('allocate.ip', { customer: `c${op.customer}` });
    case 'release': {
      const c = pick(subnets(plan, "allocation_status = 'allocated'"), op.pick);
      return c ? call('subnet.release', { cidr: c }) : undefined;
    }
    case 'releaseIp': {
      const rows = plan.q('SELECT address_text FROM ip_addresses ORDER BY address').all() as Array<{ address_text: string }>;
      const a = pick(rows.map((r) => r.address_text), op.pick);
      return a ? call('ip.release', { address: a }) : undefined;
    }
    case 'describe': {
      const c = pick(subnets(plan, '1'), op.pick);
      return c ? call('subnet.set', { cidr: c, description: op.text === 0 ? null : `note ${op.text}` }) : undefined;
    }
    case 'park': {
      const c = pick(subnets(plan, "allocation_status <> 'subdivided' AND prefix_len >= 26"), op.pick);
      if (!c) return;
      const parked = plan.q('SELECT is_unavailable FROM subnets WHERE cidr = ?').get(c) as { is_unavailable: number };
      return call(parked.is_unavailable ? 'subnet.unpark' : 'subnet.park', { cidr: c });
    }
    case 'pool': {
      const c = pick(subnets(plan, "allocation_status = 'unallocated' AND prefix_len >= 27"), op.pick);
      return c ? call('subnet.set', { cidr: c, ip_pool: true }) : undefined;
    }
    case 'merge': {
      const c = pick(subnets(plan, "allocation_status = 'subdivided' AND clear = 1"), op.pick);
      return c ? call('subnet.merge', { cidr: c }) : undefined;
    }
    case 'split': {
      const c = pick(subnets(plan, "allocation_status = 'unallocated' AND is_ip_pool = 0 AND prefix_len BETWEEN 24 AND 29"), op.pick);
      return c ? call('subnet.split', { cidr: c, to: Number(c.split('/')[1]) + 1 }) : undefined;
    }
    case 'customer':
      return call('customer.add', { id: `c${op.n}` });
    case 'location':
      return call('location.set', { code: 'EU-FRA', name: op.n === 0 ? null : `Frankfurt ${op.n}` });
    case 'undo':
      return call('journal.undo', {});
    case 'redo':
      return call('journal.redo', {});
    case 'sync':
      return;
  }
}

async function sync(plan: Plan, adapter: TenantAdapter, choose: () => number): Promise<void> {
  await runSync(plan, { adapter });
  // Resolve whatever is open, by a random choice (re-allocation only where it applies).
  for (const c of openConflicts(plan, getRemote(plan))) {
    const choices: Array<'mine' | 'theirs' | 'reallocate'> = c.kind === 'allocation' ? ['mine', 'theirs', 'reallocate'] : ['mine', 'theirs'];
    const choice = choices[choose() % choices.length]!;
    STATS[`${c.kind}/${choice}`] = (STATS[`${c.kind}/${choice}`] ?? 0) + 1;
    try {
      resolveConflict(plan, c.id, choice);
    } catch (e) {
      // Re-allocation may find no room left: keep theirs then.
      if (!isFluxError(e) || choice !== 'reallocate' || !['POOL_EXHAUSTED', 'NOT_FOUND', 'OUT_OF_SCOPE'].includes(e.code)) throw e;
      resolveConflict(plan, c.id, 'theirs');
    }
  }
}

async function setup(dir: string) {
  const tenantPlan = Plan.open(join(dir, 'tenant.sqlite'));
  const adapter = new LocalTenant(new Tenant(tenantPlan));
  const token = tokenFile('local-token', dir);
  const open = (name: string) => {
    const plan = Plan.open(join(dir, `${name}.sqlite`));
    addRemote(plan, { name: 't', url: 'http://127.0.0.1:9', secret_file: token });
    return plan;
  };
  const a = open('a');
  for (const [m, args] of [
    ['location.add', { code: 'EU-FRA' }],
    ['customer.add', { id: 'c0' }],
    ['customer.add', { id: 'c1' }],
    ['subnet.add', { cidr: '10.0.0.0/22', location: 'EU-FRA' }],
    ['subnet.add', { cidr: '10.0.0.0/24' }],
    ['subnet.add', { cidr: '10.0.3.0/28', ip_pool: true }],
  ] as const) invoke(a, m, args);
  await runSync(a, { adapter });
  const b = open('b');
  await runSync(b, { adapter });
  return { tenantPlan, adapter, a, b };
}

describe('sync under random concurrent work', () => {
  it('two planners and the tenant always converge, keeping every invariant', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(fc.boolean(), opArb), { minLength: 10, maxLength: 60 }), fc.infiniteStream(fc.nat()), async (ops, stream) => {
        const dir = tempDir();
        const { tenantPlan, adapter, a, b } = await setup(dir);
        const it = stream[Symbol.iterator]();
        const choose = () => it.next().value as number;
        try {
          for (const [onA, op] of ops) {
            const plan = onA ? a : b;
            if (op.t === 'sync') await sync(plan, adapter, choose);
            else step(plan, op);
          }
          // Settle: sync both until nothing moves.
          for (let i = 0; i < 4; i++) {
            await sync(a, adapter, choose);
            await sync(b, adapter, choose);
          }
          expect(openConflicts(a, getRemote(a))).toEqual([]);
          expect(openConflicts(b, getRemote(b))).toEqual([]);
        } finally {
          a.close();
          b.close();
          tenantPlan.close();
        }
        const files = ['a', 'b', 'tenant'].map((n) => join(dir, `${n}.sqlite`));
        const [ia, ib, it2] = files.map(planImage);
        expect(ib).toEqual(ia);
        expect(it2).toEqual(ia);
        for (const f of files) expect(violations(f), f).toEqual([]);
      }),
      { numRuns: Number(process.env.SYNC_PROPERTY_RUNS ?? 40), seed: process.env.SYNC_PROPERTY_SEED ? Number(process.env.SYNC_PROPERTY_SEED) : undefined },
    );
    if (process.env.SYNC_PROPERTY_STATS) console.log(STATS);
  });
});
