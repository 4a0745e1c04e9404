/** Parking and releasing single addresses. A record exists while an address is held or parked. */
import { FluxError } from '../../shared/errors';
import { addressKey, formatAddress, parseAddress } from '../../shared/cidr';
import { logAction } from '../journal/provisioning-log';
import type { Plan } from '../plan';
import { deleteIp, insertIp, ipsWhere, updateIp, type IpRow } from './rows';

export function findIp(plan: Plan, spaceId: number, text: string): { address: string; row: IpRow | undefined } {
  const a = parseAddress(text);
  const row = ipsWhere(plan, 'WHERE space_id = ? AND ip_version = ? AND address = ?').get(spaceId, a.version, addressKey(a.version, a.value));
  return { address: formatAddress(a.version, a.value), row };
}

export function requireIp(plan: Plan, spaceId: number, text: string): IpRow {
  const { address, row } = findIp(plan, spaceId, text);
  if (!row) throw new FluxError('NOT_FOUND', `${address} has no record in space ${plan.spaceName(spaceId)}`, { address });
  return row;
}

/** A record with nothing on it but the flags being cleared says nothing worth keeping. */
function carriesNothing(row: IpRow): boolean {
  return (
    row.customer_id === null && row.service_id === null && row.device_id === null && row.rdns === null &&
    !row.is_management && !row.is_unavailable && row.purpose === null && row.description === null
  );
}

export function parkIp(plan: Plan, spaceId: number, text: string): IpRow {
  const { address, row } = findIp(plan, spaceId, text);
  if (row) return updateIp(plan, row, { is_unavailable: 1 });
  return insertIp(plan, spaceId, address, { is_unavailable: 1 });
}

export function unparkIp(plan: Plan, spaceId: number, text: string): IpRow | null {
  const row = updateIp(plan, requireIp(plan, spaceId, text), { is_unavailable: 0 });
  if (carriesNothing(row)) {
    deleteIp(plan, row);
    return null;
  }
  return row;
}

/** Frees an address: its record goes (with its PTR); a parked one keeps its record, links cleared. */
export function releaseIp(plan: Plan, spaceId: number, text: string): IpRow | null {
  const row = requireIp(plan, spaceId, text);
  let kept: IpRow | null = null;
  if (row.is_unavailable) {
    kept = updateIp(plan, row, { customer_id: null, service_id: null, device_id: null, vlan_id: null, description: null, purpose: null, is_management: 0 });
  } else {
    deleteIp(plan, row);
  }
  logAction(plan, 'ipam_release', true, { address: row.address_text, allocation_id: row.id, space: plan.spaceName(spaceId) });
  return kept;
}
