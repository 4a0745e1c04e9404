/**
 * The API contract: every method the engine offers, with zod schemas for its arguments and result.
 * The CLI, Electron IPC and the loopback browser host are transports over this one table.
 */
import { z } from 'zod';
import { ipamConfig } from '../provisioning/ipam-config';
import { method } from './method';
import { rdnsContract } from './contract-rdns';
import { billingContract } from './contract-billing';
import { syncContract } from './contract-sync';
import { importContract } from './contract-import';
import { batchView, capacityView, ipView, logEntry, subnetView, violation } from './types';

const space = z.string().min(1).default('global');
const family = z.union([z.literal(4), z.literal(6)]);
const vid = z.number().int().min(1, 'a VLAN ID is 1-4094').max(4094, 'a VLAN ID is 1-4094');
const text = z.string();
const cidrArg = z.string().min(1, 'a CIDR is required');
const addressArg = z.string().min(1, 'an address is required');
const none = z.object({}).default({});

const scope = {
  pools: z.array(cidrArg).optional(),
  location: text.optional(),
  pool_vlan: vid.optional(),
};
const links = {
  customer: text.optional(),
  service: text.optional(),
  device: text.optional(),
};

const spaceRow = z.object({ id: z.number().int(), name: z.string(), description: z.string().nullable() });
const locationRow = z.object({ id: z.number().int(), code: z.string(), name: z.string().nullable() });
const vlanRow = z.object({ id: z.number().int(), vid: z.number().int(), location: z.string(), name: z.string().nullable(), enabled: z.boolean() });
const customerRow = z.object({ id: z.number().int(), customer: z.string(), name: z.string().nullable() });
const deviceRow = z.object({ id: z.number().int(), name: z.string(), location: z.string().nullable(), kind: z.string().nullable() });
const serviceStatus = z.enum(['pending', 'active', 'cancelled']);
const productRow = z.object({ id: z.number().int(), name: z.string(), ipam_config: ipamConfig });
const serviceRow = z.object({
  id: z.number().int(),
  service: z.string(),
  customer: z.string().nullable(),
  product: z.string().nullable(),
  device: z.string().nullable(),
  status: serviceStatus,
});
const released = z.object({ subnets: z.array(z.string()), ips: z.array(z.string()) });
const removed = z.object({ removed: z.string() });
const step = z.object({ batch: z.number().int(), label: z.string(), changes: z.number().int() });
const carving = {
  splits: z.array(z.object({ cidr: z.string(), children: z.array(z.string()) })),
  merges: z.array(z.string()),
};


export const contract = {
  'space.add': method(z.object({ name: text, description: text.optional() }), z.object({ space: spaceRow }), true),
  'space.list': method(none, z.object({ spaces: z.array(spaceRow) }), false),
  /** Refused for global, and while the space holds subnets, rDNS providers or declared zones. */
  'space.remove': method(z.object({ name: text }), removed, true),

  'location.add': method(z.object({ code: text, name: text.optional() }), z.object({ location: locationRow }), true),
  'location.set': method(z.object({ code: text, name: text.nullable() }), z.object({ location: locationRow }), true),
  'location.list': method(none, z.object({ locations: z.array(locationRow) }), false),
  /** Refused while VLANs, subnets or devices are at the location. */
  'location.remove': method(z.object({ code: text }), removed, true),

  'vlan.add': method(z.object({ vid, location: text, name: text.optional(), enabled: z.boolean().default(true) }), z.object({ vlan: vlanRow }), true),
  'vlan.set': method(z.object({ vid, location: text, name: text.nullable().optional(), enabled: z.boolean().optional() }), z.object({ vlan: vlanRow }), true),
  'vlan.list': method(z.object({ location: text.optional() }).default({}), z.object({ vlans: z.array(vlanRow) }), false),
  /** Refused while subnets or IP records carry the VLAN. */
  'vlan.remove': method(z.object({ vid, location: text }), z.object({ removed: z.object({ vid: z.number().int(), location: z.string() }) }), true),

  'customer.add': method(z.object({ id: text, name: text.optional() }), z.object({ customer: customerRow }), true),
  'customer.list': method(none, z.object({ customers: z.array(customerRow) }), false),
  /**
   * The display name (null or "" clears it). `ref` is the customer's identity in FluxBilling and in sync and never
   * changes: a `new_ref` other than `ref` is refused, saying what to do instead.
   */
  'customer.set': method(z.object({ ref: text, name: text.nullable().optional(), new_ref: text.optional() }), z.object({ customer: customerRow }), true),
  /** Refused while subnets, IP records or services belong to the customer. */
  'customer.remove': method(z.object({ ref: text }), removed, true),

  'device.add': method(z.object({ name: text, location: text.optional(), kind: text.optional() }), z.object({ device: deviceRow }), true),
  'device.list': method(none, z.object({ devices: z.array(deviceRow) }), false),
  /** Location and kind (null or "" clears either); the name is the device's key and stays. */
  'device.set': method(z.object({ name: text, location: text.nullable().optional(), kind: text.nullable().optional() }), z.object({ device: deviceRow }), true),
  /** Refused while the device holds management addresses, allocations or services. */
  'device.remove': method(z.object({ name: text }), removed, true),

  'subnet.add': method(
    z.object({ space, cidr: cidrArg, location: text.optional(), vlan: vid.optional(), description: text.optional(), ip_pool: z.boolean().optional() }),
    z.object({ subnet: subnetView }),
    true,
  ),
  'subnet.set': method(
    z.object({
      space,
      cidr: cidrArg,
      location: text.nullable().optional(),
      vlan: vid.nullable().optional(),
      description: text.nullable().optional(),
      ip_pool: z.boolean().optional(),
      /** Re-link an allocated subnet (null clears). */
      customer: text.nullable().optional(),
      service: text.nullable().optional(),
      device: text.nullable().optional(),
    }),
    z.object({ subnet: subnetView }),
    true,
  ),
  'subnet.get': method(
    z.object({ space, cidr: cidrArg }),
    z.object({ subnet: subnetView, ancestors: z.array(subnetView), children: z.array(subnetView) }),
    false,
  ),
  'subnet.delete': method(z.object({ space, cidr: cidrArg }), z.object({ deleted: z.string() }), true),
  'subnet.split': method(z.object({ space, cidr: cidrArg, to: z.number().int() }), z.object({ subnets: z.array(subnetView) }), true),
  'subnet.merge': method(z.object({ space, cidr: cidrArg }), z.object({ subnet: subnetView }), true),
  'subnet.park': method(z.object({ space, cidr: cidrArg }), z.object({ subnet: subnetView }), true),
  'subnet.unpark': method(z.object({ space, cidr: cidrArg }), z.object({ subnet: subnetView }), true),
  'subnet.release': method(z.object({ space, cidr: cidrArg }), z.object({ subnet: subnetView, released_ips: z.array(z.string()) }), true),

  'allocate.subnet': method(
    z
      .object({
        space,
        family: family.optional(),
        prefix: z.number().int().optional(),
        cidr: cidrArg.optional(),
        ...scope,
        ...links,
        vlan: vid.optional(),
        description: text.optional(),
        dry_run: z.boolean().default(false),
      })
      .refine((a) => (a.cidr === undefined) !== (a.prefix === undefined), { message: 'give either --prefix LEN (with --family) or --cidr CIDR' })
      .refine((a) => a.cidr !== undefined || a.family !== undefined, { message: '--family 4|6 is required with --prefix', path: ['family'] }),
    z.object({ cidr: z.string(), strategy: z.enum(['exact', 'merge', 'split', 'chosen']), dry_run: z.boolean(), subnet: subnetView, ...carving }),
    true,
  ),
  'allocate.ip': method(
    z.object({
      space,
      family: family.default(4),
      address: addressArg.optional(),
      ...scope,
      ...links,
      purpose: text.optional(),
      description: text.optional(),
      dry_run: z.boolean().default(false),
    }),
    z.object({ address: z.string(), subnet: z.string(), dry_run: z.boolean(), ip: ipView }),
    true,
  ),

  /**
   * IP records in address order: all of them, or (with `limit`) one page of those that match `text`
   * (address, subnet, customer, service, device, purpose or PTR name) and `ptr`, for the address table.
   */
  'ip.list': method(
    z.object({
      space,
      cidr: cidrArg.optional(),
      text: z.string().optional(),
      ptr: z.enum(['any', 'named', 'unnamed', 'unpushed']).default('any'),
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(1000).optional(),
    }),
    z.object({ ips: z.array(ipView), total: z.number().int(), offset: z.number().int() }),
    false,
  ),
  'ip.park': method(z.object({ space, address: addressArg }), z.object({ ip: ipView }), true),
  'ip.unpark': method(z.object({ space, address: addressArg }), z.object({ address: z.string(), ip: ipView.nullable() }), true),
  'ip.release': method(z.object({ space, address: addressArg }), z.object({ address: z.string(), ip: ipView.nullable() }), true),

  'tree.get': method(
    z.object({ space, cidr: cidrArg.optional(), depth: z.number().int().min(0).optional() }),
    z.object({ subnets: z.array(subnetView) }),
    false,
  ),
  'capacity.get': method(z.object({ space, cidr: cidrArg.optional(), location: text.optional() }), z.object({ capacity: z.array(capacityView) }), false),
  'check.run': method(none, z.object({ ok: z.boolean(), violations: z.array(violation) }), false),

  'log.list': method(
    z.object({ limit: z.number().int().min(1).default(50), service: text.optional(), action: text.optional(), success: z.boolean().optional() }).default({ limit: 50 }),
    z.object({ entries: z.array(logEntry) }),
    false,
  ),
  'journal.list': method(z.object({ limit: z.number().int().min(1).default(50) }).default({ limit: 50 }), z.object({ batches: z.array(batchView) }), false),
  'journal.undo': method(none, z.object({ undone: step }), true),
  'journal.redo': method(none, z.object({ redone: step }), true),

  // ---- provisioning: products with ipam_config, services, allocate on provision. Implemented in electron/provisioning.
  'product.add': method(z.object({ name: text, ipam_config: z.unknown() }), z.object({ product: productRow }), true),
  'product.set': method(z.object({ name: text, ipam_config: z.unknown() }), z.object({ product: productRow }), true),
  'product.list': method(none, z.object({ products: z.array(productRow) }), false),
  /** Refused while any service (cancelled ones too) uses the product. */
  'product.remove': method(z.object({ name: text }), removed, true),
  'service.add': method(z.object({ id: text, customer: text, product: text, device: text.optional() }), z.object({ service: serviceRow }), true),
  'service.list': method(z.object({ customer: text.optional(), status: serviceStatus.optional() }).default({}), z.object({ services: z.array(serviceRow) }), false),
  /**
   * Another product (its rules apply at the next provision), customer or device (null or "" clears it). The ID stays;
   * the status belongs to provision and cancel. Customer and device move only while the service holds nothing.
   */
  'service.set': method(z.object({ ref: text, customer: text.optional(), product: text.optional(), device: text.nullable().optional() }), z.object({ service: serviceRow }), true),
  /** Refused while the service holds allocations (cancel it first) or has transit billing. */
  'service.remove': method(z.object({ ref: text }), removed, true),
  'device.mgmt': method(z.object({ space, name: text, address: addressArg, purpose: text.default('management') }), z.object({ ip: ipView }), true),
  'device.wipe': method(z.object({ name: text }), z.object({ device: z.string(), released: released }), true),
  'service.provision': method(
    z.object({ id: text, dry_run: z.boolean().default(false) }),
    z.object({
      service: z.string(),
      status: z.enum(['provisioned', 'skipped']),
      dry_run: z.boolean(),
      wiped: released,
      allocations: z.array(
        z.object({
          rule: z.number().int(),
          type: z.enum(['ip', 'subnet']),
          purpose: z.string().nullable(),
          cidr: z.string().nullable(),
          address: z.string().nullable(),
          pool: z.string().nullable(),
          vlan: z.number().int().nullable(),
          strategy: z.string().nullable(),
        }),
      ),
    }),
    true,
  ),
  'service.cancel': method(z.object({ id: text }), z.object({ service: z.string(), released: released }), true),

  // ---- browse (desktop): lazy tree loading, search, table paging and the demo plan for the desktop app and browser host.
  // Implemented in electron/tree/browse.ts.
  /**
   * A subtree, loaded lazily and bounded: without `cidr`, the roots of a space (paged); with `cidr`, that subnet's
   * display children: its descendants reached through carved-only rows (subdivided, no data of their own, not parked),
   * opened largest first while the answer stays within `limit`. A carved-only row left closed is `carved`, with `stats`.
   */
  'tree.children': method(
    z.object({
      space,
      family: family.optional(),
      cidr: cidrArg.optional(),
      limit: z.number().int().min(2).max(1000).default(64),
      offset: z.number().int().min(0).default(0),
    }),
    z.object({
      parent: z.string().nullable(),
      nodes: z.array(
        subnetView.extend({
          /** Subdivided without data of its own and not parked: shown as an aggregate until opened. */
          carved: z.boolean(),
          stats: z.object({
            descendants: z.number().int(),
            total: z.union([z.number(), z.string()]),
            allocated: z.union([z.number(), z.string()]),
            free: z.union([z.number(), z.string()]),
            parked: z.union([z.number(), z.string()]),
            pool: z.union([z.number(), z.string()]),
            /** Percent of the block allocated or set aside as IP pools. */
            utilization: z.number(),
            /** Prefix length of the largest block the allocator could still hand out here (null: none). */
            largest_free: z.number().int().nullable(),
            /** IP records held by this leaf (0 for subdivided rows). */
            ips: z.number().int(),
            /** IPv6: /64s holding allocated or IP-pool space (null for IPv4), the unit an IPv6 block is counted in. */
            used_64s: z.union([z.number(), z.string()]).nullable(),
          }),
        }),
      ),
      total: z.number().int(),
      next_offset: z.number().int().nullable(),
    }),
    false,
  ),
  /**
   * The prefix tree as a planner reads it (NetBox's prefix list): one page of rows in address order, each with its depth.
   * Listed are roots and the subnets with something of their own (allocated, IP pool, parked, a description, location,
   * VLAN or link, IP records); carved-only rows are folded away, so `depth` counts listed ancestors only. The free space
   * under a listed row appears as `available` rows: each maximal aligned free block, lowest address first (parked space
   * is not available). With `cidr`, that subnet heads the list at depth 0 and only its subtree follows; `collapsed`
   * hides the rows below those subnets. Paged by the engine: `total` counts every row of the list as asked.
   */
  'tree.rows': method(
    z.object({
      space,
      family: family.optional(),
      cidr: cidrArg.optional(),
      collapsed: z.array(cidrArg).max(1000, 'at most 1000 collapsed subnets').default([]),
      available: z.boolean().default(true),
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(1000).default(200),
    }),
    z.object({
      total: z.number().int(),
      offset: z.number().int(),
      rows: z.array(
        z.object({
          kind: z.enum(['subnet', 'available']),
          cidr: z.string(),
          /** Listed ancestors above the row (within `cidr` when given). */
          depth: z.number().int(),
          /** Rows would follow below it (they are hidden while it is collapsed). */
          has_children: z.boolean(),
          /** held: free space under a parked block; available: free space shown as its own row. */
          status: z.enum(['allocated', 'pool', 'parked', 'subdivided', 'free', 'held', 'available']),
          customer: z.string().nullable(),
          service: z.string().nullable(),
          device: z.string().nullable(),
          /** Effective location and VLAN: the row's own, else inherited. */
          location: z.string().nullable(),
          vlan: z.number().int().nullable(),
          description: z.string().nullable(),
          /** Addresses in the block, and those allocated or set aside as IP pools (parked space aside). */
          size: z.union([z.number(), z.string()]),
          used: z.union([z.number(), z.string()]),
          /** Percent of the block used, to four decimals (a /64 in a /48 reads 0.0015, not 0). */
          utilization: z.number(),
        }),
      ),
    }),
    false,
  ),
  /** Subnets and addresses by CIDR, address, customer, service or description (every space unless one is given). */
  search: method(
    z.object({ query: z.string().trim().min(1, 'type something to search for'), space: z.string().min(1).optional(), limit: z.number().int().min(1).max(200).default(25) }),
    z.object({
      matches: z.array(
        z.object({
          space: z.string(),
          cidr: z.string(),
          address: z.string().nullable(),
          reason: z.enum(['cidr', 'contains', 'address', 'customer', 'service', 'description', 'location']),
          text: z.string(),
          subnet: subnetView,
        }),
      ),
    }),
    false,
  ),
  /** One page of subnets, filtered and sorted, for the table view. */
  'subnet.list': method(
    z.object({
      space,
      family: family.optional(),
      status: z.enum(['any', 'allocated', 'free', 'parked', 'pool', 'subdivided']).default('any'),
      text: z.string().optional(),
      location: text.optional(),
      include_carved: z.boolean().default(false),
      sort: z.enum(['address', 'prefix', 'status', 'customer', 'location', 'vlan', 'description', 'updated']).default('address'),
      dir: z.enum(['asc', 'desc']).default('asc'),
      offset: z.number().int().min(0).default(0),
      limit: z.number().int().min(1).max(1000).default(200),
    }),
    z.object({ total: z.number().int(), offset: z.number().int(), rows: z.array(subnetView) }),
    false,
  ),
  /** The journal entries that touched one subnet, newest first. */
  'subnet.history': method(
    z.object({ space, cidr: cidrArg, limit: z.number().int().min(1).max(500).default(50) }),
    z.object({
      entries: z.array(
        z.object({
          batch: z.number().int(),
          label: z.string(),
          kind: z.enum(['do', 'undo', 'redo']),
          undone: z.boolean(),
          op: z.enum(['insert', 'update', 'delete']),
          fields: z.array(z.string()),
          created_at: z.string(),
        }),
      ),
    }),
    false,
  ),
  /** What the window title, status bar and Undo/Redo menu items show. */
  'plan.info': method(
    none,
    z.object({
      file: z.string(),
      subnets: z.number().int(),
      ips: z.number().int(),
      spaces: z.number().int(),
      locations: z.number().int(),
      undo: z.string().nullable(),
      redo: z.string().nullable(),
    }),
    false,
  ),
  /** Loads the demo plan (resources/demo-plan.json) into an empty plan through the normal methods, as one undoable step. */
  'plan.demo': method(none, z.object({ steps: z.number().int(), subnets: z.number().int(), batch: z.number().int().nullable() }), true),
  ...rdnsContract,
  ...billingContract,
  ...syncContract,
  ...importContract,
} as const;

export type Contract = typeof contract;
export type MethodName = keyof Contract;
export type MethodArgs<M extends MethodName> = z.input<Contract[M]['args']>;
export type ParsedArgs<M extends MethodName> = z.output<Contract[M]['args']>;
export type MethodResult<M extends MethodName> = z.output<Contract[M]['result']>;
/** What a handler returns: the result, or a promise of it for the async methods (they wait on the network or a job). */
export type HandlerResult<M extends MethodName> = Contract[M]['async'] extends true ? Promise<MethodResult<M>> : MethodResult<M>;

export const METHOD_NAMES = Object.keys(contract) as MethodName[];

/** The shape every transport returns: a result, or an error with a stable code. */
export type Reply<M extends MethodName> = { ok: true; result: MethodResult<M> } | { ok: false; error: { code: string; message: string } & Record<string, unknown> };
