/**
 * Transit billing through the API on a real plan file: definitions (journaled), CSV imports (one
 * transaction, errors with file, line and column), bills of real months, settings, estimates, charts.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { MBPS, at, billingPlan, csv, series } from './support/billing';
import { tempDir } from './support/plan';

type Env = ReturnType<typeof billingPlan>;
let env: Env;
afterEach(() => env?.plan.close());

const tiers = [
  { up_to: 100, rate: 2 },
  { up_to: null, rate: 1.5 },
];

describe('transit services', () => {
  it('are added with defaults filled in and shown with their effective direction', () => {
    env = billingPlan();
    const t = env.add({ model: 'percentile', commit: 100, fee: 500, tiers, port: 'fra-edge-1 xe-0/0/1', port_speed: '1000' }).transit;
    expect(t).toMatchObject({
      service: 'svc-1',
      customer: 'cust-1',
      port: 'fra-edge-1 xe-0/0/1',
      port_speed: 1000,
      model: 'percentile',
      commit: 100,
      included: null,
      fee: 500,
      tiers,
      tier_mode: 'graduated',
      direction: null,
      effective_direction: 'max',
      base: 1000,
      rounding: 'none',
      anchor_day: 1,
      tz: 'UTC',
      missing: 'exclude',
      start: null,
      end: null,
      samples: { kind: null, count: 0, first: null, last: null },
    });
  });

  it('are validated with every problem named where it is, and nothing is written', () => {
    env = billingPlan();
    const e = env.refuse('transit.add', {
      service: 'svc-1',
      model: 'transfer',
      commit: 50,
      tiers: [{ up_to: 100, rate: 2 }, { up_to: 50, rate: 1 }, { up_to: 10, rate: -1 }],
      anchor_day: 32,
      tz: 'Mars/Olympus',
    });
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toContain('tiers[1].up_to: must be above the band before (100)');
    expect(e.message).toContain('tiers[2].rate: rate must not be negative');
    expect(e.message).toContain('tiers[2].up_to: the last band must be open (up_to: null)');
    expect(e.message).toContain('anchor_day: anchor_day is 1-31');
    expect(e.message).toContain('tz: not an IANA time zone');
    expect(e.message).toContain('commit: a commit rate belongs to the percentile and commit_burst models, not transfer');
    expect(env.refuse('transit.add', { service: 'svc-1', model: 'percentile' }).message).toContain('tiers: percentile needs overage tiers');
    expect(env.refuse('transit.add', { service: 'svc-1', model: 'commit_burst', tiers }).message).toContain('commit: commit_burst needs a commit rate');
    expect(env.refuse('transit.add', { service: 'svc-1', model: 'flat' }).message).toContain('fee: flat bills the fixed fee');
    expect(env.refuse('transit.add', { service: 'svc-1', model: 'flat', fee: 10, start: '2024-05-01', end: '2024-04-01' }).message).toContain('end: the contract must end after it starts');
    expect(env.refuse('transit.add', { service: 'svc-1', model: 'flat', fee: 'ten' as never }).message).toContain('fee: a number such as 100 or 0.5');
    expect(env.refuse('transit.add', { service: 'svc-1', model: 'pay-as-you-go' as never, fee: 1 }).message).toContain('model: model is "percentile", "commit_burst", "transfer" or "flat"');
    expect(env.refuse('transit.add', { service: 'nope', model: 'flat', fee: 1 })).toMatchObject({ code: 'NOT_FOUND' });
    expect(env.call('transit.list', {}).services).toEqual([]);
    expect(env.call('journal.list', {}).batches.map((b) => b.label)).not.toContain('add transit svc-1');
  });

  it('are journaled: undo and redo step through add and edit, and the plan checks clean', () => {
    env = billingPlan();
    env.add({ model: 'flat', fee: 100 });
    expect(env.refuse('transit.add', { service: 'svc-1', model: 'flat', fee: 1 }).code).toBe('EXISTS');
    const edited = env.call('transit.set', { service: 'svc-1', fee: '150.5', direction: 'sum', port: 'p1' }).transit;
    expect(edited).toMatchObject({ fee: 150.5, direction: 'sum', effective_direction: 'sum', port: 'p1' });
    expect(env.call('journal.list', { limit: 2 }).batches.map((b) => b.label)).toEqual(['edit transit svc-1', 'add transit svc-1']);
    expect(env.check()).toEqual([]);
    expect(env.call('journal.undo', {}).undone.label).toBe('edit transit svc-1');
    expect(env.call('transit.get', { service: 'svc-1' }).transit).toMatchObject({ fee: 100, direction: null, port: null });
    expect(env.call('journal.undo', {}).undone.label).toBe('add transit svc-1');
    expect(env.refuse('transit.get', { service: 'svc-1' }).message).toContain('has no transit billing');
    env.call('journal.redo', {});
    env.call('journal.redo', {});
    expect(env.call('transit.get', { service: 'svc-1' }).transit).toMatchObject({ fee: 150.5, direction: 'sum' });
    expect(env.check()).toEqual([]);
    // Clearing with null: direction follows the setting again.
    expect(env.call('transit.set', { service: 'svc-1', direction: null }).transit.direction).toBeNull();
  });

  it('keep their samples across undo and redo of the definition; removing one with samples is refused', () => {
    env = billingPlan();
    env.add({ model: 'flat', fee: 100 });
    env.importCsv(csv([[at('2024-04-01T00:00:00Z'), 1, 2]]));
    env.call('journal.undo', {});
    env.call('journal.redo', {});
    expect(env.call('transit.get', { service: 'svc-1' }).transit.samples.count).toBe(1);
    const e = env.refuse('transit.remove', { service: 'svc-1' });
    expect(e.code).toBe('CONFLICT');
    expect(e.message).toContain('transit samples clear svc-1');
    expect(env.call('transit.samples.clear', { service: 'svc-1' }).deleted).toBe(1);
    expect(env.call('transit.remove', { service: 'svc-1' }).removed).toBe('svc-1');
    expect(env.call('journal.undo', {}).undone.label).toBe('remove transit svc-1');
    expect(env.call('transit.get', { service: 'svc-1' }).transit.fee).toBe(100);
    expect(env.check()).toEqual([]);
  });
});

describe('samples import', () => {
  it('reads ISO 8601 and Unix seconds, replaces samples at the same time, and reports what it did', () => {
    env = billingPlan();
    env.add({ model: 'percentile', tiers, tz: 'Europe/Berlin' });
    const first = env.importCsv(csv([[at('2024-04-01T00:00:00Z'), 1000, 2000], ['2024-04-01T00:05:00Z', 3000, 4000], ['2024-04-01T02:10:00', 5, 6]]));
    // 02:10 local (CEST, +02:00) is 00:10 UTC.
    expect(first).toMatchObject({ rows: 3, inserted: 3, replaced: 0, first: '2024-04-01T00:00:00Z', last: '2024-04-01T00:10:00Z', bad: [], dry_run: false, kind: 'bps', source: 'test.csv' });
    const again = env.importCsv(csv([['2024-04-01T02:05:00+02:00', 7, 8], ['2024-04-01T00:15:00Z', 9, 10]]));
    expect(again).toMatchObject({ rows: 2, inserted: 1, replaced: 1 });
    expect(env.call('transit.get', { service: 'svc-1' }).transit.samples).toEqual({ kind: 'bps', count: 4, first: '2024-04-01T00:00:00Z', last: '2024-04-01T00:15:00Z' });
    const chart = env.call('transit.chart', { service: 'svc-1', cycle: '2024-04', at: '2024-04-01T00:20:00Z' });
    expect(chart.in).toEqual([0.001, 0.000007, 0.000005, 0.000009]);
  });

  it('refuses a bad file whole, naming file, line and column, and leaves the samples as they were', () => {
    env = billingPlan();
    env.add({ model: 'percentile', tiers });
    env.importCsv(csv([[at('2024-04-01T00:00:00Z'), 1, 1]]));
    const text = ['timestamp,in,out', '2024-04-01T00:05:00Z,10,20', '', '2024-04-01T00:10:00Z,abc,20', '2024-04-31T00:15:00Z,1,2', '2024-04-01T00:20:00Z,5', '2024-04-01T00:05:00Z,1,-2'].join('\n');
    const e = env.refuse('transit.samples.import', { service: 'svc-1', csv: text, name: 'april.csv' });
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.message).toContain('april.csv:4:2: in: "abc" is not a rate in bits per second');
    expect(e.message).toContain('april.csv:5:1: timestamp: "2024-04-31T00:15:00Z" is not ISO 8601');
    expect(e.message).toContain('april.csv:6: expected 3 fields (timestamp,in,out), got 2');
    expect(e.message).toContain('april.csv:7:3: out: "-2" is not a rate');
    expect(e.message).toContain('nothing was imported');
    const dup = env.refuse('transit.samples.import', { service: 'svc-1', csv: csv([['2024-04-01T00:05:00Z', 1, 1], [at('2024-04-01T00:05:00Z'), 2, 2]]), name: 'dup.csv' });
    expect(dup.message).toBe('dup.csv:3:1: timestamp: 1711929900 repeats line 2; nothing was imported');
    expect(env.refuse('transit.samples.import', { service: 'svc-1', csv: 'time,in,out\n1,2,3', name: 'h.csv' }).message).toBe('h.csv:1: the header must be timestamp,in,out (got time,in,out)');
    expect(env.refuse('transit.samples.import', { service: 'svc-1', csv: 'timestamp,in,out\n1,"2,3', name: 'q.csv' }).message).toMatch(/^q\.csv:2(:\d+)?: not valid CSV/);
    expect(env.refuse('transit.samples.import', { service: 'svc-1', file: join(tempDir(), 'missing.csv') }).code).toBe('NOT_FOUND');
    expect(env.call('transit.get', { service: 'svc-1' }).transit.samples.count).toBe(1);
  });

  it('refuses octet counters for a service that holds rates, and a dry run writes nothing', () => {
    env = billingPlan();
    env.add({ model: 'percentile', tiers });
    const dry = env.call('transit.samples.import', { service: 'svc-1', csv: csv([[at('2024-04-01T00:00:00Z'), 1, 1]]), dry_run: true });
    expect(dry).toMatchObject({ rows: 1, inserted: 1, dry_run: true });
    expect(env.call('transit.get', { service: 'svc-1' }).transit.samples.count).toBe(0);
    env.importCsv(csv([[at('2024-04-01T00:00:00Z'), 1, 1]]));
    const e = env.refuse('transit.samples.import', { service: 'svc-1', csv: csv([[at('2024-04-01T00:05:00Z'), 1, 1]]), kind: 'octets' });
    expect(e.code).toBe('CONFLICT');
    expect(e.message).toContain('Import it with --kind bps');
  });

  it('imports a file from disk: counters with 32- and 64-bit wraps, a reset and the bad lines named', () => {
    env = billingPlan();
    env.add({ model: 'percentile', tiers, port_speed: 100 });
    const t0 = at('2024-04-01T00:00:00Z');
    const file = join(tempDir(), 'counters.csv');
    writeFileSync(
      file,
      csv([
        [t0, 4_294_967_000n, 18_446_744_073_709_550_616n], // line 2: first row, no rate
        [t0 + 300, 37_499_704n, 37_499_000n], // line 3: both wrap: 37,500,000 octets each = 1 Mbps
        [t0 + 600, 74_999_704n, 74_999_000n], // line 4: 37,500,000 more each: 1 Mbps
        [t0 + 900, 5n, 74_999_000n], // line 5: in went from 74,999,704 to 5: a 32-bit wrap would be 4,219,967,597 > 2^31: a reset
        [t0 + 1200, 375_000_005n, 74_999_000n], // line 6: 375,000,000 octets = 10 Mbps
        [t0 + 1500, 4_125_000_005n, 74_999_000n], // line 7: 3,750,000,000 octets = 100 Mbps, equal to the port: fine
        [t0 + 1800, 7_875_000_006n, 74_999_000n], // line 8: 100.0000000266 Mbps: above the port
      ]),
    );
    const r = env.call('transit.samples.import', { service: 'svc-1', file, kind: 'octets' });
    expect(r).toMatchObject({ rows: 7, kind: 'octets', no_rate: 1, source: file });
    expect(r.bad).toEqual([
      { time: '2024-04-01T00:15:00Z', line: 5, reason: 'counter_reset' },
      { time: '2024-04-01T00:30:00Z', line: 8, reason: 'above_port_speed' },
    ]);
    const b = env.bill({ cycle: '2024-04', direction: 'in', at: '2024-04-01T00:35:00Z' });
    // Counted: 1, 1, 10, 100 Mbps; n = 4 (< 20: the largest).
    expect([b.samples, b.present, b.bad, b.no_rate, b.missing, b.expected]).toEqual([4, 7, 2, 1, 0, 7]);
    expect(b.rate_in).toBe(100);
    expect(b.bad_samples).toEqual([
      { time: '2024-04-01T00:15:00Z', reason: 'counter_reset' },
      { time: '2024-04-01T00:30:00Z', reason: 'above_port_speed' },
    ]);
    // Transfer in: 37,500,000 + 37,500,000 + 375,000,000 + 3,750,000,000 octets = 4.2 GB.
    expect(b.transfer_in_gb).toBe(4.2);
    const chart = env.call('transit.chart', { service: 'svc-1', cycle: '2024-04', at: '2024-04-01T00:35:00Z' });
    expect(chart.state).toEqual(['no_rate', 'counted', 'counted', 'bad', 'counted', 'counted', 'bad']);
    expect(chart.in[3]).toBeNull();
    expect(chart.in[6]).toBeGreaterThan(100);
  });
});

/** Rates 1..n Mbps over the cycle's slots, shuffled in time: the k-th slot holds ((k * 7919) mod n) + 1... inverted. */
function shuffled(from: number, to: number) {
  const n = (to - from) / 300;
  const values = new Array<number>(n);
  for (let k = 0; k < n; k++) values[(k * 7919) % n] = k + 1;
  return series(from, to, (j) => [values[j]! * MBPS, (n + 1 - values[j]!) * MBPS]);
}

describe('bills of real months', () => {
  // Month -> n, and the ascending index per rule (worked in billing-rules.test.ts): the percentile is index + 1 Mbps.
  const months: Array<[string, number, Record<'nearest_rank' | 'librenms' | 'cacti', number>]> = [
    ['2023-02', 8064, { nearest_rank: 7660, librenms: 7660, cacti: 7659 }],
    ['2024-02', 8352, { nearest_rank: 7934, librenms: 7933, cacti: 7933 }],
    ['2024-04', 8640, { nearest_rank: 8207, librenms: 8207, cacti: 8207 }],
    ['2024-03', 8928, { nearest_rank: 8481, librenms: 8481, cacti: 8480 }],
  ];
  for (const [cycle, n, index] of months) {
    it(`${cycle}: ${n} samples, each index rule`, () => {
      env = billingPlan();
      env.add({ model: 'percentile', commit: 1000, fee: 100, tiers, direction: 'in' });
      const from = at(`${cycle}-01T00:00:00Z`);
      const rows = shuffled(from, from + n * 300);
      // One sample either side of the cycle: not counted.
      env.importCsv(csv([[from - 300, 99_999 * MBPS, 0], ...rows, [from + n * 300, 99_999 * MBPS, 0]]));
      for (const rule of ['nearest_rank', 'librenms', 'cacti'] as const) {
        const b = env.bill({ cycle, rule });
        expect([b.samples, b.expected, b.missing], rule).toEqual([n, n, 0]);
        expect(b.rate_in, rule).toBe(index[rule] + 1);
        expect(b.index, rule).toBe(rule === 'cacti' ? n - 1 - index[rule] : index[rule]);
        expect(b.rules).toMatchObject({ index_rule: rule, index_order: rule === 'cacti' ? 'descending' : 'ascending', direction: 'in', direction_source: 'service' });
        // Out is n + 1 - in: its percentile is the same index's value.
        expect(b.rate_out).toBe(index[rule] + 1);
        // The value index + 1 sits at slot (index * 7919) mod n.
        expect(b.percentile_sample).toEqual({ time: new Date((from + ((index[rule] * 7919) % n) * 300) * 1000).toISOString().replace('.000Z', 'Z'), value: index[rule] + 1, source: 'sample', direction: 'in' });
        // Overage above 1000 Mbps: 100 at 2, the rest at 1.5.
        const over = index[rule] + 1 - 1000;
        expect(b.overage).toBe(over);
        expect(b.total).toBe(100 + 200 + (over - 100) * 1.5);
      }
    });
  }

  it('a month crossing the DST change in the billing time zone: Europe/Berlin, March 2024', () => {
    env = billingPlan();
    env.add({ model: 'percentile', commit: 0, tiers: [{ up_to: null, rate: 1 }], tz: 'Europe/Berlin', direction: 'in' });
    const start = at('2024-02-29T23:00:00Z'); // 2024-03-01 00:00 CET
    const end = at('2024-03-31T22:00:00Z'); // 2024-04-01 00:00 CEST
    env.importCsv(csv([[start - 300, 99_999 * MBPS, 0], ...shuffled(start, end), [end, 99_999 * MBPS, 0]]));
    const b = env.bill({ cycle: '2024-03' });
    // 31 days less the skipped hour: 8928 - 12 = 8916 slots; nearest_rank ceil(0.95 x 8916) - 1 = ceil(8470.2) - 1 = 8470 -> 8471 Mbps.
    expect(b.period).toEqual({
      start: '2024-02-29T23:00:00Z',
      end: '2024-03-31T22:00:00Z',
      local_start: '2024-03-01T00:00:00+01:00',
      local_end: '2024-04-01T00:00:00+02:00',
      tz: 'Europe/Berlin',
      anchor_day: 1,
      seconds: 8916 * 300,
    });
    expect([b.samples, b.expected, b.index, b.rate_in, b.billable_rate]).toEqual([8916, 8916, 8470, 8471, 8471]);
    // The same month in UTC has 8928 slots; 12 of them are missing here (the data follows Berlin).
    env.call('transit.set', { service: 'svc-1', tz: 'UTC' });
    const utc = env.bill({ cycle: '2024-03' });
    expect([utc.expected, utc.present]).toEqual([8928, 8916 - 12 + 1]);
  });

  it('pro-rates a cycle the contract cuts, by time in the billing time zone', () => {
    env = billingPlan();
    env.add({ model: 'commit_burst', commit: 100, fee: 1000, tiers, tz: 'Europe/Berlin', start: '2024-03-16' });
    // From 2024-03-16 00:00 CET to 2024-04-01 00:00 CEST: 16 days less an hour = 1,378,800 s of 2,674,800: 383/743.
    const b = env.bill({ cycle: '2024-03' });
    expect(b.billed).toEqual({ start: '2024-03-15T23:00:00Z', end: '2024-03-31T22:00:00Z', seconds: 1_378_800, fraction: 383 / 743, prorated: true });
    expect(b.lines[0]).toMatchObject({ kind: 'fee', quantity: 383 / 743, rate: 1000, amount: 515.48 });
    expect(b.total).toBe(515.48);
    expect(b.expected).toBe(1_378_800 / 300);
    // April is whole: 1000. A cycle before the contract is refused.
    expect(env.bill({ cycle: '2024-04' }).total).toBe(1000);
    expect(env.refuse('transit.bill', { service: 'svc-1', cycle: '2024-02' })).toMatchObject({ code: 'OUT_OF_SCOPE' });
    // Cancelled on 2024-04-11 (UTC now): 10 of 30 days.
    env.call('transit.set', { service: 'svc-1', tz: 'UTC', start: null, end: '2024-04-11' });
    const last = env.bill({ cycle: '2024-04' });
    expect(last.billed.fraction).toBe(1 / 3);
    expect(last.total).toBe(333.33);
  });

  it('flat and transfer models', () => {
    env = billingPlan(2);
    env.add({ model: 'flat', fee: 250, start: '2024-04-16' });
    expect(env.bill({ cycle: '2024-04' }).total).toBe(125);
    env.add({ service: 'svc-2', model: 'transfer', included: 1000, fee: 50, tiers: [{ up_to: 500, rate: 0.02 }, { up_to: null, rate: 0.01 }], rounding: 'up', direction: 'out' });
    // Out: 8640 samples of 4,000,000 bps x 300 s / 8 = 150,000,000 octets each: 1296 GB; in half that.
    const from = at('2024-04-01T00:00:00Z');
    env.importCsv(csv(series(from, from + 8640 * 300, () => [2 * MBPS, 4 * MBPS])), 'bps', 'svc-2');
    const b = env.bill({ service: 'svc-2', cycle: '2024-04' });
    expect([b.transfer_out_gb, b.transfer_in_gb, b.transfer_gb]).toEqual([1296, 648, 1296]);
    // 1296 - 1000 = 296 GB (already whole) at 0.02 = 5.92; total 55.92.
    expect([b.overage, b.overage_unit, b.total]).toEqual([296, 'GB', 55.92]);
    expect(b.lines.map((l) => [l.kind, l.quantity, l.amount])).toEqual([['fee', 1, 50], ['overage', 296, 5.92], ['overage', 0, 0]]);
  });

  it('missing samples in a real month, each policy', () => {
    env = billingPlan();
    env.add({ model: 'percentile', commit: 0, tiers: [{ up_to: null, rate: 1 }], direction: 'in' });
    // April 2024: 1,000 slots with 10 Mbps, then 7,640 missing except one 50 Mbps sample at the last slot, after a gap of 7,639.
    const from = at('2024-04-01T00:00:00Z');
    env.importCsv(csv([...series(from, from + 1000 * 300, () => [10 * MBPS, 0]), [from + 8639 * 300, 50 * MBPS, 0]]));
    const bill = (missing: 'exclude' | 'zero' | 'spread') => {
      env.call('transit.set', { service: 'svc-1', missing });
      return env.bill({ cycle: '2024-04' });
    };
    const exclude = bill('exclude');
    // n = 1001, index ceil(950.95) - 1 = 950: 10 Mbps.
    expect([exclude.samples, exclude.missing, exclude.filled, exclude.index, exclude.rate_in]).toEqual([1001, 7639, 0, 950, 10]);
    const zero = bill('zero');
    // n = 8640, index 8207: 7,639 zeros, then 1,000 x 10, then 50: position 8207 is a 10.
    expect([zero.samples, zero.filled, zero.index, zero.rate_in]).toEqual([8640, 7639, 8207, 10]);
    const spread = bill('spread');
    // 50 Mbps x 300 s spread over 7,640 slots: 50/7640 Mbps each; n = 8640, position 8207 of (7640 x 0.00654..., 1000 x 10) is 10.
    expect([spread.samples, spread.filled, spread.rate_in]).toEqual([8640, 7639, 10]);
    expect(env.call('transit.chart', { service: 'svc-1', cycle: '2024-04' }).in[1000]).toBeCloseTo(50 / 7640, 12);
    expect(spread.transfer_in_gb).toBe(exclude.transfer_in_gb);
    expect(spread.notes.join(' ')).toContain("next sample's traffic spread evenly");
  });
});

describe('direction: service, setting, argument', () => {
  it('a service without its own direction follows the setting transit.direction; an argument overrides both', () => {
    env = billingPlan(2);
    env.add({ model: 'percentile', tiers });
    env.add({ service: 'svc-2', model: 'percentile', tiers, direction: 'in' });
    // 20 samples: in 1..20, out 40..2 (worked in billing-rules.test.ts): in 19, out 38, max 38, sum 40.
    const from = at('2024-04-01T00:00:00Z');
    const rows = series(from, from + 20 * 300, (j) => [(j + 1) * MBPS, 2 * (20 - j) * MBPS]);
    env.importCsv(csv(rows));
    env.importCsv(csv(rows), 'bps', 'svc-2');
    const rate = (service: string, direction?: 'in' | 'out' | 'max' | 'sum') => {
      const b = env.bill({ service, cycle: '2024-04', ...(direction ? { direction } : {}) });
      return [b.billable_rate, b.rules.direction, b.rules.direction_source];
    };
    expect(rate('svc-1')).toEqual([38, 'max', 'default']);
    expect(rate('svc-2')).toEqual([19, 'in', 'service']);
    expect(env.call('transit.settings.set', { key: 'transit.direction', value: 'sum' }).setting).toMatchObject({ key: 'transit.direction', value: 'sum', source: 'set' });
    expect(rate('svc-1')).toEqual([40, 'sum', 'setting']);
    expect(rate('svc-2')).toEqual([19, 'in', 'service']);
    expect(rate('svc-2', 'out')).toEqual([38, 'out', 'argument']);
    const sum = env.bill({ service: 'svc-1', cycle: '2024-04' });
    expect([sum.rate_in, sum.rate_out, sum.rate_sum]).toEqual([19, 38, 40]);
    expect(sum.percentile_sample).toEqual({ time: '2024-04-01T00:05:00Z', value: 40, source: 'sample', direction: 'sum' });
    expect(env.refuse('transit.settings.set', { key: 'transit.direction', value: 'both' }).message).toContain('transit.direction: direction is "in", "out", "max" or "sum", got "both"');
    expect(env.refuse('transit.settings.set', { key: 'transit.colour', value: 'red' }).message).toContain('unknown setting "transit.colour"');
    env.call('transit.settings.set', { key: 'transit.rule', value: 'cacti' });
    expect(env.bill({ service: 'svc-2', cycle: '2024-04' }).rules.index_rule).toBe('cacti');
    expect(env.call('transit.settings.get', {}).settings.map((s) => [s.key, s.value, s.source])).toEqual([
      ['transit.direction', 'sum', 'set'],
      ['transit.rule', 'cacti', 'set'],
    ]);
  });
});

describe('estimates and charts', () => {
  it('lists services with the current cycle so far; later slots are not missing yet', () => {
    env = billingPlan(2);
    env.add({ model: 'percentile', commit: 5, fee: 10, tiers: [{ up_to: null, rate: 1 }], direction: 'in' });
    env.add({ service: 'svc-2', model: 'flat', fee: 20, end: '2024-04-01' });
    const from = at('2024-04-01T00:00:00Z');
    env.importCsv(csv(series(from, from + 24 * 300, (j) => [(j + 1) * MBPS, 0])));
    // As of 02:00: slots 0-23 (24 samples), index ceil(22.8) - 1 = 22: 23 Mbps; 18 over the commit; 10 + 18.
    const r = env.call('transit.list', { at: '2024-04-01T02:00:00Z' });
    expect(r.as_of).toBe('2024-04-01T02:00:00Z');
    expect(r.services[0]).toMatchObject({ service: 'svc-1', estimate: { cycle: '2024-04', samples: 24, missing: 0, billable_rate: 23, total: 28, complete: false }, estimate_note: null });
    expect(r.services[1]).toMatchObject({ service: 'svc-2', estimate: null });
    expect(r.services[1]!.estimate_note).toContain('outside the contract of svc-2');
    const b = env.bill({ cycle: '2024-04', at: '2024-04-01T01:00:00Z' });
    // As of 01:00 only the first 12 samples count: index ceil(11.4) - 1 = 11: 12 Mbps.
    expect([b.complete, b.expected, b.samples, b.rate_in]).toEqual([false, 12, 12, 12]);
    expect(b.notes[0]).toContain('still running');
  });

  it('gives the chart its series with the percentile and commit lines and the excluded samples marked', () => {
    env = billingPlan();
    env.add({ model: 'percentile', commit: 5, tiers, port_speed: 100, missing: 'zero', direction: 'max' });
    const from = at('2024-04-01T00:00:00Z');
    env.importCsv(csv([[from, 1 * MBPS, 2 * MBPS], [from + 300, 500 * MBPS, 0], [from + 900, 3 * MBPS, 4 * MBPS]]));
    const c = env.call('transit.chart', { service: 'svc-1', cycle: '2024-04', at: '2024-04-01T00:20:00Z' });
    expect(c).toMatchObject({
      t: [from, from + 300, from + 600, from + 900],
      in: [1, 500, 0, 3],
      out: [2, 0, 0, 4],
      state: ['counted', 'bad', 'zero', 'counted'],
      percentile: { in: 3, out: 4, sum: null, billable: 4 },
      commit: 5,
      port_speed: 100,
      direction: 'max',
      rule: 'nearest_rank',
      unit: 'Mbps',
    });
  });
});
