/**
 * What the journal records per entity: the table and the planner's data columns.
 * Columns the engine derives (subnet net and inherited fields, an IP's address key and subnet)
 * are left out: replaying the data columns through the engine rebuilds them.
 * Stored images are positional (encodeImage): a column may be appended to a list, never removed,
 * renamed or moved.
 */
export const ENTITIES = {
  space: { table: 'spaces', columns: ['name', 'description', 'created_at', 'updated_at'] },
  location: { table: 'locations', columns: ['code', 'name', 'created_at', 'updated_at'] },
  vlan: { table: 'vlans', columns: ['vid', 'name', 'location_id', 'enabled', 'created_at', 'updated_at'] },
  customer: { table: 'customers', columns: ['ref', 'name', 'created_at', 'updated_at'] },
  device: { table: 'devices', columns: ['name', 'location_id', 'kind', 'created_at', 'updated_at'] },
  product: { table: 'products', columns: ['name', 'ipam_config', 'created_at', 'updated_at'] },
  service: { table: 'services', columns: ['ref', 'customer_id', 'product_id', 'device_id', 'status', 'created_at', 'updated_at'] },
  rdns_provider: {
    table: 'rdns_providers',
    columns: ['name', 'type', 'space_id', 'url', 'secret_file', 'create_zones', 'zone_ids', 'created_at', 'updated_at'],
  },
  rdns_zone: { table: 'rdns_zones', columns: ['space_id', 'cidr', 'name', 'style', 'provider_id', 'created_at', 'updated_at'] },
  transit: {
    table: 'transit_services',
    columns: [
      'service_id', 'port_label', 'port_speed_mbps', 'model', 'commit_mbps', 'included_gb', 'fee', 'tiers', 'tier_mode', 'direction',
      'unit_base', 'rounding', 'anchor_day', 'time_zone', 'missing_policy', 'start_date', 'end_date', 'created_at', 'updated_at',
    ],
  },
  subnet: {
    table: 'subnets',
    columns: [
      'space_id', 'ip_version', 'cidr', 'prefix_len', 'parent_id', 'location_id', 'vlan_id', 'allocation_status',
      'is_unavailable', 'is_ip_pool', 'customer_id', 'service_id', 'device_id', 'description', 'created_at', 'updated_at',
    ],
  },
  ip: {
    table: 'ip_addresses',
    columns: [
      'space_id', 'ip_version', 'address_text', 'customer_id', 'service_id', 'device_id', 'vlan_id', 'rdns', 'rdns_updated_at',
      'is_unavailable', 'is_management', 'purpose', 'description', 'created_at', 'updated_at',
    ],
  },
} as const;

export type EntityName = keyof typeof ENTITIES;
export type RowImage = Record<string, unknown> & { id: number };

export function imageOf(entity: EntityName, row: object): RowImage {
  const r = row as Record<string, unknown>;
  const image: RowImage = { id: r.id as number };
  for (const c of ENTITIES[entity].columns) image[c] = r[c] ?? null;
  return image;
}

/**
 * A row image as the journal stores it: a JSON array, the id and then the entity's columns in order.
 * Without the column names in every record, a million-row import writes well under half the bytes.
 */
export function encodeImage(entity: EntityName, image: RowImage): string {
  const columns = ENTITIES[entity].columns;
  const values: unknown[] = [image.id];
  for (const c of columns) values.push(image[c] ?? null);
  return JSON.stringify(values);
}

/**
 * A stored image back as a row image. An image shorter than the column list (written before a column
 * was appended) reads null for the rest; an object (the format before encodeImage) reads as it is.
 */
export function decodeImage(entity: EntityName, text: string): RowImage {
  const parsed = JSON.parse(text) as unknown;
  if (!Array.isArray(parsed)) return parsed as RowImage;
  const columns = ENTITIES[entity].columns;
  const image: RowImage = { id: parsed[0] as number };
  for (let i = 0; i < columns.length; i++) image[columns[i]!] = parsed[i + 1] ?? null;
  return image;
}

/** Data columns that differ, ignoring updated_at. */
export function changedColumns(entity: EntityName, a: object, b: object): string[] {
  const x = a as Record<string, unknown>;
  const y = b as Record<string, unknown>;
  return ENTITIES[entity].columns.filter((c) => c !== 'updated_at' && (x[c] ?? null) !== (y[c] ?? null));
}
