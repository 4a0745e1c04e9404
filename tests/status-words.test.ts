/**
 * One vocabulary of states (README.md, "Glossary: states"): the words the desktop app shows, the words
 * the command line prints, and the engine's carved flag agree on every kind of block; sizes read in the
 * right powers; how full an IPv6 block is reads in /64s, counted by the engine's `used_64s`.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { statusWord, treeLines } from '../electron/cli/format';
import { humanCount } from '../renderer/src/cidr';
import { STATUS_LABEL, isCarved, statusOf, usageText, type Status } from '../renderer/src/status';
import { freshPlan } from './support/plan';

let env: ReturnType<typeof freshPlan> | null = null;
afterEach(() => {
  env?.plan.close();
  env = null;
});

/** Every state: a root with a location, a carved row, allocated, IP pool, parked, in parked space (and an allocated block there), free. */
function statesPlan() {
  env = freshPlan();
  const { call } = env;
  call('location.add', { code: 'EU-FRA' });
  call('subnet.add', { cidr: '10.0.0.0/24', location: 'EU-FRA' });
  call('allocate.subnet', { cidr: '10.0.0.0/27' });
  call('subnet.set', { cidr: '10.0.0.32/27', ip_pool: true });
  call('subnet.add', { cidr: '10.0.0.128/26' });
  call('allocate.subnet', { cidr: '10.0.0.128/28' });
  call('subnet.park', { cidr: '10.0.0.128/26' });
  call('subnet.add', { cidr: '10.0.0.192/27', description: 'lab' });
  call('subnet.split', { cidr: '10.0.0.192/27', to: 28 });
  return env;
}

const EXPECTED: Record<string, Status> = {
  '10.0.0.0/24': 'subdivided', // a root
  '10.0.0.0/25': 'carved',
  '10.0.0.0/26': 'carved',
  '10.0.0.0/27': 'allocated',
  '10.0.0.32/27': 'pool',
  '10.0.0.64/26': 'free',
  '10.0.0.128/25': 'carved',
  '10.0.0.128/26': 'parked',
  '10.0.0.128/27': 'carved', // below a parked block, still only carving
  '10.0.0.128/28': 'allocated',
  '10.0.0.144/28': 'held',
  '10.0.0.160/27': 'held',
  '10.0.0.192/26': 'carved',
  '10.0.0.192/27': 'subdivided', // split, and described
  '10.0.0.192/28': 'free',
  '10.0.0.208/28': 'free',
  '10.0.0.224/27': 'free',
};

describe('state words', () => {
  it('say parked, never reserved; one word for each state', () => {
    expect(STATUS_LABEL).toEqual({
      allocated: 'allocated', free: 'free', parked: 'parked', subdivided: 'subdivided', pool: 'IP pool', carved: 'carved', held: 'in parked space',
    });
    expect(new Set(Object.values(STATUS_LABEL)).size).toBe(Object.keys(STATUS_LABEL).length);
  });

  it('agree between the desktop app, the command line and the engine on every kind of block', () => {
    const { call } = statesPlan();
    const views = call('tree.get', {}).subnets;
    expect(Object.fromEntries(views.map((s) => [s.cidr, statusOf(s)]))).toEqual(EXPECTED);
    for (const s of views) expect(statusWord(s), s.cidr).toBe(STATUS_LABEL[statusOf(s)]);
    // The engine's own carved flag (tree.children) and the one read from a plain view never differ.
    const nodes = views.filter((s) => s.allocation_status === 'subdivided').flatMap((s) => call('tree.children', { cidr: s.cidr }).nodes);
    expect(nodes.length).toBeGreaterThan(8);
    for (const n of nodes) {
      expect(isCarved(n), n.cidr).toBe(n.carved);
      expect(statusOf(n), n.cidr).toBe(EXPECTED[n.cidr]);
    }
  });

  it('line up in the command line tree, "in parked space" included', () => {
    const { call } = statesPlan();
    const lines = treeLines(call('tree.get', { cidr: '10.0.0.128/25' }).subnets);
    // The facts column starts at the same place whatever the word, the longest ("in parked space") included.
    expect(lines).toEqual([
      '10.0.0.128/25             carved',
      '  10.0.0.128/26           parked',
      '    10.0.0.128/27         carved',
      '      10.0.0.128/28       allocated',
      '      10.0.0.144/28       in parked space',
      '    10.0.0.160/27         in parked space',
      '  10.0.0.192/26           carved',
      '    10.0.0.192/27         subdivided      lab',
      '      10.0.0.192/28       free',
      '      10.0.0.208/28       free',
      '    10.0.0.224/27         free',
    ]);
  });
});

describe('humanCount', () => {
  it('reads small counts exactly and larger ones on a decimal scale, rounding into the next unit', () => {
    expect(humanCount(0)).toBe('0');
    expect(humanCount(9_999)).toBe('9,999');
    expect(humanCount(65_536)).toBe('65.5k');
    expect(humanCount(262_144)).toBe('262k');
    expect(humanCount(999_999)).toBe('1.0M');
    expect(humanCount(16_777_216n)).toBe('16.8M');
    expect(humanCount('4294967296')).toBe('4.3G');
  });

  it('reads a whole IPv6 block as its exact power of two', () => {
    expect(humanCount(1n << 80n)).toBe('2^80');
    expect(humanCount((1n << 96n).toString())).toBe('2^96');
    expect(humanCount(1n << 128n)).toBe('2^128');
  });

  it('rounds a sum to the nearest reading, not down a power', () => {
    // A /48 with one /64 taken: free space just under 2^80.
    expect(humanCount((1n << 80n) - (1n << 64n))).toBe('≈2^80');
    expect(humanCount((1n << 80n) + (1n << 64n))).toBe('≈2^80');
    expect(humanCount(3n << 79n)).toBe('≈1.5 × 2^80');
    expect(humanCount((1n << 81n) - (1n << 76n))).toBe('≈1.9 × 2^80');
    expect(humanCount((1n << 81n) - (1n << 75n))).toBe('≈2^81');
    expect(humanCount(1_500_000_000_000n)).toBe('≈1.4 × 2^40');
  });
});

/** A usage subject as a tree.children node carries it. */
const node = (prefix_length: number, utilization: number, used_64s: number | string | null) => ({ prefix_length, stats: { utilization, used_64s } });

describe('usageText', () => {
  it('counts /64s for an IPv6 block larger than a /64', () => {
    expect(usageText(node(48, 0, 1))).toBe('1 of 65,536 /64s used');
    expect(usageText(node(56, 100, 256))).toBe('256 of 256 /64s used');
    expect(usageText(node(32, 0, 0))).toBe('0 of 4,294,967,296 /64s used');
    expect(usageText(node(16, 0, '70000000000'))).toBe('70.0G of 2^48 /64s used');
  });

  it('keeps a percentage for IPv4 and for IPv6 blocks of a /64 or smaller, with pct\'s rules', () => {
    expect(usageText(node(24, 37.5, null))).toBe('38% used');
    expect(usageText(node(8, 0.4, null))).toBe('<1% used');
    expect(usageText(node(16, 99.6, null))).toBe('>99% used');
    expect(usageText(node(64, 0.01, 1))).toBe('<1% used');
  });
});

describe('engine: used_64s in tree.children stats', () => {
  /** A row's stats as tree.children gives them: a root's among the roots, any other's among its parent's two halves. */
  function statsOf(cidr: string): { utilization: number; used_64s: number | string | null } {
    const { call } = env!;
    const parent = call('subnet.get', { cidr }).subnet.parent;
    const nodes = parent === null ? call('tree.children', {}).nodes : call('tree.children', { cidr: parent, limit: 2 }).nodes;
    const node = nodes.find((n) => n.cidr === cidr);
    if (!node) throw new Error(`${cidr} is not among the nodes`);
    return node.stats;
  }

  it('counts the /64s holding allocated or IP-pool space, not parked or free ones', () => {
    env = freshPlan();
    const { call } = env;
    call('subnet.add', { cidr: '2001:db8::/48' });
    expect(statsOf('2001:db8::/48').used_64s).toBe(0);
    call('allocate.subnet', { family: 6, prefix: 64 });
    expect(statsOf('2001:db8::/48').used_64s).toBe(1);
    call('allocate.subnet', { cidr: '2001:db8:0:100::/56' });
    expect(statsOf('2001:db8::/48').used_64s).toBe(257);
    call('subnet.add', { cidr: '2001:db8:0:200::/64', ip_pool: true });
    expect(statsOf('2001:db8::/48').used_64s).toBe(258);
    // Parked space is not used, and an allocation inside it counts as parked, as in utilization.
    call('allocate.subnet', { cidr: '2001:db8:0:300::/60' });
    call('subnet.park', { cidr: '2001:db8:0:300::/56' });
    expect(statsOf('2001:db8::/48').used_64s).toBe(258);
    expect(statsOf('2001:db8:0:100::/56').used_64s).toBe(256);
  });

  it('counts a /64 holding several smaller blocks once, and each /64 that holds one', () => {
    env = freshPlan();
    const { call } = env;
    call('subnet.add', { cidr: '2001:db8::/48' });
    call('allocate.subnet', { cidr: '2001:db8:0:1::/127' });
    call('allocate.subnet', { cidr: '2001:db8:0:1::2/127' });
    call('allocate.subnet', { cidr: '2001:db8:0:1::ff00/120' });
    expect(statsOf('2001:db8::/48').used_64s).toBe(1);
    call('allocate.subnet', { cidr: '2001:db8:0:2::/128' });
    call('allocate.subnet', { cidr: '2001:db8:0:4::/64' });
    expect(statsOf('2001:db8::/48').used_64s).toBe(3);
    // A block smaller than a /64 lies in one /64.
    expect(statsOf('2001:db8:0:1::/64').used_64s).toBe(1);
    expect(statsOf('2001:db8:0:1::/127').used_64s).toBe(1);
    expect(statsOf('2001:db8:0:1::4/126').used_64s).toBe(0);
    expect(usageText({ prefix_length: 48, stats: statsOf('2001:db8::/48') })).toBe('3 of 65,536 /64s used');
  });

  it('is null for IPv4', () => {
    env = freshPlan();
    env.call('subnet.add', { cidr: '10.0.0.0/24' });
    env.call('allocate.subnet', { cidr: '10.0.0.0/26' });
    expect(statsOf('10.0.0.0/24').used_64s).toBeNull();
    expect(statsOf('10.0.0.0/25').used_64s).toBeNull();
  });
});
