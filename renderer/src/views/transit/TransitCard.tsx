/** One transit service in the list, with its current cycle's estimate. */
import { MODEL_LABEL, cycleName, gb, mbps, money } from './format';
import type { TransitItem } from './types';

export function TransitCard({ item, on, onSelect }: { item: TransitItem; on: boolean; onSelect: () => void }) {
  const e = item.estimate;
  return (
    <button type="button" className={on ? 'card transit-card on' : 'card transit-card'} aria-current={on || undefined} onClick={onSelect} data-testid={`transit-${item.service}`}>
      <div className="card-title">
        <span className="mono">{item.service}</span>
        <span className={`pill model-${item.model}`}>{MODEL_LABEL[item.model]}</span>
      </div>
      <div className="muted small">{[item.customer, item.port, item.port_speed ? `${item.port_speed} Mbps port` : null].filter(Boolean).join(' · ')}</div>
      {e ? (
        <div className="estimate">
          <div>
            <div className="eyebrow">{cycleName(e.cycle)} {e.complete ? '' : 'so far'}</div>
            <div className="est-total" data-testid="estimate-total">{money(e.total)}</div>
          </div>
          <div className="est-figs">
            {item.model === 'transfer' ? <span>{gb(e.transfer_gb)}</span> : item.model !== 'flat' ? <span>p95 {mbps(e.billable_rate)}</span> : null}
            <span className="muted">{e.samples.toLocaleString('en')} samples{e.bad ? ` · ${e.bad} bad` : ''}</span>
          </div>
        </div>
      ) : (
        <div className="muted small estimate-none">{item.estimate_note ?? 'No estimate for the current cycle'}</div>
      )}
    </button>
  );
}
