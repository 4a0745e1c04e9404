/** Products with their ipam_config, services, and the management addresses devices keep. */
import { FluxError } from '../../shared/errors';
import { ipamConfig, ipamConfigProblems, type IpamConfig } from '../../shared/provisioning/ipam-config';
import { ipsLinked, refuseIfReferenced, servicesLinked, subnetsLinked } from '../catalog/references';
import { deleteRow, insertRow, updateRow } from '../catalog/rows';
import { customerId, deviceId } from '../catalog/resolve';
import type { Plan } from '../plan';
import { placeChosenIp } from '../allocator/ip';
import { buildScope } from '../allocator/scope';
import { insertIp, type IpRow } from '../tree/rows';
import { parseAddress } from '../../shared/cidr';

export interface ProductRow {
  id: number;
  name: string;
  ipam_config: string;
}

export interface ServiceRow {
  id: number;
  ref: string;
  customer_id: number | null;
  product_id: number | null;
  device_id: number | null;
  status: 'pending' | 'active' | 'cancelled';
}

/** Validates an ipam_config, naming every problem and where it is. */
export function validateConfig(config: unknown): IpamConfig {
  const parsed = ipamConfig.safeParse(config);
  if (!parsed.success) throw new FluxError('INVALID_ARGUMENT', `ipam_config is invalid: ${ipamConfigProblems(parsed.error).join('; ')}`);
  return parsed.data;
}

export function productRow(plan: Plan, name: string): ProductRow {
  const row = plan.q('SELECT * FROM products WHERE name = ?').get(name) as ProductRow | undefined;
  if (!row) throw new FluxError('NOT_FOUND', `Product ${name} does not exist (add it with: product add ${name} --ipam-config JSON)`);
  return row;
}

export function addProduct(plan: Plan, name: string, config: unknown): ProductRow {
  const n = name.trim();
  if (!n) throw new FluxError('INVALID_ARGUMENT', 'A product name must not be empty');
  if (plan.q('SELECT 1 FROM products WHERE name = ?').get(n)) throw new FluxError('EXISTS', `Product ${n} already exists; change it with: product set ${n}`);
  return insertRow(plan, 'product', { name: n, ipam_config: JSON.stringify(validateConfig(config)) }) as unknown as ProductRow;
}

export function setProduct(plan: Plan, name: string, config: unknown): ProductRow {
  const row = productRow(plan, name);
  return updateRow(plan, 'product', row as unknown as Record<string, unknown> & { id: number }, { ipam_config: JSON.stringify(validateConfig(config)) }) as unknown as ProductRow;
}

export function serviceByRef(plan: Plan, ref: string): ServiceRow {
  const row = plan.q('SELECT * FROM services WHERE ref = ?').get(ref) as ServiceRow | undefined;
  if (!row) throw new FluxError('NOT_FOUND', `Service ${ref} does not exist (add it with: service add ${ref} --customer ID --product NAME --device NAME)`);
  return row;
}

export function addService(plan: Plan, ref: string, keys: { customer: string; product: string; device?: string | undefined }): ServiceRow {
  const r = ref.trim();
  if (!r) throw new FluxError('INVALID_ARGUMENT', 'A service ID must not be empty');
  if (plan.q('SELECT 1 FROM services WHERE ref = ?').get(r)) throw new FluxError('EXISTS', `Service ${r} already exists`);
  return insertRow(plan, 'service', {
    ref: r,
    customer_id: customerId(plan, keys.customer),
    product_id: productRow(plan, keys.product).id,
    device_id: keys.device ? deviceId(plan, keys.device) : null,
    status: 'pending',
  }) as unknown as ServiceRow;
}

type Row = Record<string, unknown> & { id: number };

/** A product no service refers to (cancelled ones included: they still name it). */
export function removeProduct(plan: Plan, name: string): string {
  const row = productRow(plan, name);
  refuseIfReferenced(`Product ${name}`, 'is still used by', [
    servicesLinked(plan, 'product_id', row.id, 'move the services to another product or remove them (service set ID --product NAME, service remove ID)'),
  ]);
  deleteRow(plan, 'product', row as unknown as Row);
  return name;
}

/**
 * Moves a service to another product (its rules apply at the next provision), customer or device
 * (null: none). Its ID is its identity in FluxBilling and stays; its status belongs to provision and
 * cancel. A service that holds allocations keeps its customer and device: they are linked to them.
 */
export function setService(
  plan: Plan,
  ref: string,
  patch: { customer?: string | undefined; product?: string | undefined; device?: string | null | undefined },
): ServiceRow {
  const row = serviceByRef(plan, ref);
  if (patch.customer === undefined && patch.product === undefined && patch.device === undefined) {
    throw new FluxError('INVALID_ARGUMENT', `Nothing to change for service ${ref}: give --customer ID, --product NAME or --device NAME ("" clears the device)`);
  }
  if (patch.customer?.trim() === '') throw new FluxError('INVALID_ARGUMENT', `A service always has a customer: give its ID (--customer ID)`);
  if (patch.product?.trim() === '') throw new FluxError('INVALID_ARGUMENT', `A service always has a product: give its name (--product NAME)`);
  const next: Partial<ServiceRow> = {};
  if (patch.customer !== undefined) next.customer_id = customerId(plan, patch.customer.trim());
  if (patch.product !== undefined) next.product_id = productRow(plan, patch.product.trim()).id;
  if (patch.device !== undefined) next.device_id = patch.device === null || patch.device.trim() === '' ? null : deviceId(plan, patch.device.trim());
  const moves = [
    next.customer_id !== undefined && next.customer_id !== row.customer_id ? 'customer' : null,
    next.device_id !== undefined && next.device_id !== row.device_id ? 'device' : null,
  ].filter((x): x is string => x !== null);
  if (moves.length) {
    refuseIfReferenced(
      `Service ${ref}`,
      'still holds',
      [
        subnetsLinked(plan, 'service_id', row.id, `cancel it (cancel ${ref})`),
        ipsLinked(plan, 'service_id', row.id, `cancel it (cancel ${ref})`),
      ],
      `before moving it to another ${moves.join(' or ')}: they are linked to its current one`,
    );
  }
  return updateRow(plan, 'service', row as unknown as Row, next) as unknown as ServiceRow;
}

/** A service that holds nothing any more (cancel it first) and has no transit billing. */
export function removeService(plan: Plan, ref: string): string {
  const row = serviceByRef(plan, ref);
  refuseIfReferenced(`Service ${ref}`, 'still holds', [
    subnetsLinked(plan, 'service_id', row.id, `cancel it (cancel ${ref})`),
    ipsLinked(plan, 'service_id', row.id, `cancel it (cancel ${ref})`),
    {
      key: 'transit',
      noun: ['transit billing definition', 'transit billing definitions'],
      count: plan.q('SELECT 1 FROM transit_services WHERE service_id = ?').get(row.id) ? 1 : 0,
      sample: [],
      advice: `remove its transit billing (transit remove ${ref})`,
    },
  ]);
  deleteRow(plan, 'service', row as unknown as Row);
  return ref;
}

export function setServiceStatus(plan: Plan, service: ServiceRow, status: ServiceRow['status']): void {
  updateRow(plan, 'service', service as unknown as Record<string, unknown> & { id: number }, { status });
}

/**
 * Records a management address (BMC, switch management) on a device. It stays with the hardware:
 * re-provisioning and cancelling never release it.
 */
export function attachManagement(plan: Plan, spaceId: number, device: string, text: string, purpose: string): IpRow {
  const dev = deviceId(plan, device);
  const scope = buildScope(plan, spaceId, parseAddress(text).version, {});
  const placement = placeChosenIp(plan, scope, text);
  return insertIp(plan, spaceId, placement.address, { device_id: dev, is_management: 1, purpose, vlan_id: placement.pool.eff_vlan_id });
}
