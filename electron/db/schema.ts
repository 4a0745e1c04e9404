/**
 * The plan's tables. drizzle-kit generates migrations/ from this file; applied migrations are never edited.
 *
 * Subnets keep a few derived columns beside the planner's data so that the allocator answers
 * with index probes instead of tree walks:
 *  - eff_location_id / location_src_id, eff_vlan_id / vlan_src_id: the inherited value and the row it comes from;
 *  - parked_by: the nearest parked row at or above this one (null when nothing above parks it);
 *  - clear: the row's subtree holds nothing but free, data-less space below it (its own data aside).
 * They are never journaled: the engine recomputes them whenever a data column changes.
 */
import { sql } from 'drizzle-orm';
import { blob, index, integer, primaryKey, real, sqliteTable, text, uniqueIndex } from 'drizzle-orm/sqlite-core';

const times = {
  created_at: text('created_at').notNull(),
  updated_at: text('updated_at').notNull(),
};

export const spaces = sqliteTable('spaces', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull().unique(),
  description: text('description'),
  ...times,
});

export const locations = sqliteTable('locations', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  code: text('code').notNull().unique(),
  name: text('name'),
  ...times,
});

export const devices = sqliteTable('devices', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull().unique(),
  location_id: integer('location_id').references(() => locations.id),
  kind: text('kind'),
  ...times,
});

export const customers = sqliteTable('customers', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  ref: text('ref').notNull().unique(),
  name: text('name'),
  ...times,
});

export const products = sqliteTable('products', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull().unique(),
  ipam_config: text('ipam_config').notNull(),
  ...times,
});

export const services = sqliteTable('services', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  ref: text('ref').notNull().unique(),
  customer_id: integer('customer_id').references(() => customers.id),
  product_id: integer('product_id').references(() => products.id),
  device_id: integer('device_id').references(() => devices.id),
  status: text('status', { enum: ['pending', 'active', 'cancelled'] }).notNull().default('pending'),
  ...times,
});

export const vlans = sqliteTable(
  'vlans',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    vid: integer('vid').notNull(),
    name: text('name'),
    location_id: integer('location_id').notNull().references(() => locations.id),
    enabled: integer('enabled', { mode: 'boolean' }).notNull().default(true),
    ...times,
  },
  (t) => [uniqueIndex('vlans_location_vid').on(t.location_id, t.vid)],
);

export const subnets = sqliteTable(
  'subnets',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    space_id: integer('space_id').notNull().references(() => spaces.id),
    ip_version: integer('ip_version').notNull(),
    /** Network address, big-endian, 4 or 16 bytes: blob order is address order. */
    net: blob('net', { mode: 'buffer' }).notNull(),
    prefix_len: integer('prefix_len').notNull(),
    cidr: text('cidr').notNull(),
    parent_id: integer('parent_id'),
    location_id: integer('location_id').references(() => locations.id),
    vlan_id: integer('vlan_id').references(() => vlans.id),
    allocation_status: text('allocation_status', { enum: ['unallocated', 'allocated', 'subdivided'] }).notNull(),
    is_unavailable: integer('is_unavailable', { mode: 'boolean' }).notNull().default(false),
    is_ip_pool: integer('is_ip_pool', { mode: 'boolean' }).notNull().default(false),
    customer_id: integer('customer_id').references(() => customers.id),
    service_id: integer('service_id').references(() => services.id),
    device_id: integer('device_id').references(() => devices.id),
    description: text('description'),
    ...times,
    eff_location_id: integer('eff_location_id'),
    location_src_id: integer('location_src_id'),
    eff_vlan_id: integer('eff_vlan_id'),
    vlan_src_id: integer('vlan_src_id'),
    parked_by: integer('parked_by'),
    clear: integer('clear', { mode: 'boolean' }).notNull().default(true),
  },
  (t) => [
    uniqueIndex('subnets_position').on(t.space_id, t.ip_version, t.net, t.prefix_len),
    index('subnets_parent').on(t.parent_id),
    // Links exist only on allocated rows; partial indexes keep carving from touching them.
    index('subnets_service').on(t.service_id).where(sql`service_id IS NOT NULL`),
    index('subnets_customer').on(t.customer_id).where(sql`customer_id IS NOT NULL`),
    index('subnets_device').on(t.device_id).where(sql`device_id IS NOT NULL`),
    // Free leaves by size then address: exact fit and split are one probe per prefix length.
    index('subnets_free_leaves')
      .on(t.space_id, t.ip_version, t.prefix_len, t.net)
      .where(sql`allocation_status = 'unallocated' AND is_ip_pool = 0 AND parked_by IS NULL`),
    index('subnets_free_leaves_by_location')
      .on(t.space_id, t.ip_version, t.eff_location_id, t.prefix_len, t.net)
      .where(sql`allocation_status = 'unallocated' AND is_ip_pool = 0 AND parked_by IS NULL AND eff_location_id IS NOT NULL`),
    // Subdivided rows whose whole subtree is free: the merge candidates.
    index('subnets_mergeable')
      .on(t.space_id, t.ip_version, t.prefix_len, t.net)
      .where(sql`allocation_status = 'subdivided' AND clear = 1 AND parked_by IS NULL`),
    index('subnets_ip_pools')
      .on(t.space_id, t.ip_version, t.net)
      .where(sql`is_ip_pool = 1 AND parked_by IS NULL`),
    index('subnets_roots').on(t.space_id, t.ip_version, t.net).where(sql`parent_id IS NULL`),
  ],
);

export const ipAddresses = sqliteTable(
  'ip_addresses',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    space_id: integer('space_id').notNull().references(() => spaces.id),
    ip_version: integer('ip_version').notNull(),
    address: blob('address', { mode: 'buffer' }).notNull(),
    address_text: text('address_text').notNull(),
    subnet_id: integer('subnet_id').notNull(),
    customer_id: integer('customer_id').references(() => customers.id),
    service_id: integer('service_id').references(() => services.id),
    device_id: integer('device_id').references(() => devices.id),
    vlan_id: integer('vlan_id').references(() => vlans.id),
    rdns: text('rdns'),
    rdns_updated_at: text('rdns_updated_at'),
    is_unavailable: integer('is_unavailable', { mode: 'boolean' }).notNull().default(false),
    is_management: integer('is_management', { mode: 'boolean' }).notNull().default(false),
    purpose: text('purpose'),
    description: text('description'),
    ...times,
  },
  (t) => [
    uniqueIndex('ip_addresses_position').on(t.space_id, t.ip_version, t.address),
    index('ip_addresses_subnet').on(t.subnet_id, t.address),
    index('ip_addresses_service').on(t.service_id).where(sql`service_id IS NOT NULL`),
    index('ip_addresses_device').on(t.device_id).where(sql`device_id IS NOT NULL`),
  ],
);

export const provisioningLogs = sqliteTable(
  'provisioning_logs',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    action: text('action').notNull(),
    success: integer('success', { mode: 'boolean' }).notNull(),
    service_id: integer('service_id'),
    service_ref: text('service_ref'),
    batch_id: integer('batch_id'),
    details: text('details').notNull(),
    created_at: text('created_at').notNull(),
  },
  // Filters by action scan from the newest entry; an index per action would cost every allocation a page write.
  (t) => [index('provisioning_logs_service').on(t.service_ref).where(sql`service_ref IS NOT NULL`)],
);

/** One user action. Undo and redo append new batches; nothing in the journal is rewritten but the undo bookkeeping. */
export const journalBatches = sqliteTable(
  'journal_batches',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    label: text('label').notNull(),
    kind: text('kind', { enum: ['do', 'undo', 'redo'] }).notNull(),
    origin: text('origin', { enum: ['local', 'remote'] }).notNull().default('local'),
    /** For undo and redo batches: the batch whose records they replay. */
    target_id: integer('target_id'),
    /** Set on a do/redo batch once undone: the undo batch that reverted it. */
    undone_by: integer('undone_by'),
    /** An undone batch can be redone until a new action is taken. */
    redoable: integer('redoable', { mode: 'boolean' }).notNull().default(false),
    created_at: text('created_at').notNull(),
  },
  (t) => [
    // Every new action clears the redo stack; this keeps that a probe, not a scan of the whole journal.
    index('journal_batches_redoable').on(t.undone_by).where(sql`redoable = 1`),
  ],
);

/** Row-level change records, in order within their batch: enough to replay or revert the batch. */
export const journalRecords = sqliteTable(
  'journal_records',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    batch_id: integer('batch_id').notNull(),
    seq: integer('seq').notNull(),
    entity: text('entity').notNull(),
    entity_id: integer('entity_id').notNull(),
    /** The user-facing key: "space cidr" for subnets, "space address" for IPs, the code, ref or name otherwise. */
    key: text('key').notNull(),
    op: text('op', { enum: ['insert', 'update', 'delete'] }).notNull(),
    before: text('before'),
    after: text('after'),
  },
  // Records are appended in batch order, so this index only ever grows at its end.
  (t) => [uniqueIndex('journal_records_order').on(t.batch_id, t.seq)],
);

export const settings = sqliteTable('settings', {
  key: text('key').primaryKey(),
  value: text('value').notNull(),
});

// ---- reverse DNS (electron/rdns). Providers and declared zones are journaled; push state is not.

/** Where PTRs go: kept in the plan (internal), or pushed to PowerDNS or Cloudflare. Secrets never live here, only the path of a file. */
export const rdnsProviders = sqliteTable('rdns_providers', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull().unique(),
  type: text('type', { enum: ['internal', 'powerdns', 'cloudflare'] }).notNull(),
  /** The address space whose IP records it publishes. */
  space_id: integer('space_id').notNull().references(() => spaces.id),
  url: text('url'),
  secret_file: text('secret_file'),
  create_zones: integer('create_zones', { mode: 'boolean' }).notNull().default(false),
  /** JSON object: reverse zone name to the provider's zone id (Cloudflare). */
  zone_ids: text('zone_ids').notNull().default('{}'),
  ...times,
});

/** Reverse zones the planner declared (derived zones need no row): the block, its name, and optionally the one provider that serves it. */
export const rdnsZones = sqliteTable(
  'rdns_zones',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    space_id: integer('space_id').notNull().references(() => spaces.id),
    cidr: text('cidr').notNull(),
    name: text('name').notNull(),
    /** RFC 2317 classless zones: 'slash' (64/26) or 'dash' (64-127). */
    style: text('style', { enum: ['slash', 'dash'] }),
    provider_id: integer('provider_id').references(() => rdnsProviders.id),
    ...times,
  },
  (t) => [uniqueIndex('rdns_zones_cidr').on(t.space_id, t.cidr)],
);

/** What FluxPlan last knew to be at each provider (its own records only): the base for offline pending counts. */
export const rdnsPushed = sqliteTable(
  'rdns_pushed',
  {
    provider_id: integer('provider_id').notNull(),
    zone: text('zone').notNull(),
    name: text('name').notNull(),
    type: text('type').notNull(),
    content: text('content').notNull(),
    pushed_at: text('pushed_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.provider_id, t.name, t.type] })],
);

// ---- IP transit billing (electron/billing). Definitions are journaled; samples are bulk data, not journaled.

/**
 * A service billed for IP transit: its port, billing model, prices, direction and cycle. Rates (port speed,
 * commit) are Mbps and transfer is GB, both in the service's unit base (1000 or 1024).
 */
export const transitServices = sqliteTable('transit_services', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  service_id: integer('service_id').notNull().unique().references(() => services.id),
  port_label: text('port_label'),
  port_speed_mbps: real('port_speed_mbps'),
  model: text('model', { enum: ['percentile', 'commit_burst', 'transfer', 'flat'] }).notNull(),
  commit_mbps: real('commit_mbps'),
  included_gb: real('included_gb'),
  fee: real('fee').notNull().default(0),
  /** JSON: [{"up_to": N or null, "rate": R}], in overage units. */
  tiers: text('tiers').notNull().default('[]'),
  tier_mode: text('tier_mode', { enum: ['graduated', 'volume'] }).notNull().default('graduated'),
  /** null: the setting transit.direction decides. */
  direction: text('direction', { enum: ['in', 'out', 'max', 'sum'] }),
  unit_base: integer('unit_base').notNull().default(1000),
  rounding: text('rounding', { enum: ['none', 'up'] }).notNull().default('none'),
  anchor_day: integer('anchor_day').notNull().default(1),
  time_zone: text('time_zone').notNull().default('UTC'),
  missing_policy: text('missing_policy', { enum: ['exclude', 'zero', 'spread'] }).notNull().default('exclude'),
  /** The contract: YYYY-MM-DD (midnight in the billing time zone) or an ISO date-time; cycles they cut are pro-rated. */
  start_date: text('start_date'),
  end_date: text('end_date'),
  ...times,
});

/**
 * Samples, one row per transit service and timestamp. The rowid is the key: transit id x 2^32 + Unix seconds,
 * so the table is its own index (no second B-tree for a composite key) and a cycle is one range scan.
 * A year of 5-minute samples is 105,120 rows per service. kind: 0 bits per second, 1 octet counters;
 * a counter at or above 2^63 is stored as its 64-bit two's complement. No foreign key: undoing a transit
 * service's definition leaves its samples in place, and redoing it (same id) finds them again.
 */
export const transitSamples = sqliteTable('transit_samples', {
  key: integer('key').primaryKey(),
  kind: integer('kind').notNull(),
  in_value: integer('in_value').notNull(),
  out_value: integer('out_value').notNull(),
});

// ---- sync with the FluxBilling tenant (electron/sync). Sync state is never journaled.

/** A tenant this plan syncs with. The token is never stored here: only where to read it (a file only its owner can read). */
export const syncRemotes = sqliteTable('sync_remotes', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull().unique(),
  url: text('url').notNull(),
  /** 'file': secret_ref is the path of the token file. Other sources (the desktop's safeStorage) plug in behind the same interface. */
  secret_kind: text('secret_kind').notNull().default('file'),
  secret_ref: text('secret_ref').notNull(),
  /** A PEM file of extra certificate authorities to trust (a staging tenant with its own CA); null: the system's. */
  ca_file: text('ca_file'),
  timeout_ms: integer('timeout_ms'),
  /** The tenant's identity, learned on the first sync; a different one is refused. */
  tenant: text('tenant'),
  /** The tenant version this plan has pulled through; null until the first sync. */
  version: integer('version'),
  /** Local journal batches up to this id are in the tenant (cloned, sent on the first sync, or pushed). */
  floor_batch: integer('floor_batch').notNull().default(0),
  last_sync: text('last_sync'),
  last_attempt: text('last_attempt'),
  /** 1 when the last contact worked, 0 when it failed; null before any. */
  online: integer('online'),
  last_error: text('last_error'),
  /** The tenant version seen on the last contact. */
  tenant_version: integer('tenant_version'),
  ...times,
});

/** Local batches a changeset carried to the tenant. */
export const syncPushed = sqliteTable(
  'sync_pushed',
  {
    remote_id: integer('remote_id').notNull(),
    batch_id: integer('batch_id').notNull(),
    /** null: nothing had to be sent (the batch's changes were already the tenant's, or cancelled out). */
    changeset_id: text('changeset_id'),
    version: integer('version'),
    pushed_at: text('pushed_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.remote_id, t.batch_id] })],
);

/** Changesets this plan sent: pulled back, they are skipped; `state` says whether the tenant has it. */
export const syncSent = sqliteTable(
  'sync_sent',
  {
    remote_id: integer('remote_id').notNull(),
    id: text('id').notNull(),
    base_version: integer('base_version').notNull(),
    /** 'sending' (no answer yet), 'landed', 'refused'. */
    state: text('state').notNull(),
    version: integer('version'),
    /** JSON: the local batch ids it carries. */
    batches: text('batches').notNull(),
    /** The highest local batch id when it was built. */
    max_batch: integer('max_batch').notNull(),
    changes: integer('changes').notNull(),
    created_at: text('created_at').notNull(),
  },
  (t) => [primaryKey({ columns: [t.remote_id, t.id] })],
);

/** What the tenant holds for rows whose local state differs from it and is not yet pushed (or is in conflict). */
export const syncShadow = sqliteTable(
  'sync_shadow',
  {
    remote_id: integer('remote_id').notNull(),
    /** keyString: "subnet global 10.0.0.0/24". */
    key: text('key').notNull(),
    entity: text('entity').notNull(),
    /** JSON {key, state}; state null: the tenant has no such row. */
    row: text('row').notNull(),
  },
  (t) => [primaryKey({ columns: [t.remote_id, t.key] })],
);

/** Conflicts found by sync, with both sides' values: resolved ones stay, so nothing is lost. */
export const syncConflicts = sqliteTable(
  'sync_conflicts',
  {
    id: integer('id').primaryKey({ autoIncrement: true }),
    remote_id: integer('remote_id').notNull(),
    /** 'field', 'allocation' or 'delete'. */
    kind: text('kind').notNull(),
    entity: text('entity').notNull(),
    /** keyString of the contested row (for a subtree, its top). */
    row: text('row').notNull(),
    /** JSON key of that row. */
    key: text('key').notNull(),
    /** A contested subtree (subnets): its CIDR; null when only the row itself is contested. */
    region: text('region'),
    /** JSON array of the contested fields of the row. */
    fields: text('fields').notNull(),
    /** JSON: the row's state on each side (null: no such row). */
    mine: text('mine'),
    theirs: text('theirs'),
    /** JSON array of every differing row in the region: {entity, key, mine, theirs}. */
    rows: text('rows').notNull(),
    status: text('status').notNull().default('open'),
    /** 'mine', 'theirs' or 'reallocate'. */
    resolution: text('resolution'),
    /** JSON: what the resolution did (re-allocated blocks). */
    outcome: text('outcome'),
    version: integer('version'),
    created_at: text('created_at').notNull(),
    updated_at: text('updated_at').notNull(),
    resolved_at: text('resolved_at'),
  },
  (t) => [index('sync_conflicts_open').on(t.remote_id, t.status)],
);

// ---- the tenant emulator (electron/sync/tenant): a plan that serves the sync protocol, for tests and staging.

/** Every changeset the tenant committed, in version order. */
export const tenantChangesets = sqliteTable('tenant_changesets', {
  version: integer('version').primaryKey(),
  id: text('id').notNull().unique(),
  base_version: integer('base_version').notNull(),
  labels: text('labels').notNull(),
  changes: integer('changes').notNull(),
  created_at: text('created_at').notNull(),
});

/** The changes of each committed changeset, as they were posted, for GET /changes. */
export const tenantChanges = sqliteTable(
  'tenant_changes',
  {
    version: integer('version').notNull(),
    seq: integer('seq').notNull(),
    change: text('change').notNull(),
  },
  (t) => [primaryKey({ columns: [t.version, t.seq] })],
);

/** The first answer to every changeset id: the same id posted again gets it back and changes nothing. */
export const tenantAnswers = sqliteTable('tenant_answers', {
  id: text('id').primaryKey(),
  status: integer('status').notNull(),
  body: text('body').notNull(),
  version: integer('version'),
  created_at: text('created_at').notNull(),
});

/** The version that last changed each row (rows never changed through sync have none: version 0). */
export const tenantRowVersions = sqliteTable('tenant_row_versions', {
  key: text('key').primaryKey(),
  version: integer('version').notNull(),
});

// ---- spreadsheet import (electron/import). Named column mappings; settings-like, not journaled.

/** A saved import mapping: header overrides and status words, by name. */
export const importProfiles = sqliteTable('import_profiles', {
  id: integer('id').primaryKey({ autoIncrement: true }),
  name: text('name').notNull().unique(),
  /** JSON: {"mapping": {header: field or null}, "statuses": {value: meaning}}. */
  config: text('config').notNull(),
  ...times,
});
