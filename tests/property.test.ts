/**
 * Random carve / allocate / release / park / IP / undo / redo sequences against a small model of
 * the pinned tree semantics (issue 2, "Tree semantics"), written from the text, not from the engine.
 * After every step: the engine's tree and IP records equal the model's, and check() is clean.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatAddress, formatCidr, parseCidr, type Prefix } from '../shared/cidr';
import { isFluxError } from '../shared/errors';
import { steppingClock } from './support/clock';
import { freshPlan } from './support/plan';
import type { PlanEnv } from './support/snapshot';

// ---------------------------------------------------------------- the model

type Fam = 4 | 6;
const BITS: Record<Fam, number> = { 4: 32, 6: 128 };

interface Node {
  p: Prefix;
  status: 'unallocated' | 'allocated' | 'subdivided';
  parked: boolean;
  pool: boolean;
  customer: string | null;
  /** Carries a description: data of its own. */
  described: boolean;
}

interface Ip {
  fam: Fam;
  value: bigint;
  parked: boolean;
  customer: string | null;
}

interface State {
  nodes: Map<string, Node>;
  ips: Map<string, Ip>;
  customers: Set<string>;
}

class Refused extends Error {
  constructor(readonly code: string) {
    super(code);
  }
}

const size = (p: Prefix) => 1n << BigInt(BITS[p.version] - p.len);
const lastOf = (p: Prefix) => p.net + size(p) - 1n;
const contains = (a: Prefix, b: Prefix) => a.version === b.version && a.len <= b.len && b.net >= a.net && lastOf(b) <= lastOf(a);
const same = (a: Prefix, b: Prefix) => a.version === b.version && a.len === b.len && a.net === b.net;
const holds = (p: Prefix, fam: Fam, v: bigint) => p.version === fam && v >= p.net && v <= lastOf(p);
const halvesOf = (p: Prefix): [Prefix, Prefix] => [
  { version: p.version, net: p.net, len: p.len + 1 },
  { version: p.version, net: p.net + (size(p) >> 1n), len: p.len + 1 },
];
const order = (a: Prefix, b: Prefix) => a.version - b.version || (a.net < b.net ? -1 : a.net > b.net ? 1 : a.len - b.len);
const ipKey = (fam: Fam, v: bigint) => formatAddress(fam, v);

/** Hosts of a block: IPv4 up to /30 loses network and broadcast; IPv6 below /127 loses the all-zero host. */
function usable(p: Prefix): [bigint, bigint] {
  if (p.version === 4 && p.len <= 30) return [p.net + 1n, lastOf(p) - 1n];
  if (p.version === 6 && p.len < 127) return [p.net + 1n, lastOf(p)];
  return [p.net, lastOf(p)];
}

function clone(s: State): State {
  return {
    nodes: new Map([...s.nodes].map(([k, n]) => [k, { ...n }])),
    ips: new Map([...s.ips].map(([k, i]) => [k, { ...i }])),
    customers: new Set(s.customers),
  };
}

function fingerprint(s: State): string {
  const nodes = [...s.nodes.values()].sort((a, b) => order(a.p, b.p)).map((n) => [formatCidr(n.p), n.status, n.parked, n.pool, n.customer, n.described]);
  const ips = [...s.ips.entries()].sort().map(([k, i]) => [k, i.parked, i.customer]);
  return JSON.stringify({ nodes, ips, customers: [...s.customers].sort() });
}

class Model {
  constructor(public s: State) {}

  sorted(): Node[] {
    return [...this.s.nodes.values()].sort((a, b) => order(a.p, b.p));
  }
  node(p: Prefix): Node | undefined {
    return this.s.nodes.get(formatCidr(p));
  }
  parent(n: Node): Node | undefined {
    if (n.p.len === 0) return undefined;
    const len = n.p.len - 1;
    const shift = BigInt(BITS[n.p.version] - len);
    return this.node({ version: n.p.version, net: (n.p.net >> shift) << shift, len });
  }
  parkedFromAbove(n: Node): boolean {
    for (let x: Node | undefined = n; x; x = this.parent(x)) if (x.parked) return true;
    return false;
  }
  leafAt(fam: Fam, v: bigint): Node | undefined {
    return [...this.s.nodes.values()].find((n) => n.status !== 'subdivided' && holds(n.p, fam, v));
  }
  below(n: Node): Node[] {
    return [...this.s.nodes.values()].filter((x) => x !== n && contains(n.p, x.p));
  }
  ipsIn(p: Prefix): Ip[] {
    return [...this.s.ips.values()].filter((i) => holds(p, i.fam, i.value));
  }
  /** A leaf is free when it is unallocated, not an IP pool, and neither it nor any ancestor is parked. */
  isFree(n: Node): boolean {
    return n.status === 'unallocated' && !n.pool && !this.parkedFromAbove(n);
  }
  /** Every descendant is free space carrying no data of its own (description or IP records). */
  vacantBelow(n: Node): boolean {
    return this.below(n).every((d) => !d.described && !d.parked && !d.pool && d.status !== 'allocated') && this.ipsIn(n.p).length === 0;
  }
  put(p: Prefix, status: Node['status'] = 'unallocated'): Node {
    const n: Node = { p, status, parked: false, pool: false, customer: null, described: false };
    this.s.nodes.set(formatCidr(p), n);
    return n;
  }
  /** Halves a leaf down to the target inside it; returns the target and the halvings made. */
  carve(leaf: Node, target: Prefix) {
    const splits: Array<{ cidr: string; children: string[] }> = [];
    let current = leaf;
    while (current.p.len < target.len) {
      current.status = 'subdivided';
      const [lo, hi] = halvesOf(current.p).map((h) => this.put(h)) as [Node, Node];
      splits.push({ cidr: formatCidr(current.p), children: [formatCidr(lo.p), formatCidr(hi.p)] });
      current = contains(lo.p, target) ? lo : hi;
    }
    return { node: current, splits };
  }
  foldInto(n: Node): void {
    for (const d of this.below(n)) this.s.nodes.delete(formatCidr(d.p));
    n.status = 'unallocated';
  }
  need(p: Prefix | null): Node | undefined {
    if (!p) return undefined;
    const n = this.node(p);
    if (!n) throw new Refused('NOT_FOUND');
    return n;
  }
  customer(c: string | null): string | null {
    if (c !== null && !this.s.customers.has(c)) throw new Refused('NOT_FOUND');
    return c;
  }
  lowest(ns: Node[]): Node | undefined {
    return ns.sort((a, b) => order(a.p, b.p))[0];
  }

  addCustomer(id: string) {
    if (this.s.customers.has(id)) throw new Refused('EXISTS');
    this.s.customers.add(id);
  }

  add(p: Prefix, pool: boolean, described: boolean) {
    if (this.node(p)) throw new Refused('EXISTS');
    const holder = this.leafAt(p.version, p.net);
    if (holder && holder.p.len < p.len) {
      if (holder.status === 'allocated' || holder.pool) throw new Refused('NOT_FREE');
      const n = this.carve(holder, p).node;
      Object.assign(n, { pool, described });
      return;
    }
    // A new root, parent of the roots it covers, the rest filled with free halves.
    const covered = [...this.s.nodes.values()].filter((r) => !this.parent(r) && contains(p, r.p));
    if (covered.length && pool) throw new Refused('INVALID_ARGUMENT');
    const fill = (q: Prefix, top: boolean) => {
      if (covered.some((c) => same(c.p, q))) return;
      const inside = covered.some((c) => contains(q, c.p));
      const n = this.put(q, inside ? 'subdivided' : 'unallocated');
      if (top) Object.assign(n, { pool, described });
      if (inside) for (const h of halvesOf(q)) fill(h, false);
    };
    fill(p, true);
  }

  split(p: Prefix, to: number) {
    const n = this.need(p)!;
    if (n.status !== 'unallocated' || n.pool) throw new Refused('NOT_FREE');
    if (to <= p.len || to > BITS[p.version]) throw new Refused('INVALID_ARGUMENT');
    if (to - p.len > 16) throw new Refused('TOO_LARGE');
    const go = (x: Node) => {
      if (x.p.len === to) return;
      x.status = 'subdivided';
      for (const h of halvesOf(x.p)) go(this.put(h));
    };
    go(n);
  }

  merge(p: Prefix) {
    const n = this.need(p)!;
    if (n.status !== 'subdivided' || n.parked || !this.vacantBelow(n)) throw new Refused('NOT_FREE');
    this.foldInto(n);
  }

  /** The pinned policy for one /len: exact, else merge, else split, else POOL_EXHAUSTED. */
  allocate(fam: Fam, len: number, poolCidr: Prefix | null, customer: string | null) {
    const pool = this.need(poolCidr);
    const c = this.customer(customer);
    const all = [...this.s.nodes.values()].filter((n) => n.p.version === fam && (!pool || contains(pool.p, n.p)));
    const take = (n: Node) => Object.assign(n, { status: 'allocated', customer: c });
    const exact = this.lowest(all.filter((n) => n.p.len === len && this.isFree(n)));
    if (exact) {
      take(exact);
      return { cidr: formatCidr(exact.p), strategy: 'exact', splits: [], merges: [] };
    }
    const mergeable = this.lowest(all.filter((n) => n.p.len === len && n.status === 'subdivided' && !this.parkedFromAbove(n) && this.vacantBelow(n)));
    if (mergeable) {
      this.foldInto(mergeable);
      take(mergeable);
      return { cidr: formatCidr(mergeable.p), strategy: 'merge', splits: [], merges: [formatCidr(mergeable.p)] };
    }
    const larger = all.filter((n) => n.p.len < len && this.isFree(n));
    if (larger.length) {
      const longest = Math.max(...larger.map((n) => n.p.len));
      const leaf = this.lowest(larger.filter((n) => n.p.len === longest))!;
      const { node, splits } = this.carve(leaf, { version: fam, net: leaf.p.net, len });
      take(node);
      return { cidr: formatCidr(node.p), strategy: 'split', splits, merges: [] };
    }
    throw new Refused('POOL_EXHAUSTED');
  }

  /** A chosen block is carved out of the free leaf that holds it; NOT_FREE if any of it is taken. */
  allocateChosen(p: Prefix, customer: string | null) {
    const c = this.customer(customer);
    const existing = this.node(p);
    let merges: string[] = [];
    let splits: Array<{ cidr: string; children: string[] }> = [];
    let target: Node;
    if (existing && existing.status === 'subdivided') {
      if (this.parkedFromAbove(existing) || !this.vacantBelow(existing)) throw new Refused('NOT_FREE');
      this.foldInto(existing);
      merges = [formatCidr(p)];
      target = existing;
    } else {
      const holder = existing ?? this.leafAt(p.version, p.net);
      if (!holder || holder.p.len > p.len) throw new Refused('NOT_FOUND');
      if (!this.isFree(holder)) throw new Refused('NOT_FREE');
      ({ node: target, splits } = this.carve(holder, p));
    }
    Object.assign(target, { status: 'allocated', customer: c });
    return { cidr: formatCidr(p), strategy: 'chosen', splits, merges };
  }

  release(p: Prefix) {
    const n = this.need(p)!;
    if (n.status !== 'allocated') throw new Refused('NOT_FREE');
    Object.assign(n, { status: 'unallocated', customer: null, described: false });
    for (const i of this.ipsIn(p)) if (!i.parked) this.s.ips.delete(ipKey(i.fam, i.value));
  }

  park(p: Prefix, parked: boolean) {
    this.need(p)!.parked = parked;
  }

  /** The lowest free host over all IP-pool leaves in scope. */
  allocateIp(fam: Fam, poolCidr: Prefix | null, customer: string | null) {
    const scope = this.need(poolCidr);
    const c = this.customer(customer);
    const pools = this.sorted().filter((n) => n.p.version === fam && n.pool && n.status !== 'subdivided' && !this.parkedFromAbove(n) && (!scope || contains(scope.p, n.p)));
    for (const pool of pools) {
      const [first, last] = usable(pool.p);
      for (let v = first; v <= last; v++) {
        if (this.s.ips.has(ipKey(fam, v))) continue;
        this.s.ips.set(ipKey(fam, v), { fam, value: v, parked: false, customer: c });
        return ipKey(fam, v);
      }
    }
    throw new Refused('POOL_EXHAUSTED');
  }

  /** A chosen address goes into any leaf that is not parked, if it is free and a usable host there. */
  allocateIpAt(fam: Fam, v: bigint, customer: string | null) {
    const c = this.customer(customer);
    const leaf = this.leafAt(fam, v);
    if (!leaf) throw new Refused('NOT_FOUND');
    if (this.s.ips.has(ipKey(fam, v)) || this.parkedFromAbove(leaf)) throw new Refused('NOT_FREE');
    const [first, last] = usable(leaf.p);
    if (v < first || v > last) throw new Refused('INVALID_ADDRESS');
    this.s.ips.set(ipKey(fam, v), { fam, value: v, parked: false, customer: c });
  }

  parkIp(fam: Fam, v: bigint) {
    const rec = this.s.ips.get(ipKey(fam, v));
    if (rec) rec.parked = true;
    else if (!this.leafAt(fam, v)) throw new Refused('NOT_FOUND');
    else this.s.ips.set(ipKey(fam, v), { fam, value: v, parked: true, customer: null });
  }

  releaseIp(fam: Fam, v: bigint) {
    const rec = this.s.ips.get(ipKey(fam, v));
    if (!rec) throw new Refused('NOT_FOUND');
    if (rec.parked) rec.customer = null;
    else this.s.ips.delete(ipKey(fam, v));
  }

  view() {
    return {
      tree: this.sorted().map((n) => ({
        cidr: formatCidr(n.p), allocation_status: n.status, is_unavailable: n.parked, is_ip_pool: n.pool, customer: n.customer, described: n.described,
      })),
      ips: [...this.s.ips.values()]
        .sort((a, b) => a.fam - b.fam || (a.value < b.value ? -1 : a.value > b.value ? 1 : 0))
        .map((i) => ({ address: ipKey(i.fam, i.value), is_unavailable: i.parked, customer: i.customer })),
    };
  }
}

// ---------------------------------------------------------------- commands

/** The address ranges commands draw from: each holds a root or two and room for new roots around them. */
const UNIVERSE: Record<Fam, Prefix> = { 4: parseCidr('10.0.0.0/23'), 6: parseCidr('2001:db8::/123') };
const SETUP = ['customer c1', 'customer c2', 'add 10.0.0.0/24', 'add 10.0.1.64/26', 'add 2001:db8::/124'];

type Cmd =
  | { kind: 'add'; fam: Fam; len: number; at: number; pool: boolean; described: boolean }
  | { kind: 'split'; target: number; extra: number }
  | { kind: 'merge' | 'release' | 'park' | 'unpark'; target: number }
  | { kind: 'allocate'; fam: Fam; len: number; pool: number | null; customer: string | null; dryRun: boolean }
  | { kind: 'chosen'; fam: Fam; len: number; at: number; customer: string | null }
  | { kind: 'allocateIp'; fam: Fam; pool: number | null; customer: string | null; dryRun: boolean }
  | { kind: 'allocateIpAt' | 'parkIp'; target: number; offset: number; customer: string | null }
  | { kind: 'releaseIp'; pick: number }
  | { kind: 'undo' | 'redo' };

const fam = fc.constantFrom<Fam>(4, 4, 6);
const lenIn = (f: Fam, extraShort: number) => fc.integer({ min: UNIVERSE[f].len - extraShort, max: BITS[f] });
const customer = fc.constantFrom<string | null>(null, null, 'c1', 'c2', 'c3');
const index = fc.nat({ max: 1000 });
const maybeIndex = fc.option(index, { freq: 2 });
const sometimes = fc.constantFrom(false, false, false, false, true);
const blockIn = (f: Fam, extraShort = 0) => fc.record({ len: lenIn(f, extraShort), at: fc.nat({ max: Number(size(UNIVERSE[f])) - 1 }) });

const command: fc.Arbitrary<Cmd> = fc.oneof(
  { weight: 5, arbitrary: fam.chain((f) => fc.record({ kind: fc.constant('add' as const), fam: fc.constant(f), pool: fc.boolean(), described: fc.boolean() }).chain((c) => blockIn(f).map((b) => ({ ...c, ...b })))) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('split' as const), target: index, extra: fc.nat({ max: 3 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('merge' as const), target: index }) },
  { weight: 6, arbitrary: fam.chain((f) => fc.record({ kind: fc.constant('allocate' as const), fam: fc.constant(f), len: lenIn(f, 1), pool: maybeIndex, customer, dryRun: sometimes })) },
  { weight: 2, arbitrary: fam.chain((f) => fc.record({ kind: fc.constant('chosen' as const), fam: fc.constant(f), customer }).chain((c) => blockIn(f).map((b) => ({ ...c, ...b })))) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('release' as const), target: index }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constantFrom('park' as const, 'unpark' as const), target: index }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('allocateIp' as const), fam: fam, pool: maybeIndex, customer, dryRun: sometimes }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constantFrom('allocateIpAt' as const, 'parkIp' as const), target: index, offset: fc.nat({ max: 300 }), customer }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('releaseIp' as const), pick: index }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constantFrom('undo' as const, 'redo' as const) }) },
);

// ---------------------------------------------------------------- running both

type Outcome = { ok: true; value: unknown } | { ok: false; code: string };

function attempt(fn: () => unknown): Outcome {
  try {
    return { ok: true, value: fn() };
  } catch (e) {
    if (e instanceof Refused || isFluxError(e)) return { ok: false, code: e.code };
    throw e;
  }
}

function blockOf(f: Fam, len: number, at: number): Prefix {
  const u = UNIVERSE[f];
  const shift = BigInt(BITS[f] - len);
  return { version: f, net: ((u.net + BigInt(at)) >> shift) << shift, len };
}

/** One scenario: a fresh plan and a fresh model, the same steps on both, compared after each. */
class Scenario {
  readonly env: PlanEnv = freshPlan();
  readonly model = new Model({ nodes: new Map(), ips: new Map(), customers: new Set() });
  readonly trace: string[] = [];
  private undoStack: Array<{ before: State; after: State }> = [];
  private redoStack: Array<{ before: State; after: State }> = [];

  /** Runs a step on the model (on a copy, kept only if it succeeds) and on the engine; the results must agree. */
  step(line: string, onModel: (m: Model) => unknown, onEngine: (env: PlanEnv) => unknown, options: { dryRun?: boolean; compare?: (engine: unknown) => unknown } = {}) {
    const before = this.model.s;
    const work = new Model(clone(before));
    const expected = attempt(() => onModel(work));
    const actual = attempt(() => onEngine(this.env));
    const shown = actual.ok ? (options.compare ? JSON.stringify(options.compare(actual.value)) : 'ok') : actual.code;
    this.trace.push(`${line}  ->  ${shown}`);
    const got = actual.ok ? { ok: true, value: options.compare ? options.compare(actual.value) : undefined } : actual;
    const want = expected.ok ? { ok: true, value: options.compare ? expected.value : undefined } : expected;
    expect(got, `${line}: engine vs model`).toEqual(want);
    if (expected.ok && !options.dryRun && fingerprint(work.s) !== fingerprint(before)) {
      this.model.s = work.s;
      this.undoStack.push({ before, after: work.s });
      this.redoStack = [];
    }
  }

  undo() {
    const entry = this.undoStack.pop();
    this.step('undo', () => {
      if (!entry) throw new Refused('NOTHING_TO_UNDO');
    }, (env) => env.call('journal.undo'));
    if (entry) {
      this.model.s = clone(entry.before);
      this.redoStack.push(entry);
    }
  }

  redo() {
    const entry = this.redoStack.pop();
    this.step('redo', () => {
      if (!entry) throw new Refused('NOTHING_TO_REDO');
    }, (env) => env.call('journal.redo'));
    if (entry) {
      this.model.s = clone(entry.after);
      this.undoStack.push(entry);
    }
  }

  /**
   * The CIDR of the index-th subnet of the model, among those that suit the command when there are
   * any (so that most commands do something), or a CIDR no tree holds when the model is empty.
   */
  target(i: number, suits: (n: Node) => boolean = () => true): Prefix {
    const all = this.model.sorted();
    const nodes = all.some(suits) ? all.filter(suits) : all;
    return nodes.length ? nodes[i % nodes.length]!.p : parseCidr('192.0.2.0/24');
  }

  run(cmd: Cmd) {
    const m = this.model;
    const c = (x: Prefix) => formatCidr(x);
    const links = (who: string | null) => (who === null ? {} : { customer: who });
    const linkText = (who: string | null) => (who === null ? '' : ` --customer ${who}`);
    switch (cmd.kind) {
      case 'add': {
        const p = blockOf(cmd.fam, cmd.len, cmd.at);
        const flags = `${cmd.pool ? ' --ip-pool' : ''}${cmd.described ? ' --description d' : ''}`;
        return this.step(`subnet add ${c(p)}${flags}`, (w) => w.add(p, cmd.pool, cmd.described), (env) =>
          env.call('subnet.add', { cidr: c(p), ...(cmd.pool ? { ip_pool: true } : {}), ...(cmd.described ? { description: 'd' } : {}) }),
        );
      }
      case 'split': {
        const p = this.target(cmd.target, (n) => n.status === 'unallocated');
        const to = p.len + 1 + cmd.extra;
        return this.step(`subnet split ${c(p)} --to ${to}`, (w) => w.split(p, to), (env) => env.call('subnet.split', { cidr: c(p), to }));
      }
      case 'merge':
      case 'release':
      case 'park':
      case 'unpark': {
        const kind = cmd.kind;
        const suits: Record<typeof kind, (n: Node) => boolean> = {
          merge: (n) => n.status === 'subdivided',
          release: (n) => n.status === 'allocated',
          park: (n) => !n.parked,
          unpark: (n) => n.parked,
        };
        const p = this.target(cmd.target, suits[kind]);
        const onModel = (w: Model) => (kind === 'merge' ? w.merge(p) : kind === 'release' ? w.release(p) : w.park(p, kind === 'park'));
        return this.step(`subnet ${kind} ${c(p)}`, onModel, (env) => env.call(`subnet.${kind}`, { cidr: c(p) }));
      }
      case 'allocate': {
        const picked = cmd.pool === null || m.s.nodes.size === 0 ? null : this.target(cmd.pool);
        const pool = picked && picked.version === cmd.fam ? picked : null;
        const poolText = pool ? ` --pool ${c(pool)}` : '';
        return this.step(
          `allocate subnet --family ${cmd.fam} --prefix ${cmd.len}${poolText}${linkText(cmd.customer)}${cmd.dryRun ? ' --dry-run' : ''}`,
          (w) => w.allocate(cmd.fam, cmd.len, pool, cmd.customer),
          (env) => env.call('allocate.subnet', { family: cmd.fam, prefix: cmd.len, ...(pool ? { pools: [c(pool)] } : {}), ...links(cmd.customer), dry_run: cmd.dryRun }),
          { dryRun: cmd.dryRun, compare: (r) => pickResult(r) },
        );
      }
      case 'chosen': {
        const p = blockOf(cmd.fam, cmd.len, cmd.at);
        return this.step(`allocate subnet --cidr ${c(p)}${linkText(cmd.customer)}`, (w) => w.allocateChosen(p, cmd.customer), (env) =>
          env.call('allocate.subnet', { cidr: c(p), ...links(cmd.customer) }),
          { compare: (r) => pickResult(r) },
        );
      }
      case 'allocateIp': {
        const pool = cmd.pool === null || m.s.nodes.size === 0 ? null : this.target(cmd.pool);
        const scoped = pool && pool.version === cmd.fam ? pool : null;
        return this.step(
          `allocate ip --family ${cmd.fam}${scoped ? ` --pool ${c(scoped)}` : ''}${linkText(cmd.customer)}${cmd.dryRun ? ' --dry-run' : ''}`,
          (w) => w.allocateIp(cmd.fam, scoped, cmd.customer),
          (env) => env.call('allocate.ip', { family: cmd.fam, ...(scoped ? { pools: [c(scoped)] } : {}), ...links(cmd.customer), dry_run: cmd.dryRun }),
          { dryRun: cmd.dryRun, compare: (r) => (r as { address: string }).address },
        );
      }
      case 'allocateIpAt':
      case 'parkIp': {
        const p = this.target(cmd.target);
        const v = p.net + (BigInt(cmd.offset) % size(p));
        const address = ipKey(p.version, v);
        if (cmd.kind === 'parkIp') return this.step(`ip park ${address}`, (w) => w.parkIp(p.version, v), (env) => env.call('ip.park', { address }));
        return this.step(`allocate ip --family ${p.version} --address ${address}${linkText(cmd.customer)}`, (w) => w.allocateIpAt(p.version, v, cmd.customer), (env) =>
          env.call('allocate.ip', { family: p.version, address, ...links(cmd.customer) }),
        );
      }
      case 'releaseIp': {
        const ips = [...m.s.ips.values()];
        const ip = ips.length ? ips[cmd.pick % ips.length]! : { fam: 4 as Fam, value: parseCidr('10.0.0.9/32').net };
        const address = ipKey(ip.fam, ip.value);
        return this.step(`ip release ${address}`, (w) => w.releaseIp(ip.fam, ip.value), (env) => env.call('ip.release', { address }));
      }
      case 'undo':
        return this.undo();
      case 'redo':
        return this.redo();
    }
  }

  setup(line: string) {
    const [what, arg] = line.split(' ') as [string, string];
    if (what === 'customer') this.step(`customer add ${arg}`, (w) => w.addCustomer(arg), (env) => env.call('customer.add', { id: arg }));
    else this.run({ kind: 'add', ...blockFor(arg), pool: false, described: false });
  }

  /** The engine's tree and IP records must equal the model's, and every invariant must hold. */
  verify() {
    const tree = this.env.call('tree.get', {}).subnets.map((s) => ({
      cidr: s.cidr, allocation_status: s.allocation_status, is_unavailable: s.is_unavailable, is_ip_pool: s.is_ip_pool, customer: s.customer, described: s.description !== null,
    }));
    const ips = this.env.call('ip.list', {}).ips.map((i) => ({ address: i.address, is_unavailable: i.is_unavailable, customer: i.customer }));
    expect({ tree, ips }, 'engine state vs model').toEqual(this.model.view());
    expect(this.env.check(), 'check()').toEqual([]);
  }
}

function blockFor(cidr: string): { fam: Fam; len: number; at: number } {
  const p = parseCidr(cidr);
  return { fam: p.version, len: p.len, at: Number(p.net - UNIVERSE[p.version].net) };
}

function pickResult(r: unknown) {
  const { cidr, strategy, splits, merges } = r as { cidr: string; strategy: string; splits: unknown[]; merges: unknown[] };
  return { cidr, strategy, splits, merges };
}

describe('the engine against a model of the pinned tree semantics', () => {
  it('agrees on thousands of random carve, allocate, release, park, IP and undo/redo steps', () => {
    const clock = steppingClock();
    let steps = 0;
    fc.assert(
      fc.property(fc.array(command, { maxLength: 50, size: 'max' }), (cmds) => {
        const scenario = new Scenario();
        try {
          for (const line of SETUP) scenario.setup(line);
          scenario.verify();
          for (const cmd of cmds) {
            clock.tick();
            scenario.run(cmd);
            scenario.verify();
            steps++;
          }
        } catch (e) {
          const message = e instanceof Error ? e.message : String(e);
          throw new Error(`${message}\n\nSteps (engine result after the arrow):\n  ${scenario.trace.join('\n  ')}`);
        } finally {
          scenario.env.plan.close();
        }
      }),
      { numRuns: 200 },
    );
    expect(steps, "steps run").toBeGreaterThanOrEqual(3000);
  });
});
