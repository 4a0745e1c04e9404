import Database from 'better-sqlite3';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main, type Io } from '../electron/cli/main';
import { tempDir } from './support/plan';

const BIN = join(__dirname, '..', 'bin', 'fluxplan');

/** Runs the CLI in-process with captured output; stdin lines for batch. */
async function cli(argv: string[], stdin: string[] = []) {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    lines: async function* () {
      yield* stdin;
    },
  };
  const code = await main(argv, io, {});
  return { code, out, err, json: () => JSON.parse(out.join('\n')) };
}

function planFile(): string {
  return join(tempDir(), 'plan.sqlite');
}

describe('fluxplan command line', () => {
  it('accepts global options anywhere on the line', async () => {
    const db = planFile();
    expect((await cli(['--db', db, 'location', 'add', 'EU-FRA'])).code).toBe(0);
    expect((await cli(['subnet', '--json', 'add', '10.0.0.0/8', '--location', 'EU-FRA', '--db', db])).code).toBe(0);
    const tree = await cli(['tree', '--db', db, '--json']);
    expect(tree.code).toBe(0);
    expect(tree.json().subnets[0]).toMatchObject({ cidr: '10.0.0.0/8', parent: null, location: 'EU-FRA', effective_location: 'EU-FRA', allocation_status: 'unallocated' });
  });

  it('ip list pages and filters with --limit, --offset, --text and --ptr, and says where a page ends', async () => {
    const db = planFile();
    expect((await cli(['subnet', 'add', '10.9.0.0/24', '--ip-pool', '--db', db])).code).toBe(0);
    for (const c of ['cust-odd', 'cust-even']) expect((await cli(['customer', 'add', c, '--db', db])).code).toBe(0);
    for (let i = 0; i < 5; i++) expect((await cli(['allocate', 'ip', '--customer', i % 2 ? 'cust-odd' : 'cust-even', '--db', db])).code).toBe(0);
    const page = await cli(['ip', 'list', '--limit', '2', '--offset', '1', '--json', '--db', db]);
    expect(page.json()).toMatchObject({ total: 5, offset: 1, ips: [{ address: '10.9.0.2' }, { address: '10.9.0.3' }] });
    const text = await cli(['ip', 'list', '--limit', '2', '--offset', '1', '--db', db]);
    expect(text.out.join('\n')).toContain('(2-3 of 5; --offset 3 for the next)');
    const odd = (await cli(['ip', 'list', '--text', 'cust-odd', '--json', '--db', db])).json();
    expect(odd.ips.map((ip: { address: string }) => ip.address)).toEqual(['10.9.0.2', '10.9.0.4']);
    expect((await cli(['ip', 'list', '--ptr', 'named', '--json', '--db', db])).json().total).toBe(0);
    const bad = await cli(['ip', 'list', '--ptr', 'bogus', '--db', db]);
    expect(bad.code).toBe(1);
    expect(bad.err.join('\n')).toContain('ptr');
  });

  it('keeps the allocate contract: cidr and strategy, snake_case JSON', async () => {
    const db = planFile();
    await cli(['subnet', 'add', '192.0.2.0/24', '--db', db]);
    const r = await cli(['allocate', 'subnet', '--family', '4', '--prefix', '26', '--db', db, '--json']);
    expect(r.code).toBe(0);
    expect(r.json()).toMatchObject({ cidr: '192.0.2.0/26', strategy: 'split', dry_run: false });
    expect(r.json().splits).toEqual([
      { cidr: '192.0.2.0/24', children: ['192.0.2.0/25', '192.0.2.128/25'] },
      { cidr: '192.0.2.0/25', children: ['192.0.2.0/26', '192.0.2.64/26'] },
    ]);
  });

  it('exits 1 with {"error": {code, message}} for a refused operation and leaves the plan unchanged', async () => {
    const db = planFile();
    await cli(['subnet', 'add', '192.0.2.0/24', '--db', db]);
    const before = (await cli(['tree', '--json', '--db', db])).out;
    const r = await cli(['subnet', 'add', '192.0.2.1/24', '--json', '--db', db]);
    expect(r.code).toBe(1);
    expect(r.json().error).toMatchObject({ code: 'HOST_BITS_SET', suggestion: '192.0.2.0/24' });
    expect(r.json().error.message).toContain('192.0.2.0/24');
    const exhausted = await cli(['allocate', 'subnet', '--family', '4', '--prefix', '23', '--json', '--db', db]);
    expect(exhausted.code).toBe(1);
    expect(exhausted.json().error.code).toBe('POOL_EXHAUSTED');
    expect((await cli(['tree', '--json', '--db', db])).out).toEqual(before);
  });

  it('exits 2 for bad usage, naming what is wrong', async () => {
    const db = planFile();
    const cases: Array<[string[], RegExp]> = [
      [['frobnicate'], /unknown command "frobnicate"/],
      [['subnet', 'frob'], /unknown command "subnet frob"/],
      [['subnet', 'add'], /needs CIDR/],
      [['subnet', 'add', '10.0.0.0/8', '--colour', 'red'], /--colour/],
      [['allocate', 'subnet', '--prefix', 'twenty'], /--prefix must be a whole number/],
      [['tree', '10.0.0.0/8', 'extra'], /unexpected "extra"/],
      [['subnet', 'set', '10.0.0.0/8', '--ip-pool', '--no-ip-pool'], /contradicts/],
    ];
    for (const [argv, message] of cases) {
      const r = await cli([...argv, '--db', db]);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err.join('\n')).toMatch(message);
    }
    const json = await cli(['subnet', 'add', '--json', '--db', db]);
    expect(json.code).toBe(2);
    expect(json.json().error.code).toBe('USAGE');
  });

  it('treats a value the contract refuses as a refusal (exit 1) with the field named', async () => {
    const db = planFile();
    await cli(['location', 'add', 'EU-FRA', '--db', db]);
    const r = await cli(['vlan', 'add', '5000', '--location', 'EU-FRA', '--json', '--db', db]);
    expect(r.code).toBe(1);
    expect(r.json().error).toMatchObject({ code: 'INVALID_ARGUMENT' });
    expect(r.json().error.message).toMatch(/vid: a VLAN ID is 1-4094/);
  });

  it('batch: one JSON result line per input line, errors in place, and goes on', async () => {
    const db = planFile();
    const r = await cli(
      ['batch', '--db', db],
      [
        '["subnet","add","198.51.100.0/24"]',
        '["allocate","subnet","--family","4","--prefix","29"]',
        'not json',
        '["subnet","add","198.51.100.0/24"]',
        '["allocate","subnet","--family","4","--prefix","29"]',
        '["--db","/elsewhere","tree"]',
      ],
    );
    expect(r.code).toBe(1);
    const lines = r.out.map((l) => JSON.parse(l));
    expect(lines).toHaveLength(6);
    expect(lines[0].subnet.cidr).toBe('198.51.100.0/24');
    expect(lines[1]).toMatchObject({ cidr: '198.51.100.0/29', strategy: 'split' });
    expect(lines[2].error.code).toBe('USAGE');
    expect(lines[3].error.code).toBe('EXISTS');
    expect(lines[4]).toMatchObject({ cidr: '198.51.100.8/29', strategy: 'exact' });
    expect(lines[5].error.message).toMatch(/--db cannot change/);
  });

  it('check exits 1 and lists the violation when an invariant is broken', async () => {
    const db = planFile();
    await cli(['subnet', 'add', '10.0.0.0/8', '--db', db]);
    await cli(['subnet', 'add', '10.1.0.0/16', '--db', db]);
    expect((await cli(['check', '--db', db])).code).toBe(0);
    const raw = new Database(db);
    raw.prepare("UPDATE subnets SET allocation_status = 'allocated' WHERE cidr = '10.0.0.0/9'").run();
    raw.close();
    const r = await cli(['check', '--json', '--db', db]);
    expect(r.code).toBe(1);
    expect(r.json().ok).toBe(false);
    expect(r.json().violations.map((v: { code: string }) => v.code)).toContain('TILING');
  });

  it('subnet set re-links an allocated subnet and refuses to link a free one', async () => {
    const db = planFile();
    await cli(['customer', 'add', 'cust-1', '--db', db]);
    await cli(['customer', 'add', 'cust-2', '--db', db]);
    await cli(['subnet', 'add', '192.0.2.0/24', '--db', db]);
    await cli(['allocate', 'subnet', '--cidr', '192.0.2.0/26', '--customer', 'cust-1', '--db', db]);
    const moved = await cli(['subnet', 'set', '192.0.2.0/26', '--customer', 'cust-2', '--json', '--db', db]);
    expect(moved.json().subnet).toMatchObject({ customer: 'cust-2', allocation_status: 'allocated' });
    const cleared = await cli(['subnet', 'set', '192.0.2.0/26', '--customer', '', '--json', '--db', db]);
    expect(cleared.json().subnet.customer).toBeNull();
    const free = await cli(['subnet', 'set', '192.0.2.64/26', '--customer', 'cust-1', '--json', '--db', db]);
    expect(free.code).toBe(1);
    expect(free.json().error.code).toBe('NOT_FREE');
  });

  it('undo and redo step through whole actions', async () => {
    const db = planFile();
    await cli(['subnet', 'add', '10.0.0.0/8', '--db', db]);
    await cli(['allocate', 'subnet', '--family', '4', '--prefix', '24', '--db', db]);
    expect((await cli(['tree', '--json', '--db', db])).json().subnets).toHaveLength(33);
    const u = await cli(['undo', '--json', '--db', db]);
    expect(u.json().undone.label).toBe('allocate 10.0.0.0/24');
    expect((await cli(['tree', '--json', '--db', db])).json().subnets).toHaveLength(1);
    await cli(['redo', '--db', db]);
    expect((await cli(['tree', '--json', '--db', db])).json().subnets).toHaveLength(33);
    expect((await cli(['check', '--db', db])).code).toBe(0);
  });

  it('prints the glossary\'s state words (parked, never reserved) while --json keeps the contract\'s values', async () => {
    const db = planFile();
    await cli(['subnet', 'add', '203.0.113.0/24', '--db', db]);
    await cli(['subnet', 'add', '203.0.113.0/28', '--ip-pool', '--db', db]);
    await cli(['subnet', 'add', '203.0.113.96/29', '--db', db]);
    expect((await cli(['subnet', 'park', '203.0.113.96/29', '--db', db])).out).toEqual([expect.stringMatching(/^203\.0\.113\.96\/29 +parked$/)]);
    await cli(['subnet', 'add', '203.0.113.192/26', '--db', db]);
    await cli(['subnet', 'park', '203.0.113.128/25', '--db', db]);
    const words = (await cli(['tree', '--db', db])).out.join('\n').split('\n').map((l) => l.trim().split(/ {2,}/));
    expect(Object.fromEntries(words)).toMatchObject({
      '203.0.113.0/24': 'subdivided',
      '203.0.113.0/25': 'carved',
      '203.0.113.0/28': 'IP pool',
      '203.0.113.96/29': 'parked',
      '203.0.113.104/29': 'free',
      '203.0.113.128/25': 'parked',
      '203.0.113.192/26': 'in parked space',
    });
    expect((await cli(['tree', '--json', '--db', db])).json().subnets.find((s: { cidr: string }) => s.cidr === '203.0.113.96/29')).toMatchObject({
      allocation_status: 'unallocated', is_unavailable: true,
    });
    await cli(['ip', 'park', '203.0.113.5', '--db', db]);
    const ips = (await cli(['ip', 'list', '--db', db])).out.join('\n').split('\n');
    expect(ips[0]!.split(/ +/)).toEqual(['address', 'subnet', 'customer', 'service', 'device', 'vlan', 'rdns', 'management', 'parked']);
    expect(ips[1]).toMatch(/^203\.0\.113\.5 +203\.0\.113\.0\/28 +yes$/);
  });

  it('never says 0% used of a block that holds allocations (a /64 in a /48)', async () => {
    const db = planFile();
    await cli(['subnet', 'add', '2001:db8::/48', '--db', db]);
    expect((await cli(['capacity', '--db', db])).out[0]).toMatch(/^2001:db8::\/48: 0% used · 0 allocated/);
    await cli(['allocate', 'subnet', '--family', '6', '--prefix', '64', '--db', db]);
    expect((await cli(['capacity', '--db', db])).out[0]).toMatch(/^2001:db8::\/48: <0\.01% used · 18446744073709551616 allocated/);
    expect((await cli(['capacity', '--json', '--db', db])).json().capacity[0].utilization).toBe(0);
  });

  it('runs as ./bin/fluxplan with FLUXPLAN_DB, exit codes intact', () => {
    const db = planFile();
    const env = { ...process.env, FLUXPLAN_DB: db };
    const add = spawnSync(BIN, ['subnet', 'add', '2001:DB8:0:0::/48', '--json'], { env, encoding: 'utf8' });
    expect(add.status).toBe(0);
    expect(JSON.parse(add.stdout).subnet.cidr).toBe('2001:db8::/48');
    const bad = spawnSync(BIN, ['subnet', 'add', '2001:db8::/48', '--json'], { env, encoding: 'utf8' });
    expect(bad.status).toBe(1);
    expect(JSON.parse(bad.stdout).error.code).toBe('EXISTS');
    const usage = spawnSync(BIN, ['nope'], { env, encoding: 'utf8' });
    expect(usage.status).toBe(2);
    const help = spawnSync(BIN, ['--help'], { env, encoding: 'utf8' });
    expect(help.status).toBe(0);
    expect(help.stdout).toContain('allocate subnet');
  });
});
