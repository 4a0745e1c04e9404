import fc from 'fast-check';
import { IPv6, Validator } from 'ip-num';
import { describe, expect, it } from 'vitest';
import {
  addressKey,
  containsAddress,
  containsPrefix,
  formatAddress,
  formatCidr,
  halves,
  keyValue,
  netmaskLength,
  parseAddress,
  parseCidr,
  usableRange,
  type Prefix,
} from '../shared/cidr';
import { FluxError } from '../shared/errors';

/** The FluxError a function throws (fails the test if it returns). */
function thrown(fn: () => unknown): FluxError {
  try {
    fn();
  } catch (e) {
    if (e instanceof FluxError) return e;
    throw e;
  }
  throw new Error('expected a FluxError');
}

const cidr = (text: string) => formatCidr(parseCidr(text));
const address = (text: string) => {
  const a = parseAddress(text);
  return formatAddress(a.version, a.value);
};

/** RFC 5952 written out independently: hex without leading zeros, longest run (2+) of zero fields as ::, first on a tie. */
function rfc5952(value: bigint): string {
  const fields = Array.from({ length: 8 }, (_, i) => Number((value >> BigInt(112 - 16 * i)) & 0xffffn));
  let bestStart = -1;
  let bestLen = 1;
  for (let i = 0; i < 8; ) {
    if (fields[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && fields[j] === 0) j++;
    if (j - i > bestLen) [bestStart, bestLen] = [i, j - i];
    i = j;
  }
  const hex = fields.map((f) => f.toString(16));
  if (bestStart < 0) return hex.join(':');
  return `${hex.slice(0, bestStart).join(':')}::${hex.slice(bestStart + bestLen).join(':')}`;
}

describe('parsing any valid form into canonical text', () => {
  it.each([
    ['10.0.0.0/8', '10.0.0.0/8'],
    [' 192.0.2.0/24 ', '192.0.2.0/24'],
    ['0.0.0.0/0', '0.0.0.0/0'],
    ['203.0.113.7/32', '203.0.113.7/32'],
    ['2001:DB8::/32', '2001:db8::/32'],
    ['2001:0db8:0000:0000:0000:0000:0000:0000/32', '2001:db8::/32'],
    ['2001:db8:0:0:1::/80', '2001:db8:0:0:1::/80'],
    ['::/0', '::/0'],
    ['0:0:0:0:0:0:0:1/128', '::1/128'],
    ['64:ff9b::192.0.2.33/128', '64:ff9b::c000:221/128'],
  ])('%s reads as %s', (input, canonical) => {
    expect(cidr(input)).toBe(canonical);
  });

  it('reads the prefix length and family', () => {
    expect(parseCidr('198.51.100.0/24')).toEqual({ version: 4, net: 0xc6336400n, len: 24 });
    expect(parseCidr('2001:db8::/48')).toEqual({ version: 6, net: 0x20010db8n << 96n, len: 48 });
  });

  it('needs a prefix length unless a bare address is allowed, which is then a full-length prefix', () => {
    expect(thrown(() => parseCidr('10.0.0.1')).code).toBe('INVALID_CIDR');
    expect(formatCidr(parseCidr('10.0.0.1', { allowBareAddress: true }))).toBe('10.0.0.1/32');
    expect(formatCidr(parseCidr('2001:DB8::1', { allowBareAddress: true }))).toBe('2001:db8::1/128');
  });

  it('round-trips every IPv4 value and every IPv6 value outside the IPv4-mapped range', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 32n - 1n }), (v) => {
        const text = formatAddress(4, v);
        expect(text).toMatch(/^(\d{1,3}\.){3}\d{1,3}$/);
        expect(parseAddress(text)).toEqual({ version: 4, value: v });
      }),
    );
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 128n - 1n }).filter((v) => v >> 32n !== 0xffffn), (v) => {
        expect(parseAddress(formatAddress(6, v))).toEqual({ version: 6, value: v });
        expect(parseAddress(formatAddress(6, v).toUpperCase())).toEqual({ version: 6, value: v });
      }),
    );
  });
});

describe('RFC 5952 output', () => {
  it.each([
    ['2001:0DB8:0000:0000:0000:0000:0000:0001', '2001:db8::1'],
    ['2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['0:0:1:0:0:1:0:0', '::1:0:0:1:0:0'],
    ['2001:0:0:1:0:0:0:1', '2001:0:0:1::1'],
    ['2001:db8:0:1:1:1:1:1', '2001:db8:0:1:1:1:1:1'],
    ['1:2:3:4:5:6:7::', '1:2:3:4:5:6:7:0'],
    ['::2:3:4:5:6:7:8', '0:2:3:4:5:6:7:8'],
    ['0:0:0:0:0:0:0:0', '::'],
    ['1:0:0:0:0:0:0:0', '1::'],
    ['ABCD:EF01::', 'abcd:ef01::'],
    ['fe80:0:0:0:0200:5eff:fe00:5301', 'fe80::200:5eff:fe00:5301'],
  ])('%s is written %s', (input, expected) => {
    expect(address(input)).toBe(expected);
  });

  it('compresses the longest zero run, the first on a tie, never a single field, in lower case', () => {
    // Biased toward zero fields so that runs, ties and single zeros are common.
    const field = fc.oneof(fc.constant(0), fc.constant(0), fc.integer({ min: 1, max: 0xffff }));
    const value = fc.array(field, { minLength: 8, maxLength: 8 }).map((fs) => fs.reduce((v, f) => (v << 16n) | BigInt(f), 0n));
    fc.assert(
      fc.property(
        value.filter((v) => v >> 32n !== 0xffffn),
        (v) => {
          const text = formatAddress(6, v);
          expect(text).toBe(rfc5952(v));
          expect(text).toBe(text.toLowerCase());
          expect(text.split('::').length).toBeLessThanOrEqual(2);
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('IPv4 with leading zeros', () => {
  it('reads every part as decimal, never octal', () => {
    expect(address('010.001.000.009')).toBe('10.1.0.9');
    expect(address('192.168.010.077')).toBe('192.168.10.77');
    expect(cidr('010.000.000.000/8')).toBe('10.0.0.0/8');
  });

  it.each(['1.2.3', '1.2.3.4.5', '256.1.1.1', '0x1.2.3.4', '1.2.3.-4', '1.2.3.0004', ''])('refuses %j as INVALID_ADDRESS', (text) => {
    expect(thrown(() => parseAddress(text)).code).toBe('INVALID_ADDRESS');
  });
});

describe('IPv6 forms FluxPlan does not store', () => {
  it.each(['::ffff:192.0.2.1', '::ffff:c000:201', '0:0:0:0:0:ffff:a00:1', '::ffff:0:0'])('refuses the IPv4-mapped address %s', (text) => {
    const e = thrown(() => parseAddress(text));
    expect(e.code).toBe('INVALID_ADDRESS');
    expect(e.message).toMatch(/IPv4-mapped/);
  });

  it('still reads the neighbours of the mapped range', () => {
    expect(address('::fffe:0:0')).toBe('::fffe:0:0');
    expect(address('::1:0:0:0')).toBe('::1:0:0:0');
  });

  it.each(['fe80::1%eth0', 'fe80::1%1', 'FE80::%en0'])('refuses the zone-suffixed address %s', (text) => {
    const e = thrown(() => parseAddress(text));
    expect(e.code).toBe('INVALID_ADDRESS');
    expect(e.message).toMatch(/zone/);
  });

  it('refuses them inside a CIDR too, with the reason in the message', () => {
    const mapped = thrown(() => parseCidr('::ffff:10.0.0.0/104'));
    expect(mapped.code).toBe('INVALID_CIDR');
    expect(mapped.message).toMatch(/IPv4-mapped/);
    const zoned = thrown(() => parseCidr('fe80::%eth0/64'));
    expect(zoned.code).toBe('INVALID_CIDR');
    expect(zoned.message).toMatch(/zone/);
  });

  it.each(['1:2:3:4:5:6:7:8:9', '::1::', '12345::', 'g::1', ':::'])('refuses the malformed address %s', (text) => {
    expect(thrown(() => parseAddress(text)).code).toBe('INVALID_ADDRESS');
  });
});

describe('host bits', () => {
  it.each([
    ['10.0.0.1/8', '10.0.0.0/8'],
    ['192.0.2.130/25', '192.0.2.128/25'],
    ['2001:db8::1/32', '2001:db8::/32'],
    ['2001:DB8:0:0:0:0:0:FF/120', '2001:db8::/120'],
    ['2001:db8:1:2:3::/48', '2001:db8:1::/48'],
  ])('%s is refused with HOST_BITS_SET suggesting %s', (input, suggestion) => {
    const e = thrown(() => parseCidr(input));
    expect(e.code).toBe('HOST_BITS_SET');
    expect(e.details.suggestion).toBe(suggestion);
    expect(e.message).toContain(suggestion);
  });

  it('suggests the network for any address and length', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 32n - 1n }), fc.integer({ min: 0, max: 32 }), (v, len) => {
        const text = `${formatAddress(4, v)}/${len}`;
        const net = len === 0 ? 0n : (v >> BigInt(32 - len)) << BigInt(32 - len);
        if (net === v) {
          expect(cidr(text)).toBe(text);
        } else {
          const e = thrown(() => parseCidr(text));
          expect(e.code).toBe('HOST_BITS_SET');
          expect(e.details.suggestion).toBe(`${formatAddress(4, net)}/${len}`);
        }
      }),
    );
  });
});

describe('prefix length bounds', () => {
  it.each(['0.0.0.0/0', '10.0.0.0/8', '10.0.0.0/32', '::/0', '2001:db8::/32', '2001:db8::/128'])('accepts %s', (text) => {
    expect(cidr(text)).toBe(text);
  });

  it.each(['10.0.0.0/33', '::/129', '10.0.0.0/-1', '10.0.0.0/', '10.0.0.0/ 8', '10.0.0.0/8.0', '10.0.0.0/x', '10.0.0.0/1000'])('refuses %j with INVALID_CIDR naming the length', (text) => {
    const e = thrown(() => parseCidr(text));
    expect(e.code).toBe('INVALID_CIDR');
    expect(e.message).toMatch(/prefix length/);
  });
});

describe('halves, containment and usable range', () => {
  const p = (text: string) => parseCidr(text);
  const texts = (ps: Prefix[]) => ps.map(formatCidr);

  it('halves a prefix into its lower and upper half', () => {
    expect(texts(halves(p('10.0.0.0/24')))).toEqual(['10.0.0.0/25', '10.0.0.128/25']);
    expect(texts(halves(p('0.0.0.0/0')))).toEqual(['0.0.0.0/1', '128.0.0.0/1']);
    expect(texts(halves(p('10.0.0.2/31')))).toEqual(['10.0.0.2/32', '10.0.0.3/32']);
    expect(texts(halves(p('2001:db8::/32')))).toEqual(['2001:db8::/33', '2001:db8:8000::/33']);
    expect(texts(halves(p('2001:db8::a/127')))).toEqual(['2001:db8::a/128', '2001:db8::b/128']);
  });

  it('refuses to halve a single address', () => {
    expect(thrown(() => halves(p('10.0.0.1/32'))).code).toBe('INVALID_ARGUMENT');
    expect(thrown(() => halves(p('2001:db8::1/128'))).code).toBe('INVALID_ARGUMENT');
  });

  it('the halves tile their parent and each is contained in it', () => {
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: 2n ** 128n - 1n }), fc.integer({ min: 0, max: 127 }), (v, len) => {
        const parent: Prefix = { version: 6, net: len === 0 ? 0n : (v >> BigInt(128 - len)) << BigInt(128 - len), len };
        const [lo, hi] = halves(parent);
        expect(containsPrefix(parent, lo) && containsPrefix(parent, hi)).toBe(true);
        expect(containsPrefix(lo, hi) || containsPrefix(hi, lo)).toBe(false);
        expect(lo.net).toBe(parent.net);
        expect(hi.net - lo.net).toBe(1n << BigInt(128 - len - 1));
      }),
    );
  });

  it('contains itself and its descendants, not its siblings, ancestors or the other family', () => {
    expect(containsPrefix(p('10.0.0.0/24'), p('10.0.0.0/24'))).toBe(true);
    expect(containsPrefix(p('10.0.0.0/24'), p('10.0.0.192/26'))).toBe(true);
    expect(containsPrefix(p('10.0.0.0/24'), p('10.0.1.0/26'))).toBe(false);
    expect(containsPrefix(p('10.0.0.0/25'), p('10.0.0.0/24'))).toBe(false);
    expect(containsPrefix(p('0.0.0.0/0'), p('::/128'))).toBe(false);
    expect(containsPrefix(p('::/0'), p('10.0.0.0/8'))).toBe(false);
    expect(containsAddress(p('10.0.0.0/24'), parseAddress('10.0.0.255'))).toBe(true);
    expect(containsAddress(p('10.0.0.0/24'), parseAddress('10.0.1.0'))).toBe(false);
    expect(containsAddress(p('2001:db8::/64'), parseAddress('2001:db8::ffff:ffff:ffff:ffff'))).toBe(true);
    expect(containsAddress(p('2001:db8::/64'), parseAddress('2001:db8:0:1::'))).toBe(false);
  });

  const usable = (text: string) => {
    const prefix = p(text);
    const r = usableRange(prefix);
    return r && [formatAddress(prefix.version, r.first), formatAddress(prefix.version, r.last)];
  };

  it('IPv4 /30 and shorter lose the network and broadcast address', () => {
    expect(usable('10.0.0.0/24')).toEqual(['10.0.0.1', '10.0.0.254']);
    expect(usable('10.0.0.4/30')).toEqual(['10.0.0.5', '10.0.0.6']);
    expect(usable('0.0.0.0/0')).toEqual(['0.0.0.1', '255.255.255.254']);
  });

  it('IPv4 /31 and /32 use every address', () => {
    expect(usable('10.0.0.6/31')).toEqual(['10.0.0.6', '10.0.0.7']);
    expect(usable('10.0.0.9/32')).toEqual(['10.0.0.9', '10.0.0.9']);
  });

  it('IPv6 shorter than /127 loses only the all-zero host', () => {
    expect(usable('2001:db8::/64')).toEqual(['2001:db8::1', '2001:db8::ffff:ffff:ffff:ffff']);
    expect(usable('2001:db8::/126')).toEqual(['2001:db8::1', '2001:db8::3']);
    expect(usable('2001:db8::a/127')).toEqual(['2001:db8::a', '2001:db8::b']);
    expect(usable('2001:db8::1/128')).toEqual(['2001:db8::1', '2001:db8::1']);
  });
});

describe('address keys', () => {
  it('are fixed width and big-endian', () => {
    expect(addressKey(4, 0x0a000001n)).toEqual(Buffer.from([10, 0, 0, 1]));
    expect(addressKey(6, 1n)).toEqual(Buffer.from([...new Array(15).fill(0), 1]));
    expect(keyValue(addressKey(6, 0x20010db8n << 96n))).toBe(0x20010db8n << 96n);
    // The ends of both families, and a key read back from a slice of a larger buffer (as SQLite hands blobs over).
    expect(addressKey(4, 0xffffffffn)).toEqual(Buffer.from([255, 255, 255, 255]));
    expect(keyValue(addressKey(4, 0xffffffffn))).toBe(0xffffffffn);
    const top = (1n << 128n) - 1n;
    expect(addressKey(6, top)).toEqual(Buffer.alloc(16, 255));
    expect(keyValue(addressKey(6, top))).toBe(top);
    const big = Buffer.concat([Buffer.from([9, 9, 9]), addressKey(6, 0x20010db8000000000000000000000001n)]);
    expect(keyValue(big.subarray(3))).toBe(0x20010db8000000000000000000000001n);
  });

  it('sort in address order byte by byte, for both families', () => {
    for (const [version, bits] of [
      [4, 32],
      [6, 128],
    ] as const) {
      const value = fc.bigInt({ min: 0n, max: 2n ** BigInt(bits) - 1n });
      fc.assert(
        fc.property(value, value, (a, b) => {
          const order = Math.sign(Buffer.compare(addressKey(version, a), addressKey(version, b)));
          expect(order).toBe(a < b ? -1 : a > b ? 1 : 0);
          expect(keyValue(addressKey(version, a))).toBe(a);
        }),
      );
    }
  });
});

describe('netmasks', () => {
  it.each([
    ['255.255.255.0', 24],
    ['255.255.254.0', 23],
    ['255.255.255.252', 30],
    ['255.255.255.255', 32],
    ['128.0.0.0', 1],
    ['0.0.0.0', 0],
    ['255.255.255.000', 24],
  ])('%s is /%d', (mask, len) => {
    expect(netmaskLength(mask)).toBe(len);
  });

  it.each(['255.0.255.0', '255.255.255.1', '0.255.255.255', 'ffff:ffff::', '255.255.255'])('refuses %s', (mask) => {
    expect(['INVALID_ARGUMENT', 'INVALID_ADDRESS']).toContain(thrown(() => netmaskLength(mask)).code);
  });

  it('agrees with the prefix length of every contiguous mask', () => {
    for (let len = 0; len <= 32; len++) {
      const mask = len === 0 ? 0n : ((1n << BigInt(len)) - 1n) << BigInt(32 - len);
      expect(netmaskLength(formatAddress(4, mask))).toBe(len);
    }
  });
});

describe('the hand-written address readers agree with ip-num', () => {
  /** ip-num's reading of an IPv6 text: its value, or null when it is no valid address. */
  const reference = (text: string): bigint | null => (Validator.isValidIPv6String(text.toLowerCase())[0] ? IPv6.fromString(text.toLowerCase()).value : null);
  const ours = (text: string): bigint | null => {
    try {
      return parseAddress(text).value;
    } catch {
      return null;
    }
  };
  const hextets = fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 8, maxLength: 8 });
  /** A way of writing the eight groups: full, with leading zeros, upper case, or with a zero run compressed. */
  const written = fc.tuple(hextets, fc.nat(8), fc.nat(8), fc.boolean(), fc.boolean()).map(([groups, from, length, pad, upper]) => {
    const start = Math.min(from, 7);
    const run = Math.min(length, 8 - start);
    const g = groups.map((x, i) => (i >= start && i < start + run ? 0 : x));
    const parts = g.map((x) => (pad ? x.toString(16).padStart(4, '0') : x.toString(16)));
    let text = run >= 1 ? `${parts.slice(0, start).join(':')}::${parts.slice(start + run).join(':')}` : parts.join(':');
    if (upper) text = text.toUpperCase();
    return { text, value: g.reduce((v, x) => (v << 16n) | BigInt(x), 0n) };
  });

  it('reads every way of writing an IPv6 address to the value ip-num reads', () => {
    fc.assert(
      fc.property(written, ({ text, value }) => {
        // IPv4-mapped addresses are refused on purpose; everything else must read as ip-num reads it.
        if (value >> 32n === 0xffffn) return;
        expect(ours(text)).toBe(value);
        expect(ours(text)).toBe(reference(text));
      }),
      { numRuns: 3000 },
    );
  });

  it('refuses what ip-num refuses, in IPv6 text of hex digits, colons and dots', () => {
    const alphabet = fc.constantFrom(...'0123456789abcdefABCDEF:.g'.split(''));
    fc.assert(
      fc.property(fc.array(alphabet, { minLength: 1, maxLength: 45 }).map((cs) => cs.join('')), (text) => {
        if (!text.includes(':')) return;
        const r = reference(text);
        if (r !== null && r >> 32n === 0xffffn) return;
        expect(ours(text)).toBe(r);
      }),
      { numRuns: 5000 },
    );
    for (const bad of ['1::2::3', ':::', '1:2:3:4:5:6:7:8:9', '12345::', '::g', '1:2:3:4:5:6:7', ':1:2:3:4:5:6:7', '1:2:3:4:5:6:7:']) {
      expect(ours(bad), bad).toBeNull();
      expect(reference(bad), bad).toBeNull();
    }
  });

  it('reads dotted quads with leading zeros as decimals and refuses every other shape', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 255 }), { minLength: 4, maxLength: 4 }), fc.array(fc.nat(2), { minLength: 4, maxLength: 4 }), (octets, zeros) => {
        const text = octets.map((o, i) => String(o).padStart(Math.min(3, String(o).length + zeros[i]!), '0')).join('.');
        expect(ours(text)).toBe(BigInt(octets.reduce((v, o) => v * 256 + o, 0)));
        expect(formatAddress(4, BigInt(octets.reduce((v, o) => v * 256 + o, 0)))).toBe(octets.join('.'));
      }),
      { numRuns: 2000 },
    );
    for (const bad of ['1.2.3', '1.2.3.4.5', '1.2.3.256', '1..3.4', '.1.2.3', '1.2.3.', '0001.2.3.4', '1.2.3.4a', '1.2.+3.4', '']) expect(ours(bad), bad).toBeNull();
  });
});
