import { afterEach, describe, expect, it } from 'vitest';
import { freshPlan } from '../support/plan';

describe('browse methods (desktop)', () => {
  let env: ReturnType<typeof freshPlan>;
  afterEach(() => env.plan.close());

  it('loads the demo plan as one undoable step into an empty plan only', () => {
    env = freshPlan();
    const { call, refuse, check } = env;
    const r = call('plan.demo');
    expect(r.subnets).toBeGreaterThan(20);
    expect(check()).toEqual([]);
    const tree = new Map(call('tree.get', {}).subnets.map((s) => [s.cidr, s]));
    expect(tree.get('203.0.113.0/26')).toMatchObject({ customer: 'cust-7421', vlan: 102, effective_location: 'EU-FRA' });
    expect(tree.get('203.0.113.96/29')).toMatchObject({ is_unavailable: true });
    expect(call('allocate.subnet', { family: 4, prefix: 29, pools: ['203.0.113.0/24'], dry_run: true }).cidr).toBe('203.0.113.104/29');
    expect(call('plan.info').undo).toBe('load the demo plan');
    expect(refuse('plan.demo').code).toBe('CONFLICT');
    call('journal.undo');
    expect(call('plan.info')).toMatchObject({ subnets: 0, redo: 'load the demo plan' });
  });

  it('answers a big carving with a bounded frontier of aggregates, largest opened first', () => {
    env = freshPlan();
    const { call } = env;
    call('subnet.add', { cidr: '10.0.0.0/16' });
    call('subnet.split', { cidr: '10.0.0.0/16', to: 24 });
    for (let i = 0; i < 40; i++) call('allocate.subnet', { family: 4, prefix: 24 });
    const roots = call('tree.children', { family: 4 });
    expect(roots).toMatchObject({ parent: null, total: 1, next_offset: null });
    expect(roots.nodes[0]).toMatchObject({ cidr: '10.0.0.0/16', carved: false });
    expect(roots.nodes[0]!.stats).toMatchObject({ descendants: 510, allocated: 40 * 256, free: 216 * 256, utilization: 15.62, largest_free: 17 });
    const kids = call('tree.children', { cidr: '10.0.0.0/16', limit: 16 });
    expect(kids.nodes).toHaveLength(16);
    expect(kids.nodes.every((n) => n.prefix_length === 20 && n.carved)).toBe(true);
    const all = call('tree.children', { cidr: '10.0.0.0/16', limit: 1000 });
    expect(all.nodes).toHaveLength(256);
    expect(all.nodes.filter((n) => n.allocation_status === 'allocated')).toHaveLength(40);
    // Addresses ascend and tile the parent.
    const size = all.nodes.reduce((s, n) => s + Number(n.stats.total), 0);
    expect(size).toBe(65536);
  });

  it('searches by CIDR, address, customer and description', () => {
    env = freshPlan();
    const { call } = env;
    call('plan.demo');
    expect(call('search', { query: '203.0.113.64/27' }).matches[0]).toMatchObject({ cidr: '203.0.113.64/27', reason: 'cidr' });
    expect(call('search', { query: '203.0.113.70' }).matches[0]).toMatchObject({ cidr: '203.0.113.64/27', reason: 'address' });
    expect(call('search', { query: '203.0.113.8/30' }).matches[0]).toMatchObject({ cidr: '203.0.113.0/26', reason: 'contains' });
    const cust = call('search', { query: 'Helios' }).matches.map((m) => m.cidr);
    expect(cust).toContain('203.0.113.64/27');
    expect(call('search', { query: 'uplink' }).matches[0]).toMatchObject({ cidr: '203.0.113.96/29', reason: 'description' });
    expect(call('search', { query: '10.10.0.5', space: 'mgmt' }).matches[0]).toMatchObject({ space: 'mgmt', cidr: '10.10.0.0/24' });
  });

  it('pages, filters and sorts the table; lists a subnet history', () => {
    env = freshPlan();
    const { call } = env;
    call('plan.demo');
    const allocated = call('subnet.list', { status: 'allocated', sort: 'customer', limit: 1000 });
    expect(allocated.rows.length).toBe(allocated.total);
    expect(allocated.rows.every((r) => r.allocation_status === 'allocated')).toBe(true);
    const refs = allocated.rows.map((r) => r.customer ?? '~');
    expect([...refs].sort()).toEqual(refs);
    const page = call('subnet.list', { family: 4, offset: 2, limit: 3 });
    expect(page.rows).toHaveLength(3);
    expect(call('subnet.list', { text: 'anycast' }).rows.map((r) => r.cidr)).toEqual(['198.51.100.224/27', '2001:db8:2:100::/64']);
    const history = call('subnet.history', { cidr: '203.0.113.96/29' }).entries;
    expect(history[0]).toMatchObject({ op: 'update', fields: ['description'] });
    expect(history.some((e) => e.fields.includes('is_unavailable'))).toBe(true);
  });
});
