/**
 * The FluxPlan sync protocol, version 1: JSON over HTTPS with a bearer token, under /api/fluxplan/v1.
 * docs/sync-protocol.md describes it in prose; these schemas are the contract. The client validates
 * every answer with them and the tenant emulator validates every request with them.
 *
 *   GET  /status                  the tenant's identity, version and size (the first sync asks it)
 *   GET  /snapshot                the whole plan at one version, streamed as NDJSON
 *   GET  /changes?since=V         the changesets after version V, in order, paginated by a cursor
 *   POST /changesets              {id, base_version, changes}: 200 {version}, 409 {conflicts, version},
 *                                 422 {errors, version}, 401, 429/503 with Retry-After
 *   GET  /changesets/{id}         whether a changeset landed
 *
 * A change is one row operation addressed by the row's user key (see shared/sync/rows.ts).
 */
import { z } from 'zod';
import { formatAddress, formatCidr, parseAddress, parseCidr } from '../cidr';
import { ENTITY_SPECS, fastIpv4Cidr, SYNC_ENTITIES, type SyncEntity } from './rows';

export const PROTOCOL_VERSION = 1;
export const API_PREFIX = '/api/fluxplan/v1';
/** Content type of the streamed snapshot, and of a changeset sent as one JSON value per line. */
export const NDJSON = 'application/x-ndjson';
/** The largest page of /changes a tenant serves, in changes. */
export const MAX_PAGE_CHANGES = 50_000;
export const DEFAULT_PAGE_CHANGES = 5_000;

// ---------------------------------------------------------------- values

const nonEmpty = z.string().min(1, 'must not be empty').max(1000, 'is longer than 1000 characters');

/** A CIDR in its canonical form (the form both sides index rows by). */
export const canonicalCidr = z.string().superRefine((v, ctx) => {
  if (fastIpv4Cidr(v)) return;
  try {
    const c = formatCidr(parseCidr(v));
    if (c !== v) ctx.addIssue({ code: 'custom', message: `${v} is not canonical; write ${c}` });
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as Error).message });
  }
});

export const canonicalAddress = z.string().superRefine((v, ctx) => {
  try {
    const a = parseAddress(v);
    const c = formatAddress(a.version, a.value);
    if (c !== v) ctx.addIssue({ code: 'custom', message: `${v} is not canonical; write ${c}` });
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as Error).message });
  }
});

const vid = z.number().int().min(1, 'a VLAN ID is 1-4094').max(4094, 'a VLAN ID is 1-4094');
export const vlanRef = z.strictObject({ location: nonEmpty, vid });
const text = z.string().max(100_000).nullable();
const ref = nonEmpty.nullable();
const bool = z.boolean();

/** The field schemas of each entity; every field may be left out of a patch. */
const FIELD_SCHEMAS: Record<SyncEntity, Record<string, z.ZodType>> = {
  space: { description: text },
  location: { name: text },
  vlan: { name: text, enabled: bool },
  customer: { name: text },
  product: {
    ipam_config: z.string().superRefine((v, ctx) => {
      try {
        JSON.parse(v);
      } catch {
        ctx.addIssue({ code: 'custom', message: 'ipam_config is not JSON text' });
      }
    }),
  },
  device: { location: ref, kind: text },
  service: { customer: ref, product: ref, device: ref, status: z.enum(['pending', 'active', 'cancelled']) },
  subnet: {
    parent: canonicalCidr.nullable(),
    allocation_status: z.enum(['unallocated', 'allocated', 'subdivided']),
    is_unavailable: bool,
    is_ip_pool: bool,
    location: ref,
    vlan: vlanRef.nullable(),
    customer: ref,
    service: ref,
    device: ref,
    description: text,
  },
  ip: {
    customer: ref,
    service: ref,
    device: ref,
    vlan: vlanRef.nullable(),
    rdns: text,
    rdns_updated_at: text,
    is_unavailable: bool,
    is_management: bool,
    purpose: text,
    description: text,
  },
};

const KEY_SCHEMAS: Record<SyncEntity, z.ZodType> = {
  space: z.strictObject({ name: nonEmpty }),
  location: z.strictObject({ code: nonEmpty }),
  vlan: z.strictObject({ location: nonEmpty, vid }),
  customer: z.strictObject({ id: nonEmpty }),
  product: z.strictObject({ name: nonEmpty }),
  device: z.strictObject({ name: nonEmpty }),
  service: z.strictObject({ id: nonEmpty }),
  subnet: z.strictObject({ space: nonEmpty, cidr: canonicalCidr }),
  ip: z.strictObject({ space: nonEmpty, address: canonicalAddress }),
};

const statePatch = (entity: SyncEntity) => z.strictObject(FIELD_SCHEMAS[entity]).partial();

// Every entity's fields are declared in both tables above.
for (const e of SYNC_ENTITIES) {
  const declared = Object.keys(ENTITY_SPECS[e].fields).sort().join();
  if (Object.keys(FIELD_SCHEMAS[e]).sort().join() !== declared) throw new Error(`sync protocol: fields of ${e} disagree`);
}

// ---------------------------------------------------------------- changes

const op = z.enum(['insert', 'update', 'delete']);

function changeOf<E extends SyncEntity>(entity: E) {
  return z.strictObject({
    entity: z.literal(entity),
    key: KEY_SCHEMAS[entity],
    op,
    /** update: the old values of the fields it changes; delete: the row as it was (defaults may be left out). */
    before: statePatch(entity).optional(),
    /** insert: the new row (defaults may be left out); update: the new values of the fields it changes. */
    after: statePatch(entity).optional(),
  });
}

/**
 * One row operation. insert carries `after`; delete carries `before`; update carries both, naming
 * the same fields, at least one. The receiver applies it only onto a row in the `before` state.
 */
export const change = z
  .discriminatedUnion('entity', [
    changeOf('space'), changeOf('location'), changeOf('vlan'), changeOf('customer'), changeOf('product'),
    changeOf('device'), changeOf('service'), changeOf('subnet'), changeOf('ip'),
  ])
  .superRefine((c, ctx) => {
    if (c.op === 'insert' && (c.after === undefined || c.before !== undefined)) ctx.addIssue({ code: 'custom', message: 'an insert carries `after` and no `before`' });
    if (c.op === 'delete' && (c.before === undefined || c.after !== undefined)) ctx.addIssue({ code: 'custom', message: 'a delete carries `before` and no `after`' });
    if (c.op === 'update') {
      const b = Object.keys(c.before ?? {}).sort().join();
      const a = Object.keys(c.after ?? {}).sort().join();
      if (c.before === undefined || c.after === undefined || !a || a !== b) {
        ctx.addIssue({ code: 'custom', message: 'an update carries `before` and `after` naming the same fields, at least one' });
      }
    }
  });
export type Change = z.output<typeof change>;

const changesetId = z
  .string()
  .min(8, 'a changeset id has 8-64 characters')
  .max(64, 'a changeset id has 8-64 characters')
  .regex(/^[A-Za-z0-9_-]+$/, 'a changeset id uses letters, digits, - and _');

const version = z.number().int().min(0);

/** What a client posts: one changeset, exactly once by its id. */
export const changeset = z.strictObject({
  id: changesetId,
  /** The tenant version the client pulled before building it. */
  base_version: version,
  changes: z.array(change).max(10_000_000),
  /** The actions it carries (journal batch labels), for the other planners' journals. */
  labels: z.array(z.string().max(500)).max(10_000).optional(),
});
export type Changeset = z.output<typeof changeset>;

/** The first line of a changeset sent as NDJSON (the changes follow, one per line). */
export const changesetHeader = z.strictObject({
  id: changesetId,
  base_version: version,
  count: z.number().int().min(0),
  labels: z.array(z.string().max(500)).max(10_000).optional(),
});

// ---------------------------------------------------------------- answers

export const accepted = z.strictObject({ id: changesetId, version });
export type Accepted = z.output<typeof accepted>;

export const rowConflict = z.strictObject({
  entity: z.enum(SYNC_ENTITIES),
  key: z.record(z.string(), z.union([z.string(), z.number()])),
  /** The version that last changed the row on the tenant. */
  version,
  /** The row as the tenant holds it now (null: it does not exist). */
  current: z.record(z.string(), z.unknown()).nullable(),
});
export const conflictAnswer = z.strictObject({ error: z.literal('conflict'), message: z.string(), conflicts: z.array(rowConflict), version });
export type ConflictAnswer = z.output<typeof conflictAnswer>;

export const changeError = z.strictObject({
  /** Index of the change in the changeset (-1: the changeset as a whole). */
  index: z.number().int().min(-1),
  entity: z.enum(SYNC_ENTITIES).nullable(),
  key: z.record(z.string(), z.union([z.string(), z.number()])).nullable(),
  code: z.string(),
  message: z.string(),
});
export const invalidAnswer = z.strictObject({ error: z.literal('invalid'), message: z.string(), errors: z.array(changeError), version });
export type InvalidAnswer = z.output<typeof invalidAnswer>;

/** 400, 401, 404, 405, 413, 429, 500, 503: something is wrong with the request or the tenant, not with a change. */
export const errorAnswer = z.strictObject({
  error: z.enum(['bad_request', 'unauthorized', 'not_found', 'method_not_allowed', 'too_large', 'busy', 'unavailable', 'internal']),
  message: z.string(),
  /** Seconds, for 429 and 503 (also in the Retry-After header). */
  retry_after: z.number().min(0).optional(),
});
export type ErrorAnswer = z.output<typeof errorAnswer>;

/** GET /changesets/{id}: 200 when the tenant has an answer for the id, 404 when it never saw it. */
export const changesetStatus = z.strictObject({
  id: changesetId,
  /** Committed: its changes are in the plan at `version`. */
  landed: z.boolean(),
  version: version.nullable(),
  /** The HTTP status of the tenant's first answer (200, 409, 422), or null when it never saw the id. */
  status: z.number().int().nullable(),
});
export type ChangesetStatus = z.output<typeof changesetStatus>;

export const tenantStatus = z.strictObject({
  protocol: z.literal(PROTOCOL_VERSION),
  /** Stable identity of the tenant's plan: a client refuses to sync a plan with another tenant than the one it knows. */
  tenant: z.string().min(1),
  version,
  /** The tenant holds no rows at all (the global space aside). */
  empty: z.boolean(),
  counts: z.strictObject({ subnets: z.number().int(), ips: z.number().int(), catalog: z.number().int() }),
  /** For tests and staging only (the emulator says so). */
  emulator: z.boolean().optional(),
});
export type TenantStatus = z.output<typeof tenantStatus>;

/** One changeset, or a slice of one, in a page of /changes. */
export const pulledChangeset = z.strictObject({
  id: changesetId,
  version,
  created_at: z.string(),
  labels: z.array(z.string()),
  /** Index of the first change of this slice in the changeset, and the changeset's size. */
  offset: z.number().int().min(0),
  total: z.number().int().min(0),
  changes: z.array(change),
});
export type PulledChangeset = z.output<typeof pulledChangeset>;

export const changesPage = z.strictObject({
  protocol: z.literal(PROTOCOL_VERSION),
  tenant: z.string().min(1),
  /** The tenant's version now. */
  version,
  changesets: z.array(pulledChangeset),
  /** Pass as `cursor` for the next page; null: this was the last one. */
  next: z.string().nullable(),
});
export type ChangesPage = z.output<typeof changesPage>;

// ---------------------------------------------------------------- snapshot (NDJSON)

/** First line of a snapshot. */
export const snapshotHeader = z.strictObject({
  snapshot: z.strictObject({ protocol: z.literal(PROTOCOL_VERSION), tenant: z.string().min(1), version, rows: z.number().int().min(0) }),
});

function snapshotRowOf<E extends SyncEntity>(entity: E) {
  return z.strictObject({ entity: z.literal(entity), key: KEY_SCHEMAS[entity], state: statePatch(entity) });
}

/**
 * A row of the snapshot (defaults left out of `state`). Rows come in creation order: catalog
 * entities in ENTITY_ORDER, then subnets in pre-order (a parent before its children), then IP records.
 */
export const snapshotRow = z.discriminatedUnion('entity', [
  snapshotRowOf('space'), snapshotRowOf('location'), snapshotRowOf('vlan'), snapshotRowOf('customer'), snapshotRowOf('product'),
  snapshotRowOf('device'), snapshotRowOf('service'), snapshotRowOf('subnet'), snapshotRowOf('ip'),
]);
export type SnapshotRow = z.output<typeof snapshotRow>;

/** Last line: how many rows were sent, so that a cut stream is never mistaken for a whole one. */
export const snapshotEnd = z.strictObject({ end: z.strictObject({ rows: z.number().int().min(0) }) });

// ---------------------------------------------------------------- helpers

export function describeZod(error: z.ZodError, limit = 5): string {
  const parts = error.issues.slice(0, limit).map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message));
  if (error.issues.length > limit) parts.push(`and ${error.issues.length - limit} more`);
  return parts.join('; ');
}
