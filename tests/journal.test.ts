import { describe, expect, it } from 'vitest';
import { getSubnet, updateSubnet } from '../electron/tree/rows';
import { decodeImage, encodeImage, type EntityName } from '../electron/journal/entities';
import { steppingClock } from './support/clock';
import { freshPlan } from './support/plan';
import { cidrsOf, refuseUnchanged, type PlanEnv } from './support/snapshot';

interface Recorded {
  entity: string;
  key: string;
  op: 'insert' | 'update' | 'delete';
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
}

/** The change records of one batch, in order, read from the plan file. */
function recordsOf(env: PlanEnv, batch: number): Recorded[] {
  const rows = env.plan.sqlite
    .prepare('SELECT entity, key, op, before, after FROM journal_records WHERE batch_id = ? ORDER BY seq')
    .all(batch) as Array<Omit<Recorded, 'before' | 'after'> & { before: string | null; after: string | null }>;
  return rows.map((r) => ({ ...r, before: r.before ? decodeImage(r.entity as EntityName, r.before) : null, after: r.after ? decodeImage(r.entity as EntityName, r.after) : null }));
}

function lastBatch(env: PlanEnv) {
  return env.call('journal.list', { limit: 1 }).batches[0]!;
}

/** Drops updated_at, which undo and redo move on like any write; creation times must come back. */
function unstamped<T extends object | null>(row: T): T {
  if (row === null) return row;
  const { updated_at: _updated, ...rest } = row as T & { updated_at?: unknown };
  return rest as T;
}

/** What the planner can see: the tree and the IP records, ids and creation times included. */
function visible(env: PlanEnv) {
  return { tree: env.call('tree.get', {}).subnets.map(unstamped), ips: env.call('ip.list', {}).ips.map(unstamped) };
}

/** Runs each step with the clock one second later, and checks every invariant after it. */
function stepper(env: PlanEnv) {
  const clock = steppingClock();
  return <T>(fn: () => T): T => {
    clock.tick();
    const out = fn();
    expect(env.check()).toEqual([]);
    return out;
  };
}

describe('batches', () => {
  it('journals a whole allocation with its splits as one batch, undone in one step', () => {
    const env = freshPlan();
    const step = stepper(env);
    step(() => env.call('subnet.add', { cidr: '10.0.0.0/24' }));
    const before = visible(env);
    step(() => env.call('allocate.subnet', { family: 4, prefix: 26 }));
    const batch = lastBatch(env);
    expect(batch).toMatchObject({ label: 'allocate 10.0.0.0/26', kind: 'do', origin: 'local', undone: false });
    const records = recordsOf(env, batch.id);
    expect(records.map((r) => [r.op, r.key])).toEqual([
      ['update', 'global 10.0.0.0/24'],
      ['insert', 'global 10.0.0.0/25'],
      ['insert', 'global 10.0.0.128/25'],
      ['update', 'global 10.0.0.0/25'],
      ['insert', 'global 10.0.0.0/26'],
      ['insert', 'global 10.0.0.64/26'],
      ['update', 'global 10.0.0.0/26'],
    ]);
    expect(batch.changes).toBe(records.length);
    expect(env.call('log.list', {}).entries.filter((e) => e.batch === batch.id).map((e) => e.action)).toEqual([
      'ipam_allocate_subnet', 'ipam_subnet_split', 'ipam_subnet_split',
    ]);

    const undone = step(() => env.call('journal.undo'));
    expect(undone.undone).toMatchObject({ label: 'allocate 10.0.0.0/26', changes: 7 });
    expect(visible(env)).toEqual(before);
    expect(lastBatch(env)).toMatchObject({ kind: 'undo', target: batch.id, changes: 7 });
  });

  it('records entity, key, operation and before/after images for every kind of row', () => {
    const env = freshPlan();
    env.call('location.add', { code: 'EU-FRA', name: 'Frankfurt' });
    expect(recordsOf(env, lastBatch(env).id)).toEqual([
      { entity: 'location', key: 'EU-FRA', op: 'insert', before: null, after: expect.objectContaining({ code: 'EU-FRA', name: 'Frankfurt' }) },
    ]);
    env.call('location.set', { code: 'EU-FRA', name: 'Frankfurt am Main' });
    const [edit] = recordsOf(env, lastBatch(env).id);
    expect(edit).toMatchObject({ entity: 'location', op: 'update', before: { name: 'Frankfurt' }, after: { name: 'Frankfurt am Main' } });
    expect(edit!.before!.id).toBe(edit!.after!.id);

    env.call('subnet.add', { cidr: '10.0.0.0/30', ip_pool: true, description: 'links' });
    expect(recordsOf(env, lastBatch(env).id)).toEqual([
      { entity: 'subnet', key: 'global 10.0.0.0/30', op: 'insert', before: null, after: expect.objectContaining({ cidr: '10.0.0.0/30', is_ip_pool: 1, description: 'links', parent_id: null }) },
    ]);
    env.call('allocate.ip', {});
    expect(recordsOf(env, lastBatch(env).id)).toEqual([
      { entity: 'ip', key: 'global 10.0.0.1', op: 'insert', before: null, after: expect.objectContaining({ address_text: '10.0.0.1' }) },
    ]);
    env.call('ip.release', { address: '10.0.0.1' });
    expect(recordsOf(env, lastBatch(env).id)).toEqual([
      { entity: 'ip', key: 'global 10.0.0.1', op: 'delete', before: expect.objectContaining({ address_text: '10.0.0.1' }), after: null },
    ]);
    env.call('subnet.add', { cidr: '10.1.0.0/24' });
    env.call('subnet.delete', { cidr: '10.1.0.0/24' });
    expect(recordsOf(env, lastBatch(env).id)).toEqual([
      { entity: 'subnet', key: 'global 10.1.0.0/24', op: 'delete', before: expect.objectContaining({ cidr: '10.1.0.0/24' }), after: null },
    ]);
  });

  it('writes no batch for an action that changes nothing', () => {
    const env = freshPlan();
    env.call('subnet.add', { cidr: '10.0.0.0/24' });
    env.call('subnet.park', { cidr: '10.0.0.0/24' });
    const before = env.call('journal.list', {}).batches;
    env.call('subnet.park', { cidr: '10.0.0.0/24' });
    expect(env.call('journal.list', {}).batches).toEqual(before);
    expect(env.call('journal.undo').undone.label).toBe('park 10.0.0.0/24');
  });
});

describe('undo and redo', () => {
  function history(env: PlanEnv, step: <T>(fn: () => T) => T) {
    const states = [visible(env)];
    const actions: Array<() => unknown> = [
      () => env.call('subnet.add', { cidr: '10.0.0.0/24', description: 'public' }),
      () => env.call('allocate.subnet', { family: 4, prefix: 26, customer: 'cust-1' }),
      () => env.call('subnet.add', { cidr: '10.0.0.64/28', ip_pool: true }),
      () => env.call('allocate.ip', { customer: 'cust-1' }),
      () => env.call('subnet.park', { cidr: '10.0.0.128/25' }),
      () => env.call('subnet.release', { cidr: '10.0.0.0/26' }),
      () => env.call('ip.release', { address: '10.0.0.65' }),
      () => env.call('allocate.subnet', { family: 4, prefix: 27 }),
      () => env.call('subnet.split', { cidr: '10.0.0.0/26', to: 28 }),
      () => env.call('subnet.merge', { cidr: '10.0.0.0/26' }),
    ];
    for (const action of actions) {
      step(action);
      states.push(visible(env));
    }
    return states;
  }

  it('steps back through every batch, then forward again, each state exactly as it was', () => {
    const env = freshPlan();
    const step = stepper(env);
    env.call('customer.add', { id: 'cust-1' });
    const states = history(env, step);
    for (let i = states.length - 1; i > 0; i--) {
      expect(visible(env)).toEqual(states[i]);
      step(() => env.call('journal.undo'));
    }
    expect(visible(env)).toEqual(states[0]);
    for (let i = 1; i < states.length; i++) {
      step(() => env.call('journal.redo'));
      expect(visible(env)).toEqual(states[i]);
    }
    refuseUnchanged(env, 'journal.redo', {}, 'NOTHING_TO_REDO');
  });

  it('undoes down to an empty plan and then refuses NOTHING_TO_UNDO', () => {
    const env = freshPlan();
    const step = stepper(env);
    env.call('customer.add', { id: 'cust-1' });
    history(env, step);
    const undoable = env.call('journal.list', { limit: 100 }).batches.length;
    for (let i = 0; i < undoable; i++) step(() => env.call('journal.undo'));
    expect(cidrsOf(env)).toEqual([]);
    expect(env.call('customer.list').customers).toEqual([]);
    refuseUnchanged(env, 'journal.undo', {}, 'NOTHING_TO_UNDO');
  });

  it('interleaves: undo after undo, redo, undo of the redo', () => {
    const env = freshPlan();
    const step = stepper(env);
    env.call('customer.add', { id: 'cust-1' });
    const states = history(env, step);
    const n = states.length - 1;
    step(() => env.call('journal.undo'));
    step(() => env.call('journal.undo'));
    expect(visible(env)).toEqual(states[n - 2]);
    step(() => env.call('journal.redo'));
    expect(visible(env)).toEqual(states[n - 1]);
    step(() => env.call('journal.undo'));
    expect(visible(env)).toEqual(states[n - 2]);
    step(() => env.call('journal.undo'));
    expect(visible(env)).toEqual(states[n - 3]);
    step(() => env.call('journal.redo'));
    step(() => env.call('journal.redo'));
    step(() => env.call('journal.redo'));
    expect(visible(env)).toEqual(states[n]);
  });

  it('clears the redo stack with a new action', () => {
    const env = freshPlan();
    const step = stepper(env);
    step(() => env.call('subnet.add', { cidr: '10.0.0.0/24' }));
    step(() => env.call('allocate.subnet', { family: 4, prefix: 26 }));
    step(() => env.call('journal.undo'));
    step(() => env.call('subnet.park', { cidr: '10.0.0.0/24' }));
    refuseUnchanged(env, 'journal.redo', {}, 'NOTHING_TO_REDO');
    step(() => env.call('journal.undo'));
    expect(cidrsOf(env)).toEqual(['10.0.0.0/24']);
    step(() => env.call('journal.undo'));
    expect(cidrsOf(env)).toEqual([]);
    refuseUnchanged(env, 'journal.undo', {}, 'NOTHING_TO_UNDO');
  });

  it('brings rows back with their ids and creation times, and never reuses an id', () => {
    const env = freshPlan();
    const step = stepper(env);
    step(() => env.call('subnet.add', { cidr: '10.0.0.0/24' }));
    step(() => env.call('subnet.split', { cidr: '10.0.0.0/24', to: 26 }));
    const split = visible(env);
    step(() => env.call('subnet.merge', { cidr: '10.0.0.0/24' }));
    step(() => env.call('journal.undo'));
    expect(visible(env)).toEqual(split);
    step(() => env.call('journal.undo'));
    const used = new Set(split.tree.map((s) => s.id));
    step(() => env.call('subnet.add', { cidr: '10.0.0.0/28' }));
    for (const s of env.call('tree.get', {}).subnets) if (s.cidr !== '10.0.0.0/24') expect(used.has(s.id), s.cidr).toBe(false);
  });

  it('refuses CONFLICT when a later change from elsewhere touched the same row, and changes nothing', () => {
    const env = freshPlan();
    const step = stepper(env);
    step(() => env.call('subnet.add', { cidr: '10.0.0.0/24' }));
    step(() => env.call('allocate.subnet', { family: 4, prefix: 26 }));
    // A change pulled from another planner's copy: journaled, but not on this planner's undo stack.
    step(() =>
      env.plan.mutate('sync: describe 10.0.0.0/26', () => {
        const row = env.plan.sqlite.prepare("SELECT id FROM subnets WHERE cidr = '10.0.0.0/26'").get() as { id: number };
        updateSubnet(env.plan, getSubnet(env.plan, row.id), { description: 'edited elsewhere' });
      }, { origin: 'remote' }),
    );
    const error = refuseUnchanged(env, 'journal.undo', {}, 'CONFLICT');
    expect(error.message).toMatch(/10\.0\.0\.0\/26/);
    expect(env.check()).toEqual([]);
  });

  it('appends undo and redo as batches of their own that point at the batch they replay', () => {
    const env = freshPlan();
    const step = stepper(env);
    step(() => env.call('subnet.add', { cidr: '10.0.0.0/24' }));
    step(() => env.call('allocate.subnet', { family: 4, prefix: 25 }));
    const done = lastBatch(env);
    const records = recordsOf(env, done.id);
    step(() => env.call('journal.undo'));
    const undo = lastBatch(env);
    expect(undo).toMatchObject({ kind: 'undo', target: done.id, label: `undo ${done.label}` });
    // The undo batch holds the inverse records, last first.
    expect(recordsOf(env, undo.id).map((r) => [r.key, r.op])).toEqual(
      [...records].reverse().map((r) => [r.key, r.op === 'insert' ? 'delete' : r.op === 'delete' ? 'insert' : 'update']),
    );
    step(() => env.call('journal.redo'));
    const redo = lastBatch(env);
    expect(redo).toMatchObject({ kind: 'redo', target: done.id, label: `redo ${done.label}` });
    const images = (rs: Recorded[]) => rs.map((r) => ({ ...r, before: unstamped(r.before), after: unstamped(r.after) }));
    expect(images(recordsOf(env, redo.id))).toEqual(images(records));
    const all = env.call('journal.list', {}).batches;
    expect(all.find((b) => b.id === done.id)!.undone).toBe(true);
    expect(all.map((b) => b.kind)).toEqual(['redo', 'undo', 'do', 'do']);
  });
});

describe('stored images', () => {
  it('are compact arrays in column order, and images of every earlier shape still read', () => {
    const image = { id: 7, space_id: 1, ip_version: 4, cidr: '10.0.0.0/29', prefix_len: 29, parent_id: 3, location_id: null, vlan_id: null, allocation_status: 'allocated', is_unavailable: 0, is_ip_pool: 0, customer_id: 2, service_id: null, device_id: null, description: 'a "quoted", [bracketed] note', created_at: 'T1', updated_at: 'T2' };
    const text = encodeImage('subnet', image);
    expect(text.startsWith('[7,1,4,"10.0.0.0/29",29,3,')).toBe(true);
    expect(text).not.toContain('allocation_status');
    expect(text.length).toBeLessThan(JSON.stringify(image).length / 2 + 20);
    expect(decodeImage('subnet', text)).toEqual(image);
    // The object images plans written before this format hold.
    expect(decodeImage('subnet', JSON.stringify(image))).toEqual(image);
    // An image written before a column was appended reads null for it.
    expect(decodeImage('customer', '[4,"cust-1","Acme","T1"]')).toEqual({ id: 4, ref: 'cust-1', name: 'Acme', created_at: 'T1', updated_at: null });
  });

  it('written by the row writers and read back by undo give the rows exactly as they were', () => {
    const env = freshPlan();
    env.call('subnet.add', { cidr: '198.51.100.0/24', description: 'edge, "core" [a]' });
    const batch = lastBatch(env).id;
    const raw = env.plan.sqlite.prepare('SELECT after FROM journal_records WHERE batch_id = ?').all(batch) as Array<{ after: string }>;
    expect(raw.length).toBeGreaterThan(0);
    for (const r of raw) expect(r.after.startsWith('[')).toBe(true);
    const before = visible(env);
    env.call('journal.undo', {});
    expect(env.call('tree.get', {}).subnets).toEqual([]);
    env.call('journal.redo', {});
    expect(visible(env)).toEqual(before);
  });
});
