/**
 * The baseline: "next free /L in this parent" answered the way NetBox answers it, against the same
 * SQLite plan file, with read-only queries.
 *
 * NetBox (ipam/models/ip.py, GetAvailablePrefixesMixin.get_available_prefixes, and the
 * available-prefixes API view in ipam/api/views.py) does:
 *   child_prefixes = Prefix.objects.filter(prefix__net_contained=parent, vrf=...).values_list('prefix')
 *   available = netaddr.IPSet(parent) - netaddr.IPSet(child_prefixes)
 *   for available_prefix in available.iter_cidrs():            # every free CIDR, sorted
 *       if requested_length >= available_prefix.prefixlen:      # first fit
 *           allocate f'{available_prefix.network}/{requested_length}'; break
 * i.e. it reads every prefix inside the parent, builds the whole free set, lists all of its CIDRs,
 * and takes the first one that is large enough.
 *
 * NetBox keeps no rows for free space, so its "child prefixes" are FluxPlan's rows that occupy
 * space: allocated leaves, IP pools and parked subnets. Free leaves and subdivided rows (FluxPlan's
 * explicit free space and carving) are not prefixes NetBox would have. The set arithmetic runs on
 * plain numbers in JavaScript, so this is a lower bound on what NetBox (Python, netaddr, Django ORM,
 * PostgreSQL) spends on the same question; and it only finds the block, it writes nothing.
 */
import Database from 'better-sqlite3';

export interface NetboxAnswer {
  /** The first fit, e.g. 10.0.3.144/29, or null when the parent has no room. */
  cidr: string | null;
  /** Child prefixes read. */
  children: number;
  /** CIDRs in the computed free set. */
  availableCidrs: number;
}

function ipv4Text(n: number): string {
  return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`;
}

function parseIpv4Cidr(cidr: string): { net: number; len: number } {
  const [addr, lenText] = cidr.split('/');
  const parts = addr!.split('.').map(Number);
  if (parts.length !== 4 || lenText === undefined) throw new Error(`not an IPv4 CIDR: ${cidr}`);
  return { net: ((parts[0]! << 24) | (parts[1]! << 16) | (parts[2]! << 8) | parts[3]!) >>> 0, len: Number(lenText) };
}

/** Appends the CIDRs that exactly cover [first, last] (netaddr's iprange_to_cidrs), lowest first. */
function rangeToCidrs(first: number, last: number, out: Array<{ net: number; len: number }>): void {
  let start = first;
  while (start <= last) {
    // Largest aligned block at `start` that does not run past `last`.
    let size = start === 0 ? 2 ** 32 : start & -start;
    if (size < 0) size = 2 ** 31; // start & -start is negative for 2^31
    while (start + size - 1 > last) size /= 2;
    out.push({ net: start, len: 32 - Math.log2(size) });
    start += size;
  }
}

export class NetboxBaseline {
  private readonly db: Database.Database;
  private readonly parentStmt: Database.Statement;
  private readonly childrenStmt: Database.Statement;

  constructor(file: string) {
    this.db = new Database(file, { readonly: true, fileMustExist: true });
    // The engine's own read settings (electron/db/open.ts), so that only the method differs.
    this.db.pragma('mmap_size = 1073741824');
    this.db.pragma('cache_size = -65536');
    this.parentStmt = this.db.prepare(
      "SELECT s.space_id, s.net FROM subnets s JOIN spaces sp ON sp.id = s.space_id WHERE sp.name = ? AND s.ip_version = 4 AND s.net = ? AND s.prefix_len = ?",
    );
    // prefix__net_contained: every prefix strictly inside the parent, at any depth.
    this.childrenStmt = this.db
      .prepare(
        `SELECT net, prefix_len FROM subnets
         WHERE space_id = ? AND ip_version = 4 AND net BETWEEN ? AND ? AND prefix_len > ?
           AND (allocation_status = 'allocated' OR is_ip_pool = 1 OR is_unavailable = 1)
         ORDER BY net, prefix_len`,
      )
      .raw(true);
  }

  close(): void {
    this.db.close();
  }

  /** The query plan of the child-prefix read, for the report. */
  explain(): string[] {
    return (this.db.prepare(`EXPLAIN QUERY PLAN ${this.childrenStmt.source}`).all(1, Buffer.alloc(4), Buffer.alloc(4), 0) as Array<{ detail: string }>).map((r) => r.detail);
  }

  /** NetBox's answer to "the next free /len in parent" (IPv4), in one read transaction. */
  firstAvailable(parentCidr: string, len: number, space = 'global'): NetboxAnswer {
    return this.db.transaction(() => this.answer(parentCidr, len, space)).deferred();
  }

  private answer(parentCidr: string, len: number, space: string): NetboxAnswer {
    const p = parseIpv4Cidr(parentCidr);
    const key = Buffer.alloc(4);
    key.writeUInt32BE(p.net, 0);
    const parent = this.parentStmt.get(space, key, p.len) as { space_id: number; net: Buffer } | undefined;
    if (!parent) throw new Error(`${parentCidr} is not a prefix of space ${space}`);
    const first = p.net;
    const last = p.net + 2 ** (32 - p.len) - 1;
    const lastKey = Buffer.alloc(4);
    lastKey.writeUInt32BE(last, 0);

    // get_child_prefixes: read them all.
    const children = this.childrenStmt.all(parent.space_id, key, lastKey, p.len) as Array<[Buffer, number]>;

    // IPSet(parent) - IPSet(children): walk the children in address order and collect the gaps.
    const gaps: Array<[number, number]> = [];
    let cursor = first;
    let previous = -1;
    for (const [net, plen] of children) {
      const start = net.readUInt32BE(0);
      if (start < previous) throw new Error('children are not in address order');
      previous = start;
      const end = start + 2 ** (32 - plen) - 1;
      if (start > cursor) gaps.push([cursor, start - 1]);
      if (end + 1 > cursor) cursor = end + 1;
    }
    if (cursor <= last) gaps.push([cursor, last]);

    // iter_cidrs(): the whole free set as sorted CIDRs.
    const available: Array<{ net: number; len: number }> = [];
    for (const [a, b] of gaps) rangeToCidrs(a, b, available);

    // First fit: the first free CIDR at least as large as the request.
    for (const c of available) {
      if (len >= c.len) return { cidr: `${ipv4Text(c.net)}/${len}`, children: children.length, availableCidrs: available.length };
    }
    return { cidr: null, children: children.length, availableCidrs: available.length };
  }
}
