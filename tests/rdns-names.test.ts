import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAddress, parseCidr } from '../shared/cidr';
import {
  addressOfPtrName, classlessCnames, coveringZoneOf, expandIpv6, parseZone, ptrName, ptrNameIn, zoneOf, zonesCovering,
} from '../shared/cidr/reverse';
import { FluxError } from '../shared/errors';
import { retryDelay } from '../electron/rdns/cloudflare';
import { normalizeHostname } from '../electron/rdns/names';
import { parsePattern, renderPattern, type PatternContext } from '../electron/rdns/pattern';
import { pdnsZoneId } from '../electron/rdns/powerdns';
import { checkSecretFile, readSecret, redact } from '../electron/rdns/secret';
import { tempDir } from './support/plan';

const names = (cidr: string, style?: 'slash' | 'dash') => zonesCovering(parseCidr(cidr), style).map((z) => z.name);
const refused = (fn: () => unknown): FluxError => {
  try {
    fn();
  } catch (e) {
    if (e instanceof FluxError) return e;
    throw e;
  }
  throw new Error('expected a refusal');
};

describe('reverse zone naming', () => {
  it('names IPv4 octet zones at /8, /16 and /24', () => {
    expect(names('10.0.0.0/8')).toEqual(['10.in-addr.arpa']);
    expect(names('172.16.0.0/16')).toEqual(['16.172.in-addr.arpa']);
    expect(names('203.0.113.0/24')).toEqual(['113.0.203.in-addr.arpa']);
  });

  it('spreads a prefix between boundaries over the zones of the next boundary: a /23 is two /24 zones, a /12 sixteen /16 zones', () => {
    expect(names('192.0.2.0/23')).toEqual(['2.0.192.in-addr.arpa', '3.0.192.in-addr.arpa']);
    const twelve = names('172.16.0.0/12');
    expect(twelve).toHaveLength(16);
    expect(twelve[0]).toBe('16.172.in-addr.arpa');
    expect(twelve[15]).toBe('31.172.in-addr.arpa');
  });

  it('gives prefixes longer than /24 an RFC 2317 classless zone in either label style', () => {
    expect(names('192.0.2.128/25')).toEqual(['128/25.2.0.192.in-addr.arpa']);
    expect(names('192.0.2.128/25', 'dash')).toEqual(['128-255.2.0.192.in-addr.arpa']);
    expect(names('198.51.100.64/26')).toEqual(['64/26.100.51.198.in-addr.arpa']);
    expect(names('198.51.100.64/26', 'dash')).toEqual(['64-127.100.51.198.in-addr.arpa']);
    expect(names('192.0.2.4/31')).toEqual(['4/31.2.0.192.in-addr.arpa']);
    expect(names('192.0.2.4/31', 'dash')).toEqual(['4-5.2.0.192.in-addr.arpa']);
  });

  it('puts a /32 in its /24 zone and refuses to make it a zone of its own', () => {
    expect(names('192.0.2.5/32')).toEqual(['2.0.192.in-addr.arpa']);
    expect(refused(() => zoneOf(parseCidr('192.0.2.5/32'))).message).toContain('its PTR lives in the /24 zone 2.0.192.in-addr.arpa');
  });

  it('names PTRs in the natural tree and inside classless zones, and lists the CNAMEs the parent /24 needs', () => {
    expect(ptrName(parseAddress('203.0.113.5'))).toBe('5.113.0.203.in-addr.arpa');
    const zone = zoneOf(parseCidr('198.51.100.64/26'));
    expect(ptrNameIn(parseAddress('198.51.100.65'), zone)).toBe('65.64/26.100.51.198.in-addr.arpa');
    const cnames = classlessCnames(zone);
    expect(cnames).toHaveLength(64);
    expect(cnames[1]).toEqual({ name: '65.100.51.198.in-addr.arpa', target: '65.64/26.100.51.198.in-addr.arpa' });
    expect(classlessCnames(zoneOf(parseCidr('198.51.100.64/26'), 'dash'))[0]).toEqual({ name: '64.100.51.198.in-addr.arpa', target: '64.64-127.100.51.198.in-addr.arpa' });
    expect(refused(() => ptrNameIn(parseAddress('198.51.100.1'), zone)).code).toBe('OUT_OF_SCOPE');
  });

  it('builds IPv6 names from the fully expanded address, whatever form it was written in', () => {
    const want = '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa';
    for (const text of ['2001:db8::1', '2001:DB8::1', '2001:0DB8:0000:0000:0000:0000:0000:0001', '2001:db8:0:0::0:1']) {
      expect(ptrName(parseAddress(text))).toBe(want);
    }
    expect(expandIpv6(parseAddress('2001:DB8::1').value)).toBe('2001:0db8:0000:0000:0000:0000:0000:0001');
    expect(names('2001:DB8::/32')).toEqual(['8.b.d.0.1.0.0.2.ip6.arpa']);
    expect(names('2001:db8:1::/48')).toEqual(['1.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa']);
  });

  it('spreads non-nibble IPv6 prefixes over the nibble zones below: a /47 is two /48 zones, a /62 four /64 zones', () => {
    expect(names('2001:db8::/47')).toEqual(['0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa', '1.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa']);
    expect(names('2001:db8:0:4::/62')).toEqual([4, 5, 6, 7].map((n) => `${n}.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa`));
    expect(coveringZoneOf(parseCidr('2001:db8::/47'), parseAddress('2001:db8:1::5')).name).toBe('1.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa');
    expect(refused(() => zoneOf(parseCidr('2001:db8::/47'))).message).toContain('multiples of 4 bits');
  });

  it('reads zones back from their names or CIDRs, refusing what is no zone', () => {
    expect(parseZone('113.0.203.IN-ADDR.ARPA.')).toMatchObject({ name: '113.0.203.in-addr.arpa', kind: 'octet' });
    expect(parseZone('64-127.100.51.198.in-addr.arpa')).toMatchObject({ kind: 'classless', style: 'dash', prefix: parseCidr('198.51.100.64/26') });
    expect(parseZone('64/26.100.51.198.in-addr.arpa').style).toBe('slash');
    expect(parseZone('1.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa').prefix).toEqual(parseCidr('2001:db8:1::/48'));
    expect(parseZone('198.51.100.64/26', 'dash').name).toBe('64-127.100.51.198.in-addr.arpa');
    expect(refused(() => parseZone('65/26.100.51.198.in-addr.arpa')).message).toContain('not an aligned block');
    expect(refused(() => parseZone('256.0.203.in-addr.arpa')).message).toContain('"256" is not an octet');
    expect(refused(() => parseZone('example.net')).code).toBe('INVALID_ARGUMENT');
    expect(refused(() => parseZone('203.0.113.0/23')).code).toBe('HOST_BITS_SET');
  });

  it('turns PTR owner names back into addresses', () => {
    expect(addressOfPtrName('65.64/26.100.51.198.in-addr.arpa.')).toEqual(parseAddress('198.51.100.65'));
    expect(addressOfPtrName(ptrName(parseAddress('2001:db8::1')))).toEqual(parseAddress('2001:db8::1'));
    expect(addressOfPtrName('113.0.203.in-addr.arpa')).toBeNull();
  });

  it('encodes PowerDNS zone ids: trailing dot, "/" as =2F', () => {
    expect(pdnsZoneId('64/26.100.51.198.in-addr.arpa')).toBe('64=2F26.100.51.198.in-addr.arpa.');
    expect(pdnsZoneId('113.0.203.in-addr.arpa.')).toBe('113.0.203.in-addr.arpa.');
  });
});

describe('host names', () => {
  it('normalizes case and the trailing dot, and stores internationalized names as punycode', () => {
    expect(normalizeHostname('Web1.Example.NET.')).toBe('web1.example.net');
    expect(normalizeHostname('bücher.example')).toBe('xn--bcher-kva.example');
    expect(normalizeHostname('mail.straße.de')).toBe('mail.xn--strae-oqa.de');
    expect(normalizeHostname(`${'a'.repeat(63)}.example.net`)).toHaveLength(75);
  });

  it('refuses what is no host name, naming the problem and where it came from', () => {
    const cases: Array<[string, string]> = [
      ['bad_name.example.net', 'the label "bad_name" contains "_"'],
      ['-edge.example.net', 'starts or ends with a hyphen'],
      ['a..example.net', 'empty label'],
      [`${'a'.repeat(64)}.example.net`, 'a label has at most 63'],
      [`${'abcdefghi.'.repeat(26)}net`, 'a host name has at most 253'],
      ['localhost', 'fully qualified'],
      ['203.0.113.5', 'all digits'],
      ['host name.example.net', 'contains " "'],
      ['', 'the name is empty'],
    ];
    for (const [input, why] of cases) {
      const e = refused(() => normalizeHostname(input, '203.0.113.5'));
      expect(e.code).toBe('INVALID_ARGUMENT');
      expect(e.message).toContain(why);
      expect(e.message.startsWith('203.0.113.5: ')).toBe(true);
    }
  });
});

describe('patterns', () => {
  const ctx = (address: string, extra: Partial<PatternContext> = {}): PatternContext => ({
    address: parseAddress(address), addressText: address, location: 'EU-FRA', vlan: 102, customer: 'cust-7421', service: null, device: 'srv-1', space: 'global', ...extra,
  });

  it('fills placeholders from the address and its links', () => {
    expect(renderPattern(parsePattern('{ip-dashed}.static.example.net'), ctx('203.0.113.5'))).toBe('203-0-113-5.static.example.net');
    expect(renderPattern(parsePattern('host-{last-octet}.{location}.example.net'), ctx('203.0.113.5'))).toBe('host-5.eu-fra.example.net');
    expect(renderPattern(parsePattern('{ip-dashed}.v6.example.net'), ctx('2001:db8::1'))).toBe('2001-db8-0-0-0-0-0-1.v6.example.net');
    expect(renderPattern(parsePattern('h{ip-hex}.example.net'), ctx('203.0.113.5'))).toBe('hcb007105.example.net');
    expect(renderPattern(parsePattern('{device}.{customer}.vlan{vlan}.example.net'), ctx('203.0.113.5'))).toBe('srv-1.cust-7421.vlan102.example.net');
    expect(renderPattern(parsePattern('x{last-hextet}.{octet1}.example.net'), ctx('203.0.113.5'))).toBe('x7105.203.example.net');
  });

  it('refuses unknown placeholders, unbalanced braces and patterns without a placeholder', () => {
    expect(refused(() => parsePattern('{ip}.example.net')).message).toContain('unknown placeholder {ip} at character 1');
    expect(refused(() => parsePattern('{ip-dashed.example.net')).message).toContain('unbalanced "{"');
    expect(refused(() => parsePattern('static.example.net')).message).toContain('no placeholder');
  });

  it('names the address and placeholder that cannot be filled, and validates the result', () => {
    expect(refused(() => renderPattern(parsePattern('{service}.example.net'), ctx('203.0.113.5'))).message).toBe('203.0.113.5: {service} has no value (it is linked to no service)');
    expect(refused(() => renderPattern(parsePattern('{octet4}.example.net'), ctx('2001:db8::1'))).message).toContain('not an IPv4 address');
    expect(refused(() => renderPattern(parsePattern('{location}_x.example.net'), ctx('203.0.113.5'))).message).toContain('203.0.113.5: "eu-fra_x.example.net" is not a valid host name');
  });
});

describe('secret files', () => {
  it('are read only when their owner alone may read them', () => {
    const file = join(tempDir(), 'pdns.key');
    writeFileSync(file, 'k3y-value\n');
    chmodSync(file, 0o644);
    const e = refused(() => readSecret(file));
    expect(e.message).toBe(`secret file ${file} is readable by others (mode 0644); only its owner may read it: chmod 600 ${file}`);
    chmodSync(file, 0o640);
    expect(refused(() => checkSecretFile(file)).message).toContain('mode 0640');
    chmodSync(file, 0o600);
    expect(readSecret(file)).toBe('k3y-value');
    chmodSync(file, 0o400);
    expect(readSecret(file)).toBe('k3y-value');
    expect(refused(() => readSecret(join(tempDir(), 'missing.key'))).message).toContain('it does not exist');
  });

  it('never show up in messages', () => {
    expect(redact('401: bad key k3y-value given', 'k3y-value')).toBe('401: bad key *** given');
  });
});

describe('Cloudflare 429 backoff', () => {
  it('waits as Retry-After says (seconds or a date), else doubles from 1 s, capped at a minute', () => {
    expect(retryDelay({ headers: { 'retry-after': '2' } }, 0)).toBe(2000);
    expect(retryDelay({ headers: { 'retry-after': new Date(10_000).toUTCString() } }, 0, 7_000)).toBe(3000);
    expect(retryDelay({ headers: {} }, 0)).toBe(1000);
    expect(retryDelay({ headers: {} }, 3)).toBe(8000);
    expect(retryDelay({ headers: { 'retry-after': '3600' } }, 0)).toBe(60_000);
  });
});
