/**
 * tree.rows: the prefix tree as a planner's list, paged by the engine. Checked against a reference built
 * straight from the definition (walk the tree, list what a planner cares about, cut each run of free
 * leaves into its largest aligned blocks), also while the plan changes under the engine's chunk counts.
 */
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildFixture } from '../bench/fixture';
import type { MethodArgs, MethodName, MethodResult } from '../shared/api/contract';
import { addressBits, countValue, formatCidr, lastAddress, parseCidr } from '../shared/cidr';
import { isFluxError } from '../shared/errors';
import { invoke } from '../electron/api/handlers';
import { main, type Io } from '../electron/cli/main';
import { Plan } from '../electron/plan';
import { forgetTreeRows } from '../electron/tree/tree-rows';
import { freshPlan, tempDir } from './support/plan';

type Env = ReturnType<typeof freshPlan>;
type Row = MethodResult<'tree.rows'>['rows'][number];
type View = MethodResult<'tree.get'>['subnets'][number];
type Shown = Pick<Row, 'kind' | 'cidr' | 'depth' | 'has_children' | 'status' | 'used'>;

let env: Env;
afterEach(() => env?.plan.close());

const shape = (r: Row): Shown => ({ kind: r.kind, cidr: r.cidr, depth: r.depth, has_children: r.has_children, status: r.status, used: r.used });
const line = (r: Pick<Row, 'kind' | 'cidr' | 'depth'>) => `${'  '.repeat(r.depth)}${r.kind === 'available' ? 'available: ' : ''}${r.cidr}`;

/** Every row of the list, read a page at a time. */
function allRows(args: MethodArgs<'tree.rows'> = {}, limit = 1000): { total: number; rows: Row[] } {
  const rows: Row[] = [];
  let total = 0;
  for (let offset = 0; ; offset += limit) {
    const page = env.call('tree.rows', { ...args, offset, limit });
    total = page.total;
    rows.push(...page.rows);
    if (page.rows.length < limit) break;
  }
  return { total, rows };
}

/** The largest aligned blocks of an address range, lowest first. */
function blocks(version: 4 | 6, from: bigint, to: bigint): string[] {
  const out: string[] = [];
  const bits = addressBits(version);
  while (from <= to) {
    let len = bits;
    while (len > 0) {
      const size = 1n << BigInt(bits - len + 1);
      if (from % size !== 0n || from + size - 1n > to) break;
      len--;
    }
    out.push(formatCidr({ version, net: from, len }));
    from += 1n << BigInt(bits - len);
  }
  return out;
}

/** The list by its definition, from tree.get and ip.list. */
function reference(args: { cidr?: string; family?: 4 | 6; collapsed?: string[]; available?: boolean } = {}): Shown[] {
  const available = args.available ?? true;
  const subnets = env.call('tree.get', {}).subnets;
  const holding = new Set(env.call('ip.list', {}).ips.map((ip) => ip.subnet));
  const kids = new Map<string, View[]>();
  for (const s of subnets) if (s.parent !== null) kids.set(s.parent, [...(kids.get(s.parent) ?? []), s]);
  const hasData = (s: View) => !!s.description || s.location !== null || s.vlan !== null || !!s.customer || !!s.service || !!s.device;
  const listed = (s: View) =>
    s.parent === null || s.is_unavailable || hasData(s) || (s.allocation_status !== 'subdivided' && (s.is_ip_pool || s.allocation_status === 'allocated' || holding.has(s.cidr)));
  const status = (s: View): Row['status'] =>
    s.is_unavailable ? 'parked' : s.is_ip_pool ? 'pool' : s.allocation_status === 'allocated' ? 'allocated' : s.allocation_status === 'subdivided' ? 'subdivided' : s.effectively_unavailable ? 'held' : 'free';
  const used = (s: View): bigint => {
    if (s.allocation_status === 'subdivided') return (kids.get(s.cidr) ?? []).reduce((n, k) => n + used(k), 0n);
    const p = parseCidr(s.cidr);
    return !s.effectively_unavailable && (s.allocation_status === 'allocated' || s.is_ip_pool) ? 1n << BigInt(addressBits(p.version) - p.len) : 0n;
  };
  const out: Array<Omit<Shown, 'has_children'>> = [];
  const push = (s: View, depth: number) => out.push({ kind: 'subnet', cidr: s.cidr, depth, status: status(s), used: countValue(used(s)) });
  const below = (top: View, depth: number) => {
    let run: [bigint, bigint] | null = null;
    const version = parseCidr(top.cidr).version;
    const flush = () => {
      if (run && available) for (const cidr of blocks(version, run[0], run[1])) out.push({ kind: 'available', cidr, depth, status: 'available', used: 0 });
      run = null;
    };
    const visit = (n: View) => {
      for (const k of kids.get(n.cidr) ?? []) {
        if (listed(k)) {
          flush();
          push(k, depth);
          below(k, depth + 1);
        } else if (k.allocation_status === 'subdivided') visit(k);
        else if (!k.effectively_unavailable) {
          const p = parseCidr(k.cidr);
          if (run && run[1] + 1n !== p.net) throw new Error(`free space around ${k.cidr} is not contiguous`);
          run = [run?.[0] ?? p.net, lastAddress(p)];
        }
      }
    };
    visit(top);
    flush();
  };
  const tops = args.cidr ? subnets.filter((s) => s.cidr === args.cidr) : subnets.filter((s) => s.parent === null && (!args.family || s.ip_version === args.family));
  for (const top of tops) {
    push(top, 0);
    below(top, 1);
  }
  const full = out.map((e, i) => ({ ...e, has_children: e.kind === 'subnet' && (out[i + 1]?.depth ?? -1) > e.depth }));
  const collapsed = new Set(args.collapsed ?? []);
  const shown: Shown[] = [];
  let hideBelow: number | null = null;
  for (const e of full) {
    if (hideBelow !== null && e.depth > hideBelow) continue;
    hideBelow = e.kind === 'subnet' && collapsed.has(e.cidr) ? e.depth : null;
    shown.push(e);
  }
  return shown;
}

function expectMatches(args: Parameters<typeof reference>[0] = {}): void {
  const want = reference(args);
  const got = allRows(args);
  expect(got.rows.map(shape)).toEqual(want);
  expect(got.total).toBe(want.length);
}

/** A seeded generator, so a failure replays. */
function random(seed: number) {
  let s = seed >>> 0;
  const next = () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const int = (lo: number, hi: number) => lo + Math.floor(next() * (hi - lo + 1));
  const pick = <T>(xs: T[]): T | undefined => xs[Math.floor(next() * xs.length)];
  return { next, int, pick };
}

/** One random planner action on the plan; refusals (not free, nothing to merge...) are part of the game. */
function randomAction(rnd: ReturnType<typeof random>, roots: string[]): void {
  const subnets = env.call('tree.get', {}).subnets;
  const leaves = subnets.filter((s) => s.allocation_status !== 'subdivided');
  const free = leaves.filter((s) => s.is_free);
  const any = () => rnd.pick(subnets)!.cidr;
  const inside = (root: string) => {
    const p = parseCidr(root);
    const len = rnd.int(p.len + 1, Math.min(addressBits(p.version), p.len + 12));
    const size = 1n << BigInt(addressBits(p.version) - len);
    const net = p.net + BigInt(rnd.int(0, 2 ** Math.min(len - p.len, 30) - 1)) * size;
    return formatCidr({ version: p.version, net, len });
  };
  const actions: Array<() => unknown> = [
    () => env.call('allocate.subnet', { cidr: inside(rnd.pick(roots)!), customer: rnd.pick(['cust-a', 'cust-b', undefined]) }),
    () => env.call('allocate.subnet', { family: 4, prefix: rnd.int(22, 30), customer: 'cust-a' }),
    () => env.call('subnet.release', { cidr: rnd.pick(leaves.filter((s) => s.allocation_status === 'allocated'))?.cidr ?? any() }),
    () => env.call('subnet.park', { cidr: any() }),
    () => env.call('subnet.unpark', { cidr: rnd.pick(subnets.filter((s) => s.is_unavailable))?.cidr ?? any() }),
    () => env.call('subnet.set', { cidr: any(), description: rnd.pick(['edge', null]) }),
    () => env.call('subnet.set', { cidr: any(), location: rnd.pick(['EU-FRA', null]) }),
    () => {
      const leaf = rnd.pick(free)?.cidr ?? any();
      return env.call('subnet.split', { cidr: leaf, to: parseCidr(leaf).len + rnd.int(1, 3) });
    },
    () => env.call('subnet.merge', { cidr: rnd.pick(subnets.filter((s) => s.allocation_status === 'subdivided'))?.cidr ?? any() }),
    () => env.call('subnet.set', { cidr: rnd.pick(free)?.cidr ?? any(), ip_pool: true }),
    () => env.call('allocate.ip', { family: 4, customer: 'cust-b' }),
    () => env.call('subnet.add', { cidr: inside(rnd.pick(roots)!) }),
    () => env.call('journal.undo', {}),
    () => env.call('journal.redo', {}),
  ];
  try {
    actions[rnd.int(0, actions.length - 1)]!();
  } catch (e) {
    if (!isFluxError(e)) throw e;
  }
}

/** A /16 with three allocations, the space between them free. */
function carvedSixteen(): void {
  env = freshPlan();
  env.call('customer.add', { id: 'cust-7421' });
  env.call('location.add', { code: 'EU-FRA' });
  env.call('subnet.add', { cidr: '10.37.0.0/16', location: 'EU-FRA', description: 'core' });
  for (const cidr of ['10.37.0.0/24', '10.37.5.0/24', '10.37.64.0/26']) env.call('allocate.subnet', { cidr, customer: 'cust-7421' });
}

describe('tree.rows', () => {
  it('lists a carved /16 as its allocations with the free space between them as its largest aligned blocks', () => {
    carvedSixteen();
    const { rows, total } = allRows();
    expect(rows.map(line)).toEqual([
      '10.37.0.0/16',
      '  10.37.0.0/24',
      '  available: 10.37.1.0/24',
      '  available: 10.37.2.0/23',
      '  available: 10.37.4.0/24',
      '  10.37.5.0/24',
      '  available: 10.37.6.0/23',
      '  available: 10.37.8.0/21',
      '  available: 10.37.16.0/20',
      '  available: 10.37.32.0/19',
      '  10.37.64.0/26',
      '  available: 10.37.64.64/26',
      '  available: 10.37.64.128/25',
      '  available: 10.37.65.0/24',
      '  available: 10.37.66.0/23',
      '  available: 10.37.68.0/22',
      '  available: 10.37.72.0/21',
      '  available: 10.37.80.0/20',
      '  available: 10.37.96.0/19',
      '  available: 10.37.128.0/17',
    ]);
    expect(total).toBe(20);
    // The carving made /17s, /18s... down to the /24s: none of those carved-only rows is listed.
    expect(env.call('tree.get', {}).subnets.length).toBeGreaterThan(30);
    expect(rows.filter((r) => r.kind === 'subnet').map((r) => r.cidr)).toEqual(['10.37.0.0/16', '10.37.0.0/24', '10.37.5.0/24', '10.37.64.0/26']);
    expect(rows[0]).toMatchObject({ status: 'subdivided', has_children: true, location: 'EU-FRA', description: 'core', size: 65536, used: 576, utilization: 0.8789 });
    expect(rows[1]).toMatchObject({ status: 'allocated', has_children: false, customer: 'cust-7421', location: 'EU-FRA', size: 256, used: 256, utilization: 100 });
    expect(rows[19]).toMatchObject({ kind: 'available', status: 'available', has_children: false, customer: null, location: 'EU-FRA', size: 32768, used: 0, utilization: 0 });
    expectMatches();
  });

  it('pages: pages of any size concatenate to the whole list, and the ends are exact', () => {
    carvedSixteen();
    const whole = env.call('tree.rows', { limit: 1000 }).rows;
    for (const limit of [1, 3, 7, 19, 20]) {
      const pages: Row[] = [];
      for (let offset = 0; offset < whole.length; offset += limit) {
        const page = env.call('tree.rows', { offset, limit });
        expect(page).toMatchObject({ total: 20, offset });
        expect(page.rows.length).toBe(Math.min(limit, 20 - offset));
        pages.push(...page.rows);
      }
      expect(pages).toEqual(whole);
    }
    expect(env.call('tree.rows', { offset: 19, limit: 5 }).rows.map((r) => r.cidr)).toEqual(['10.37.128.0/17']);
    expect(env.call('tree.rows', { offset: 20 })).toEqual({ total: 20, offset: 20, rows: [] });
    expect(env.call('tree.rows', { offset: 500 }).rows).toEqual([]);
  });

  it('indents by listed ancestors only, and collapses a row to hide what lies below it', () => {
    carvedSixteen();
    env.call('subnet.add', { cidr: '10.37.128.0/20', description: 'lab' });
    env.call('allocate.subnet', { cidr: '10.37.130.0/24', customer: 'cust-7421' });
    const rows = env.call('tree.rows', { limit: 1000 }).rows;
    const lab = rows.findIndex((r) => r.cidr === '10.37.128.0/20');
    expect(rows.slice(lab - 1, lab + 6).map(line)).toEqual([
      '  available: 10.37.96.0/19',
      '  10.37.128.0/20',
      '    available: 10.37.128.0/23',
      '    10.37.130.0/24',
      '    available: 10.37.131.0/24',
      '    available: 10.37.132.0/22',
      '    available: 10.37.136.0/21',
    ]);
    expect(rows.slice(lab + 6).map(line)).toEqual(['  available: 10.37.144.0/20', '  available: 10.37.160.0/19', '  available: 10.37.192.0/18']);
    const folded = env.call('tree.rows', { collapsed: ['10.37.128.0/20'], limit: 1000 });
    expect(folded.total).toBe(rows.length - 5);
    expect(folded.rows.slice(lab - 1, lab + 2).map(line)).toEqual(['  available: 10.37.96.0/19', '  10.37.128.0/20', '  available: 10.37.144.0/20']);
    expect(folded.rows[lab]!.has_children).toBe(true);
    expectMatches({ collapsed: ['10.37.128.0/20'] });
    // Collapsing the root leaves the root; a nested collapse inside it changes nothing more; a stale CIDR is ignored.
    const root = env.call('tree.rows', { collapsed: ['10.37.128.0/20', '10.37.0.0/16', '10.99.0.0/16'] });
    expect(root.rows.map(line)).toEqual(['10.37.0.0/16']);
    expect(root.total).toBe(1);
  });

  it('lists one subtree with cidr, headed by that subnet at depth 0, even a carved-only one', () => {
    carvedSixteen();
    const sub = env.call('tree.rows', { cidr: '10.37.64.0/18' });
    expect(sub.rows.map(line)).toEqual([
      '10.37.64.0/18',
      '  10.37.64.0/26',
      '  available: 10.37.64.64/26',
      '  available: 10.37.64.128/25',
      '  available: 10.37.65.0/24',
      '  available: 10.37.66.0/23',
      '  available: 10.37.68.0/22',
      '  available: 10.37.72.0/21',
      '  available: 10.37.80.0/20',
      '  available: 10.37.96.0/19',
    ]);
    expect(sub.rows[0]).toMatchObject({ status: 'subdivided', has_children: true, used: 64 });
    // A free block as the head: all of it is available.
    expect(env.call('tree.rows', { cidr: '10.37.128.0/17' }).rows.map(line)).toEqual(['10.37.128.0/17']);
    expect(env.call('tree.rows', { cidr: '10.37.32.0/19', available: false }).rows.map(line)).toEqual(['10.37.32.0/19']);
    env.call('subnet.split', { cidr: '10.37.128.0/17', to: 18 });
    expect(env.call('tree.rows', { cidr: '10.37.128.0/17' }).rows.map(line)).toEqual(['10.37.128.0/17', '  available: 10.37.128.0/17']);
    expect(env.call('tree.rows', { cidr: '10.37.128.0/17', collapsed: ['10.37.128.0/17'] }).rows.map(line)).toEqual(['10.37.128.0/17']);
    for (const cidr of ['10.37.0.0/16', '10.37.64.0/18', '10.37.0.0/24', '10.37.128.0/17']) {
      expectMatches({ cidr });
      expectMatches({ cidr, collapsed: [cidr] });
    }
  });

  it('leaves out available rows when asked, and never counts parked space as available', () => {
    carvedSixteen();
    expect(allRows({ available: false }).rows.map(line)).toEqual(['10.37.0.0/16', '  10.37.0.0/24', '  10.37.5.0/24', '  10.37.64.0/26']);
    env.call('subnet.add', { cidr: '10.37.128.0/20' });
    env.call('subnet.park', { cidr: '10.37.128.0/20' });
    env.call('subnet.add', { cidr: '10.37.144.0/24' });
    env.call('subnet.park', { cidr: '10.37.144.0/24' });
    env.call('subnet.unpark', { cidr: '10.37.144.0/24' });
    // Adding the /24 carved the /17 down to it, so 10.37.160.0/19 is a row already: park it with an allocation inside.
    env.call('allocate.subnet', { cidr: '10.37.161.0/24', customer: 'cust-7421' });
    env.call('subnet.park', { cidr: '10.37.160.0/19' });
    const rows = allRows().rows;
    const tail = rows.slice(rows.findIndex((r) => r.cidr === '10.37.96.0/19'));
    expect(tail.map((r) => `${line(r)} ${r.status}`)).toEqual([
      '  available: 10.37.96.0/19 available',
      '  10.37.128.0/20 parked',
      '  available: 10.37.144.0/20 available',
      '  10.37.160.0/19 parked',
      '    10.37.161.0/24 allocated',
      '  available: 10.37.192.0/18 available',
    ]);
    // The allocation inside parked space is not counted as used (as capacity counts it).
    expect(tail[3]).toMatchObject({ has_children: true, used: 0, utilization: 0 });
    expect(tail[1]).toMatchObject({ has_children: false });
    expectMatches();
    expectMatches({ available: false });
  });

  it('shows utilization by addresses, IPv6 to four decimals, and lists IPv4 before IPv6 unless a family is given', () => {
    env = freshPlan();
    env.call('subnet.add', { cidr: '2001:db8::/48' });
    env.call('allocate.subnet', { cidr: '2001:db8:0:1::/64' });
    env.call('subnet.add', { cidr: '192.0.2.0/24', ip_pool: true });
    const rows = env.call('tree.rows', {}).rows;
    expect(rows.map(line)).toEqual([
      '192.0.2.0/24',
      '2001:db8::/48',
      '  available: 2001:db8::/64',
      '  2001:db8:0:1::/64',
      '  available: 2001:db8:0:2::/63',
      ...blocks(6, parseCidr('2001:db8:0:4::/64').net, lastAddress(parseCidr('2001:db8::/48'))).map((c) => `  available: ${c}`),
    ]);
    expect(rows[0]).toMatchObject({ status: 'pool', used: 256, utilization: 100 });
    expect(rows[1]).toMatchObject({ size: '1208925819614629174706176', used: '18446744073709551616', utilization: 0.0015 });
    expect(env.call('tree.rows', { family: 6, limit: 2 }).rows.map((r) => r.cidr)).toEqual(['2001:db8::/48', '2001:db8::/64']);
    expect(env.call('tree.rows', { family: 4 }).total).toBe(1);
    expectMatches();
  });

  it('refuses a bad CIDR or a subnet that is not there, naming the argument', () => {
    carvedSixteen();
    expect(env.refuse('tree.rows', { cidr: '10.37.0.0/33' })).toEqual({ code: 'INVALID_CIDR', message: 'cidr: "10.37.0.0/33" has an invalid prefix length "33" (IPv4 allows 0-32)' });
    expect(env.refuse('tree.rows', { cidr: '10.37.0.1/16' })).toMatchObject({ code: 'HOST_BITS_SET', message: expect.stringContaining('the network is 10.37.0.0/16') });
    expect(env.refuse('tree.rows', { cidr: '10.38.0.0/16' })).toEqual({ code: 'NOT_FOUND', message: '10.38.0.0/16 is not a subnet of space global' });
    expect(env.refuse('tree.rows', { cidr: '10.37.0.0/16', family: 6 })).toEqual({ code: 'INVALID_ARGUMENT', message: 'cidr: 10.37.0.0/16 is IPv4, but family 6 was asked for' });
    expect(env.refuse('tree.rows', { collapsed: ['10.37.0.0/16', 'core'] })).toMatchObject({ code: 'INVALID_CIDR', message: expect.stringMatching(/^collapsed\[1\]: "core" is not a CIDR prefix/) });
    expect(env.refuse('tree.rows', { limit: 1001 })).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining('limit') });
    expect(env.refuse('tree.rows', { space: 'nowhere' })).toMatchObject({ code: 'NOT_FOUND' });
  });

  it('matches the definition on random plans, page by page, while they change', () => {
    for (const seed of [1, 2, 3, 4]) {
      env = freshPlan();
      const rnd = random(seed);
      for (const c of ['cust-a', 'cust-b']) env.call('customer.add', { id: c });
      env.call('location.add', { code: 'EU-FRA' });
      const roots = ['10.0.0.0/16', '10.1.0.0/20', '172.16.0.0/24'];
      for (const cidr of roots) env.call('subnet.add', { cidr });
      env.call('subnet.add', { cidr: '2001:db8::/56' });
      for (let step = 0; step < 60; step++) {
        randomAction(rnd, roots);
        if (step % 3) continue;
        const cidrs = env.call('tree.get', {}).subnets.map((s) => s.cidr);
        const collapsed = [rnd.pick(cidrs)!, rnd.pick(cidrs)!];
        expectMatches();
        expectMatches({ collapsed });
        expectMatches({ cidr: rnd.pick(cidrs)!, collapsed: [rnd.pick(cidrs)!], available: rnd.next() < 0.7 });
        const want = reference({ collapsed });
        const offset = rnd.int(0, want.length);
        const limit = rnd.int(1, 9);
        expect(env.call('tree.rows', { collapsed, offset, limit }).rows.map(shape)).toEqual(want.slice(offset, offset + limit));
      }
      env.plan.close();
    }
  }, 120_000);

  it('keeps its per-chunk counts true as a plan of thousands of rows changes anywhere in it', () => {
    env = freshPlan();
    const rnd = random(7);
    for (const c of ['cust-a', 'cust-b']) env.call('customer.add', { id: c });
    env.call('location.add', { code: 'EU-FRA' });
    env.call('subnet.add', { cidr: '10.0.0.0/16' });
    // 4,096 free /28s, 8,191 rows: several chunks, each change touching a few of them.
    env.call('subnet.split', { cidr: '10.0.0.0/16', to: 28 });
    expectMatches();
    // The first /28 taken: every half along its path to the root turns into a maximal free block, the /17 one far
    // down the tree's order, in another chunk than the change.
    env.call('allocate.subnet', { cidr: '10.0.0.0/28', customer: 'cust-a' });
    expectMatches();
    env.call('subnet.release', { cidr: '10.0.0.0/28' });
    expectMatches();
    const taken = new Set(Array.from({ length: 300 }, () => rnd.int(0, 4095)));
    for (const i of taken) env.call('allocate.subnet', { cidr: formatCidr({ version: 4, net: parseCidr('10.0.0.0/16').net + BigInt(i * 16), len: 28 }), customer: 'cust-a' });
    expectMatches();
    const roots = ['10.0.0.0/16'];
    for (let step = 0; step < 20; step++) {
      randomAction(rnd, roots);
      const want = reference();
      const offset = rnd.int(0, want.length);
      expect(env.call('tree.rows', { offset, limit: 50 }).rows.map(shape)).toEqual(want.slice(offset, offset + 50));
      expect(env.call('tree.rows', { limit: 1 }).total).toBe(want.length);
    }
    expectMatches();
    const warm = env.call('tree.rows', { offset: 2000, limit: 100 });
    forgetTreeRows(env.plan);
    expect(env.call('tree.rows', { offset: 2000, limit: 100 })).toEqual(warm);
  }, 120_000);

  it('follows what another connection writes to the same plan, large carvings included', () => {
    env = freshPlan();
    env.call('subnet.add', { cidr: '10.0.0.0/12' });
    env.call('subnet.split', { cidr: '10.0.0.0/12', to: 20 });
    env.call('subnet.set', { cidr: '10.1.0.0/20', description: 'pool of /30s' });
    env.call('subnet.set', { cidr: '10.2.0.0/20', description: 'pool of /31s' });
    expectMatches();
    // The command line beside the desktop app: its own connection, its own journal records.
    const other = Plan.open(env.file);
    try {
      const run = <M extends MethodName>(method: M, args: MethodArgs<M>) => invoke(other, method, args);
      // About 3,000 journal records each: the chunks that hold them are recounted and, grown past their size, cut again.
      run('subnet.split', { cidr: '10.1.0.0/20', to: 30 });
      expectMatches();
      run('subnet.split', { cidr: '10.3.0.0/20', to: 30 });
      expectMatches();
      run('subnet.split', { cidr: '10.1.0.0/30', to: 32 });
      run('allocate.subnet', { cidr: '10.1.0.8/30' });
      expectMatches({ collapsed: ['10.0.0.0/12'] });
      expectMatches();
      // About 6,000: every chunk is counted afresh.
      run('subnet.split', { cidr: '10.2.0.0/20', to: 31 });
      run('allocate.subnet', { cidr: '10.2.0.4/31' });
      expectMatches();
      run('journal.undo', {});
      run('journal.undo', {});
      expectMatches();
    } finally {
      other.close();
    }
  }, 60_000);
});

describe('tree.rows at scale', () => {
  // How fast this is lives in the benchmark (bench/tree-rows.ts, npm run bench:tree-rows), never in a test.
  it('pages a 200,000-row plan consistently, also right after changes anywhere in it', () => {
    const file = join(tempDir(), 'big.sqlite');
    buildFixture(file, { rootNet: 0x0a000000, rootLen: 8, allocated: 100_000, exactHoles: 200, mergeHoles: 200, customers: 50, history: false });
    const plan = Plan.open(file);
    try {
      const rows = (args: MethodArgs<'tree.rows'>) => invoke(plan, 'tree.rows', args);
      const total = rows({}).total;
      expect(total).toBeGreaterThan(100_000);
      for (let i = 0; i < 5; i++) invoke(plan, 'allocate.subnet', { family: 4, prefix: 29 });
      const after = rows({}).total;
      // Each allocation lists one more row, and may add or split an available row beside it.
      expect(after).toBeGreaterThanOrEqual(total);
      const mid = Math.floor(after / 2);
      const whole = rows({ offset: mid, limit: 600 }).rows;
      expect([...rows({ offset: mid, limit: 250 }).rows, ...rows({ offset: mid + 250, limit: 350 }).rows]).toEqual(whole);
      expect(rows({ offset: after - 3, limit: 10 }).rows).toHaveLength(3);
    } finally {
      plan.close();
    }
  }, 120_000);
});

describe('fluxplan prefixes', () => {
  /** Runs the command line in-process with captured output. */
  async function cli(argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const io: Io = { out: (t) => out.push(t), err: (t) => err.push(t), lines: async function* () {} };
    const code = await main(argv, io, {});
    return { code, text: out.join('\n'), err: err.join('\n') };
  }

  it('prints the list indented, with a status word, a utilization bar and who holds each row, a page at a time', async () => {
    carvedSixteen();
    env.call('subnet.add', { cidr: '10.37.128.0/20', description: 'lab' });
    env.call('subnet.park', { cidr: '10.37.128.0/20' });
    env.plan.close();
    const db = ['--db', env.file];
    const all = await cli(['prefixes', ...db]);
    expect(all.code).toBe(0);
    const lines = all.text.split('\n');
    expect(lines[0]).toMatch(/^PREFIX\s+STATUS\s+UTILIZATION\s+OWNER · LOCATION · DESCRIPTION$/);
    expect(lines[1]).toMatch(/^10\.37\.0\.0\/16\s+subdivided\s+█░{9}\s+<1%\s+EU-FRA · core$/);
    expect(lines[2]).toMatch(/^ {2}10\.37\.0\.0\/24\s+allocated\s+█{10} 100%\s+cust-7421 · EU-FRA$/);
    expect(lines[3]).toMatch(/^ {2}available: 10\.37\.1\.0\/24\s+available\s+░{10}\s+0%$/);
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}10\.37\.128\.0\/20\s+parked\s+░{10}\s+0%\s+EU-FRA · lab$/));
    expect(lines.some((l) => /reserved/.test(l))).toBe(false);

    const page = await cli(['prefixes', '10.37.64.0/18', '--limit', '2', '--offset', '1', ...db]);
    expect(page.text.split('\n').slice(1)).toEqual([
      expect.stringMatching(/^ {2}10\.37\.64\.0\/26 /),
      expect.stringMatching(/^ {2}available: 10\.37\.64\.64\/26 /),
      '(2-3 of 10; --offset 3 for the next)',
    ]);
    const json = JSON.parse((await cli(['prefixes', '--collapse', '10.37.0.0/16', '--family', '4', '--json', ...db])).text);
    expect(json).toMatchObject({ total: 1, offset: 0, rows: [{ kind: 'subnet', cidr: '10.37.0.0/16', depth: 0, has_children: true, utilization: 0.8789 }] });
    const bare = JSON.parse((await cli(['prefixes', '--no-available', '--json', ...db])).text);
    expect(bare.rows.map((r: Row) => r.cidr)).toEqual(['10.37.0.0/16', '10.37.0.0/24', '10.37.5.0/24', '10.37.64.0/26', '10.37.128.0/20']);

    const bad = await cli(['prefixes', '10.37.0.0/33', ...db]);
    expect(bad).toMatchObject({ code: 1, err: 'fluxplan: cidr: "10.37.0.0/33" has an invalid prefix length "33" (IPv4 allows 0-32)' });
    expect((await cli(['--help'])).text).toMatch(/\n {2}prefixes \[CIDR\]\s+the prefix list/);
  });
});
