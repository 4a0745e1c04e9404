/**
 * The bulk twin of insertSubnet and insertIp for large imports: the same rows (ids, derived columns),
 * the same journal records in the same order, written many rows per statement instead of one
 * statement (plus its derived-column updates and a settle walk) per row. The journal records of each
 * chunk are made by SQLite from the rows just written (one INSERT ... SELECT with json_array), so
 * their images never pass through JavaScript.
 *
 * What the caller promises, because it has worked out the whole import beforehand:
 *  - subnets come parents first, and nothing else writes subnets or IP records between `subnet`/`ip`
 *    calls and `flush` (call `flush` before any row-by-row write);
 *  - `clear` is the row's value once the import is done (rows.ts semantics: free, data-less space all
 *    the way down), and a new leaf's range holds no earlier IP records (so none have to move into it).
 * `finish` then settles `clear` of the existing rows the import wrote under and of the existing
 * leaves that gained addresses, exactly as the row-by-row writers would have, and proves every catalog
 * id the rows refer to exists: the caller may run it with SQLite's foreign-key enforcement off (which
 * probes six tables per row), and the transaction then rolls back on a missing reference all the same.
 */
import { FluxError } from '../../shared/errors';
import { addressKey, formatCidr, type IpVersion, type Prefix } from '../../shared/cidr';
import { ENTITIES } from '../journal/entities';
import { openBatch } from '../journal/journal';
import type { Plan } from '../plan';
import { getSubnet, settle, type IpData, type SubnetData, type SubnetRow } from './rows';

/** A written row's id and the values its children inherit. */
export interface BulkParent {
  id: number;
  eff_location_id: number | null;
  location_src_id: number | null;
  eff_vlan_id: number | null;
  vlan_src_id: number | null;
  parked_by: number | null;
}

/**
 * What a new row with a known id inherits from its parent on the path, or holds as its own source:
 * effective location and VLAN with their source rows, and the parked row above it.
 */
export function inherited(id: number, d: SubnetData, p: BulkParent | null): BulkParent {
  return {
    id,
    eff_location_id: d.location_id ?? p?.eff_location_id ?? null,
    location_src_id: d.location_id !== null ? id : p?.location_src_id ?? null,
    eff_vlan_id: d.vlan_id ?? p?.eff_vlan_id ?? null,
    vlan_src_id: d.vlan_id !== null ? id : p?.vlan_src_id ?? null,
    parked_by: d.is_unavailable ? id : p?.parked_by ?? null,
  };
}

const SUBNET_COLUMNS = [
  'id', 'space_id', 'ip_version', 'net', 'prefix_len', 'cidr', 'parent_id', 'location_id', 'vlan_id', 'allocation_status',
  'is_unavailable', 'is_ip_pool', 'customer_id', 'service_id', 'device_id', 'description', 'created_at', 'updated_at',
  'eff_location_id', 'location_src_id', 'eff_vlan_id', 'vlan_src_id', 'parked_by', 'clear',
];
const IP_COLUMNS = [
  'id', 'space_id', 'ip_version', 'address', 'address_text', 'subnet_id', 'customer_id', 'service_id', 'device_id', 'vlan_id',
  'rdns', 'rdns_updated_at', 'is_unavailable', 'is_management', 'purpose', 'description', 'created_at', 'updated_at',
];

/**
 * The journal records of the rows with ids first..last of a table, as journal() would write them one
 * by one: key "SPACE CIDR" (or "SPACE ADDRESS"), and the image in encodeImage's order (json_array
 * writes the same JSON array; readers decode it, so only the values matter). A chunk whose rows are
 * all in one space (nearly always) gets the space's name bound instead of looked up per row.
 */
function journalSql(entity: 'subnet' | 'ip', table: string, position: 'cidr' | 'address_text', oneSpace: boolean): string {
  const image = ['id', ...ENTITIES[entity].columns].map((c) => `t.${c}`).join(', ');
  const space = oneSpace ? '@space' : '(SELECT name FROM spaces WHERE id = t.space_id)';
  return `INSERT INTO journal_records (batch_id, seq, entity, entity_id, key, op, before, after)
    SELECT @batch, @seq + (t.id - @first), '${entity}', t.id, ${space} || ' ' || t.${position}, 'insert', NULL, json_array(${image})
    FROM ${table} t WHERE t.id BETWEEN @first AND @last ORDER BY t.id`;
}
const JOURNAL = {
  subnet: { one: journalSql('subnet', 'subnets', 'cidr', true), mixed: journalSql('subnet', 'subnets', 'cidr', false) },
  ip: { one: journalSql('ip', 'ip_addresses', 'address_text', true), mixed: journalSql('ip', 'ip_addresses', 'address_text', false) },
};

/** What a subnet or IP record refers to besides its subnet: the foreign keys of both tables. */
const REFERRED_TABLES = ['spaces', 'locations', 'vlans', 'customers', 'services', 'devices'] as const;

/** Rows per INSERT statement (SQLite allows 32766 bound values). */
const CHUNK = 200;

/**
 * The rows of one table waiting for their INSERT, written straight into one reused array (a million-row
 * import would otherwise make a million short-lived arrays): `reserve` gives where a row's values go,
 * `end` closes the row and writes the chunk once it is full.
 */
class Buffered {
  readonly values: unknown[];
  private count = 0;
  private at = 0;
  /** The statement for a full chunk, built once. */
  private readonly full: string;
  constructor(
    private readonly plan: Plan,
    private readonly table: string,
    private readonly columns: string[],
    /**
     * Called with the first id and the count of the rows just written, and their space if they share
     * one (the id is the first column, the space the second).
     */
    private readonly written: (first: number, count: number, space: number | null) => void,
  ) {
    this.full = this.sql(CHUNK);
    this.values = new Array<unknown>(CHUNK * columns.length);
  }

  private sql(rows: number): string {
    const one = `(${this.columns.map(() => '?').join(', ')})`;
    return `INSERT INTO ${this.table} (${this.columns.join(', ')}) VALUES ${Array(rows).fill(one).join(', ')}`;
  }

  reserve(): number {
    const offset = this.at;
    this.at += this.columns.length;
    return offset;
  }

  end(): void {
    if (++this.count === CHUNK) this.flush();
  }

  flush(): void {
    if (!this.count) return;
    if (this.count === CHUNK) this.plan.q(this.full).run(this.values);
    else this.plan.q(this.sql(this.count)).run(this.values.slice(0, this.at));
    let space = this.values[1] as number | null;
    for (let o = this.columns.length + 1; o < this.at && space !== null; o += this.columns.length) if (this.values[o] !== space) space = null;
    this.written(this.values[0] as number, this.count, space);
    this.count = 0;
    this.at = 0;
  }
}

export class BulkWriter {
  private readonly subnets: Buffered;
  private readonly ips: Buffered;
  private nextSubnet = 0;
  private nextIp = 0;
  /** Existing parents read for this flush (they may change between flushes). */
  private readonly existingParents = new Map<number, SubnetRow>();
  /** Existing rows that gained children, and existing leaves that gained addresses: id to prefix length. */
  private readonly attachments = new Map<number, number>();
  private readonly ipLeaves = new Map<number, number>();
  /** The catalog ids the written rows refer to, by table (parents and leaves are proven as they are met). */
  private readonly referred = new Map<string, Set<number>>(REFERRED_TABLES.map((t) => [t, new Set<number>()]));

  constructor(private readonly plan: Plan) {
    this.subnets = new Buffered(plan, 'subnets', SUBNET_COLUMNS, (first, count, space) => this.journal('subnet', first, count, space));
    this.ips = new Buffered(plan, 'ip_addresses', IP_COLUMNS, (first, count, space) => this.journal('ip', first, count, space));
  }

  /** The insert records of rows first..first+count-1, numbered on in the current batch. */
  private journal(entity: 'subnet' | 'ip', first: number, count: number, space: number | null): void {
    const batchId = openBatch(this.plan, entity);
    const batch = this.plan.batch!;
    const params = { batch: batchId, seq: batch.seq, first, last: first + count - 1 };
    if (space === null) this.plan.q(JOURNAL[entity].mixed).run(params);
    else this.plan.q(JOURNAL[entity].one).run({ ...params, space: this.plan.spaceName(space) });
    batch.seq += count;
  }

  private nextId(table: 'subnets' | 'ip_addresses'): number {
    // AUTOINCREMENT hands out one more than the largest id ever used, which sqlite_sequence records.
    const seq = this.plan.q('SELECT seq FROM sqlite_sequence WHERE name = ?').get(table) as { seq: number } | undefined;
    const max = this.plan.q(`SELECT MAX(id) AS m FROM ${table}`).get() as { m: number | null };
    return Math.max(seq?.seq ?? 0, max.m ?? 0) + 1;
  }

  /**
   * insertSubnet(plan, {space_id, prefix, parent}, data) in bulk. `parent` is an existing row's id or
   * what this writer returned for a row written earlier.
   */
  subnet(spaceId: number, prefix: Prefix, parent: BulkParent | number | null, d: SubnetData, clear: 0 | 1): BulkParent {
    if (this.nextSubnet === 0) {
      this.nextSubnet = this.nextId('subnets');
    }
    let p: BulkParent | null;
    if (typeof parent === 'number') {
      let row = this.existingParents.get(parent);
      if (!row) {
        row = getSubnet(this.plan, parent);
        this.existingParents.set(parent, row);
        this.attachments.set(parent, row.prefix_len);
      }
      p = row;
    } else p = parent;
    const id = this.nextSubnet++;
    const cidr = formatCidr(prefix);
    const inh = inherited(id, d, p);
    const now = this.plan.now;
    const b = this.subnets;
    const v = b.values;
    const o = b.reserve();
    // In SUBNET_COLUMNS order.
    v[o] = id;
    v[o + 1] = spaceId;
    v[o + 2] = prefix.version;
    v[o + 3] = addressKey(prefix.version, prefix.net);
    v[o + 4] = prefix.len;
    v[o + 5] = cidr;
    v[o + 6] = p?.id ?? null;
    v[o + 7] = d.location_id;
    v[o + 8] = d.vlan_id;
    v[o + 9] = d.allocation_status;
    v[o + 10] = d.is_unavailable;
    v[o + 11] = d.is_ip_pool;
    v[o + 12] = d.customer_id;
    v[o + 13] = d.service_id;
    v[o + 14] = d.device_id;
    v[o + 15] = d.description;
    v[o + 16] = now;
    v[o + 17] = now;
    v[o + 18] = inh.eff_location_id;
    v[o + 19] = inh.location_src_id;
    v[o + 20] = inh.eff_vlan_id;
    v[o + 21] = inh.vlan_src_id;
    v[o + 22] = inh.parked_by;
    v[o + 23] = clear;
    this.refer(spaceId, d.location_id, d.vlan_id, d.customer_id, d.service_id, d.device_id);
    b.end();
    return inh;
  }

  /** insertIp(plan, spaceId, text, data) in bulk, for an address the caller has placed in its leaf. */
  ip(spaceId: number, version: IpVersion, value: bigint, text: string, leafId: number, d: IpData, leafIsExisting: boolean): number {
    if (this.nextIp === 0) {
      this.subnets.flush();
      this.nextIp = this.nextId('ip_addresses');
    }
    const id = this.nextIp++;
    const now = this.plan.now;
    const b = this.ips;
    const v = b.values;
    const o = b.reserve();
    // In IP_COLUMNS order.
    v[o] = id;
    v[o + 1] = spaceId;
    v[o + 2] = version;
    v[o + 3] = addressKey(version, value);
    v[o + 4] = text;
    v[o + 5] = leafId;
    v[o + 6] = d.customer_id;
    v[o + 7] = d.service_id;
    v[o + 8] = d.device_id;
    v[o + 9] = d.vlan_id;
    v[o + 10] = d.rdns;
    v[o + 11] = d.rdns_updated_at;
    v[o + 12] = d.is_unavailable;
    v[o + 13] = d.is_management;
    v[o + 14] = d.purpose;
    v[o + 15] = d.description;
    v[o + 16] = now;
    v[o + 17] = now;
    this.refer(spaceId, null, d.vlan_id, d.customer_id, d.service_id, d.device_id);
    b.end();
    if (leafIsExisting && !this.ipLeaves.has(leafId)) this.ipLeaves.set(leafId, getSubnet(this.plan, leafId).prefix_len);
    return id;
  }

  private refer(space: number, location: number | null, vlan: number | null, customer: number | null, service: number | null, device: number | null): void {
    const r = this.referred;
    r.get('spaces')!.add(space);
    if (location !== null) r.get('locations')!.add(location);
    if (vlan !== null) r.get('vlans')!.add(vlan);
    if (customer !== null) r.get('customers')!.add(customer);
    if (service !== null) r.get('services')!.add(service);
    if (device !== null) r.get('devices')!.add(device);
  }

  /** Every catalog id written exists (one query per table); else the write is refused whole. */
  private proveReferences(): void {
    for (const [table, ids] of this.referred) {
      if (!ids.size) continue;
      const list = [...ids];
      const found = (this.plan.q(`SELECT COUNT(*) AS n FROM ${table} WHERE id IN (SELECT value FROM json_each(?))`).get(JSON.stringify(list)) as { n: number }).n;
      if (found !== list.length) {
        const missing = list.filter((id) => !this.plan.q(`SELECT 1 FROM ${table} WHERE id = ?`).get(id));
        throw new FluxError('INTERNAL', `the rows written refer to ${table} that do not exist (ids ${missing.slice(0, 5).join(', ')}); nothing was written`);
      }
      ids.clear();
    }
  }

  /** Writes what is buffered; call it before any row-by-row write. */
  flush(): void {
    this.subnets.flush();
    this.ips.flush();
    this.nextSubnet = 0;
    this.nextIp = 0;
    this.existingParents.clear();
  }

  /** Flushes, then settles `clear` upwards from the existing rows that gained children or addresses, deepest first. */
  finish(): void {
    this.flush();
    this.proveReferences();
    const todo: Array<{ id: number; len: number; blocked: boolean }> = [
      ...[...this.attachments].map(([id, len]) => ({ id, len, blocked: false })),
      ...[...this.ipLeaves].map(([id, len]) => ({ id, len, blocked: true })),
    ];
    this.attachments.clear();
    this.ipLeaves.clear();
    todo.sort((a, b) => b.len - a.len);
    for (const t of todo) settle(this.plan, t.id, t.blocked);
  }
}
