/**
 * Rows as sync sees them: addressed by the planner's keys, holding the planner's fields with every
 * reference written as the key of the row it names. No internal ids and no times ever cross the wire,
 * so two plans that hold the same rows compare equal whatever ids their databases gave them.
 *
 * Pure data and helpers: both the client (electron/sync) and the tenant emulator use them.
 */

export const SYNC_ENTITIES = ['space', 'location', 'vlan', 'customer', 'product', 'device', 'service', 'subnet', 'ip'] as const;
export type SyncEntity = (typeof SYNC_ENTITIES)[number];

/** A VLAN is the VLAN of that number at a location. */
export interface VlanRef {
  location: string;
  vid: number;
}

export type FieldValue = string | number | boolean | null | VlanRef;
export type RowState = Record<string, FieldValue>;
export type RowKey = Record<string, string | number>;

type FieldKind = 'text' | 'bool' | 'status' | 'service_status' | 'vlan' | 'json';

interface EntitySpec {
  /** Key fields, in the order they are written in a key string. */
  key: readonly string[];
  /** Data fields and their defaults (an insert may leave out a field that holds its default). */
  fields: Readonly<Record<string, { kind: FieldKind; default: FieldValue }>>;
}

const text = { kind: 'text', default: null } as const;
const flag = (d: boolean) => ({ kind: 'bool', default: d }) as const;
const vlan = { kind: 'vlan', default: null } as const;

export const ENTITY_SPECS: Record<SyncEntity, EntitySpec> = {
  space: { key: ['name'], fields: { description: text } },
  location: { key: ['code'], fields: { name: text } },
  vlan: { key: ['location', 'vid'], fields: { name: text, enabled: flag(true) } },
  customer: { key: ['id'], fields: { name: text } },
  product: { key: ['name'], fields: { ipam_config: { kind: 'json', default: '{"mode":"disabled","rules":[]}' } } },
  device: { key: ['name'], fields: { location: text, kind: text } },
  service: { key: ['id'], fields: { customer: text, product: text, device: text, status: { kind: 'service_status', default: 'pending' } } },
  subnet: {
    key: ['space', 'cidr'],
    fields: {
      /** The CIDR of the parent row (the prefix one bit shorter), null for a root. */
      parent: text,
      allocation_status: { kind: 'status', default: 'unallocated' },
      is_unavailable: flag(false),
      is_ip_pool: flag(false),
      location: text,
      vlan,
      customer: text,
      service: text,
      device: text,
      description: text,
    },
  },
  ip: {
    key: ['space', 'address'],
    fields: {
      customer: text,
      service: text,
      device: text,
      vlan,
      rdns: text,
      rdns_updated_at: text,
      is_unavailable: flag(false),
      is_management: flag(false),
      purpose: text,
      description: text,
    },
  },
};

/**
 * The order rows are created in: a row only refers to rows of entities before it. Deletions run in
 * the reverse order.
 */
export const ENTITY_ORDER: readonly SyncEntity[] = SYNC_ENTITIES;

export function fieldsOf(entity: SyncEntity): string[] {
  return Object.keys(ENTITY_SPECS[entity].fields);
}

/** The key as one string: "subnet global 10.0.0.0/24", "vlan EU-FRA 102", "customer cust-7421". */
export function keyString(entity: SyncEntity, key: RowKey): string {
  return `${entity} ${ENTITY_SPECS[entity].key.map((k) => String(key[k])).join(' ')}`;
}

/** The key without the entity, as people write it: "global 10.0.0.0/24". */
export function keyLabel(entity: SyncEntity, key: RowKey): string {
  return ENTITY_SPECS[entity].key.map((k) => String(key[k])).join(' ');
}

export function sameValue(a: FieldValue | undefined, b: FieldValue | undefined): boolean {
  if (a === b) return true;
  if (a === null || b === null || a === undefined || b === undefined) return false;
  if (typeof a === 'object' && typeof b === 'object') return a.location === b.location && a.vid === b.vid;
  return false;
}

export function sameState(entity: SyncEntity, a: RowState | null, b: RowState | null): boolean {
  if (a === null || b === null) return a === b;
  for (const f of fieldsOf(entity)) if (!sameValue(a[f], b[f])) return false;
  return true;
}

/** Fields whose values differ (both rows present). */
export function differingFields(entity: SyncEntity, a: RowState, b: RowState): string[] {
  return fieldsOf(entity).filter((f) => !sameValue(a[f], b[f]));
}

/** A full state from one that may leave out defaults. */
export function fillState(entity: SyncEntity, partial: Partial<RowState>): RowState {
  const out: RowState = {};
  for (const [f, spec] of Object.entries(ENTITY_SPECS[entity].fields)) {
    const v = partial[f];
    out[f] = v === undefined ? spec.default : v;
  }
  return out;
}

/** The state with default values left out: what goes on the wire for inserts, deletes and snapshots. */
export function compactState(entity: SyncEntity, state: RowState): Partial<RowState> {
  const out: Partial<RowState> = {};
  for (const [f, spec] of Object.entries(ENTITY_SPECS[entity].fields)) {
    if (!sameValue(state[f], spec.default)) out[f] = state[f]!;
  }
  return out;
}

/** Field-wise patch: the fields of `to` that differ from `from`. */
export function patchOf(entity: SyncEntity, from: RowState, to: RowState): { before: Partial<RowState>; after: Partial<RowState> } {
  const before: Partial<RowState> = {};
  const after: Partial<RowState> = {};
  for (const f of differingFields(entity, from, to)) {
    before[f] = from[f]!;
    after[f] = to[f]!;
  }
  return { before, after };
}

/** A value as a planner reads it in a message. */
export function showValue(v: FieldValue | undefined): string {
  if (v === null || v === undefined) return '(none)';
  if (typeof v === 'object') return `VLAN ${v.vid} at ${v.location}`;
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

const IPV4_CIDR = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})\/(\d{1,2})$/;

/**
 * A canonical IPv4 CIDR read without the general parser (snapshots carry a million of them), or null
 * when the text is anything else (IPv6, or not canonical): the caller then uses the general parser.
 */
export function fastIpv4Cidr(text: string): { version: 4; net: bigint; len: number } | null {
  const m = IPV4_CIDR.exec(text);
  if (!m) return null;
  let n = 0;
  for (let i = 1; i <= 4; i++) {
    const part = m[i]!;
    if (part.length > 1 && part[0] === '0') return null;
    const v = Number(part);
    if (v > 255) return null;
    n = n * 256 + v;
  }
  const lenText = m[5]!;
  if (lenText.length > 1 && lenText[0] === '0') return null;
  const len = Number(lenText);
  if (len > 32) return null;
  const host = len === 32 ? 0 : n % 2 ** (32 - len);
  if (host !== 0) return null;
  return { version: 4, net: BigInt(n), len };
}
