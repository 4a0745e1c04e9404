/** The transit billing command line, in-process through main: words, flags, JSON fields and exit codes other tools rely on. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { main, type Io } from '../electron/cli/main';
import { MBPS, at, csv, series } from './support/billing';
import { tempDir } from './support/plan';

async function cli(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = {
    out: (t) => out.push(t),
    err: (t) => err.push(t),
    lines: async function* () {},
  };
  const code = await main(argv, io, {});
  const text = out.join('\n');
  return { code, out, err, text, lines: text.split('\n'), json: () => JSON.parse(text) };
}

/** A plan with svc-1 billed at the 95th percentile and April 2024 imported from a file: in = j mod 100 + 1 Mbps, out = 2x. */
async function setUp() {
  const dir = tempDir();
  const db = join(dir, 'plan.sqlite');
  const run = (...argv: string[]) => cli([...argv, '--db', db]);
  expect((await run('customer', 'add', 'cust-1')).code).toBe(0);
  expect((await run('product', 'add', 'transit', '--ipam-config', '{"mode":"disabled"}')).code).toBe(0);
  expect((await run('service', 'add', 'svc-1', '--customer', 'cust-1', '--product', 'transit')).code).toBe(0);
  const file = join(dir, 'april.csv');
  const from = at('2024-04-01T00:00:00Z');
  writeFileSync(file, csv(series(from, from + 8640 * 300, (j) => [((j % 100) + 1) * MBPS, 2 * ((j % 100) + 1) * MBPS])));
  return { db, run, file, dir };
}

describe('fluxplan transit', () => {
  it('adds a service, imports a CSV and prints the bill with the fields scripts read', async () => {
    const { run, file } = await setUp();
    const add = await run(
      'transit', 'add', 'svc-1', '--model', 'percentile', '--port-speed', '1000', '--commit', '100', '--fee', '500',
      '--tiers', '[{"up_to": 50, "rate": 2}, {"up_to": null, "rate": 1.5}]', '--tier-mode', 'graduated', '--direction', 'out', '--base', '1000',
      '--rounding', 'up', '--anchor-day', '1', '--tz', 'UTC', '--missing', 'exclude', '--port', 'fra-edge-1 xe-0/0/1',
    );
    expect(add.code).toBe(0);
    expect(add.text).toBe('Added transit svc-1: percentile · commit 100 Mbps · fee 500.00 · graduated tiers to 50 @ 2, rest @ 1.5 · direction out');
    const imported = await run('transit', 'samples', 'import', 'svc-1', file, '--kind', 'bps', '--json');
    expect(imported.code).toBe(0);
    expect(imported.json()).toMatchObject({ rows: 8640, inserted: 8640, replaced: 0, first: '2024-04-01T00:00:00Z', last: '2024-04-30T23:55:00Z' });

    const b = await run('transit', 'bill', 'svc-1', '--cycle', '2024-04', '--json');
    expect(b.code).toBe(0);
    const bill = b.json();
    // 8640 samples, in = 1..100 Mbps repeating (86.4 times), out twice that. Index 8207: ascending, each value
    // 1..40 appears 87 times (3480) and 41..100 appears 86 times: 8207 - 3480 = 4727 = 54 x 86 + 83 -> value 41 + 54 = 95 in, 190 out.
    expect(bill).toMatchObject({ samples: 8640, index: 8207, rate_in: 95, rate_out: 190, billable_rate: 190 });
    // Transfer out: sum over slots of 2 (j mod 100 + 1) Mbps x 37.5 MB/Mbps-slot: 86 full rounds of 5050 plus 1..40 (820) = 435,120 Mbps-slots x 2 -> 32,634 GB.
    expect(bill.transfer_gb).toBe(32634);
    // Overage 190 - 100 = 90 Mbps: 50 x 2 + 40 x 1.5 = 160; total 660.
    expect(bill.overage).toBe(90);
    expect(bill.total).toBe(660);
    expect(bill.lines).toEqual([
      { kind: 'fee', description: 'port fee', quantity: 1, unit: 'cycle', rate: 500, amount: 500, band: null, from: null, to: null },
      { kind: 'overage', description: 'overage 0-50 Mbps', quantity: 50, unit: 'Mbps', rate: 2, amount: 100, band: 0, from: 0, to: 50 },
      { kind: 'overage', description: 'overage above 50 Mbps', quantity: 40, unit: 'Mbps', rate: 1.5, amount: 60, band: 1, from: 50, to: null },
    ]);

    const text = await run('transit', 'bill', 'svc-1', '--cycle', '2024-04', '--rule', 'cacti', '--direction', 'in');
    expect(text.code).toBe(0);
    expect(text.lines[0]).toBe('svc-1 (cust-1) · percentile · cycle 2024-04: 2024-04-01T00:00:00Z to 2024-05-01T00:00:00Z UTC');
    expect(text.text).toContain('rules: cacti (ceil(5n/100), descending (at most n - 1)) · direction in (argument) · missing exclude · base 1000 · rounding up · graduated');
    expect(text.text).toContain('samples: 8640 counted (8640 present of 8640 slots, 0 missing, 0 filled, 0 bad, 0 without rate)');
    expect(text.text).toContain('95th percentile, index 432 descending: in 95 Mbps');
    expect(text.text).toMatch(/total\s+500\.00$/m);
  });

  it('settings set transit.direction changes the bills of services without their own', async () => {
    const { run, file } = await setUp();
    await run('transit', 'add', 'svc-1', '--model', 'percentile', '--tiers', '[{"up_to": null, "rate": 1}]');
    await run('transit', 'samples', 'import', 'svc-1', file);
    expect((await run('transit', 'bill', 'svc-1', '--cycle', '2024-04', '--json')).json()).toMatchObject({ billable_rate: 190, rules: { direction: 'max', direction_source: 'default' } });
    const set = await run('settings', 'set', 'transit.direction', 'sum');
    expect([set.code, set.text]).toEqual([0, 'transit.direction = sum']);
    // Sums are 3 (j mod 100 + 1): their percentile is 3 x 95.
    expect((await run('transit', 'bill', 'svc-1', '--cycle', '2024-04', '--json')).json()).toMatchObject({ billable_rate: 285, rate_sum: 285, rules: { direction: 'sum', direction_source: 'setting' } });
    const get = await run('settings', 'get', '--json');
    expect(get.json().settings[0]).toMatchObject({ key: 'transit.direction', value: 'sum', source: 'set' });
    const bad = await run('settings', 'set', 'transit.direction', 'both', '--json');
    expect(bad.code).toBe(1);
    expect(bad.json().error).toMatchObject({ code: 'INVALID_ARGUMENT' });
  });

  it('lists services with their estimates and shows one', async () => {
    const { run, file } = await setUp();
    await run('transit', 'add', 'svc-1', '--model', 'commit_burst', '--commit', '100', '--fee', '300', '--tiers', '[{"up_to": null, "rate": 1}]');
    await run('transit', 'samples', 'import', 'svc-1', file);
    const list = await run('transit', 'list', '--at', '2024-04-30T12:00:00Z');
    expect(list.code).toBe(0);
    expect(list.lines[0]).toMatch(/^service\s+customer\s+model\s+commit\s+direction\s+cycle\s+samples\s+billable\s+transfer\s+estimate$/);
    // As of 2024-04-30 12:00: 8496 samples, index ceil(8071.2) - 1 = 8071; each of 1..96 appears 85 times, 97..100 84 times:
    // 8071 = 94 x 85 + 81 -> the 95th value: out 190 Mbps; 90 over the commit at 1: 390.
    expect(list.lines[1]).toMatch(/^svc-1\s+cust-1\s+commit_burst\s+100 Mbps\s+max\s+2024-04\s+8496\s+190 Mbps\s+\S+ GB\s+390\.00$/);
    const show = await run('transit', 'show', 'svc-1');
    expect(show.text).toContain('samples    8640 bps from 2024-04-01T00:00:00Z to 2024-04-30T23:55:00Z');
    expect(show.text).toContain('cycles     2024-04');
  });

  it('refuses bad input with the place named and leaves the plan as it was', async () => {
    const { run, dir } = await setUp();
    await run('transit', 'add', 'svc-1', '--model', 'percentile', '--tiers', '[{"up_to": null, "rate": 1}]');
    const bad = join(dir, 'bad.csv');
    writeFileSync(bad, 'timestamp,in,out\n2024-04-01T00:00:00Z,1,2\n2024-04-01T00:05:00Z,1,x\n');
    const r = await run('transit', 'samples', 'import', 'svc-1', bad, '--json');
    expect(r.code).toBe(1);
    expect(r.json().error).toMatchObject({ code: 'INVALID_ARGUMENT', file: bad });
    expect(r.json().error.message).toBe(`${bad}:3:3: out: "x" is not a rate in bits per second (a number, not negative); nothing was imported`);
    expect((await run('transit', 'show', 'svc-1', '--json')).json().transit.samples.count).toBe(0);

    const model = await run('transit', 'add', 'svc-1', '--model', 'burst', '--json');
    expect(model.code).toBe(1);
    expect(model.json().error.message).toContain('model: model is "percentile", "commit_burst", "transfer" or "flat"');
    const tiers = await run('transit', 'set', 'svc-1', '--tiers', '[{"up_to": 10, "rate": 1}]', '--json');
    expect(tiers.json().error.message).toContain('tiers[0].up_to: the last band must be open');
    const cycle = await run('transit', 'bill', 'svc-1', '--cycle', '2024-4', '--json');
    expect(cycle.json().error.message).toContain('cycle: a cycle is YYYY-MM');
    // Usage errors exit 2.
    expect((await run('transit', 'bill')).code).toBe(2);
    expect((await run('transit', 'samples', 'import', 'svc-1')).code).toBe(2);
    expect((await run('transit', 'add', 'svc-1', '--model', 'flat', '--anchor-day', 'first')).code).toBe(2);
    expect((await run('transit', 'add', 'svc-1', '--model', 'flat', '--tiers', '[oops')).code).toBe(2);
  });

  it('documents the commands in --help', async () => {
    const help = await cli(['transit', 'bill', '--help']);
    expect(help.code).toBe(0);
    expect(help.text).toContain('fluxplan transit bill SERVICE [options]');
    expect(help.text).toContain('--cycle VALUE');
    expect(help.text).toContain('--rule VALUE');
    const all = await cli(['--help']);
    for (const words of ['transit add SERVICE', 'transit samples import SERVICE FILE', 'transit bill SERVICE', 'transit list', 'settings set KEY VALUE']) expect(all.text).toContain(words);
  });
});
