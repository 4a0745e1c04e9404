/** Spreadsheet import: formats, column mapping, the NetBox and phpIPAM layouts, statuses, and every error code. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { freshPlan, tempDir } from './support/plan';
import { csvFile, importInto, visible, xlsxFile, type Env } from './support/import';

let env: Env;
afterEach(() => env?.plan.close());

const tree = (e: Env) => e.call('tree.get', {}).subnets.filter((s) => s.allocation_status !== 'subdivided' || s.description || s.location);
const one = (e: Env, cidr: string) => e.call('subnet.get', { cidr }).subnet;

describe('reading files', () => {
  it('reads CSV with comma, semicolon or tab, with or without a BOM, with quoted newlines, all to the same plan', async () => {
    const rows = (d: string) => [
      ['prefix', 'status', 'location', 'description'].join(d),
      ['10.0.0.0/24', 'container', 'EU-FRA', '"root; with, separators"'].join(d),
      ['10.0.0.0/26', 'allocated', '', '"two\nlines"'].join(d),
      ['10.0.0.64/26', 'free', '', '""'].join(d),
    ];
    const dir = tempDir();
    const results: unknown[] = [];
    for (const [name, d, bom, eol] of [['comma.csv', ',', '', '\n'], ['semi.csv', ';', '\uFEFF', '\r\n'], ['tab.tsv', '\t', '\uFEFF', '\n']] as const) {
      env = freshPlan();
      const file = join(dir, name);
      writeFileSync(file, bom + rows(d).join(eol) + eol);
      const r = await importInto(env, file);
      expect(r.errors).toEqual([]);
      expect(r.sheets[0]!.columns.map((c) => c.field)).toEqual(['prefix', 'status', 'location', 'description']);
      expect(one(env, '10.0.0.0/26').description).toBe('two\nlines');
      expect(one(env, '10.0.0.0/24').description).toBe('root; with, separators');
      expect(env.check()).toEqual([]);
      results.push(visible(env));
      env.plan.close();
    }
    expect(results[1]).toEqual(results[0]);
    expect(results[2]).toEqual(results[0]);
  });

  it('reads every sheet of an XLSX, or only the one named, with numbers and formulas as their text', async () => {
    const dir = tempDir();
    const file = await xlsxFile(dir, 'plan.xlsx', {
      Subnets: [['Prefix', 'VLAN', 'Site', 'Status'], ['10.1.0.0/24', 102, 'EU-FRA', 'Active'], ['10.2.0.0/24', null, 'EU-FRA', 'Container']],
      Addresses: [['IP Address', 'DNS Name'], ['10.2.0.5', 'mail.example.net']],
    });
    env = freshPlan();
    const all = await importInto(env, file, { dry_run: true });
    expect(all.errors).toEqual([]);
    expect(all.sheets.map((s) => s.sheet)).toEqual(['Subnets', 'Addresses']);
    expect(all.created).toBe(3);
    const only = await importInto(env, file, { sheet: 'Subnets' });
    expect(only.created).toBe(2);
    expect(one(env, '10.1.0.0/24')).toMatchObject({ allocation_status: 'allocated', vlan: 102, location: 'EU-FRA' });
    expect(env.call('ip.list', {}).ips).toEqual([]);
    await expect(importInto(env, file, { sheet: 'Nope' })).rejects.toThrow(/no sheet "Nope".*Subnets, Addresses/);
    expect(env.check()).toEqual([]);
  });

  it('refuses a legacy .xls with what to do instead, and changes nothing', async () => {
    const dir = tempDir();
    const file = join(dir, 'old.xls');
    writeFileSync(file, Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1, 0, 0, 0, 0]));
    env = freshPlan();
    await expect(importInto(env, file)).rejects.toThrow(/old\.xls is a legacy Excel workbook \(\.xls\).*save it as an Excel Workbook \(\.xlsx\)/);
    const renamed = join(dir, 'renamed.xlsx');
    writeFileSync(renamed, Buffer.from([0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1]));
    await expect(importInto(env, renamed)).rejects.toThrow(/legacy Excel workbook/);
    expect(env.call('journal.list', {}).batches).toEqual([]);
  });
});

describe('mapping columns', () => {
  it('maps headers by synonyms whatever their case and punctuation, and lets the planner override and save a profile', async () => {
    const dir = tempDir();
    env = freshPlan();
    const file = csvFile(dir, 'odd.csv', ['Net Work,MASK,Where,Tenant_ID,Notes,Owner', '10.5.0.0,255.255.255.0,EU-FRA,cust-1,first,ops', '10.6.0.0,/25,EU-FRA,,second,ops']);
    const guessed = await importInto(env, file, { dry_run: true });
    expect(guessed.sheets[0]!.columns.map((c) => [c.header, c.field, c.source])).toEqual([
      ['Net Work', 'prefix', 'synonym'], ['MASK', 'mask', 'synonym'], ['Where', null, 'unknown'], ['Tenant_ID', 'customer', 'synonym'], ['Notes', 'description', 'synonym'], ['Owner', null, 'unknown'],
    ]);
    env.call('import.profile.save', { name: 'ops-sheet', mapping: ['Where=location', 'Owner=device'] });
    const r = await importInto(env, file, { profile: 'ops-sheet', mapping: { Owner: null } });
    expect(r.errors).toEqual([]);
    expect(r.sheets[0]!.columns.find((c) => c.header === 'Where')).toMatchObject({ field: 'location', source: 'profile' });
    expect(r.sheets[0]!.columns.find((c) => c.header === 'Owner')).toMatchObject({ field: null, source: 'ignored' });
    expect(one(env, '10.5.0.0/24')).toMatchObject({ location: 'EU-FRA', customer: 'cust-1', allocation_status: 'allocated', description: 'first' });
    expect(one(env, '10.6.0.0/25')).toMatchObject({ location: 'EU-FRA', allocation_status: 'unallocated', description: 'second' });
    expect(env.call('import.profile.list', {}).profiles).toMatchObject([{ name: 'ops-sheet', mapping: { Where: 'location', Owner: 'device' } }]);
    expect(env.check()).toEqual([]);
  });

  it('says which column is missing when nothing holds a prefix or an address', async () => {
    env = freshPlan();
    const r = await importInto(env, csvFile(tempDir(), 'x.csv', ['name,site', 'a,EU-FRA']));
    expect(r.errors).toEqual([{ sheet: 'x.csv', row: 1, column: null, code: 'MAPPING', message: expect.stringContaining('no column holds a prefix or an address') }]);
    expect(r.failed).toBe(1);
    expect(r.committed).toBe(false);
  });

  it('normalizes leading zeros and upper-case IPv6 instead of refusing them', async () => {
    env = freshPlan();
    const r = await importInto(env, csvFile(tempDir(), 'n.csv', ['prefix,address', '010.001.000.000/16,', '2001:DB8:0:00AB::/64,', ',010.001.002.003', ',2001:DB8:0:AB::0001']));
    expect(r.errors).toEqual([]);
    expect(env.call('tree.get', {}).subnets.map((s) => s.cidr)).toContain('10.1.0.0/16');
    expect(env.call('tree.get', {}).subnets.map((s) => s.cidr)).toContain('2001:db8:0:ab::/64');
    expect(env.call('ip.list', {}).ips.map((i) => i.address)).toEqual(['10.1.2.3', '2001:db8:0:ab::1']);
  });
});

describe('NetBox and phpIPAM exports', () => {
  it('imports NetBox prefix and IP address exports without any mapping', async () => {
    const dir = tempDir();
    env = freshPlan();
    const prefixes = csvFile(dir, 'netbox_prefixes.csv', [
      'Prefix,Status,Children,VRF,Utilization,Tenant,Site,VLAN,Role,Description',
      '203.0.113.0/24,Container,3,Global,40%,,EU-FRA,,,public pool',
      '203.0.113.0/26,Active,0,Global,100%,cust-7421,EU-FRA,web (102),,',
      '203.0.113.64/26,Active,1,Global,10%,cust-7422,EU-FRA,,,shared hosting',
      '203.0.113.64/27,Active,0,Global,0%,cust-7422,EU-FRA,web (102),,',
      '203.0.113.128/27,Reserved,0,Global,0%,,EU-FRA,,,future',
      '203.0.113.160/27,Deprecated,0,Global,0%,,EU-FRA,,,old',
      '10.0.0.0/24,Active,0,tenant-a,0%,cust-7421,EU-FRA,,,private',
    ]);
    const r = await importInto(env, prefixes);
    expect(r.errors).toEqual([]);
    expect(r.sheets[0]!.layout).toBe('netbox-prefixes');
    expect(one(env, '203.0.113.0/24')).toMatchObject({ allocation_status: 'subdivided', location: 'EU-FRA', description: 'public pool' });
    expect(one(env, '203.0.113.0/26')).toMatchObject({ allocation_status: 'allocated', customer: 'cust-7421', vlan: 102, effective_location: 'EU-FRA' });
    // An active prefix with children becomes subdivided; its customer is kept in its description.
    expect(one(env, '203.0.113.64/26')).toMatchObject({ allocation_status: 'subdivided', customer: null, description: 'shared hosting (customer cust-7422)' });
    expect(r.warnings).toEqual([expect.objectContaining({ row: 4, code: 'LINKS_IN_DESCRIPTION' })]);
    expect(one(env, '203.0.113.128/27')).toMatchObject({ is_unavailable: true, allocation_status: 'unallocated' });
    expect(one(env, '203.0.113.160/27')).toMatchObject({ is_unavailable: true });
    expect(env.call('space.list', {}).spaces.map((s) => s.name)).toEqual(['global', 'tenant-a']);
    expect(env.call('subnet.get', { space: 'tenant-a', cidr: '10.0.0.0/24' }).subnet.customer).toBe('cust-7421');
    expect(env.call('vlan.list', {}).vlans).toMatchObject([{ vid: 102, location: 'EU-FRA', name: 'web' }]);

    const ips = csvFile(dir, 'netbox_ips.csv', [
      'IP Address,VRF,Status,Role,Tenant,Assigned,DNS Name,Description',
      '203.0.113.10/26,Global,Active,,cust-7421,True,srv10.example.net,',
      '203.0.113.11/26,Global,Reserved,,,False,,gateway',
      '203.0.113.70/27,Global,DHCP,,,False,,',
      '203.0.113.71/27,Global,Active,anycast,cust-7422,False,,',
    ]);
    const r2 = await importInto(env, ips);
    expect(r2.errors).toEqual([]);
    expect(r2.sheets[0]!.layout).toBe('netbox-ips');
    expect(env.call('ip.list', {}).ips.map((i) => [i.address, i.subnet, i.customer, i.rdns, i.is_unavailable, i.purpose])).toEqual([
      ['203.0.113.10', '203.0.113.0/26', 'cust-7421', 'srv10.example.net', false, null],
      ['203.0.113.11', '203.0.113.0/26', null, null, true, null],
      ['203.0.113.70', '203.0.113.64/27', null, null, true, null],
      ['203.0.113.71', '203.0.113.64/27', 'cust-7422', null, false, 'anycast'],
    ]);
    expect(env.check()).toEqual([]);
  });

  it('imports phpIPAM subnet and address exports without any mapping', async () => {
    const dir = tempDir();
    env = freshPlan();
    const subnets = await xlsxFile(dir, 'phpipam_subnets.xlsx', {
      Subnets: [
        ['Section', 'Subnet', 'Description', 'VLAN', 'VLAN Domain', 'VRF', 'Master Subnet', 'Customer'],
        ['Customers', '198.51.100.0/24', 'Frankfurt public', 210, 'default', '', '/', ''],
        ['Customers', '198.51.100.0/28', 'web farm', '', 'default', '', '198.51.100.0/24', 'cust-9'],
        ['Customers', 'Servers (folder)', 'Servers', '', '', '', '/', ''],
      ],
    });
    const r = await importInto(env, subnets, { mapping: ['Description=description'] });
    expect(r.sheets[0]!.layout).toBe('phpipam-subnets');
    // VLAN 210 needs a location, which phpIPAM's export does not carry: the row says so.
    expect(r.errors).toEqual([expect.objectContaining({ sheet: 'Subnets', row: 2, column: 'VLAN', code: 'VLAN_NO_LOCATION' })]);
    const fixed = await importInto(env, subnets, { mapping: ['VLAN Domain=location'] });
    expect(fixed.errors).toEqual([]);
    expect(fixed.warnings).toEqual([expect.objectContaining({ row: 4, code: 'SKIPPED' })]);
    expect(one(env, '198.51.100.0/24')).toMatchObject({ vlan: 210, location: 'default', description: 'Frankfurt public' });
    expect(one(env, '198.51.100.0/28')).toMatchObject({ allocation_status: 'allocated', customer: 'cust-9' });

    const addresses = csvFile(dir, 'phpipam_ips.csv', [
      'section,ip,hostname,description,vrf,subnet,mask,mac,owner,device,note,tag,gateway',
      'Customers,198.51.100.3,web3.example.net,web 3,,198.51.100.0/28,28,,ops,,,Used,',
      'Customers,198.51.100.200,,reserved one,,198.51.100.0/24,24,,,,,Reserved,',
      'Customers,198.51.100.201,,dhcp,,198.51.100.0/24,24,,,,,DHCP,',
    ]);
    const r2 = await importInto(env, addresses);
    expect(r2.sheets[0]!.layout).toBe('phpipam-ips');
    expect(r2.errors).toEqual([]);
    expect(env.call('ip.list', {}).ips.map((i) => [i.address, i.subnet, i.rdns, i.description, i.is_unavailable])).toEqual([
      ['198.51.100.3', '198.51.100.0/28', 'web3.example.net', 'web 3', false],
      ['198.51.100.200', '198.51.100.128/25', null, 'reserved one', true],
      ['198.51.100.201', '198.51.100.128/25', null, 'dhcp', true],
    ]);
    expect(env.check()).toEqual([]);
  });
});

describe('statuses and catalog entries', () => {
  it('maps unknown status words through --status-map, and lists the locations, VLANs and customers a dry run would create', async () => {
    env = freshPlan();
    env.call('location.add', { code: 'EU-FRA' });
    const file = csvFile(tempDir(), 's.csv', ['cidr,state,site,vid,customer', '192.0.2.0/24,Free,US-NYC,,', '192.0.2.0/26,in use,,7,c-1', '192.0.2.64/26,spare,EU-FRA,8,']);
    const bad = await importInto(env, file, { dry_run: true });
    expect(bad.errors).toEqual([
      expect.objectContaining({ row: 3, column: 'state', code: 'UNKNOWN_STATUS', message: expect.stringContaining('status "in use" is not known') }),
      expect.objectContaining({ row: 4, column: 'state', code: 'UNKNOWN_STATUS' }),
    ]);
    const r = await importInto(env, file, { dry_run: true, statuses: ['in use=allocated', 'Spare=parked'] });
    expect(r.errors).toEqual([]);
    expect(r.catalog).toEqual({ spaces: [], locations: ['US-NYC'], vlans: [{ location: 'EU-FRA', vid: 8, name: null }, { location: 'US-NYC', vid: 7, name: null }], customers: ['c-1'], devices: [], services: [] });
    expect(r.tree.map((s) => [s.cidr, s.allocation_status])).toEqual([
      ['192.0.2.0/24', 'subdivided'], ['192.0.2.0/25', 'subdivided'], ['192.0.2.0/26', 'allocated'], ['192.0.2.64/26', 'unallocated'], ['192.0.2.128/25', 'unallocated'],
    ]);
    expect(env.call('tree.get', {}).subnets).toEqual([]);
    expect(env.call('location.list', {}).locations.map((l) => l.code)).toEqual(['EU-FRA']);
    const done = await importInto(env, file, { statuses: { 'in use': 'allocated', spare: 'parked' } });
    expect(done.committed).toBe(true);
    expect(one(env, '192.0.2.64/26')).toMatchObject({ is_unavailable: true, vlan: 8, location: 'EU-FRA' });
    expect(one(env, '192.0.2.0/26')).toMatchObject({ customer: 'c-1', vlan: 7, effective_location: 'US-NYC' });
  });
});

describe('row errors', () => {
  it('reports every problem at once, each with sheet, row, column, code and a sentence, and writes nothing', async () => {
    env = freshPlan();
    env.call('customer.add', { id: 'other' });
    env.call('subnet.add', { cidr: '172.16.0.0/16' });
    env.call('allocate.subnet', { cidr: '172.16.9.0/24', customer: 'other' });
    const before = visible(env);
    const file = csvFile(tempDir(), 'bad.csv', [
      'prefix,address,status,vlan,customer,location',
      '10.0.0.0/16,,container,,,EU-FRA',
      '10.0.0.0/24,,allocated,,c1,',
      '10.0.0.0/25,,,,,',
      '10.0.1.0/24,,,,,',
      '10.0.1.0/24,,,,,',
      '10.0.2.1/24,,,,,',
      '10.0.300.0/24,,,,,',
      ',10.0.0.999,,,,',
      ',::ffff:10.0.0.1,,,,',
      ',fe80::1%eth0,,,,',
      ',192.0.2.7/24,,,,',
      '10.0.3.0/24,,,5000,,',
      '10.0.4.0/24,,sold,,,',
      '172.16.9.0/25,,allocated,,mine,',
      '172.16.9.0/24,,allocated,,mine,',
      '10.0.5.0/24,,,web,,',
    ]);
    const r = await importInto(env, file);
    const codes = r.errors.map((e) => [e.row, e.column, e.code]);
    expect(codes).toEqual([
      [4, 'prefix', 'OVERLAP'],
      [6, 'prefix', 'DUPLICATE'],
      [7, 'prefix', 'HOST_BITS_SET'],
      [8, 'prefix', 'INVALID_CIDR'],
      [9, 'address', 'INVALID_ADDRESS'],
      [10, 'address', 'IPV4_MAPPED'],
      [11, 'address', 'ZONE_INDEX'],
      [12, 'address', 'IP_OUTSIDE'],
      [13, 'vlan', 'VLAN_RANGE'],
      [14, 'status', 'UNKNOWN_STATUS'],
      [15, 'prefix', 'OVERLAP'],
      [16, 'customer', 'OVERLAP'],
      [17, 'vlan', 'UNKNOWN_VLAN'],
    ]);
    const by = (row: number) => r.errors.find((e) => e.row === row)!;
    expect(by(4).message).toBe('10.0.0.0/25 lies inside 10.0.0.0/24 (row 3), which is allocated; only free space can be carved');
    expect(by(6).message).toBe('10.0.1.0/24 is already row 5');
    expect(by(7)).toMatchObject({ message: '"10.0.2.1/24" has host bits set; the network is 10.0.2.0/24', suggestion: '10.0.2.0/24' });
    expect(by(10).message).toContain('IPv4-mapped');
    expect(by(11).message).toContain('zone index');
    expect(by(12)).toMatchObject({ suggestion: '192.0.2.0/24', message: expect.stringContaining('192.0.2.7 lies outside every subnet of space global') });
    expect(by(13).message).toBe('VLAN 5000 is out of range: a VLAN ID is 1-4094');
    expect(by(15).message).toContain('allocated to other in the plan');
    expect(by(16).message).toBe('172.16.9.0/24 is allocated to other in the plan, not to mine; release it first');
    expect(by(17).message).toContain('VLAN "web" is not known at EU-FRA');
    expect(r.errors.every((e) => e.sheet === 'bad.csv')).toBe(true);
    expect(r).toMatchObject({ committed: false, failed: 13, batch: null });
    expect(visible(env)).toEqual(before);
  });

  it('offers the covering subnet of an address outside every subnet, and creates it with --create-subnets', async () => {
    env = freshPlan();
    const file = csvFile(tempDir(), 'ips.csv', ['address,description', '192.0.2.10/26,a', '192.0.2.11/26,b', '2001:db8::5,c']);
    const r = await importInto(env, file);
    expect(r.errors.map((e) => [e.code, e.suggestion])).toEqual([['IP_OUTSIDE', '192.0.2.0/26'], ['IP_OUTSIDE', '192.0.2.0/26'], ['IP_OUTSIDE', '2001:db8::/64']]);
    const ok = await importInto(env, file, { create_subnets: true });
    expect(ok.errors).toEqual([]);
    expect(ok.created).toBe(3);
    expect(ok.warnings.map((w) => [w.code, w.message])).toEqual([
      ['SUBNET_CREATED', 'created 192.0.2.0/26 to hold the address of this row'],
      ['SUBNET_CREATED', 'created 2001:db8::/64 to hold the address of this row'],
    ]);
    expect(env.call('ip.list', {}).ips.map((i) => [i.address, i.subnet])).toEqual([['192.0.2.10', '192.0.2.0/26'], ['192.0.2.11', '192.0.2.0/26'], ['2001:db8::5', '2001:db8::/64']]);
    expect(env.check()).toEqual([]);
  });
});

void tree;
