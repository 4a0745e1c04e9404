import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { main, type Io } from '../electron/cli/main';
import { freshPlan, tempDir } from './support/plan';

type Env = ReturnType<typeof freshPlan>;
let env: Env;
afterEach(() => env?.plan.close());

/** EU-FRA with an IPv4 pool, a customer's allocated /29, a classless root /26 and an IPv6 /48 with a pool. */
function rdnsPlan(): Env {
  env = freshPlan();
  const { call } = env;
  call('location.add', { code: 'EU-FRA' });
  call('customer.add', { id: 'cust-1' });
  call('subnet.add', { cidr: '203.0.113.0/24', location: 'EU-FRA' });
  call('subnet.add', { cidr: '203.0.113.0/28', ip_pool: true });
  for (let i = 0; i < 3; i++) call('allocate.ip', { family: 4, customer: 'cust-1' });
  call('subnet.add', { cidr: '198.51.100.64/26', ip_pool: true });
  call('allocate.ip', { family: 4, address: '198.51.100.65' });
  call('subnet.add', { cidr: '2001:db8:1::/48', location: 'EU-FRA' });
  call('subnet.add', { cidr: '2001:db8:1::/64', ip_pool: true });
  call('allocate.ip', { family: 6, address: '2001:DB8:1::10' });
  return env;
}

const rdnsOf = (e: Env) => Object.fromEntries(e.call('ip.list', {}).ips.map((i) => [i.address, i.rdns]));

function secretFile(mode: number, value = 'test-key'): string {
  const file = join(tempDir(), 'api.key');
  writeFileSync(file, `${value}\n`);
  chmodSync(file, mode);
  return file;
}

describe('rdns set', () => {
  it('sets, normalizes and clears a PTR name through the journal (undo restores it)', async () => {
    const e = rdnsPlan();
    const r = e.call('rdns.set', { address: '203.0.113.1', name: 'Web1.Example.NET.' });
    expect(r).toMatchObject({ address: '203.0.113.1', rdns: 'web1.example.net', previous: null });
    expect(r.ip?.customer).toBe('cust-1');
    e.call('rdns.set', { address: '2001:DB8:1:0::10', name: 'bücher.example' });
    expect(rdnsOf(e)['2001:db8:1::10']).toBe('xn--bcher-kva.example');
    const cleared = e.call('rdns.set', { address: '203.0.113.1', name: '' });
    expect(cleared).toMatchObject({ rdns: null, previous: 'web1.example.net' });
    expect(e.call('journal.list', {}).batches[0]!.label).toBe('rdns 203.0.113.1 (cleared)');
    e.call('journal.undo', {});
    expect(rdnsOf(e)['203.0.113.1']).toBe('web1.example.net');
    expect(e.check()).toEqual([]);
  });

  it('refuses a bad name or an address without a record, changing nothing', async () => {
    const e = rdnsPlan();
    const before = e.call('ip.list', {});
    const journal = e.call('journal.list', {});
    expect(e.refuse('rdns.set', { address: '203.0.113.1', name: 'bad_name.example.net' })).toMatchObject({
      code: 'INVALID_ARGUMENT',
      message: '203.0.113.1: "bad_name.example.net" is not a valid host name: the label "bad_name" contains "_"; labels hold only letters, digits and hyphens',
    });
    expect(e.refuse('rdns.set', { address: '203.0.113.9', name: 'x.example.net' }).message).toContain('203.0.113.9 has no IP record and 203.0.113.0/28 is not allocated');
    expect(e.refuse('rdns.set', { address: '203.0.113.300', name: 'x.example.net' }).code).toBe('INVALID_ADDRESS');
    expect(e.call('ip.list', {})).toEqual(before);
    expect(e.call('journal.list', {})).toEqual(journal);
  });

  it('names an address inside an allocated subnet by giving it a record', async () => {
    const e = rdnsPlan();
    e.call('allocate.subnet', { family: 4, prefix: 29, customer: 'cust-1' });
    const r = e.call('rdns.set', { address: '203.0.113.17', name: 'cust.example.net' });
    expect(r.ip).toMatchObject({ address: '203.0.113.17', subnet: '203.0.113.16/29', rdns: 'cust.example.net' });
    expect(e.check()).toEqual([]);
  });
});

describe('rdns pattern', () => {
  it('previews, then fills every record of the subnet in one undoable step', async () => {
    const e = rdnsPlan();
    e.call('rdns.set', { address: '203.0.113.2', name: 'keep.example.net' });
    const preview = e.call('rdns.pattern', { cidr: '203.0.113.0/24', pattern: 'host-{last-octet}.{location}.example.net', dry_run: true });
    expect(preview.changes).toEqual([
      { address: '203.0.113.1', from: null, to: 'host-1.eu-fra.example.net' },
      { address: '203.0.113.2', from: 'keep.example.net', to: 'host-2.eu-fra.example.net' },
      { address: '203.0.113.3', from: null, to: 'host-3.eu-fra.example.net' },
    ]);
    expect(rdnsOf(e)['203.0.113.1']).toBeNull();
    const only = e.call('rdns.pattern', { cidr: '203.0.113.0/24', pattern: '{ip-dashed}.static.example.net', only_empty: true });
    expect(only.changes.map((c) => c.address)).toEqual(['203.0.113.1', '203.0.113.3']);
    expect(only.unchanged).toBe(1);
    expect(rdnsOf(e)).toMatchObject({ '203.0.113.1': '203-0-113-1.static.example.net', '203.0.113.2': 'keep.example.net' });
    e.call('journal.undo', {});
    expect(rdnsOf(e)['203.0.113.1']).toBeNull();
  });

  it('refuses the whole fill when one address cannot be named, listing which', async () => {
    const e = rdnsPlan();
    const before = e.call('ip.list', {});
    const err = e.refuse('rdns.pattern', { cidr: '2001:db8:1::/48', pattern: 'h{octet4}.example.net' });
    expect(err.message).toBe('pattern "h{octet4}.example.net" cannot name 1 address in 2001:db8:1::/48, so nothing was changed: 2001:db8:1::10: {octet4} has no value (it is not an IPv4 address)');
    expect(e.refuse('rdns.pattern', { cidr: '203.0.113.0/24', pattern: '{customer}.{service}.example.net' }).message).toContain('cannot name 3 addresses');
    expect(e.refuse('rdns.pattern', { cidr: '10.0.0.0/8', pattern: '{ip-dashed}.example.net' }).code).toBe('NOT_FOUND');
    expect(e.call('ip.list', {})).toEqual(before);
  });
});

describe('reverse zones', () => {
  it('derives zones from the roots and lets the planner declare more, listing the CNAMEs a classless zone needs', async () => {
    const e = rdnsPlan();
    e.call('rdns.set', { address: '198.51.100.65', name: 'a.example.net' });
    expect(e.call('rdns.zone.list', {}).zones.map((z) => [z.name, z.kind, z.declared, z.ptrs])).toEqual([
      ['64/26.100.51.198.in-addr.arpa', 'classless', false, 1],
      ['113.0.203.in-addr.arpa', 'octet', false, 0],
      ['1.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa', 'nibble', false, 0],
    ]);
    const z = e.call('rdns.zone.add', { zone: '198.51.100.64/26', style: 'dash' }).zone;
    expect(z).toMatchObject({ name: '64-127.100.51.198.in-addr.arpa', declared: true, parent: '100.51.198.in-addr.arpa', ptrs: 1 });
    expect(z.cnames[1]).toEqual({ name: '65.100.51.198.in-addr.arpa', target: '65.64-127.100.51.198.in-addr.arpa' });
    expect(e.refuse('rdns.zone.add', { zone: '64-127.100.51.198.in-addr.arpa' }).code).toBe('EXISTS');
    expect(e.refuse('rdns.zone.add', { zone: '203.0.113.0/24', style: 'dash' }).message).toContain('--style applies to RFC 2317 classless zones');
    expect(e.refuse('rdns.zone.add', { zone: '203.0.113.0/23' }).code).toBe('HOST_BITS_SET');
    expect(e.check()).toEqual([]);
    e.call('journal.undo', {});
    expect(e.call('rdns.zone.list', {}).zones.every((x) => !x.declared)).toBe(true);
  });

  it('exports BIND zone files with SOA and NS from the settings, CNAMEs and delegation in the parent of a classless zone', async () => {
    const e = rdnsPlan();
    e.call('rdns.set', { address: '203.0.113.1', name: 'web1.example.net' });
    expect(e.refuse('rdns.zone.file', { zone: '113.0.203.in-addr.arpa' }).message).toContain('rdns settings set --ns');
    e.call('rdns.settings.set', { ns: ['ns1.example.net', 'NS2.example.net.'], soa_rname: 'hostmaster@example.net', ttl: 7200 });
    e.call('subnet.add', { cidr: '192.0.2.0/24' });
    e.call('subnet.add', { cidr: '192.0.2.128/25', ip_pool: true });
    e.call('allocate.ip', { family: 4, address: '192.0.2.130' });
    e.call('rdns.set', { address: '192.0.2.130', name: 'b.example.net' });
    e.call('rdns.zone.add', { zone: '192.0.2.128/25' });
    const parent = e.call('rdns.zone.file', { zone: '2.0.192.in-addr.arpa' }).text;
    expect(parent).toContain('$ORIGIN 2.0.192.in-addr.arpa.\n$TTL 7200\n');
    expect(parent).toMatch(/@\tIN\tSOA\tns1\.example\.net\. hostmaster\.example\.net\. \d+ 10800 3600 604800 3600/);
    expect(parent).toContain('@\tIN\tNS\tns2.example.net.');
    expect(parent).toContain('128/25\tIN\tNS\tns1.example.net.');
    expect(parent).toContain('130\tIN\tCNAME\t130.128/25.2.0.192.in-addr.arpa.');
    expect(parent.match(/CNAME/g)).toHaveLength(128);
    expect(parent).not.toContain('PTR\tb.example.net');
    const child = e.call('rdns.zone.file', { zone: '128/25.2.0.192.in-addr.arpa' }).text;
    expect(child).toContain('130\tIN\tPTR\tb.example.net.');
    expect(child).toContain('; RFC 2317: the parent zone 2.0.192.in-addr.arpa must delegate this zone');
    expect(e.call('rdns.zone.file', { zone: '203.0.113.0/24' }).text).toContain('1\tIN\tPTR\tweb1.example.net.');
    expect(e.refuse('rdns.zone.file', { zone: '10.in-addr.arpa' }).message).toContain('neither declared nor derived');
  });
});

describe('providers', () => {
  it('validate their settings and their secret file, and are journaled without secrets', async () => {
    const e = rdnsPlan();
    const loose = secretFile(0o644, 'super-secret-key');
    const before = e.call('journal.list', {});
    expect(e.refuse('rdns.provider.add', { name: 'pdns', type: 'powerdns', url: 'http://127.0.0.1:8081', secret_file: loose }).message).toBe(
      `secret file ${loose} is readable by others (mode 0644); only its owner may read it: chmod 600 ${loose}`,
    );
    expect(e.refuse('rdns.provider.add', { name: 'pdns', type: 'powerdns' }).message).toContain('needs --url');
    expect(e.refuse('rdns.provider.add', { name: 'int', type: 'internal', url: 'http://x' }).message).toContain('takes no --url');
    expect(e.refuse('rdns.provider.add', { name: 'cf', type: 'cloudflare', create_zones: true }).message).toContain('--create-zones applies to PowerDNS only');
    expect(e.refuse('rdns.provider.add', { name: 'cf', type: 'cloudflare', zone_ids: ['example.net=abc'] }).message).toContain('--zone-id "example.net=abc"');
    expect(e.refuse('rdns.provider.add', { name: 'x', type: 'bind' as never }).message).toContain('type is internal, powerdns or cloudflare');
    expect(e.call('journal.list', {})).toEqual(before);

    const key = secretFile(0o600, 'super-secret-key');
    const p = e.call('rdns.provider.add', { name: 'cf', type: 'cloudflare', zone_ids: ['113.0.203.IN-ADDR.ARPA=023e105f4ecef8ad9ca31a8372d0c353'], secret_file: key }).provider;
    expect(p).toMatchObject({ type: 'cloudflare', url: 'https://api.cloudflare.com/client/v4', zone_ids: { '113.0.203.in-addr.arpa': '023e105f4ecef8ad9ca31a8372d0c353' }, secret_file: key });
    e.call('rdns.provider.add', { name: 'internal', type: 'internal' });
    const journalText = JSON.stringify(e.plan.sqlite.prepare('SELECT * FROM journal_records').all());
    expect(journalText).toContain('rdns_provider');
    expect(journalText).not.toContain('super-secret-key');
    expect(JSON.stringify(e.call('rdns.provider.list', {}))).not.toContain('super-secret-key');
    expect(e.check()).toEqual([]);
    e.call('journal.undo', {});
    e.call('journal.undo', {});
    expect(e.call('rdns.provider.list', {}).providers).toEqual([]);
    e.call('journal.redo', {});
    expect(e.call('rdns.provider.list', {}).providers.map((x) => x.name)).toEqual(['cf']);
    expect(e.check()).toEqual([]);
  });

  it('count pending PTRs per provider offline; a declared zone binds it to one provider', async () => {
    const e = rdnsPlan();
    const key = secretFile(0o600);
    e.call('rdns.provider.add', { name: 'pdns', type: 'powerdns', url: 'http://127.0.0.1:1', secret_file: key });
    e.call('rdns.provider.add', { name: 'cf', type: 'cloudflare', url: 'http://127.0.0.1:1', secret_file: key });
    e.call('rdns.provider.add', { name: 'internal', type: 'internal' });
    e.call('rdns.pattern', { cidr: '203.0.113.0/24', pattern: '{ip-dashed}.static.example.net' });
    e.call('rdns.set', { address: '2001:db8:1::10', name: 'v6.example.net' });
    const pending = e.call('rdns.pending', {}).providers;
    expect(pending.map((p) => [p.provider, p.pending])).toEqual([['cf', 4], ['internal', 0], ['pdns', 4]]);
    e.call('rdns.zone.add', { zone: '2001:db8:1::/48', provider: 'cf' });
    const after = Object.fromEntries(e.call('rdns.pending', {}).providers.map((p) => [p.provider, p]));
    expect(after.cf!.zones).toEqual([{ zone: '1.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa', create: 1, change: 0, delete: 0 }]);
    expect(after.pdns!.zones).toEqual([{ zone: '113.0.203.in-addr.arpa', create: 3, change: 0, delete: 0 }]);
    expect(e.call('rdns.provider.list', {}).providers.map((p) => [p.name, p.pending, p.zones])).toEqual([
      ['cf', 1, ['1.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa']], ['internal', 0, []], ['pdns', 3, []],
    ]);
    expect(e.call('rdns.zone.list', { provider: 'pdns' }).zones.map((z) => z.name)).toEqual(['64/26.100.51.198.in-addr.arpa', '113.0.203.in-addr.arpa']);
    expect(e.refuse('rdns.provider.remove', { name: 'cf' }).code).toBe('CONFLICT');
    expect((await e.refuseAsync('rdns.push', { provider: 'internal' })).message).toContain('is internal');
  });
});

describe('rdns on the command line', () => {
  async function cli(argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const io: Io = { out: (t) => out.push(t), err: (t) => err.push(t), lines: async function* () {} };
    const code = await main(argv, io, {});
    return { code, out: out.join('\n'), err: err.join('\n') };
  }

  it('keeps the documented words and flags', async () => {
    const db = join(tempDir(), 'plan.sqlite');
    const run = (...a: string[]) => cli(['--db', db, ...a]);
    await run('location', 'add', 'EU-FRA');
    await run('subnet', 'add', '203.0.113.0/24', '--location', 'EU-FRA');
    await run('subnet', 'add', '203.0.113.0/28', '--ip-pool');
    await run('allocate', 'ip');
    await run('allocate', 'ip');
    expect(await run('rdns', 'set', '203.0.113.1', 'web1.example.net')).toMatchObject({ code: 0, out: '203.0.113.1 -> web1.example.net' });
    const preview = await run('rdns', 'pattern', '203.0.113.0/24', 'host-{last-octet}.{location}.example.net', '--dry-run', '--json');
    expect(JSON.parse(preview.out)).toMatchObject({ dry_run: true, changes: [{ address: '203.0.113.1', to: 'host-1.eu-fra.example.net' }, { address: '203.0.113.2' }] });
    expect((await run('rdns', 'set', '203.0.113.2', '')).out).toBe('Cleared the PTR name of 203.0.113.2');
    const loose = secretFile(0o644);
    const refused = await run('rdns', 'provider', 'add', 'pdns', '--type', 'powerdns', '--url', 'http://127.0.0.1:8081', '--secret-file', loose, '--json');
    expect(refused.code).toBe(1);
    expect(JSON.parse(refused.out).error.message).toContain('chmod 600');
    const key = secretFile(0o600);
    const added = await run('rdns', 'provider', 'add', 'cf', '--type', 'cloudflare', '--zone-id', '113.0.203.in-addr.arpa=abc123', '--zone-id', '1.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa=def456', '--secret-file', key);
    expect(added).toMatchObject({ code: 0, out: 'Added rDNS provider cf (cloudflare at https://api.cloudflare.com/client/v4)' });
    expect((await run('rdns', 'pending')).out).toBe('cf (cloudflare): 1 record pending (1 to create, 0 to change, 0 to delete)\n  113.0.203.in-addr.arpa: +1 ~0 -0');
    await run('rdns', 'settings', 'set', '--ns', 'ns1.example.net', '--hostmaster', 'hostmaster@example.net');
    const file = await run('rdns', 'zone-file', '113.0.203.in-addr.arpa');
    expect(file.out).toContain('1\tIN\tPTR\tweb1.example.net.');
    expect((await run('rdns', 'zone', 'add', '203.0.113.64/26', '--style', 'dash')).out).toContain('the parent zone 113.0.203.in-addr.arpa needs NS records for it and 64 CNAMEs');
    expect((await run('rdns', 'zone', 'list')).out).toContain('64-127.113.0.203.in-addr.arpa  203.0.113.64/26  classless  declared');
    expect((await run('rdns', 'provider', 'list', '--json')).out).toContain('"zone_ids":{"113.0.203.in-addr.arpa":"abc123"');
    expect((await run('rdns', 'push', '--provider', 'nope')).code).toBe(1);
  });
});
