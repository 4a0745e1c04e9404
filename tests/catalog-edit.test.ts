/**
 * Editing and removing the catalog: customers, devices, products, services, locations, VLANs and spaces.
 * Every edit and removal is one journaled, undoable step; a removal while anything still refers to the
 * row is refused (CONFLICT) naming what, how many and the first few, and changes nothing. After each
 * step the plan keeps every invariant. The command line speaks the same, and sync carries the result.
 */
import { afterEach, describe, expect, it } from 'vitest';
import type { MethodArgs, MethodName } from '../shared/api/contract';
import { invoke, toErrorBody } from '../electron/api/handlers';
import { freshPlan } from './support/plan';
import { refuseUnchanged, snapshot, type PlanEnv } from './support/snapshot';
import { planImage, Planner, startTenant, violations } from './sync-helpers';

let env: PlanEnv;
afterEach(() => env?.plan.close());

/**
 * EU-FRA with VLANs 102 and 103, an IPv4 /24 in VLAN 102 with an IP pool, an IPv6 /48; US-NYC empty;
 * customers cust-1 (used) and cust-2 (unused); devices srv-1 (with a BMC address) and srv-2; product vps.
 */
function hostingPlan(): PlanEnv {
  env = freshPlan();
  const { call } = env;
  call('location.add', { code: 'EU-FRA', name: 'Frankfurt' });
  call('location.add', { code: 'US-NYC' });
  call('vlan.add', { vid: 102, location: 'EU-FRA' });
  call('vlan.add', { vid: 103, location: 'EU-FRA' });
  call('customer.add', { id: 'cust-1', name: 'Acme' });
  call('customer.add', { id: 'cust-2' });
  call('subnet.add', { cidr: '203.0.113.0/24', location: 'EU-FRA', vlan: 102 });
  call('subnet.add', { cidr: '203.0.113.0/28', ip_pool: true });
  call('subnet.add', { cidr: '2001:db8:1::/48', location: 'EU-FRA' });
  call('device.add', { name: 'srv-1', location: 'EU-FRA', kind: 'server' });
  call('device.add', { name: 'srv-2', location: 'EU-FRA' });
  call('device.mgmt', { name: 'srv-1', address: '203.0.113.14', purpose: 'bmc' });
  call('product.add', {
    name: 'vps',
    ipam_config: { mode: 'full', rules: [{ type: 'ip', family: 4, count: 1, purpose: 'primary' }, { type: 'subnet', family: 6, prefix_length: 64 }] },
  });
  return env;
}

const clean = (e: PlanEnv) => expect(e.check()).toEqual([]);

/** Everything but the rows of `table` and the journal's own bookkeeping. */
function apartFrom(e: PlanEnv, table: string) {
  const s = snapshot(e);
  const { [table]: _gone, journal_batches: _b, journal_records: _r, sqlite_sequence: _q, ...tables } = s.tables;
  // A removed space was empty: its (empty) tree and IP list go with it.
  return { trees: s.trees.filter((t) => t.subnets.length), ips: s.ips.filter((i) => i.ips.length), log: s.log, tables };
}

/** Removes with `method`, expecting the rest of the plan untouched and one journal step labelled `label`. */
function removeCleanly<M extends MethodName>(e: PlanEnv, method: M, args: MethodArgs<M>, table: string, label: string) {
  const rows = () => e.plan.sqlite.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number };
  const before = apartFrom(e, table);
  const count = rows().n;
  const r = e.call(method, args);
  expect(rows().n).toBe(count - 1);
  expect(apartFrom(e, table)).toEqual(before);
  expect(e.call('journal.list', { limit: 1 }).batches[0]).toMatchObject({ label, kind: 'do', changes: 1 });
  clean(e);
  return r;
}

describe('customers', () => {
  it('set changes the display name, "" or null clears it, and the ID never changes', () => {
    const e = hostingPlan();
    expect(e.call('customer.set', { ref: 'cust-1', name: '  Acme Hosting GmbH ' }).customer).toMatchObject({ customer: 'cust-1', name: 'Acme Hosting GmbH' });
    expect(e.call('journal.list', { limit: 1 }).batches[0]).toMatchObject({ label: 'edit customer cust-1', changes: 1 });
    expect(e.call('customer.set', { ref: 'cust-1', name: '' }).customer.name).toBeNull();
    expect(e.call('customer.set', { ref: 'cust-1', name: 'Acme' }).customer.name).toBe('Acme');
    expect(e.call('customer.set', { ref: 'cust-1', name: null }).customer.name).toBeNull();
    clean(e);

    const renamed = refuseUnchanged(e, 'customer.set', { ref: 'cust-1', new_ref: 'cust-9', name: 'x' }, 'INVALID_ARGUMENT');
    expect(renamed.message).toContain("A customer's ID cannot change: cust-1 is its identity in FluxBilling and in sync");
    expect(renamed.message).toContain('customer add cust-9');
    expect(renamed.message).toContain('customer remove cust-1');
    // The same ID is no change at all.
    expect(e.call('customer.set', { ref: 'cust-1', new_ref: 'cust-1', name: 'Acme' }).customer).toMatchObject({ customer: 'cust-1', name: 'Acme' });
    expect(refuseUnchanged(e, 'customer.set', { ref: 'cust-1' }, 'INVALID_ARGUMENT').message).toContain('Nothing to change for customer cust-1');
    expect(refuseUnchanged(e, 'customer.set', { ref: 'cust-404', name: 'x' }, 'NOT_FOUND').message).toBe('Customer cust-404 does not exist');
  });

  it('remove refuses while subnets, IP addresses or services belong to the customer, naming them; then removes just that row', () => {
    const e = hostingPlan();
    for (const prefix of [27, 28, 29, 29]) e.call('allocate.subnet', { family: 4, prefix, customer: 'cust-1' });
    e.call('allocate.ip', { pools: ['203.0.113.0/28'], customer: 'cust-1' });
    e.call('allocate.ip', { pools: ['203.0.113.0/28'], customer: 'cust-1' });
    e.call('service.add', { id: 'svc-1', customer: 'cust-1', product: 'vps', device: 'srv-1' });
    const held = e.call('tree.get', {}).subnets.filter((s) => s.customer === 'cust-1').map((s) => s.cidr);
    expect(held).toHaveLength(4);

    const refused = refuseUnchanged(e, 'customer.remove', { ref: 'cust-1' }, 'CONFLICT');
    expect(refused.message).toBe(
      `Customer cust-1 still holds 4 subnets (${held.slice(0, 3).join(', ')}, …), 2 IP addresses (203.0.113.1, 203.0.113.2) and 1 service (svc-1); ` +
        'release the subnets or move them to another customer (subnet release CIDR, subnet set CIDR --customer ID), release the IP addresses (ip release ADDRESS) ' +
        'and remove the services or move them to another customer (service remove ID, service set ID --customer ID) first',
    );
    expect(refuseUnchanged(e, 'customer.remove', { ref: 'cust-404' }, 'NOT_FOUND').message).toBe('Customer cust-404 does not exist');

    // Each kind of reference refuses on its own.
    for (const cidr of held.slice(1)) e.call('subnet.release', { cidr });
    e.call('subnet.set', { cidr: held[0]!, customer: 'cust-2' });
    e.call('ip.release', { address: '203.0.113.1' });
    expect(refuseUnchanged(e, 'customer.remove', { ref: 'cust-1' }, 'CONFLICT').message).toBe(
      'Customer cust-1 still holds 1 IP address (203.0.113.2) and 1 service (svc-1); release the IP addresses (ip release ADDRESS) and remove the services or move them to another customer (service remove ID, service set ID --customer ID) first',
    );
    e.call('ip.release', { address: '203.0.113.2' });
    expect(refuseUnchanged(e, 'customer.remove', { ref: 'cust-1' }, 'CONFLICT').message).toMatch(/^Customer cust-1 still holds 1 service \(svc-1\); /);
    e.call('service.set', { ref: 'svc-1', customer: 'cust-2' });

    expect(removeCleanly(e, 'customer.remove', { ref: 'cust-1' }, 'customers', 'remove customer cust-1')).toEqual({ removed: 'cust-1' });
    expect(e.call('customer.list', {}).customers.map((c) => c.customer)).toEqual(['cust-2']);
  });

  it('the error carries a count per kind of reference', () => {
    const e = hostingPlan();
    e.call('allocate.subnet', { family: 6, prefix: 64, customer: 'cust-1' });
    e.call('service.add', { id: 'svc-1', customer: 'cust-1', product: 'vps' });
    let body: unknown = null;
    try {
      invoke(e.plan, 'customer.remove', { ref: 'cust-1' });
    } catch (err) {
      body = toErrorBody(err);
    }
    expect(body).toMatchObject({ code: 'CONFLICT', references: { subnets: 1, services: 1 } });
  });
});

describe('devices', () => {
  it('set moves a device and changes its kind; "" clears; the next provision draws at the new location', () => {
    const e = hostingPlan();
    expect(e.call('device.set', { name: 'srv-2', location: 'US-NYC', kind: ' router ' }).device).toMatchObject({ name: 'srv-2', location: 'US-NYC', kind: 'router' });
    expect(e.call('journal.list', { limit: 1 }).batches[0]).toMatchObject({ label: 'edit device srv-2', changes: 1 });
    expect(e.call('device.set', { name: 'srv-2', kind: '' }).device).toMatchObject({ location: 'US-NYC', kind: null });
    expect(e.call('device.set', { name: 'srv-2', location: null }).device).toMatchObject({ location: null, kind: null });
    clean(e);
    expect(refuseUnchanged(e, 'device.set', { name: 'srv-2', location: 'XX-NOPE' }, 'NOT_FOUND').message).toContain('Location XX-NOPE does not exist');
    expect(refuseUnchanged(e, 'device.set', { name: 'srv-2' }, 'INVALID_ARGUMENT').message).toContain('Nothing to change for device srv-2');
    expect(refuseUnchanged(e, 'device.set', { name: 'srv-404', kind: 'x' }, 'NOT_FOUND').message).toBe('Device srv-404 does not exist');

    // A service on srv-2 provisions from the pools where srv-2 now stands.
    e.call('device.set', { name: 'srv-2', location: 'EU-FRA' });
    e.call('service.add', { id: 'svc-2', customer: 'cust-1', product: 'vps', device: 'srv-2' });
    expect(e.call('service.provision', { id: 'svc-2' }).status).toBe('provisioned');
    clean(e);
  });

  it('remove refuses while the device holds management addresses, allocations or services; then removes just that row', () => {
    const e = hostingPlan();
    e.call('service.add', { id: 'svc-1', customer: 'cust-1', product: 'vps', device: 'srv-1' });
    e.call('service.provision', { id: 'svc-1' });
    const refused = refuseUnchanged(e, 'device.remove', { name: 'srv-1' }, 'CONFLICT');
    expect(refused.message).toBe(
      'Device srv-1 still holds 1 management address (203.0.113.14 bmc), 1 subnet (2001:db8:1::/64), 1 IP address (203.0.113.1) and 1 service (svc-1); ' +
        'release its management addresses (ip release ADDRESS), release its allocations (wipe srv-1) and remove its services or move them to another device ' +
        '(service remove ID, service set ID --device NAME) first',
    );
    e.call('service.cancel', { id: 'svc-1' });
    e.call('ip.release', { address: '203.0.113.14' });
    expect(refuseUnchanged(e, 'device.remove', { name: 'srv-1' }, 'CONFLICT').message).toMatch(/^Device srv-1 still holds 1 service \(svc-1\); remove its services/);
    e.call('service.set', { ref: 'svc-1', device: 'srv-2' });
    expect(removeCleanly(e, 'device.remove', { name: 'srv-1' }, 'devices', 'remove device srv-1')).toEqual({ removed: 'srv-1' });
    expect(e.call('device.list', {}).devices.map((d) => d.name)).toEqual(['srv-2']);
    expect(refuseUnchanged(e, 'device.remove', { name: 'srv-1' }, 'NOT_FOUND').message).toBe('Device srv-1 does not exist');
  });
});

describe('products and services', () => {
  it('service.set changes the product at any time, customer and device only while the service holds nothing', () => {
    const e = hostingPlan();
    e.call('product.add', { name: 'off', ipam_config: { mode: 'disabled', rules: [] } });
    e.call('service.add', { id: 'svc-1', customer: 'cust-1', product: 'vps', device: 'srv-1' });
    e.call('service.provision', { id: 'svc-1' });

    expect(e.call('service.set', { ref: 'svc-1', product: 'off' }).service).toMatchObject({ service: 'svc-1', product: 'off', status: 'active' });
    expect(e.call('journal.list', { limit: 1 }).batches[0]).toMatchObject({ label: 'edit service svc-1', changes: 1 });
    clean(e);

    const moved = refuseUnchanged(e, 'service.set', { ref: 'svc-1', customer: 'cust-2', device: 'srv-2' }, 'CONFLICT');
    expect(moved.message).toBe(
      'Service svc-1 still holds 1 subnet (2001:db8:1::/64) and 1 IP address (203.0.113.1); cancel it (cancel svc-1) before moving it to another customer or device: they are linked to its current one',
    );
    // Naming the customer and device it already has is no move.
    expect(e.call('service.set', { ref: 'svc-1', customer: 'cust-1', device: 'srv-1', product: 'vps' }).service.product).toBe('vps');
    expect(refuseUnchanged(e, 'service.set', { ref: 'svc-1', product: 'nope' }, 'NOT_FOUND').message).toContain('Product nope does not exist');
    expect(refuseUnchanged(e, 'service.set', { ref: 'svc-1' }, 'INVALID_ARGUMENT').message).toContain('Nothing to change for service svc-1');
    expect(refuseUnchanged(e, 'service.set', { ref: 'svc-1', customer: ' ' }, 'INVALID_ARGUMENT').message).toContain('A service always has a customer');

    e.call('service.cancel', { id: 'svc-1' });
    expect(e.call('service.set', { ref: 'svc-1', customer: 'cust-2', device: null }).service).toMatchObject({ customer: 'cust-2', device: null, status: 'cancelled' });
    expect(e.call('service.set', { ref: 'svc-1', device: 'srv-2' }).service.device).toBe('srv-2');
    clean(e);
  });

  it('service.remove refuses while the service holds allocations or has transit billing', () => {
    const e = hostingPlan();
    e.call('service.add', { id: 'svc-1', customer: 'cust-1', product: 'vps', device: 'srv-1' });
    e.call('service.provision', { id: 'svc-1' });
    e.call('transit.add', { service: 'svc-1', model: 'flat', fee: 100 });
    expect(refuseUnchanged(e, 'service.remove', { ref: 'svc-1' }, 'CONFLICT').message).toBe(
      'Service svc-1 still holds 1 subnet (2001:db8:1::/64), 1 IP address (203.0.113.1) and 1 transit billing definition; cancel it (cancel svc-1) and remove its transit billing (transit remove svc-1) first',
    );
    e.call('service.cancel', { id: 'svc-1' });
    e.call('transit.remove', { service: 'svc-1' });
    const logsBefore = e.call('log.list', { service: 'svc-1', limit: 100 }).entries;
    expect(removeCleanly(e, 'service.remove', { ref: 'svc-1' }, 'services', 'remove service svc-1')).toEqual({ removed: 'svc-1' });
    // Its log stays: history is not rewritten.
    expect(e.call('log.list', { service: 'svc-1', limit: 100 }).entries).toEqual(logsBefore);
    expect(refuseUnchanged(e, 'service.remove', { ref: 'svc-1' }, 'NOT_FOUND').message).toContain('Service svc-1 does not exist');
  });

  it('product.remove refuses while any service uses it, cancelled ones too', () => {
    const e = hostingPlan();
    e.call('product.add', { name: 'spare', ipam_config: { mode: 'full', rules: [] } });
    for (const id of ['svc-1', 'svc-2', 'svc-3', 'svc-4']) e.call('service.add', { id, customer: 'cust-1', product: 'vps' });
    e.call('service.cancel', { id: 'svc-4' });
    expect(refuseUnchanged(e, 'product.remove', { name: 'vps' }, 'CONFLICT').message).toBe(
      'Product vps is still used by 4 services (svc-1, svc-2, svc-3, …); move the services to another product or remove them (service set ID --product NAME, service remove ID) first',
    );
    for (const ref of ['svc-1', 'svc-2', 'svc-3']) e.call('service.set', { ref, product: 'spare' });
    e.call('service.remove', { ref: 'svc-4' });
    expect(removeCleanly(e, 'product.remove', { name: 'vps' }, 'products', 'remove product vps')).toEqual({ removed: 'vps' });
    expect(e.call('product.list', {}).products.map((p) => p.name)).toEqual(['spare']);
    expect(refuseUnchanged(e, 'product.remove', { name: 'vps' }, 'NOT_FOUND').message).toContain('Product vps does not exist');
  });
});

describe('locations, VLANs and spaces', () => {
  it('location.remove refuses while VLANs, subnets or devices are at it', () => {
    const e = hostingPlan();
    expect(refuseUnchanged(e, 'location.remove', { code: 'EU-FRA' }, 'CONFLICT').message).toBe(
      'Location EU-FRA still has 2 VLANs (102, 103), 2 subnets (203.0.113.0/24, 2001:db8:1::/48) and 2 devices (srv-1, srv-2); ' +
        'remove its VLANs (vlan remove VID --location EU-FRA), clear the location of those subnets (subnet set CIDR --location "") ' +
        'and move the devices elsewhere or clear their location (device set NAME --location CODE, or "") first',
    );
    e.call('device.set', { name: 'srv-2', location: 'US-NYC' });
    expect(refuseUnchanged(e, 'location.remove', { code: 'US-NYC' }, 'CONFLICT').message).toMatch(/^Location US-NYC still has 1 device \(srv-2\); /);
    e.call('device.set', { name: 'srv-2', location: '' });
    expect(removeCleanly(e, 'location.remove', { code: 'US-NYC' }, 'locations', 'remove location US-NYC')).toEqual({ removed: 'US-NYC' });
    expect(e.call('location.list', {}).locations.map((l) => l.code)).toEqual(['EU-FRA']);
    expect(refuseUnchanged(e, 'location.remove', { code: 'US-NYC' }, 'NOT_FOUND').message).toBe('Location US-NYC does not exist');
  });

  it('vlan.remove refuses while subnets or IP records carry it, and removes only that VLAN at that location', () => {
    const e = hostingPlan();
    e.call('location.add', { code: 'US-NYC-2' });
    e.call('vlan.add', { vid: 103, location: 'US-NYC-2' });
    // The BMC address took VLAN 102 from its pool.
    expect(refuseUnchanged(e, 'vlan.remove', { vid: 102, location: 'EU-FRA' }, 'CONFLICT').message).toBe(
      'VLAN 102 at EU-FRA is still set on 1 subnet (203.0.113.0/24) and 1 IP address (203.0.113.14); clear the VLAN of those subnets (subnet set CIDR --vlan "") and release the IP addresses (ip release ADDRESS) first',
    );
    e.call('subnet.set', { cidr: '2001:db8:1::/48', vlan: 103 });
    expect(refuseUnchanged(e, 'vlan.remove', { vid: 103, location: 'EU-FRA' }, 'CONFLICT').message).toMatch(/^VLAN 103 at EU-FRA is still set on 1 subnet \(2001:db8:1::\/48\); /);
    e.call('subnet.set', { cidr: '2001:db8:1::/48', vlan: null });
    expect(removeCleanly(e, 'vlan.remove', { vid: 103, location: 'EU-FRA' }, 'vlans', 'remove VLAN 103 at EU-FRA')).toEqual({ removed: { vid: 103, location: 'EU-FRA' } });
    expect(e.call('vlan.list', {}).vlans.map((v) => `${v.vid}@${v.location}`)).toEqual(['102@EU-FRA', '103@US-NYC-2']);
    expect(refuseUnchanged(e, 'vlan.remove', { vid: 103, location: 'EU-FRA' }, 'NOT_FOUND').message).toBe('VLAN 103 does not exist at EU-FRA');
    expect(refuseUnchanged(e, 'vlan.remove', { vid: 103, location: 'NOWHERE' }, 'NOT_FOUND').message).toContain('Location NOWHERE does not exist');
  });

  it('space.remove never removes global, and refuses while a space holds subnets or rDNS rows', () => {
    const e = hostingPlan();
    expect(refuseUnchanged(e, 'space.remove', { name: 'global' }, 'INVALID_ARGUMENT').message).toBe('The global address space always exists and cannot be removed');
    e.call('space.add', { name: 'vrf-red' });
    e.call('subnet.add', { space: 'vrf-red', cidr: '10.0.0.0/16' });
    e.call('subnet.add', { space: 'vrf-red', cidr: '10.0.1.0/24' });
    e.call('subnet.add', { space: 'vrf-red', cidr: '192.168.0.0/16' });
    e.call('rdns.provider.add', { space: 'vrf-red', name: 'red-dns', type: 'internal' });
    e.call('rdns.zone.add', { space: 'vrf-red', zone: '10.0.0.0/16', provider: 'red-dns' });
    expect(refuseUnchanged(e, 'space.remove', { name: 'vrf-red' }, 'CONFLICT').message).toBe(
      'Address space vrf-red still holds 2 root subnets (10.0.0.0/16, 192.168.0.0/16), 1 rDNS provider (red-dns) and 1 declared rDNS zone (0.10.in-addr.arpa); ' +
        'release and delete its subnets (subnet release CIDR, subnet delete CIDR --space vrf-red), remove its rDNS providers (rdns provider remove NAME) ' +
        'and remove its declared rDNS zones (rdns zone remove ZONE --space vrf-red) first',
    );
    e.call('rdns.zone.remove', { space: 'vrf-red', zone: '10.0.0.0/16' });
    e.call('rdns.provider.remove', { name: 'red-dns' });
    e.call('subnet.delete', { space: 'vrf-red', cidr: '10.0.0.0/16' });
    e.call('subnet.delete', { space: 'vrf-red', cidr: '192.168.0.0/16' });
    expect(removeCleanly(e, 'space.remove', { name: 'vrf-red' }, 'spaces', 'remove space vrf-red')).toEqual({ removed: 'vrf-red' });
    expect(e.call('space.list', {}).spaces.map((s) => s.name)).toEqual(['global']);
  });
});

describe('undo and redo', () => {
  it('undo restores a removed customer with the same id, redo removes it again; every edit undoes', () => {
    const e = hostingPlan();
    const before = e.call('customer.list', {}).customers.find((c) => c.customer === 'cust-2')!;
    const row = () => e.plan.sqlite.prepare("SELECT * FROM customers WHERE ref = 'cust-2'").get();
    const image = row();
    e.call('customer.remove', { ref: 'cust-2' });
    expect(row()).toBeUndefined();
    expect(e.call('journal.undo', {}).undone.label).toBe('remove customer cust-2');
    expect(e.call('customer.list', {}).customers.find((c) => c.customer === 'cust-2')).toEqual(before);
    expect(row()).toEqual({ ...(image as object), updated_at: expect.any(String) });
    clean(e);
    expect(e.call('journal.redo', {}).redone.label).toBe('remove customer cust-2');
    expect(row()).toBeUndefined();
    clean(e);

    // An edit and a removal of each kind, undone one by one back to the start, then redone.
    e.call('service.add', { id: 'svc-1', customer: 'cust-1', product: 'vps', device: 'srv-2' });
    e.call('vlan.add', { vid: 200, location: 'US-NYC' });
    e.call('space.add', { name: 'lab' });
    const images = [planImageOf(e)];
    const steps: Array<() => unknown> = [
      () => e.call('customer.set', { ref: 'cust-1', name: 'Acme Ltd' }),
      () => e.call('device.set', { name: 'srv-2', location: 'US-NYC', kind: 'hypervisor' }),
      () => e.call('service.set', { ref: 'svc-1', device: 'srv-1' }),
      () => e.call('service.remove', { ref: 'svc-1' }),
      () => e.call('device.set', { name: 'srv-2', location: null }),
      () => e.call('device.remove', { name: 'srv-2' }),
      () => e.call('product.remove', { name: 'vps' }),
      () => e.call('vlan.remove', { vid: 200, location: 'US-NYC' }),
      () => e.call('location.remove', { code: 'US-NYC' }),
      () => e.call('space.remove', { name: 'lab' }),
    ];
    for (const step of steps) {
      step();
      clean(e);
      images.push(planImageOf(e));
    }
    for (let i = steps.length - 1; i >= 0; i--) {
      e.call('journal.undo', {});
      clean(e);
      expect(planImageOf(e)).toEqual(images[i]);
    }
    for (let i = 1; i <= steps.length; i++) {
      e.call('journal.redo', {});
      clean(e);
      expect(planImageOf(e)).toEqual(images[i]);
    }
  });
});

/** The catalog and the tree, ids included, times aside (undo stamps updated_at anew). */
function planImageOf(e: PlanEnv) {
  const s = snapshot(e);
  const strip = (rows: unknown) => (rows as Array<Record<string, unknown>>).map(({ updated_at: _u, created_at: _c, ...rest }) => rest);
  const t = s.tables;
  return {
    spaces: strip(t.spaces), locations: strip(t.locations), vlans: strip(t.vlans), customers: strip(t.customers), devices: strip(t.devices),
    products: strip(t.products), services: strip(t.services), subnets: strip(t.subnets), ips: strip(t.ip_addresses),
  };
}

describe('the command line', () => {
  it('sets and removes with --json like its siblings, and refuses with exit 1 and the error', async () => {
    const p = new Planner('cli');
    await p.ok('location', 'add', 'EU-FRA');
    await p.ok('location', 'add', 'US-NYC');
    await p.ok('vlan', 'add', '102', '--location', 'EU-FRA');
    await p.ok('customer', 'add', 'cust-7421');
    await p.ok('device', 'add', 'srv-1', '--location', 'EU-FRA');
    await p.ok('product', 'add', 'vps', '--ipam-config', '{"mode":"full","rules":[{"type":"ip","family":4}]}');
    await p.ok('product', 'add', 'spare', '--ipam-config', '{"mode":"disabled","rules":[]}');
    await p.ok('service', 'add', 'svc-1', '--customer', 'cust-7421', '--product', 'vps');
    await p.ok('space', 'add', 'lab');

    expect(await p.ok('customer', 'set', 'cust-7421', '--name', 'Acme')).toEqual({ customer: { id: 1, customer: 'cust-7421', name: 'Acme' } });
    expect((await p.run('customer', 'set', 'cust-7421', '--name', '')).out).toEqual(['Updated customer cust-7421, no name']);
    const renamed = await p.json('customer', 'set', 'cust-7421', '--id', 'cust-9');
    expect(renamed.code).toBe(1);
    expect(renamed.body.error).toMatchObject({ code: 'INVALID_ARGUMENT', message: expect.stringContaining("A customer's ID cannot change") });

    expect((await p.ok('device', 'set', 'srv-1', '--location', 'US-NYC', '--kind', 'server')).device).toMatchObject({ name: 'srv-1', location: 'US-NYC', kind: 'server' });
    expect((await p.run('device', 'set', 'srv-1', '--location', '')).out).toEqual(['Updated device srv-1: no location, server']);
    expect((await p.ok('service', 'set', 'svc-1', '--product', 'spare', '--device', 'srv-1')).service).toMatchObject({ service: 'svc-1', product: 'spare', device: 'srv-1' });

    const refused = await p.json('customer', 'remove', 'cust-7421');
    expect(refused.code).toBe(1);
    expect(refused.body.error).toEqual({
      code: 'CONFLICT',
      message: 'Customer cust-7421 still holds 1 service (svc-1); remove the services or move them to another customer (service remove ID, service set ID --customer ID) first',
      references: { services: 1 },
    });
    const plain = await p.run('customer', 'remove', 'cust-7421');
    expect(plain.code).toBe(1);
    expect(plain.err).toEqual([`fluxplan: ${refused.body.error.message}`]);
    const global = await p.run('space', 'remove', 'global');
    expect(global.code).toBe(1);
    expect(global.err).toEqual(['fluxplan: The global address space always exists and cannot be removed']);

    expect(await p.ok('service', 'remove', 'svc-1')).toEqual({ removed: 'svc-1' });
    expect(await p.ok('customer', 'remove', 'cust-7421')).toEqual({ removed: 'cust-7421' });
    expect(await p.ok('device', 'remove', 'srv-1')).toEqual({ removed: 'srv-1' });
    expect(await p.ok('product', 'remove', 'vps')).toEqual({ removed: 'vps' });
    expect(await p.ok('vlan', 'remove', '102', '--location', 'EU-FRA')).toEqual({ removed: { vid: 102, location: 'EU-FRA' } });
    expect(await p.ok('location', 'remove', 'EU-FRA')).toEqual({ removed: 'EU-FRA' });
    expect((await p.run('location', 'remove', 'US-NYC')).out).toEqual(['Removed location US-NYC']);
    expect((await p.run('product', 'remove', 'spare')).out).toEqual(['Removed product spare']);
    expect((await p.run('space', 'remove', 'lab')).out).toEqual(['Removed space lab']);
    expect((await p.run('vlan', 'remove', '102')).err[0]).toContain('location');
    expect((await p.run('journal', '--limit', '3')).out.join('\n')).toContain('remove space lab');
    expect(violations(p.db)).toEqual([]);
    const usage = await p.run('customer', 'remove');
    expect(usage.code).toBe(2);
    expect(usage.err[0]).toContain('customer remove needs ID');
  });
});

describe('sync', () => {
  it('a removed customer and edited rows reach the tenant and the other planner', async () => {
    const tenant = await startTenant();
    const a = new Planner('alice');
    const b = new Planner('bob');
    await a.ok('location', 'add', 'EU-FRA');
    await a.ok('location', 'add', 'US-NYC');
    await a.ok('customer', 'add', 'cust-7421', '--name', 'Acme');
    await a.ok('customer', 'add', 'cust-7422');
    await a.ok('device', 'add', 'srv-1', '--location', 'EU-FRA');
    await a.ok('device', 'add', 'srv-old');
    await a.ok('subnet', 'add', '203.0.113.0/24', '--location', 'EU-FRA');
    await a.ok('allocate', 'subnet', '--family', '4', '--prefix', '26', '--customer', 'cust-7421');
    await a.connect(tenant);
    expect((await a.sync()).code).toBe(0);
    await b.connect(tenant);
    expect((await b.sync()).body).toMatchObject({ mode: 'clone', conflicts: 0 });

    await a.ok('customer', 'remove', 'cust-7422');
    await a.ok('customer', 'set', 'cust-7421', '--name', 'Acme Hosting');
    await a.ok('device', 'set', 'srv-1', '--location', 'US-NYC', '--kind', 'server');
    await a.ok('device', 'remove', 'srv-old');
    expect((await a.ok('sync', 'status')).pending).toBe(4);
    const pushed = await a.sync();
    expect(pushed.code).toBe(0);
    expect(pushed.body).toMatchObject({ conflicts: 0, pushed: 4 });

    const onTenant = planImage(tenant.db).catalog as { customers: unknown[]; devices: unknown[] };
    expect(onTenant.customers).toEqual([{ customer: 'cust-7421', name: 'Acme Hosting' }]);
    expect(onTenant.devices).toEqual([{ name: 'srv-1', location: 'US-NYC', kind: 'server' }]);

    expect((await b.sync()).body).toMatchObject({ conflicts: 0, pulled: 4 });
    const images = [a.db, b.db, tenant.db].map(planImage);
    expect(images[1]).toEqual(images[0]);
    expect(images[2]).toEqual(images[0]);
    for (const f of [a.db, b.db, tenant.db]) expect(violations(f)).toEqual([]);

    // Alice undoes all four; the removed customer and device come back everywhere.
    await a.ok('undo');
    await a.ok('undo');
    await a.ok('undo');
    await a.ok('undo');
    expect((await a.sync()).body).toMatchObject({ conflicts: 0 });
    await b.sync();
    const back = planImage(b.db).catalog as { customers: unknown[] };
    expect(back.customers).toEqual([{ customer: 'cust-7421', name: 'Acme' }, { customer: 'cust-7422', name: null }]);
    expect(planImage(tenant.db)).toEqual(planImage(a.db));
  });
});
