/** Shapes the API returns: references use the planner's keys, internal ids appear only as `id`. */
import { z } from 'zod';

export const subnetView = z.object({
  id: z.number().int(),
  cidr: z.string(),
  space: z.string(),
  ip_version: z.union([z.literal(4), z.literal(6)]),
  prefix_length: z.number().int(),
  parent: z.string().nullable(),
  allocation_status: z.enum(['unallocated', 'allocated', 'subdivided']),
  is_unavailable: z.boolean(),
  /** Parked itself or under a parked ancestor: out of automatic allocation. */
  effectively_unavailable: z.boolean(),
  is_ip_pool: z.boolean(),
  /** A leaf the allocator may hand out. */
  is_free: z.boolean(),
  location: z.string().nullable(),
  effective_location: z.string().nullable(),
  vlan: z.number().int().nullable(),
  effective_vlan: z.number().int().nullable(),
  customer: z.string().nullable(),
  service: z.string().nullable(),
  device: z.string().nullable(),
  description: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type SubnetView = z.infer<typeof subnetView>;

export const ipView = z.object({
  id: z.number().int(),
  address: z.string(),
  space: z.string(),
  ip_version: z.union([z.literal(4), z.literal(6)]),
  subnet: z.string().nullable(),
  customer: z.string().nullable(),
  service: z.string().nullable(),
  device: z.string().nullable(),
  vlan: z.number().int().nullable(),
  rdns: z.string().nullable(),
  rdns_updated_at: z.string().nullable(),
  is_management: z.boolean(),
  is_unavailable: z.boolean(),
  purpose: z.string().nullable(),
  description: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type IpView = z.infer<typeof ipView>;

const count = z.union([z.number(), z.string()]);

export const capacityView = z.object({
  cidr: z.string(),
  space: z.string(),
  location: z.string().nullable(),
  total_addresses: count,
  allocated_addresses: count,
  free_addresses: count,
  parked_addresses: count,
  ip_pool_addresses: count,
  /** Percent of the block allocated or set aside as IP pools. */
  utilization: z.number(),
  ip_pools: z.object({ usable: count, used: count }),
  free_blocks: z.array(z.object({ prefix_length: z.number().int(), blocks: count })),
});
export type CapacityView = z.infer<typeof capacityView>;

export const logEntry = z.object({
  id: z.number().int(),
  action: z.string(),
  success: z.boolean(),
  service: z.string().nullable(),
  batch: z.number().int().nullable(),
  details: z.record(z.string(), z.unknown()),
  created_at: z.string(),
});

export const batchView = z.object({
  id: z.number().int(),
  label: z.string(),
  kind: z.enum(['do', 'undo', 'redo']),
  origin: z.enum(['local', 'remote']),
  target: z.number().int().nullable(),
  undone: z.boolean(),
  changes: z.number().int(),
  created_at: z.string(),
});

export const violation = z.object({ code: z.string(), message: z.string() });
