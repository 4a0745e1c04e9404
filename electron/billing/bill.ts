/**
 * One cycle's bill from a service's rates, as numbers: the percentiles per direction, the billable
 * rate, transfer, overage, the lines and the total. Pure: the engine and the benchmark both call it.
 *
 * - percentile: the fixed fee (port fee), plus max(0, p - commit) priced by the tiers;
 * - commit_burst: the fixed fee is the commit charge, always billed; overage as for percentile;
 * - transfer: the fixed fee (port fee), plus (transfer in the direction rule - included) priced by the tiers;
 * - flat: the fixed fee.
 * Fixed and commit fees are pro-rated by the share of the cycle's time inside the contract.
 * Overage is rounded (none, or up to a whole unit) before the tiers price it; amounts are rounded to the cent.
 */
import type { BillingModel, Direction, IndexRule, MissingPolicy, Rounding, TierBand, TierMode } from '../../shared/billing/model';
import type { BillLine } from '../../shared/billing/views';
import { percentileIndex, selectKth, locateKth, type PercentileIndex } from './percentile';
import { cents, priceBands, roundQuantity } from './price';
import type { Derived } from './series';
import { cycleUsage, newBuffers, type Usage, type UsageBuffers } from './usage';

/**
 * Scratch arrays for a batch of bills (a list of estimates, the benchmark): lent to each bill instead of
 * allocating per bill. A bill's figures point into them, so use each bill before computing the next.
 */
export class Workspace {
  buffers: UsageBuffers = newBuffers(0);
  scratch = new Float64Array(0);
  sums = new Float64Array(0);

  ensure(n: number): void {
    if (this.buffers.vin.length < n) this.buffers = newBuffers(n);
    if (this.scratch.length < n) {
      this.scratch = new Float64Array(n);
      this.sums = new Float64Array(n);
    }
  }
}

export interface BillConfig {
  model: BillingModel;
  commit: number | null;
  included: number | null;
  fee: number;
  tiers: readonly TierBand[];
  tier_mode: TierMode;
  base: 1000 | 1024;
  rounding: Rounding;
  missing: MissingPolicy;
}

export interface BillPeriod {
  /** The whole cycle, [start, end). */
  cycleStart: number;
  cycleEnd: number;
  /** The cycle cut by the contract. */
  start: number;
  end: number;
  /** Samples after this instant are not counted, nor are later slots missing (a running cycle). */
  asOf: number;
}

export interface Pick {
  bps: number;
  index: number | null;
  /** Position of the sample in the usage arrays. */
  at: number | null;
}

export interface BillFigures {
  usage: Usage;
  index: PercentileIndex | null;
  in: Pick;
  out: Pick;
  sum: Pick | null;
  billableBps: number;
  billableFrom: 'in' | 'out' | 'sum';
  transferIn: number;
  transferOut: number;
  /** Octets in the direction rule. */
  transfer: number;
  overageExact: number;
  overage: number;
  overageUnit: 'Mbps' | 'GB' | null;
  /** Share of the cycle's time inside the contract. */
  fraction: number;
  lines: BillLine[];
  total: number;
}

const NONE: Pick = { bps: 0, index: null, at: null };

function pick(values: Float64Array, n: number, index: PercentileIndex | null, scratch: Float64Array): Pick {
  if (!index) return NONE;
  const v = selectKth(values, n, index.ascending, scratch);
  return { bps: v, index: index.index, at: locateKth(values, n, index.ascending, v) };
}

const fmt = (x: number) => String(Number(x.toPrecision(12)));

export function computeBill(cfg: BillConfig, d: Derived, period: BillPeriod, rule: IndexRule, direction: Direction, trace = false, ws?: Workspace): BillFigures {
  const until = Math.max(period.start, Math.min(period.end, period.asOf));
  if (ws) ws.ensure(d.length + Math.ceil((period.cycleEnd - period.cycleStart) / 300) + 1);
  const usage = cycleUsage(d, { origin: period.cycleStart, start: period.start, until }, cfg.missing, trace, ws?.buffers);
  const n = usage.n;
  const index = percentileIndex(rule, n);
  const scratch = ws ? ws.scratch : new Float64Array(n);
  const pin = pick(usage.vin, n, index, scratch);
  const pout = pick(usage.vout, n, index, scratch);
  let psum: Pick | null = null;
  if (direction === 'sum') {
    const sums = ws ? ws.sums : new Float64Array(n);
    for (let i = 0; i < n; i++) sums[i] = usage.vin[i]! + usage.vout[i]!;
    psum = pick(sums, n, index, scratch);
  }
  const chosen = direction === 'in' ? 'in' : direction === 'out' ? 'out' : direction === 'sum' ? 'sum' : pin.bps >= pout.bps ? 'in' : 'out';
  const billableBps = chosen === 'in' ? pin.bps : chosen === 'out' ? pout.bps : psum!.bps;

  const transferIn = usage.trafficIn;
  const transferOut = usage.trafficOut;
  const transfer = direction === 'in' ? transferIn : direction === 'out' ? transferOut : direction === 'sum' ? transferIn + transferOut : Math.max(transferIn, transferOut);

  const mega = cfg.base * cfg.base;
  const giga = mega * cfg.base;
  let overageExact = 0;
  let overageUnit: BillFigures['overageUnit'] = null;
  if (cfg.model === 'percentile' || cfg.model === 'commit_burst') {
    overageExact = Math.max(0, billableBps - (cfg.commit ?? 0) * mega) / mega;
    overageUnit = 'Mbps';
  } else if (cfg.model === 'transfer') {
    overageExact = Math.max(0, transfer / giga - (cfg.included ?? 0));
    overageUnit = 'GB';
  }
  const overage = roundQuantity(overageExact, cfg.rounding);

  const cycleSeconds = period.cycleEnd - period.cycleStart;
  const fraction = (period.end - period.start) / cycleSeconds;
  const lines: BillLine[] = [];
  if (cfg.fee > 0 || cfg.model === 'commit_burst' || cfg.model === 'flat') {
    const what = cfg.model === 'commit_burst' ? `commit ${fmt(cfg.commit ?? 0)} Mbps` : cfg.model === 'flat' ? 'flat fee' : 'port fee';
    const prorated = fraction < 1 ? ` (pro-rated: ${fmt(fraction * 100)}% of the cycle)` : '';
    lines.push({ kind: 'fee', description: `${what}${prorated}`, quantity: fraction, unit: 'cycle', rate: cfg.fee, amount: cents(cfg.fee * fraction), band: null, from: null, to: null });
  }
  if (overageUnit) {
    for (const b of priceBands(overage, cfg.tiers, cfg.tier_mode)) {
      const range = b.to === null ? `above ${fmt(b.from)} ${overageUnit}` : `${fmt(b.from)}-${fmt(b.to)} ${overageUnit}`;
      const volume = cfg.tier_mode === 'volume' ? (b.quantity > 0 || (overage === 0 && b.band === 0) ? ' (volume: prices every unit)' : '') : '';
      lines.push({ kind: 'overage', description: `overage ${range}${volume}`, quantity: b.quantity, unit: overageUnit, rate: b.rate, amount: b.amount, band: b.band, from: b.from, to: b.to });
    }
  }
  const total = cents(lines.reduce((s, l) => s + l.amount, 0));
  return {
    usage,
    index,
    in: pin,
    out: pout,
    sum: psum,
    billableBps,
    billableFrom: chosen,
    transferIn,
    transferOut,
    transfer,
    overageExact,
    overage,
    overageUnit,
    fraction,
    lines,
    total,
  };
}
