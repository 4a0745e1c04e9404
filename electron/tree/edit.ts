/** The planner's edits to subnets: add, set, park, release. Carving itself lives in carve.ts. */
import { FluxError } from '../../shared/errors';
import { parseCidr } from '../../shared/cidr';
import { customerId, deviceId, locationId, serviceRow, vlanId, vlanVid, type Links } from '../catalog/resolve';
import { logAction } from '../journal/provisioning-log';
import type { Plan } from '../plan';
import { addSubnet } from './carve';
import { deleteIp, getSubnet, ipsWhere, updateSubnet, type SubnetRow } from './rows';

export interface SubnetEdit {
  location?: string | null | undefined;
  vlan?: number | null | undefined;
  description?: string | null | undefined;
  ip_pool?: boolean | undefined;
  customer?: string | null | undefined;
  service?: string | null | undefined;
  device?: string | null | undefined;
}

export function createSubnet(plan: Plan, spaceId: number, cidr: string, edit: SubnetEdit): SubnetRow {
  const row = addSubnet(plan, spaceId, parseCidr(cidr), {
    location_id: edit.location ? locationId(plan, edit.location) : null,
    description: edit.description ?? null,
    is_ip_pool: edit.ip_pool ? 1 : 0,
  });
  if (edit.vlan === undefined || edit.vlan === null) return row;
  return updateSubnet(plan, row, { vlan_id: vlanId(plan, row.eff_location_id, edit.vlan) });
}

/** Location first, so that a VLAN is looked up at the location the subnet ends up in. */
export function editSubnet(plan: Plan, row: SubnetRow, edit: SubnetEdit): SubnetRow {
  let current = row;
  if (edit.location !== undefined) {
    const keptVid = edit.vlan === undefined ? vlanVid(plan, row.vlan_id) : null;
    current = updateSubnet(plan, current, { location_id: edit.location === null || edit.location === '' ? null : locationId(plan, edit.location) });
    if (keptVid !== null && edit.vlan === undefined) {
      current = updateSubnet(plan, current, { vlan_id: vlanId(plan, current.eff_location_id, keptVid) });
    }
  }
  if (edit.vlan !== undefined) {
    current = updateSubnet(plan, current, { vlan_id: edit.vlan === null ? null : vlanId(plan, current.eff_location_id, edit.vlan) });
  }
  if (edit.description !== undefined) {
    current = updateSubnet(plan, current, { description: edit.description === '' ? null : edit.description });
  }
  if (edit.ip_pool !== undefined && !!current.is_ip_pool !== edit.ip_pool) {
    if (edit.ip_pool && current.allocation_status !== 'unallocated') {
      throw new FluxError('NOT_FREE', `${current.cidr} is ${current.allocation_status}; only an unallocated leaf can be an IP pool`, { cidr: current.cidr });
    }
    current = updateSubnet(plan, current, { is_ip_pool: edit.ip_pool ? 1 : 0 });
  }
  if (edit.customer !== undefined || edit.service !== undefined || edit.device !== undefined) {
    if (current.allocation_status !== 'allocated') {
      throw new FluxError('NOT_FREE', `${current.cidr} is ${current.allocation_status}; only an allocated subnet is linked to a customer, service or device`, { cidr: current.cidr });
    }
    const patch: Partial<Links> = {};
    if (edit.customer !== undefined) patch.customer_id = edit.customer === null || edit.customer === '' ? null : customerId(plan, edit.customer);
    if (edit.service !== undefined) patch.service_id = edit.service === null || edit.service === '' ? null : serviceRow(plan, edit.service).id;
    if (edit.device !== undefined) patch.device_id = edit.device === null || edit.device === '' ? null : deviceId(plan, edit.device);
    current = updateSubnet(plan, current, patch);
  }
  return current;
}

export function parkSubnet(plan: Plan, row: SubnetRow, parked: boolean): SubnetRow {
  return updateSubnet(plan, row, { is_unavailable: parked ? 1 : 0 });
}

/**
 * Returns an allocated leaf to free: links, VLAN and description cleared, nothing merged.
 * Its IP records go too, except management addresses (they stay with the hardware) and parked ones.
 */
export function releaseSubnet(plan: Plan, row: SubnetRow, service?: { id: number; ref: string } | null): { subnet: SubnetRow; releasedIps: string[] } {
  if (row.allocation_status !== 'allocated') {
    throw new FluxError('NOT_FREE', `${row.cidr} is ${row.allocation_status}, not allocated; there is nothing to release`, { cidr: row.cidr });
  }
  const ips = ipsWhere(plan, 'WHERE subnet_id = ? AND is_management = 0 AND is_unavailable = 0 ORDER BY address').all(row.id);
  for (const ip of ips) deleteIp(plan, ip);
  const subnet = updateSubnet(plan, getSubnet(plan, row.id), {
    allocation_status: 'unallocated', customer_id: null, service_id: null, device_id: null, vlan_id: null, description: null,
  });
  const releasedIps = ips.map((i) => i.address_text);
  logAction(plan, 'ipam_release', true, { cidr: row.cidr, allocation_id: row.id, released_ips: releasedIps, space: plan.spaceName(row.space_id) }, service ?? null);
  return { subnet, releasedIps };
}
