/**
 * Browsing for the desktop app and the browser host: bounded, lazy subtree loading, search, a paged
 * table, a subnet's journal history, plan facts for the title bar, and the demo plan.
 * Read-only except plan.demo, which goes through the normal methods as one journal batch.
 */
import { z } from 'zod';
import { contract, type MethodName, type MethodResult } from '../../shared/api/contract';
import { addressBits, addressKey, countValue, parseAddress, parseCidr, type Prefix } from '../../shared/cidr';
import { FluxError, isFluxError } from '../../shared/errors';
import demoPlan from '../../resources/demo-plan.json';
import { allocatorHandlers } from '../allocator/handlers';
import type { Handler, HandlerMap } from '../api/handler';
import { catalogHandlers } from '../catalog/handlers';
import { spaceId } from '../catalog/resolve';
import type { Plan } from '../plan';
import { decodeImage } from '../journal/entities';
import { ancestorsOf, findSubnet, requireSubnet } from './carve';
import { childrenOf, hasData, leafHolding, subnetLast, type SubnetRow } from './rows';
import { treeHandlers } from './handlers';
import { Keys, likePattern, subnetView } from './view';

type BrowseNode = MethodResult<'tree.children'>['nodes'][number];
type Stats = BrowseNode['stats'];

/** The /64s a used IPv6 block of length len covers: a block longer than /64 lies inside one. */
function slash64s(len: number): bigint {
  return len <= 64 ? 1n << BigInt(64 - len) : 1n;
}

/** Subdivided, no data of its own, not parked: a row that exists only because the tree is binary. */
export function isCarvedOnly(row: SubnetRow): boolean {
  return row.parent_id !== null && row.allocation_status === 'subdivided' && !row.is_unavailable && !hasData(row);
}

function leafStats(plan: Plan, row: SubnetRow): Stats {
  const bits = addressBits(row.ip_version);
  const size = 1n << BigInt(bits - row.prefix_len);
  const parked = row.parked_by !== null;
  const allocated = !parked && row.allocation_status === 'allocated' ? size : 0n;
  const pool = !parked && row.allocation_status !== 'allocated' && row.is_ip_pool ? size : 0n;
  const free = !parked && allocated === 0n && pool === 0n ? size : 0n;
  const ips = (plan.q('SELECT COUNT(*) AS n FROM ip_addresses WHERE subnet_id = ?').get(row.id) as { n: number }).n;
  return {
    descendants: 0,
    total: countValue(size),
    allocated: countValue(allocated),
    free: countValue(free),
    parked: countValue(parked ? size : 0n),
    pool: countValue(pool),
    utilization: allocated + pool === 0n ? 0 : 100,
    largest_free: free > 0n ? row.prefix_len : null,
    ips,
    used_64s: row.ip_version === 6 ? countValue(allocated + pool > 0n ? slash64s(row.prefix_len) : 0n) : null,
  };
}

/** Where a subtree's addresses are, from one grouped range scan (the same accounting as capacity.get). */
function subtreeStats(plan: Plan, row: SubnetRow): Stats {
  if (row.allocation_status !== 'subdivided') return leafStats(plan, row);
  const bits = addressBits(row.ip_version);
  const groups = plan
    .q(
      `SELECT prefix_len, allocation_status, is_ip_pool, parked_by IS NOT NULL AS parked, clear, COUNT(*) AS n FROM subnets
       WHERE space_id = ? AND ip_version = ? AND net BETWEEN ? AND ? AND prefix_len >= ?
       GROUP BY prefix_len, allocation_status, is_ip_pool, parked, clear`,
    )
    .all(row.space_id, row.ip_version, row.net, subnetLast(row), row.prefix_len) as Array<{
    prefix_len: number; allocation_status: string; is_ip_pool: number; parked: number; clear: number; n: number;
  }>;
  let rows = 0, allocated = 0n, free = 0n, parked = 0n, pool = 0n, used64 = 0n;
  let largest: number | null = null;
  let usedInside64 = false;
  for (const g of groups) {
    rows += g.n;
    const amount = (1n << BigInt(bits - g.prefix_len)) * BigInt(g.n);
    const freeUnit = !g.parked && ((g.allocation_status === 'unallocated' && !g.is_ip_pool) || (g.allocation_status === 'subdivided' && g.clear));
    if (freeUnit && (largest === null || g.prefix_len < largest)) largest = g.prefix_len;
    if (g.allocation_status === 'subdivided') continue;
    if (g.parked) parked += amount;
    else if (g.allocation_status === 'allocated') allocated += amount;
    else if (g.is_ip_pool) pool += amount;
    else free += amount;
    if (row.ip_version === 6 && !g.parked && (g.allocation_status === 'allocated' || g.is_ip_pool)) {
      if (g.prefix_len <= 64) used64 += slash64s(g.prefix_len) * BigInt(g.n);
      else usedInside64 = true;
    }
  }
  // Used leaves longer than /64 may share a /64 (two /127 links in one): count the distinct /64s they lie in,
  // the first 8 bytes of their key. Leaves no longer than /64 never overlap those, so the sum stays exact.
  if (usedInside64) {
    used64 += BigInt(
      (plan
        .q(
          `SELECT COUNT(DISTINCT substr(net, 1, 8)) AS n FROM subnets
           WHERE space_id = ? AND ip_version = 6 AND net BETWEEN ? AND ? AND prefix_len > 64 AND parked_by IS NULL
             AND (allocation_status = 'allocated' OR (allocation_status = 'unallocated' AND is_ip_pool = 1))`,
        )
        .get(row.space_id, row.net, subnetLast(row)) as { n: number }).n,
    );
  }
  const size = 1n << BigInt(bits - row.prefix_len);
  return {
    descendants: rows - 1,
    total: countValue(size),
    allocated: countValue(allocated),
    free: countValue(free),
    parked: countValue(parked),
    pool: countValue(pool),
    utilization: Number(((allocated + pool) * 10000n) / size) / 100,
    largest_free: largest,
    ips: 0,
    used_64s: row.ip_version === 6 ? countValue(used64) : null,
  };
}

function browseNode(plan: Plan, keys: Keys, row: SubnetRow): BrowseNode {
  return { ...subnetView(keys, row), carved: isCarvedOnly(row), stats: subtreeStats(plan, row) };
}

/**
 * The display children of a row: its two halves, and while the answer stays within `limit`, the largest
 * carved-only row among them opened into its halves (lowest address first among equals). A /8 holding a
 * hundred thousand /29s answers with `limit` aggregates instead of a hundred thousand rows.
 */
export function displayChildren(plan: Plan, parent: SubnetRow, limit: number): SubnetRow[] {
  let frontier = childrenOf(plan, parent.id);
  for (;;) {
    if (frontier.length + 1 > limit) break;
    let pick = -1;
    for (let i = 0; i < frontier.length; i++) {
      const r = frontier[i]!;
      if (!isCarvedOnly(r)) continue;
      if (pick < 0 || r.prefix_len < frontier[pick]!.prefix_len) pick = i;
    }
    if (pick < 0) break;
    const kids = childrenOf(plan, frontier[pick]!.id);
    frontier = [...frontier.slice(0, pick), ...kids, ...frontier.slice(pick + 1)];
  }
  return frontier;
}

// ---------------------------------------------------------------- search

type Match = MethodResult<'search'>['matches'][number];


function searchSpace(plan: Plan, space: number, query: string, limit: number, keys: Keys): Match[] {
  const out: Match[] = [];
  const name = plan.spaceName(space);
  const push = (row: SubnetRow, reason: Match['reason'], text: string, address: string | null = null) => {
    if (out.length < limit && !out.some((m) => m.cidr === row.cidr && m.address === address && m.reason === reason)) {
      out.push({ space: name, cidr: row.cidr, address, reason, text, subnet: subnetView(keys, row) });
    }
  };
  let prefix: Prefix | null = null;
  try {
    prefix = parseCidr(query, { allowBareAddress: false });
  } catch (e) {
    if (isFluxError(e) && e.code === 'HOST_BITS_SET') prefix = parseCidr(String(e.details.suggestion));
  }
  if (prefix) {
    const exact = findSubnet(plan, space, prefix);
    if (exact) push(exact, 'cidr', exact.cidr);
    else {
      const leaf = leafHolding(plan, space, prefix.version, addressKey(prefix.version, prefix.net));
      if (leaf) {
        // The smallest row that holds the whole query, or the leaf inside it.
        let holder: SubnetRow | undefined = leaf;
        if (leaf.prefix_len > prefix.len) holder = ancestorsOf(plan, leaf).find((r) => r.prefix_len <= prefix!.len) ?? leaf;
        push(holder, 'contains', `${holder.cidr} holds ${query.trim()}`);
      }
    }
    return out;
  }
  let address: { version: 4 | 6; value: bigint } | null = null;
  try {
    address = parseAddress(query);
  } catch {
    address = null;
  }
  if (address) {
    const key = addressKey(address.version, address.value);
    const leaf = leafHolding(plan, space, address.version, key);
    if (leaf) {
      const ip = plan.q('SELECT address_text FROM ip_addresses WHERE space_id = ? AND ip_version = ? AND address = ?').get(space, address.version, key) as
        | { address_text: string }
        | undefined;
      push(leaf, 'address', ip ? `${ip.address_text} has a record in ${leaf.cidr}` : `${query.trim()} lies in ${leaf.cidr}`, ip?.address_text ?? null);
    }
    return out;
  }
  const like = likePattern(query.trim());
  const rows = (sql: string, ...args: unknown[]) => plan.q(sql).all(...args) as Array<SubnetRow & { hit: string }>;
  for (const r of rows(
    `SELECT s.*, c.ref AS hit FROM subnets s JOIN customers c ON c.id = s.customer_id
     WHERE s.space_id = ? AND (c.ref LIKE ? ESCAPE '\\' OR c.name LIKE ? ESCAPE '\\') ORDER BY s.ip_version, s.net LIMIT ?`,
    space, like, like, limit,
  )) push(r, 'customer', r.hit);
  for (const r of rows(
    `SELECT s.*, v.ref AS hit FROM subnets s JOIN services v ON v.id = s.service_id
     WHERE s.space_id = ? AND v.ref LIKE ? ESCAPE '\\' ORDER BY s.ip_version, s.net LIMIT ?`,
    space, like, limit,
  )) push(r, 'service', r.hit);
  for (const r of rows(
    `SELECT s.*, s.description AS hit FROM subnets s WHERE s.space_id = ? AND s.description LIKE ? ESCAPE '\\' ORDER BY s.ip_version, s.net LIMIT ?`,
    space, like, limit,
  )) push(r, 'description', r.hit);
  for (const r of rows(
    `SELECT s.*, l.code AS hit FROM subnets s JOIN locations l ON l.id = s.location_id
     WHERE s.space_id = ? AND l.code LIKE ? ESCAPE '\\' ORDER BY s.ip_version, s.net LIMIT ?`,
    space, like, limit,
  )) push(r, 'location', r.hit);
  // Addresses held by customers: point at the leaf that holds them.
  const ips = plan
    .q(
      `SELECT i.address_text, i.subnet_id, c.ref FROM ip_addresses i JOIN customers c ON c.id = i.customer_id
       WHERE i.space_id = ? AND (c.ref LIKE ? ESCAPE '\\' OR c.name LIKE ? ESCAPE '\\') ORDER BY i.ip_version, i.address LIMIT ?`,
    )
    .all(space, like, like, limit) as Array<{ address_text: string; subnet_id: number; ref: string }>;
  for (const ip of ips) {
    const row = plan.q('SELECT * FROM subnets WHERE id = ?').get(ip.subnet_id) as SubnetRow;
    push(row, 'customer', `${ip.address_text} · ${ip.ref}`, ip.address_text);
  }
  return out;
}

// ---------------------------------------------------------------- table

const SORTS: Record<string, string> = {
  address: 's.ip_version, s.net, s.prefix_len',
  prefix: 's.prefix_len, s.ip_version, s.net',
  status: `CASE WHEN s.is_unavailable = 1 THEN 3 WHEN s.is_ip_pool = 1 THEN 2 WHEN s.allocation_status = 'allocated' THEN 1
           WHEN s.allocation_status = 'subdivided' THEN 4 ELSE 0 END, s.ip_version, s.net, s.prefix_len`,
  customer: 'c.ref IS NULL, c.ref, s.ip_version, s.net, s.prefix_len',
  location: 'l.code IS NULL, l.code, s.ip_version, s.net, s.prefix_len',
  vlan: 'v.vid IS NULL, v.vid, s.ip_version, s.net, s.prefix_len',
  description: 's.description IS NULL, s.description, s.ip_version, s.net, s.prefix_len',
  updated: 's.updated_at, s.id',
};

const STATUS_FILTER: Record<string, string> = {
  any: '1 = 1',
  allocated: "s.allocation_status = 'allocated'",
  free: "s.allocation_status = 'unallocated' AND s.is_ip_pool = 0 AND s.parked_by IS NULL",
  parked: 's.is_unavailable = 1',
  pool: 's.is_ip_pool = 1',
  subdivided: "s.allocation_status = 'subdivided'",
};

const CARVED_ONLY_SQL = `(s.parent_id IS NOT NULL AND s.allocation_status = 'subdivided' AND s.is_unavailable = 0 AND s.description IS NULL AND s.location_id IS NULL
  AND s.vlan_id IS NULL AND s.customer_id IS NULL AND s.service_id IS NULL AND s.device_id IS NULL)`;

// ---------------------------------------------------------------- demo

const demoStep = z.object({ method: z.string(), args: z.record(z.string(), z.unknown()).default({}) });
const demoFile = z.object({ description: z.string().optional(), steps: z.array(demoStep) });

let table: Partial<Record<MethodName, Handler<MethodName>>> | null = null;

/** The other domains' handlers, validated like invoke does (imported directly so no module cycle forms). */
function call(plan: Plan, method: string, raw: unknown): unknown {
  table ??= { ...catalogHandlers, ...treeHandlers, ...allocatorHandlers } as Partial<Record<MethodName, Handler<MethodName>>>;
  const handler = table[method as MethodName];
  if (!handler) throw new FluxError('INTERNAL', `the demo plan calls ${method}, which it may not use`);
  const parsed = contract[method as MethodName].args.safeParse(raw);
  if (!parsed.success) throw new FluxError('INTERNAL', `the demo plan's ${method} step is malformed: ${parsed.error.issues[0]?.message}`);
  return (handler as (p: Plan, a: unknown) => unknown)(plan, parsed.data);
}

function count(plan: Plan, sql: string): number {
  return (plan.q(sql).get() as { n: number }).n;
}

export const browseHandlers: HandlerMap<'tree.children' | 'search' | 'subnet.list' | 'subnet.history' | 'plan.info' | 'plan.demo'> = {
  'tree.children': (plan, a) =>
    plan.read(() => {
      const space = spaceId(plan, a.space);
      const keys = new Keys(plan);
      if (a.cidr !== undefined) {
        const parent = requireSubnet(plan, space, a.cidr);
        const rows = displayChildren(plan, parent, a.limit);
        return { parent: parent.cidr, nodes: rows.map((r) => browseNode(plan, keys, r)), total: rows.length, next_offset: null };
      }
      const where = `space_id = ? AND parent_id IS NULL${a.family ? ' AND ip_version = ?' : ''}`;
      const args: unknown[] = a.family ? [space, a.family] : [space];
      const total = (plan.q(`SELECT COUNT(*) AS n FROM subnets WHERE ${where}`).get(...args) as { n: number }).n;
      const rows = plan.q(`SELECT * FROM subnets WHERE ${where} ORDER BY ip_version, net LIMIT ? OFFSET ?`).all(...args, a.limit, a.offset) as SubnetRow[];
      const next = a.offset + rows.length;
      return { parent: null, nodes: rows.map((r) => browseNode(plan, keys, r)), total, next_offset: next < total ? next : null };
    }),

  search: (plan, a) =>
    plan.read(() => {
      const keys = new Keys(plan);
      const spaces = a.space !== undefined ? [spaceId(plan, a.space)] : (plan.q('SELECT id FROM spaces ORDER BY id').all() as Array<{ id: number }>).map((r) => r.id);
      const matches: Match[] = [];
      for (const s of spaces) {
        if (matches.length >= a.limit) break;
        matches.push(...searchSpace(plan, s, a.query, a.limit - matches.length, keys));
      }
      return { matches };
    }),

  'subnet.list': (plan, a) =>
    plan.read(() => {
      const where = ['s.space_id = ?', STATUS_FILTER[a.status]!];
      const args: unknown[] = [spaceId(plan, a.space)];
      if (a.family) {
        where.push('s.ip_version = ?');
        args.push(a.family);
      }
      if (!a.include_carved) where.push(`NOT ${CARVED_ONLY_SQL}`);
      if (a.location) {
        where.push('l.code = ?');
        args.push(a.location);
      }
      if (a.text && a.text.trim()) {
        const like = likePattern(a.text.trim());
        where.push(`(s.cidr LIKE ? ESCAPE '\\' OR s.description LIKE ? ESCAPE '\\' OR c.ref LIKE ? ESCAPE '\\' OR c.name LIKE ? ESCAPE '\\')`);
        args.push(like, like, like, like);
      }
      const from = `subnets s LEFT JOIN customers c ON c.id = s.customer_id LEFT JOIN locations l ON l.id = s.eff_location_id
        LEFT JOIN vlans v ON v.id = s.eff_vlan_id WHERE ${where.join(' AND ')}`;
      const total = (plan.q(`SELECT COUNT(*) AS n FROM ${from}`).get(...args) as { n: number }).n;
      const order = SORTS[a.sort]!.split(', ').map((c) => `${c} ${a.dir === 'desc' ? 'DESC' : 'ASC'}`).join(', ');
      const rows = plan.q(`SELECT s.* FROM ${from} ORDER BY ${order} LIMIT ? OFFSET ?`).all(...args, a.limit, a.offset) as SubnetRow[];
      const keys = new Keys(plan);
      return { total, offset: a.offset, rows: rows.map((r) => subnetView(keys, r)) };
    }),

  'subnet.history': (plan, a) =>
    plan.read(() => {
      const row = requireSubnet(plan, spaceId(plan, a.space), a.cidr);
      const records = plan
        .q(
          `SELECT r.op, r.before, r.after, b.id AS batch, b.label, b.kind, b.undone_by, b.created_at FROM journal_records r
           JOIN journal_batches b ON b.id = r.batch_id WHERE r.entity = 'subnet' AND r.entity_id = ? ORDER BY r.id DESC LIMIT ?`,
        )
        .all(row.id, a.limit) as Array<{ op: 'insert' | 'update' | 'delete'; before: string | null; after: string | null; batch: number; label: string; kind: 'do' | 'undo' | 'redo'; undone_by: number | null; created_at: string }>;
      return {
        entries: records.map((r) => {
          const before: Record<string, unknown> = r.before ? decodeImage('subnet', r.before) : {};
          const after: Record<string, unknown> = r.after ? decodeImage('subnet', r.after) : {};
          const fields = r.op === 'update' ? Object.keys(after).filter((k) => k !== 'updated_at' && k !== 'id' && before[k] !== after[k]) : [];
          return { batch: r.batch, label: r.label, kind: r.kind, undone: r.undone_by !== null, op: r.op, fields, created_at: r.created_at };
        }),
      };
    }),

  'plan.info': (plan) =>
    plan.read(() => {
      const undo = plan
        .q(`SELECT label FROM journal_batches WHERE origin = 'local' AND kind IN ('do', 'redo') AND undone_by IS NULL ORDER BY id DESC LIMIT 1`)
        .get() as { label: string } | undefined;
      const redo = plan.q('SELECT label FROM journal_batches WHERE redoable = 1 ORDER BY undone_by DESC LIMIT 1').get() as { label: string } | undefined;
      return {
        file: plan.file,
        subnets: count(plan, 'SELECT COUNT(*) AS n FROM subnets'),
        ips: count(plan, 'SELECT COUNT(*) AS n FROM ip_addresses'),
        spaces: count(plan, 'SELECT COUNT(*) AS n FROM spaces'),
        locations: count(plan, 'SELECT COUNT(*) AS n FROM locations'),
        undo: undo?.label ?? null,
        redo: redo?.label ?? null,
      };
    }),

  'plan.demo': (plan) => {
    const demo = demoFile.parse(demoPlan);
    return plan.mutate('load the demo plan', () => {
      if (count(plan, 'SELECT COUNT(*) AS n FROM subnets') > 0) {
        throw new FluxError('CONFLICT', 'The plan already holds subnets; the demo plan loads only into an empty plan');
      }
      for (const step of demo.steps) {
        try {
          call(plan, step.method, step.args);
        } catch (e) {
          // Locations, VLANs and customers the planner already has are kept as they are.
          if (!(isFluxError(e) && e.code === 'EXISTS' && !step.method.startsWith('subnet.'))) throw e;
        }
      }
      plan.relabel('load the demo plan');
      return { steps: demo.steps.length, subnets: count(plan, 'SELECT COUNT(*) AS n FROM subnets'), batch: plan.batch?.id ?? null };
    });
  },
};

