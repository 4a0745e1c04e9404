/**
 * Allocate on provision: a service's product rules fulfilled in one transaction, or nothing at all.
 * Every step logs to provisioning_logs inside that transaction; when it fails, the rollback takes
 * those entries too and one failure entry is written on its own, so the log shows what was tried.
 */
import { FluxError, isFluxError } from '../../shared/errors';
import { containsPrefix } from '../../shared/cidr';
import { prefixOf } from '../tree/carve';
import type { IpamRule } from '../../shared/provisioning/ipam-config';
import { assignIp, placeIp } from '../allocator/ip';
import { buildScope } from '../allocator/scope';
import { assignSubnet, placeSubnet } from '../allocator/subnet';
import { locationCode, vlanVid } from '../catalog/resolve';
import { logAction } from '../journal/provisioning-log';
import type { Plan } from '../plan';
import { releaseSubnet } from '../tree/edit';
import { deleteIp, ipsWhere, subnetsWhere, updateIp, type IpRow } from '../tree/rows';
import { productRow, serviceByRef, setServiceStatus, validateConfig, type ServiceRow } from './catalog';

export interface Released {
  subnets: string[];
  ips: string[];
}

export interface Allocation {
  rule: number;
  type: 'ip' | 'subnet';
  purpose: string | null;
  cidr: string | null;
  address: string | null;
  /** The IP pool an address came from, or the pool subnet (from the rule's pools) a block was carved in. */
  pool: string | null;
  vlan: number | null;
  strategy: string | null;
}

export interface ProvisionResult {
  service: string;
  status: 'provisioned' | 'skipped';
  dry_run: boolean;
  wiped: Released;
  allocations: Allocation[];
}

const svc = (s: ServiceRow) => ({ id: s.id, ref: s.ref });

/** Frees an IP record: parked ones keep their record with the links cleared. */
function freeIp(plan: Plan, ip: IpRow): void {
  if (ip.is_unavailable) updateIp(plan, ip, { customer_id: null, service_id: null, device_id: null, vlan_id: null, purpose: null, description: null });
  else deleteIp(plan, ip);
}

/** Releases every non-management allocation on a device; management addresses stay with the hardware. */
export function wipeDevice(plan: Plan, deviceId: number, service: ServiceRow | null): Released {
  const subnets = subnetsWhere(plan, `WHERE device_id = ? AND allocation_status = 'allocated' ORDER BY ip_version, net`).all(deviceId);
  const released: Released = { subnets: [], ips: [] };
  for (const s of subnets) {
    const { releasedIps } = releaseSubnet(plan, s, service && svc(service));
    released.subnets.push(s.cidr);
    released.ips.push(...releasedIps);
  }
  const ips = ipsWhere(plan, 'WHERE device_id = ? AND is_management = 0 ORDER BY ip_version, address').all(deviceId);
  for (const ip of ips) {
    freeIp(plan, ip);
    released.ips.push(ip.address_text);
  }
  if (released.subnets.length || released.ips.length) {
    const device = (plan.q('SELECT name FROM devices WHERE id = ?').get(deviceId) as { name: string }).name;
    logAction(plan, 'ipam_wipe_device', true, { device, released_subnets: released.subnets, released_ips: released.ips }, service && svc(service));
  }
  return released;
}

class RuleFailure extends Error {
  constructor(readonly index: number, readonly rule: IpamRule, override readonly cause: unknown) {
    super(cause instanceof Error ? cause.message : String(cause));
  }
}

function fulfil(plan: Plan, service: ServiceRow, rules: IpamRule[], locationId: number): Allocation[] {
  const out: Allocation[] = [];
  const spaceId = (plan.q("SELECT id FROM spaces WHERE name = 'global'").get() as { id: number }).id;
  const location = locationCode(plan, locationId)!;
  const links = { customer_id: service.customer_id, service_id: service.id, device_id: service.device_id };
  rules.forEach((rule, index) => {
    try {
      const scope = buildScope(plan, spaceId, rule.family, { pools: rule.pools, location, pool_vlans: rule.vlans });
      for (let n = 0; n < rule.count; n++) {
        if (rule.type === 'ip') {
          const placement = placeIp(plan, scope);
          const row = assignIp(plan, scope, placement, { ...links, purpose: rule.purpose ?? null }, svc(service));
          out.push({ rule: index, type: 'ip', purpose: row.purpose, cidr: null, address: row.address_text, pool: placement.pool.cidr, vlan: vlanVid(plan, row.vlan_id), strategy: null });
        } else {
          const placement = placeSubnet(plan, scope, rule.prefix_length!);
          const row = assignSubnet(plan, scope, placement, { links, vlanId: placement.row.eff_vlan_id, description: rule.purpose ?? null, service: svc(service) });
          const pool = scope.pools.find((p) => containsPrefix(prefixOf(p), prefixOf(row)))?.cidr ?? null;
          out.push({ rule: index, type: 'subnet', purpose: rule.purpose ?? null, cidr: row.cidr, address: null, pool, vlan: vlanVid(plan, row.vlan_id), strategy: placement.strategy });
        }
      }
    } catch (e) {
      throw new RuleFailure(index, rule, e);
    }
  });
  return out;
}

export function provision(plan: Plan, ref: string, dryRun: boolean): ProvisionResult {
  const run = (): ProvisionResult => {
    const service = serviceByRef(plan, ref);
    const product = plan.q('SELECT * FROM products WHERE id = ?').get(service.product_id) as { name: string } | undefined;
    if (!product) throw new FluxError('NOT_FOUND', `Service ${ref} has no product`);
    const config = validateConfig(JSON.parse(productRow(plan, product.name).ipam_config));
    const result: ProvisionResult = { service: ref, status: 'skipped', dry_run: dryRun, wiped: { subnets: [], ips: [] }, allocations: [] };
    if (config.mode === 'disabled') {
      logAction(plan, 'ipam_provision', true, { product: product.name, skipped: 'ipam_config mode is disabled' }, svc(service));
      return result;
    }
    if (service.device_id === null) throw new FluxError('NOT_FOUND', `Service ${ref} has no device; its rules draw from pools at the device's location`);
    const device = plan.q('SELECT * FROM devices WHERE id = ?').get(service.device_id) as { name: string; location_id: number | null };
    if (device.location_id === null) throw new FluxError('NOT_FOUND', `Device ${device.name} has no location; set one so the rules know which pools to use`);
    result.wiped = wipeDevice(plan, service.device_id, service);
    result.allocations = fulfil(plan, service, config.rules, device.location_id);
    setServiceStatus(plan, service, 'active');
    logAction(plan, 'ipam_provision', true, { product: product.name, device: device.name, allocations: result.allocations.length }, svc(service));
    result.status = 'provisioned';
    return result;
  };
  try {
    return dryRun ? plan.rehearse(`provision ${ref}`, run) : plan.mutate(`provision ${ref}`, run);
  } catch (e) {
    const failure = e instanceof RuleFailure ? e : null;
    const cause = failure ? (isFluxError(failure.cause) ? failure.cause : new FluxError('INTERNAL', failure.message)) : isFluxError(e) ? e : null;
    if (!cause) throw e;
    if (!dryRun) recordFailure(plan, ref, failure, cause);
    if (!failure) throw cause;
    const r = failure.rule;
    throw new FluxError(cause.code, `Rule ${failure.index + 1} (${r.type}, IPv${r.family}${r.type === 'subnet' ? ` /${r.prefix_length}` : ''}) failed: ${cause.message}`, { rule: failure.index });
  }
}

/** Written after the rollback, in a transaction of its own, when the service exists to carry it. */
function recordFailure(plan: Plan, ref: string, failure: RuleFailure | null, cause: FluxError): void {
  const service = plan.q('SELECT id, ref FROM services WHERE ref = ?').get(ref) as { id: number; ref: string } | undefined;
  if (!service) return;
  const action = !failure ? 'ipam_provision' : failure.rule.type === 'ip' ? 'ipam_allocate_ip' : 'ipam_allocate_subnet';
  const details = failure ? { rule: failure.index, rule_spec: failure.rule, code: cause.code, message: cause.message } : { code: cause.code, message: cause.message };
  plan.sqlite.transaction(() => {
    plan.now = new Date().toISOString();
    plan.logged = [];
    logAction(plan, action, false, details, service);
  }).immediate();
}

/** Releases everything linked to a service; management addresses stay attached to the hardware, unlinked from the service. */
export function cancel(plan: Plan, ref: string): Released {
  return plan.mutate(`cancel ${ref}`, () => {
    const service = serviceByRef(plan, ref);
    const released: Released = { subnets: [], ips: [] };
    const subnets = subnetsWhere(plan, `WHERE service_id = ? AND allocation_status = 'allocated' ORDER BY ip_version, net`).all(service.id);
    for (const s of subnets) {
      const { releasedIps } = releaseSubnet(plan, s, svc(service));
      released.subnets.push(s.cidr);
      released.ips.push(...releasedIps);
    }
    for (const ip of ipsWhere(plan, 'WHERE service_id = ? ORDER BY ip_version, address').all(service.id)) {
      if (ip.is_management) updateIp(plan, ip, { service_id: null, customer_id: null });
      else {
        freeIp(plan, ip);
        released.ips.push(ip.address_text);
      }
    }
    setServiceStatus(plan, service, 'cancelled');
    logAction(plan, 'ipam_cancel', true, { released_subnets: released.subnets, released_ips: released.ips }, svc(service));
    return released;
  });
}
