/**
 * tree.rows: the prefix tree as a list a planner reads (NetBox's prefix list), paged by the engine.
 *
 * Which rows are listed. The tree is canonical binary, so carving leaves many rows that exist only because of it.
 * The list keeps what the map keeps: roots and every row that is not carved-only (browse.ts `isCarvedOnly`), leaves
 * with something of their own (allocated, IP pool, parked, data, IP records), and turns free space into `available`
 * rows. A free block is a row whose subtree is all free, data-less space and that no parked row covers (`clear` and
 * no `parked_by`: the merge candidates' own test). Under a listed row its free space shows as its maximal free
 * blocks, which are exactly the hidden free blocks whose parent is not free (the run of free leaves between two
 * listed rows, cut into its largest aligned blocks), plus the listed row itself when all of it is free.
 *
 * Paging a million rows. The list is the tree's rows in (net, prefix_len) order, i.e. pre-order, each giving 0, 1
 * or 2 list rows, so an offset needs the number of list rows before it. SQLite counts that in C, but a tree of two
 * million rows still takes about a second, so the counts are kept per chunk of ~1,024 tree rows (with the addresses
 * each chunk uses, for utilization) and a page reads one chunk's rows at most besides its own. The journal keeps the chunks true: every write to a subnet or IP
 * record appends a record naming its CIDR or address, in the same transaction, whichever process made it. A change
 * to a block can alter only the rows inside it (parking and inheritance cascade down), its ancestors (their `clear`
 * settles upwards), and those ancestors' other halves (whether a free half is a maximal free block depends on its
 * parent's `clear`). The chunks holding those rows are recounted before the next page; everything else stays.
 */
import { addressBits, addressKey, countValue, formatCidr, lastAddress, maskOf, parseAddress, parseCidr, type IpVersion, type Prefix } from '../../shared/cidr';
import type { MethodResult, ParsedArgs } from '../../shared/api/contract';
import { FluxError, isFluxError } from '../../shared/errors';
import type { HandlerMap } from '../api/handler';
import { spaceId } from '../catalog/resolve';
import type { Plan } from '../plan';
import { isCarvedOnly } from './browse';
import { findSubnet, prefixOf, requireSubnet } from './carve';
import { getSubnet, hasData, type SubnetRow } from './rows';
import { Keys } from './view';

type Args = ParsedArgs<'tree.rows'>;
type ListRow = MethodResult<'tree.rows'>['rows'][number];

/** Tree rows per chunk: small enough that recounting one after a change is a fraction of a millisecond. */
const CHUNK_ROWS = 1024;
/** A chunk that grew past this many rows is cut again when it is recounted. */
const SPLIT_ROWS = 4 * CHUNK_ROWS;
/** More new journal records than this (an import, a clone) and every chunk is counted afresh. */
const REBUILD_AFTER = 5000;
/** Above any prefix length: (last address, MAX_LEN) sorts after every row inside a block. */
const MAX_LEN = 255;

// ---------------------------------------------------------------- which rows are listed (SQL, for a row `s`)

const HAS_DATA = `((s.description IS NOT NULL AND s.description <> '') OR s.location_id IS NOT NULL OR s.vlan_id IS NOT NULL
  OR s.customer_id IS NOT NULL OR s.service_id IS NOT NULL OR s.device_id IS NOT NULL)`;
/** Twin of `isListed`: a root, not carved-only, or a leaf holding something. */
const LISTED = `(s.parent_id IS NULL OR s.is_unavailable = 1 OR ${HAS_DATA}
  OR (s.allocation_status <> 'subdivided' AND (s.is_ip_pool = 1 OR s.allocation_status = 'allocated' OR s.clear = 0)))`;
/** Twin of `isFreeBlock`. */
const FREE_BLOCK = `(s.clear = 1 AND s.parked_by IS NULL)`;
/**
 * Gives an available row: a listed row all of whose space is free, or a hidden free block whose parent is not free.
 * The parent is looked up only for hidden free blocks: a join would probe it for every row and double a count.
 */
const AVAILABLE = `(CASE WHEN ${LISTED} THEN s.allocation_status = 'subdivided' AND ${FREE_BLOCK}
  WHEN ${FREE_BLOCK} THEN (SELECT clear FROM subnets WHERE id = s.parent_id) = 0 ELSE 0 END)`;
/** A leaf allocated or set aside as an IP pool, outside parked space: what utilization counts (as browse's stats do). Twin of `isUsed`. */
const USED = `(s.allocation_status <> 'subdivided' AND s.parked_by IS NULL AND (s.allocation_status = 'allocated' OR s.is_ip_pool = 1))`;
/**
 * Addresses of the used leaves, as sums of 32-bit slices of their sizes: SQLite's integers have 64 bits, an IPv6
 * block's size has up to 129, and summing per slice keeps every count exact without grouping by prefix length.
 */
const usedSlices = (bits: number): string[] =>
  Array.from({ length: Math.floor(bits / 32) + 1 }, (_, k) => `SUM(CASE WHEN ${USED} AND ${bits} - s.prefix_len BETWEEN ${32 * k} AND ${32 * k + 31}
    THEN 1 << (${bits} - s.prefix_len - ${32 * k}) ELSE 0 END)`);
const FROM = 'FROM subnets s WHERE s.space_id = ? AND s.ip_version = ?';

function isListed(row: SubnetRow): boolean {
  if (row.allocation_status === 'subdivided') return !isCarvedOnly(row);
  return row.parent_id === null || hasData(row) || !!row.is_unavailable || !!row.is_ip_pool || row.allocation_status === 'allocated' || !row.clear;
}

function isFreeBlock(row: SubnetRow): boolean {
  return !!row.clear && row.parked_by === null;
}

function isUsed(row: SubnetRow): boolean {
  return row.allocation_status !== 'subdivided' && row.parked_by === null && (row.allocation_status === 'allocated' || !!row.is_ip_pool);
}

// ---------------------------------------------------------------- keys and ranges in (net, prefix_len) order

interface Key {
  net: Buffer;
  len: number;
}

interface Bound {
  key: Key;
  exclusive: boolean;
}

function compareKeys(a: Key, b: Key): number {
  return Buffer.compare(a.net, b.net) || a.len - b.len;
}

const keyOf = (row: Pick<SubnetRow, 'net' | 'prefix_len'>): Key => ({ net: row.net, len: row.prefix_len });

/** The key after every row inside a block. */
function endKey(p: Prefix): Key {
  return { net: addressKey(p.version, lastAddress(p)), len: MAX_LEN };
}

/** The last address of a row's block, as a key. */
const lastKey = (row: SubnetRow): Buffer => endKey(prefixOf(row)).net;

function rangeSql(lo: Bound | null, hi: Bound | null): { sql: string; args: unknown[] } {
  let sql = '';
  const args: unknown[] = [];
  if (lo) {
    sql += ` AND (s.net, s.prefix_len) ${lo.exclusive ? '>' : '>='} (?, ?)`;
    args.push(lo.key.net, lo.key.len);
  }
  if (hi) {
    sql += ` AND (s.net, s.prefix_len) ${hi.exclusive ? '<' : '<='} (?, ?)`;
    args.push(hi.key.net, hi.key.len);
  }
  return { sql, args };
}

// ---------------------------------------------------------------- counts per chunk

interface Counts {
  rows: number;
  listed: number;
  available: number;
  /** Addresses of used leaves. */
  used: bigint;
}

interface Chunk extends Counts {
  /** The first key of the chunk; null for the first chunk, which also holds everything below the second. */
  from: Key | null;
  dirty: boolean;
}

/** One family of one space: chunks in key order, always at least one. */
class FamilyIndex {
  chunks: Chunk[] = [];

  constructor(
    readonly space: number,
    readonly version: IpVersion,
  ) {}

  /** The chunk that holds a key: the last one starting at or before it. */
  chunkAt(key: Key): number {
    let lo = 0;
    let hi = this.chunks.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (compareKeys(this.chunks[mid]!.from!, key) <= 0) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  lower(k: number): Bound | null {
    const from = this.chunks[k]!.from;
    return from ? { key: from, exclusive: false } : null;
  }

  upper(k: number): Bound | null {
    const next = this.chunks[k + 1];
    return next ? { key: next.from!, exclusive: true } : null;
  }
}

function countRange(plan: Plan, idx: FamilyIndex, lo: Bound | null, hi: Bound | null): Counts {
  const range = rangeSql(lo, hi);
  const [rows, listed, available, ...slices] = plan
    .raw(`SELECT COUNT(*), SUM(${LISTED}), SUM(${AVAILABLE}), ${usedSlices(addressBits(idx.version)).join(', ')} ${FROM}${range.sql}`)
    .get(idx.space, idx.version, ...range.args) as [number, number | null, number | null, ...Array<number | null>];
  const used = slices.reduce<bigint>((n, slice, k) => n + (BigInt(slice ?? 0) << BigInt(32 * k)), 0n);
  return { rows, listed: listed ?? 0, available: available ?? 0, used };
}

/** Chunks of about CHUNK_ROWS rows over a key range, counted; the first starts at `from` (null: below everything). */
function chunksOf(plan: Plan, idx: FamilyIndex, from: Key | null, hi: Bound | null): Chunk[] {
  const lo: Bound | null = from && { key: from, exclusive: false };
  const inRange = rangeSql(lo, hi);
  const below = rangeSql(null, hi);
  const first = plan.raw(`SELECT s.net, s.prefix_len FROM subnets s WHERE s.space_id = ? AND s.ip_version = ?${inRange.sql} ORDER BY s.net, s.prefix_len LIMIT 1`);
  // From one chunk's first row, the next chunk's: an index-only skip in SQLite.
  const next = plan.raw(`SELECT s.net, s.prefix_len FROM subnets s WHERE s.space_id = ? AND s.ip_version = ? AND (s.net, s.prefix_len) >= (?, ?)${below.sql}
    ORDER BY s.net, s.prefix_len LIMIT 1 OFFSET ${CHUNK_ROWS}`);
  const starts: Array<Key | null> = [from];
  let at = first.get(idx.space, idx.version, ...inRange.args) as [Buffer, number] | undefined;
  while (at) {
    at = next.get(idx.space, idx.version, at[0], at[1], ...below.args) as [Buffer, number] | undefined;
    if (at) starts.push({ net: at[0], len: at[1] });
  }
  return starts.map((start, i) => {
    const end = starts[i + 1];
    return { from: start, dirty: false, ...countRange(plan, idx, start && { key: start, exclusive: false }, end ? { key: end, exclusive: true } : hi) };
  });
}

/** Recounts the dirty chunks, cutting the ones that grew too large and dropping the ones left empty. */
function settleIndex(plan: Plan, idx: FamilyIndex): void {
  if (!idx.chunks.some((c) => c.dirty)) return;
  const next: Chunk[] = [];
  idx.chunks.forEach((chunk, k) => {
    if (!chunk.dirty) return next.push(chunk);
    const lo = idx.lower(k);
    const hi = idx.upper(k);
    const counts = countRange(plan, idx, lo, hi);
    if (counts.rows > SPLIT_ROWS) next.push(...chunksOf(plan, idx, chunk.from, hi));
    else if (counts.rows > 0 || k === 0) next.push({ from: chunk.from, dirty: false, ...counts });
  });
  // The first chunk also holds everything below it.
  next[0]!.from = null;
  idx.chunks = next;
}

function buildIndex(plan: Plan, space: number, version: IpVersion): FamilyIndex {
  const idx = new FamilyIndex(space, version);
  idx.chunks = chunksOf(plan, idx, null, null);
  return idx;
}

// ---------------------------------------------------------------- the cache, kept true by the journal

interface PlanCache {
  /** The last journal record the chunks account for. */
  mark: number;
  families: Map<string, FamilyIndex>;
}

const caches = new WeakMap<Plan, PlanCache>();

function lastRecord(plan: Plan): number {
  return ((plan.raw('SELECT MAX(id) FROM journal_records').get() as [number | null])[0] ?? 0);
}

/** The block a journal record's key names ("space cidr" or "space address"), or null for a key it cannot read. */
function recordBlock(key: string): { space: string; prefix: Prefix } | null {
  const at = key.lastIndexOf(' ');
  if (at < 0) return null;
  const text = key.slice(at + 1);
  try {
    if (text.includes('/')) return { space: key.slice(0, at), prefix: parseCidr(text) };
    const a = parseAddress(text);
    return { space: key.slice(0, at), prefix: { version: a.version, net: a.value, len: addressBits(a.version) } };
  } catch (e) {
    if (isFluxError(e)) return null;
    throw e;
  }
}

/** Marks the chunks whose counts a change to block `p` may have altered (see the file's comment). */
function markChanged(idx: FamilyIndex, p: Prefix): void {
  const bits = addressBits(p.version);
  const first = idx.chunkAt({ net: addressKey(p.version, p.net), len: p.len });
  const last = idx.chunkAt(endKey(p));
  for (let k = first; k <= last; k++) idx.chunks[k]!.dirty = true;
  // Each ancestor (and the block itself) with its other half; the /0 has no other half.
  idx.chunks[idx.chunkAt({ net: addressKey(p.version, 0n), len: 0 })]!.dirty = true;
  for (let len = 1; len <= p.len; len++) {
    const net = p.net & maskOf(p.version, len);
    const half = 1n << BigInt(bits - len);
    for (const at of [net & ~half, net | half]) idx.chunks[idx.chunkAt({ net: addressKey(p.version, at), len })]!.dirty = true;
  }
}

/** The family's chunks, true for the plan as it is now. Runs inside the caller's read transaction. */
function familyIndex(plan: Plan, space: number, version: IpVersion): FamilyIndex {
  let cache = caches.get(plan);
  const mark = lastRecord(plan);
  if (!cache || mark < cache.mark || mark - cache.mark > REBUILD_AFTER) {
    cache = { mark, families: new Map() };
    caches.set(plan, cache);
  } else if (mark > cache.mark) {
    const spaces = new Map<string, number | null>();
    const records = plan
      .raw(`SELECT key FROM journal_records WHERE id > ? AND id <= ? AND entity IN ('subnet', 'ip')`)
      .all(cache.mark, mark) as Array<[string]>;
    for (const [key] of records) {
      const block = recordBlock(key);
      if (!block) continue;
      if (!spaces.has(block.space)) {
        spaces.set(block.space, ((plan.raw('SELECT id FROM spaces WHERE name = ?').get(block.space) as [number] | undefined) ?? [null])[0]);
      }
      const idx = cache.families.get(`${spaces.get(block.space)}/${block.prefix.version}`);
      if (idx) markChanged(idx, block.prefix);
    }
    cache.mark = mark;
  }
  const name = `${space}/${version}`;
  let idx = cache.families.get(name);
  if (!idx) {
    idx = buildIndex(plan, space, version);
    cache.families.set(name, idx);
  } else settleIndex(plan, idx);
  return idx;
}

// ---------------------------------------------------------------- the list as pieces: key ranges and single rows

/** Part of a key range: one chunk, or the share of a chunk the range covers, with its counts. */
interface Part extends Counts {
  lo: Bound | null;
  hi: Bound | null;
}

function partsOf(plan: Plan, idx: FamilyIndex, lo: Bound | null, hi: Bound | null): Part[] {
  const first = lo ? idx.chunkAt(lo.key) : 0;
  const last = hi ? idx.chunkAt(hi.key) : idx.chunks.length - 1;
  const parts: Part[] = [];
  for (let k = first; k <= last; k++) {
    const chunkLo = idx.lower(k);
    const chunkHi = idx.upper(k);
    const partLo = k === first && lo ? lo : chunkLo;
    const partHi = k === last && hi ? hi : chunkHi;
    const whole = partLo === chunkLo && partHi === chunkHi;
    parts.push({ lo: partLo, hi: partHi, ...(whole ? idx.chunks[k]! : countRange(plan, idx, partLo, partHi)) });
  }
  return parts;
}

type Piece =
  | { kind: 'range'; idx: FamilyIndex; hi: Bound | null; parts: Part[]; count: number }
  /** One list row made here: the head of a `cidr` listing, its available row, or a collapsed row. */
  | { kind: 'row'; row: SubnetRow; entry: ListRow['kind']; count: 1 };

function rangePiece(plan: Plan, idx: FamilyIndex, lo: Bound | null, hi: Bound | null, available: boolean): Piece {
  const parts = partsOf(plan, idx, lo, hi);
  const count = parts.reduce((n, p) => n + p.listed + (available ? p.available : 0), 0);
  return { kind: 'range', idx, hi, parts, count };
}

interface Listing {
  plan: Plan;
  head: SubnetRow | null;
  available: boolean;
  indexes: Map<IpVersion, FamilyIndex>;
  pieces: Piece[];
}

function readPrefix(text: string, what: string): Prefix {
  try {
    return parseCidr(text);
  } catch (e) {
    if (isFluxError(e)) throw new FluxError(e.code, `${what}: ${e.message}`, e.details);
    throw e;
  }
}

/**
 * The rows a collapse applies to: listed rows (or the head) within the listing, outermost only, in key order.
 * The others (merged away, hidden, in another family or outside `cidr`) are left out: a collapse outlives its row.
 */
function collapsedRows(plan: Plan, space: number, cidrs: string[], head: SubnetRow | null): SubnetRow[] {
  const rows: SubnetRow[] = [];
  cidrs.forEach((cidr, i) => {
    const row = findSubnet(plan, space, readPrefix(cidr, `collapsed[${i}]`));
    if (!row) return;
    if (head && (row.ip_version !== head.ip_version || compareKeys(keyOf(row), keyOf(head)) < 0 || Buffer.compare(row.net, lastKey(head)) > 0)) return;
    if (row.id === head?.id || isListed(row)) rows.push(row);
  });
  rows.sort((a, b) => a.ip_version - b.ip_version || compareKeys(keyOf(a), keyOf(b)));
  const outermost: SubnetRow[] = [];
  for (const row of rows) {
    const prev = outermost[outermost.length - 1];
    if (!prev || prev.ip_version !== row.ip_version || Buffer.compare(row.net, lastKey(prev)) > 0) outermost.push(row);
  }
  return outermost;
}

function listingOf(plan: Plan, a: Args): Listing {
  const space = spaceId(plan, a.space);
  const head = a.cidr === undefined ? null : requireSubnet(plan, space, formatCidr(readPrefix(a.cidr, 'cidr')));
  if (head && a.family !== undefined && head.ip_version !== a.family) {
    throw new FluxError('INVALID_ARGUMENT', `cidr: ${head.cidr} is IPv${head.ip_version}, but family ${a.family} was asked for`);
  }
  const collapsed = collapsedRows(plan, space, a.collapsed, head);
  const versions: IpVersion[] = head ? [head.ip_version] : a.family ? [a.family] : [4, 6];
  const listing: Listing = { plan, head, available: a.available, indexes: new Map(), pieces: [] };
  const { pieces } = listing;
  for (const version of versions) {
    const idx = familyIndex(plan, space, version);
    listing.indexes.set(version, idx);
    let lo: Bound | null = null;
    let hi: Bound | null = null;
    let cuts = collapsed.filter((c) => c.ip_version === version);
    if (head) {
      pieces.push({ kind: 'row', row: head, entry: 'subnet', count: 1 });
      if (cuts[0]?.id === head.id) continue;
      if (a.available && head.allocation_status === 'subdivided' && isFreeBlock(head)) pieces.push({ kind: 'row', row: head, entry: 'available', count: 1 });
      lo = { key: keyOf(head), exclusive: true };
      hi = { key: endKey(prefixOf(head)), exclusive: false };
    }
    for (const cut of cuts) {
      pieces.push(rangePiece(plan, idx, lo, { key: keyOf(cut), exclusive: true }, a.available));
      pieces.push({ kind: 'row', row: cut, entry: 'subnet', count: 1 });
      lo = { key: endKey(prefixOf(cut)), exclusive: true };
    }
    pieces.push(rangePiece(plan, idx, lo, hi, a.available));
  }
  return listing;
}

// ---------------------------------------------------------------- one page

interface Entry {
  kind: ListRow['kind'];
  row: SubnetRow;
  depth: number;
}

/** A listed row above the rows that follow, for their depth: its version and the key of its last address. */
interface Open {
  version: IpVersion;
  last: Buffer;
}

const openOf = (row: SubnetRow): Open => ({ version: row.ip_version, last: lastKey(row) });

type Flagged = SubnetRow & { listed: 0 | 1; gives: 0 | 1 };

const ROW_COLUMNS = `s.id, s.space_id, s.ip_version, s.net, s.prefix_len, s.cidr, s.parent_id, s.location_id, s.vlan_id, s.allocation_status,
  s.is_unavailable, s.is_ip_pool, s.customer_id, s.service_id, s.device_id, s.description, s.created_at, s.updated_at,
  s.eff_location_id, s.location_src_id, s.eff_vlan_id, s.vlan_src_id, s.parked_by, s.clear`;

/** The rows of a key range that give list rows, in order, from `lo` on. */
function listedRows(plan: Plan, idx: FamilyIndex, lo: Bound | null, hi: Bound | null, available: boolean, limit: number): Flagged[] {
  const range = rangeSql(lo, hi);
  return plan
    .q(`SELECT ${ROW_COLUMNS}, ${LISTED} AS listed, ${AVAILABLE} AS gives ${FROM}${range.sql} AND (${LISTED}${available ? ` OR ${AVAILABLE}` : ''})
      ORDER BY s.net, s.prefix_len LIMIT ?`)
    .all(idx.space, idx.version, ...range.args, limit) as Flagged[];
}

/** The listed rows above a row (the head of a `cidr` listing counts, nothing above it does), outermost first. */
function openAbove(listing: Listing, row: SubnetRow): Open[] {
  const above: Open[] = [];
  const top = listing.head?.prefix_len ?? 0;
  for (let id = row.parent_id; id !== null; ) {
    const up = getSubnet(listing.plan, id);
    if (up.prefix_len < top) break;
    if (up.id === listing.head?.id || isListed(up)) above.unshift(openOf(up));
    id = up.parent_id;
  }
  return above;
}

function page(listing: Listing, offset: number, limit: number): Entry[] {
  const out: Entry[] = [];
  let skip = offset;
  let open: Open[] | null = null;
  /** Depth of a row: the open rows that hold it, after closing those that end before it. */
  const depthOf = (row: SubnetRow): number => {
    open ??= openAbove(listing, row);
    while (open.length) {
      const top = open[open.length - 1]!;
      if (top.version === row.ip_version && Buffer.compare(row.net, top.last) <= 0) break;
      open.pop();
    }
    return open.length;
  };
  const emit = (kind: Entry['kind'], row: SubnetRow) => {
    const depth = depthOf(row);
    if (kind === 'subnet') open!.push(openOf(row));
    if (skip > 0) skip--;
    else out.push({ kind, row, depth });
  };
  for (const piece of listing.pieces) {
    if (out.length >= limit) break;
    if (skip >= piece.count) {
      skip -= piece.count;
      continue;
    }
    if (piece.kind === 'row') {
      // The head's own available row sits inside the head.
      if (piece.entry === 'available' && open === null) open = [...openAbove(listing, piece.row), openOf(piece.row)];
      emit(piece.entry, piece.row);
      continue;
    }
    // Skip whole parts; the rows of the part that holds the offset are read from its start.
    let part = 0;
    for (; part < piece.parts.length; part++) {
      const p = piece.parts[part]!;
      const n = p.listed + (listing.available ? p.available : 0);
      if (skip < n) break;
      skip -= n;
    }
    let lo = piece.parts[part]?.lo ?? null;
    while (out.length < limit) {
      const want = skip + (limit - out.length);
      const rows = listedRows(listing.plan, piece.idx, lo, piece.hi, listing.available, want);
      for (const row of rows) {
        if (out.length >= limit) break;
        if (row.listed) emit('subnet', row);
        if (row.gives && listing.available && out.length < limit) emit('available', row);
      }
      if (rows.length < want) break;
      lo = { key: keyOf(rows[rows.length - 1]!), exclusive: true };
    }
  }
  return out;
}

// ---------------------------------------------------------------- what a row shows

function statusOf(row: SubnetRow): ListRow['status'] {
  if (row.is_unavailable) return 'parked';
  if (row.is_ip_pool) return 'pool';
  if (row.allocation_status === 'allocated') return 'allocated';
  if (row.allocation_status === 'subdivided') return 'subdivided';
  return row.parked_by !== null ? 'held' : 'free';
}

/** Whether list rows would follow a row, were it expanded. */
function hasChildren(listing: Listing, row: SubnetRow): boolean {
  if (row.allocation_status !== 'subdivided') return false;
  // Outside parked space a subtree that is not all free holds a listed row; one that is all free gives an available row.
  if (row.parked_by === null && !row.is_ip_pool) return !row.clear || listing.available;
  return listedRows(listing.plan, listing.indexes.get(row.ip_version)!, { key: keyOf(row), exclusive: true }, { key: endKey(prefixOf(row)), exclusive: false }, listing.available, 1).length > 0;
}

/** Addresses used in a row's block: whole chunks from the index, the ends counted in SQLite. */
function usedIn(listing: Listing, row: SubnetRow): bigint {
  if (row.allocation_status !== 'subdivided') return isUsed(row) ? 1n << BigInt(addressBits(row.ip_version) - row.prefix_len) : 0n;
  const parts = partsOf(listing.plan, listing.indexes.get(row.ip_version)!, { key: keyOf(row), exclusive: false }, { key: endKey(prefixOf(row)), exclusive: false });
  return parts.reduce((n, p) => n + p.used, 0n);
}

function listRow(listing: Listing, keys: Keys, e: Entry): ListRow {
  const { row } = e;
  const size = 1n << BigInt(addressBits(row.ip_version) - row.prefix_len);
  const subnet = e.kind === 'subnet';
  const used = subnet ? usedIn(listing, row) : 0n;
  return {
    kind: e.kind,
    cidr: row.cidr,
    depth: e.depth,
    has_children: subnet && hasChildren(listing, row),
    status: subnet ? statusOf(row) : 'available',
    customer: subnet ? keys.customer(row.customer_id) : null,
    service: subnet ? keys.service(row.service_id) : null,
    device: subnet ? keys.device(row.device_id) : null,
    location: keys.location(row.eff_location_id),
    vlan: keys.vlan(row.eff_vlan_id),
    description: subnet ? row.description : null,
    size: countValue(size),
    used: countValue(used),
    utilization: Number((used * 1_000_000n) / size) / 10_000,
  };
}

export const treeRowsHandlers: HandlerMap<'tree.rows'> = {
  'tree.rows': (plan, a) =>
    plan.read(() => {
      const listing = listingOf(plan, a);
      const total = listing.pieces.reduce((n, p) => n + p.count, 0);
      const keys = new Keys(plan);
      return { total, offset: a.offset, rows: page(listing, a.offset, a.limit).map((e) => listRow(listing, keys, e)) };
    }),
};

/** Drops a plan's chunks (tests and benchmarks measure a cold start with it). */
export function forgetTreeRows(plan: Plan): void {
  caches.delete(plan);
}
