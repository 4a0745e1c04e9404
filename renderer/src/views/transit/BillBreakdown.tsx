/** The bill as it explains itself: its lines and total, and every rule and figure it used. */
import type { BillView } from '../../../../shared/billing/views';
import { DIRECTION_LABEL, gb, instant, mbps, money, num } from './format';

function Lines({ bill }: { bill: BillView }) {
  return (
    <table className="bill-lines" data-testid="bill-lines">
      <thead>
        <tr><th>Line</th><th className="num">Quantity</th><th className="num">Rate</th><th className="num">Amount</th></tr>
      </thead>
      <tbody>
        {bill.lines.length === 0 && <tr><td colSpan={4} className="muted">Nothing to bill in this cycle.</td></tr>}
        {bill.lines.map((l, i) => (
          <tr key={i} className={l.kind}>
            <td>
              {l.description}
              {l.band !== null && <span className="muted small"> · band {l.band + 1}{l.to !== null ? ` (${num(l.from)}–${num(l.to)} ${l.unit})` : l.from ? ` (above ${num(l.from)} ${l.unit})` : ''}</span>}
            </td>
            <td className="num mono">{l.unit === 'cycle' ? (l.quantity === 1 ? '1 cycle' : `${num(l.quantity, 4)} cycle`) : `${num(l.quantity, 3)} ${l.unit}`}</td>
            <td className="num mono">{money(l.rate)}</td>
            <td className="num mono">{money(l.amount)}</td>
          </tr>
        ))}
      </tbody>
      <tfoot>
        <tr>
          <td colSpan={3}>Total{bill.complete ? '' : <span className="pill estimate">estimate so far</span>}</td>
          <td className="num mono total" data-testid="bill-total">{money(bill.total)}</td>
        </tr>
      </tfoot>
    </table>
  );
}

function Facts({ bill }: { bill: BillView }) {
  const r = bill.rules;
  const tz = bill.period.tz;
  const ps = bill.percentile_sample;
  const rated = bill.model === 'percentile' || bill.model === 'commit_burst';
  return (
    <dl className="bill-facts" data-testid="bill-facts">
      <dt>Cycle</dt>
      <dd>{instant(bill.period.start, tz)} → {instant(bill.period.end, tz)} <span className="muted">[start, end)</span>{bill.billed.prorated && <div className="muted small">billed {instant(bill.billed.start, tz)} → {instant(bill.billed.end, tz)}: {num(bill.billed.fraction * 100, 2)}% of the cycle (fees pro-rated)</div>}</dd>
      <dt>Samples</dt>
      <dd data-testid="bill-samples">
        <b>{bill.samples.toLocaleString('en')}</b> counted of {bill.expected.toLocaleString('en')} five-minute slots
        <div className="muted small">
          {bill.present.toLocaleString('en')} stored · {bill.missing.toLocaleString('en')} missing ({r.missing}{bill.filled ? `, ${bill.filled} filled` : ''}) · {bill.bad} bad, excluded{bill.no_rate ? ` · ${bill.no_rate} without a rate` : ''}
        </div>
      </dd>
      {rated && (
        <>
          <dt>Index</dt>
          <dd>
            {bill.index === null ? <span className="muted">no samples</span> : <><b className="mono">{bill.index}</b> <span className="muted">(0-based, {r.index_order})</span></>}
            <div className="muted small">{r.index_rule}: {r.index_formula}</div>
          </dd>
          <dt>Set by</dt>
          <dd>{ps ? <>{mbps(ps.value)} {ps.direction} at {instant(ps.time, tz)}{ps.source !== 'sample' ? <span className="muted"> ({ps.source} fill)</span> : null}</> : <span className="muted">—</span>}</dd>
          <dt>95th pct</dt>
          <dd>
            in {mbps(bill.rate_in)} · out {mbps(bill.rate_out)}{bill.rate_sum !== null ? ` · sum ${mbps(bill.rate_sum)}` : ''}
            <div><b>{mbps(bill.billable_rate)}</b> billed: {DIRECTION_LABEL[r.direction]} <span className="muted small">(from the {r.direction_source})</span></div>
          </dd>
          <dt>Commit</dt>
          <dd>{mbps(bill.commit)}{bill.overage_unit && <> · overage <b>{num(bill.overage, 3)} {bill.overage_unit}</b>{bill.overage !== bill.overage_exact ? <span className="muted"> (rounded {r.rounding} from {num(bill.overage_exact, 4)})</span> : null}</>}</dd>
        </>
      )}
      <dt>Transfer</dt>
      <dd>
        in {gb(bill.transfer_in_gb)} · out {gb(bill.transfer_out_gb)}
        {bill.model === 'transfer' && <div><b>{gb(bill.transfer_gb)}</b> billed ({DIRECTION_LABEL[r.direction]}) − {gb(bill.included_gb ?? 0)} included = overage <b>{num(bill.overage, 3)} GB</b></div>}
      </dd>
      <dt>Units</dt>
      <dd className="muted small">base {r.unit_base} · tiers {r.tier_mode} · rounding {r.rounding}</dd>
    </dl>
  );
}

export function BillBreakdown({ bill }: { bill: BillView }) {
  return (
    <div className="bill-card" data-testid="bill">
      <div className="bill-main">
        <div className="section-title">Bill · {bill.cycle} {bill.complete ? <span className="pill complete">closed</span> : <span className="pill estimate">running, as of {instant(bill.as_of, bill.period.tz)}</span>}</div>
        <Lines bill={bill} />
        {bill.notes.length > 0 && (
          <ul className="bill-notes">
            {bill.notes.map((n, i) => <li key={i}>{n}</li>)}
          </ul>
        )}
        {bill.bad_samples.length > 0 && (
          <div className="bad-list">
            <div className="section-title">Excluded samples</div>
            <ul>
              {bill.bad_samples.slice(0, 8).map((b) => <li key={b.time}><span className="mono">{instant(b.time, bill.period.tz)}</span> · {b.reason.replace(/_/g, ' ')}</li>)}
              {bill.bad_samples.length > 8 && <li className="muted">+{bill.bad_samples.length - 8} more</li>}
            </ul>
          </div>
        )}
      </div>
      <div className="bill-side">
        <div className="section-title">How it was computed</div>
        <Facts bill={bill} />
      </div>
    </div>
  );
}
