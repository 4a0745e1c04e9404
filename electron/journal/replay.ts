/**
 * Applies journal records through the same writers that made them, so derived columns are rebuilt
 * and the replay is itself journaled. A record only applies onto the state it was made from:
 * anything else is a CONFLICT and the whole batch is refused.
 */
import { FluxError } from '../../shared/errors';
import { parseCidr } from '../../shared/cidr';
import { deleteRow, getRow, insertRow, updateRow, type CatalogEntity } from '../catalog/rows';
import type { Plan } from '../plan';
import { deleteIp, deleteSubnet, getIp, getSubnet, insertIp, insertSubnet, updateIp, updateSubnet, type IpData, type SubnetData } from '../tree/rows';
import { changedColumns, type EntityName, type RowImage } from './entities';

export interface JournalRecord {
  entity: EntityName;
  entity_id: number;
  key: string;
  op: 'insert' | 'update' | 'delete';
  before: RowImage | null;
  after: RowImage | null;
}

export function invert(r: JournalRecord): JournalRecord {
  const op = r.op === 'insert' ? 'delete' : r.op === 'delete' ? 'insert' : 'update';
  return { ...r, op, before: r.after, after: r.before };
}

function current(plan: Plan, entity: EntityName, id: number): Record<string, unknown> | undefined {
  const table = entity === 'subnet' ? 'subnets' : entity === 'ip' ? 'ip_addresses' : null;
  if (table) return plan.q(`SELECT * FROM ${table} WHERE id = ?`).get(id) as Record<string, unknown> | undefined;
  return plan.q(`SELECT * FROM ${tableOf(entity as CatalogEntity)} WHERE id = ?`).get(id) as Record<string, unknown> | undefined;
}

const TABLES: Record<CatalogEntity, string> = {
  space: 'spaces', location: 'locations', vlan: 'vlans', customer: 'customers', device: 'devices', product: 'products', service: 'services',
  rdns_provider: 'rdns_providers', rdns_zone: 'rdns_zones',
  transit: 'transit_services',
};
function tableOf(entity: CatalogEntity): string {
  return TABLES[entity];
}

function pick<T>(image: RowImage, keys: readonly string[]): T {
  const out: Record<string, unknown> = {};
  for (const k of keys) out[k] = image[k];
  return out as T;
}

const SUBNET_DATA = ['location_id', 'vlan_id', 'allocation_status', 'is_unavailable', 'is_ip_pool', 'customer_id', 'service_id', 'device_id', 'description'] as const;
const IP_DATA = ['customer_id', 'service_id', 'device_id', 'vlan_id', 'rdns', 'rdns_updated_at', 'is_unavailable', 'is_management', 'purpose', 'description'] as const;

/** A re-inserted row keeps its id and creation time: ids are stable and never reused. */
function restoring(image: RowImage): { id: number; created_at: string } {
  return { id: image.id, created_at: image.created_at as string };
}

export function applyRecord(plan: Plan, r: JournalRecord, label: string): void {
  const now = current(plan, r.entity, r.entity_id);
  const expected = r.op === 'insert' ? null : r.before;
  if (expected === null ? now !== undefined : now === undefined || changedColumns(r.entity, now, expected).length > 0) {
    const fields = now && expected ? changedColumns(r.entity, now, expected).join(', ') : now ? 'it exists again' : 'it is gone';
    throw new FluxError('CONFLICT', `Cannot ${label}: ${r.entity} ${r.key} changed since (${fields})`, { key: r.key });
  }
  if (r.entity === 'subnet') {
    if (r.op === 'insert') {
      const a = r.after!;
      const parent = a.parent_id === null ? null : getSubnet(plan, a.parent_id as number);
      insertSubnet(plan, { space_id: a.space_id as number, prefix: parseCidr(a.cidr as string), parent }, pick<SubnetData>(a, SUBNET_DATA), restoring(a));
    } else if (r.op === 'delete') deleteSubnet(plan, getSubnet(plan, r.entity_id));
    else updateSubnet(plan, getSubnet(plan, r.entity_id), { ...pick<SubnetData>(r.after!, SUBNET_DATA), parent_id: r.after!.parent_id as number | null });
    return;
  }
  if (r.entity === 'ip') {
    if (r.op === 'insert') insertIp(plan, r.after!.space_id as number, r.after!.address_text as string, pick<IpData>(r.after!, IP_DATA), restoring(r.after!));
    else if (r.op === 'delete') deleteIp(plan, getIp(plan, r.entity_id));
    else updateIp(plan, getIp(plan, r.entity_id), pick<IpData>(r.after!, IP_DATA));
    return;
  }
  const entity = r.entity as CatalogEntity;
  if (r.op === 'insert') insertRow(plan, entity, r.after!, r.after!.id);
  else if (r.op === 'delete') deleteRow(plan, entity, getRow(plan, entity, r.entity_id));
  else updateRow(plan, entity, getRow(plan, entity, r.entity_id), r.after!);
}
