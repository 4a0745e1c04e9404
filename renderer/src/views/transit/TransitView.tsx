/** Transit: every service with its current-cycle estimate; the selected one's chart and bill. */
import { useEffect, useState } from 'react';
import './transit.css';
import { useApp } from '../../context';
import { useQuery } from '../../ui/useQuery';
import { TransitCard } from './TransitCard';
import { TransitDetail } from './TransitDetail';
import { TransitForm } from './TransitForm';
import { cycleName, money } from './format';

export function TransitView() {
  const picked = useApp((s) => s.picked.transit);
  const list = useQuery('transit.list', {});
  const [selected, setSelected] = useState<string | null>(picked ?? null);
  const [adding, setAdding] = useState(false);
  const items = list.data?.services ?? [];
  useEffect(() => {
    if (picked) setSelected(picked);
  }, [picked]);
  useEffect(() => {
    if ((selected === null || !items.some((i) => i.service === selected)) && items.length) setSelected(items[0]!.service);
  }, [items, selected]);
  const current = items.find((i) => i.service === selected) ?? null;
  const running = items.filter((i) => i.estimate);
  const total = running.reduce((n, i) => n + (i.estimate?.total ?? 0), 0);
  return (
    <div className="screen split" data-testid="transit-view">
      <aside className="master">
        <header className="screen-head">
          <h1>Transit</h1>
          <div className="head-actions">
            <button type="button" className="primary" onClick={() => setAdding(true)}>+ Transit service</button>
          </div>
          <p className="muted">IP transit billed by 95th percentile, commit and burst, transfer or flat.</p>
        </header>
        {running.length > 0 && (
          <div className="month-total">
            <span className="eyebrow">{running[0]!.estimate ? cycleName(running[0]!.estimate.cycle) : ''} so far · {running.length} service{running.length === 1 ? '' : 's'}</span>
            <span className="est-total">{money(total)}</span>
          </div>
        )}
        {list.error && <div className="form-error">{list.error}</div>}
        <div className="card-list" role="list" aria-label="Transit services">
          {items.map((i) => <TransitCard key={i.id} item={i} on={i.service === selected} onSelect={() => setSelected(i.service)} />)}
          {list.data && !items.length && (
            <div className="empty-card-small">
              <p>No transit service yet. Bill a service's port by its traffic.</p>
              <button type="button" className="primary" onClick={() => setAdding(true)}>Add a transit service</button>
            </div>
          )}
        </div>
      </aside>
      <div className="detail">
        {current ? (
          <TransitDetail key={current.service} item={current} />
        ) : list.data ? (
          <ol className="how-to">
            <li><b>Bill a service for transit.</b> Pick the model (95th percentile, commit and burst, per-GB transfer or flat), the commit, the fee and the overage tiers.</li>
            <li><b>Import its samples.</b> A CSV of timestamp,in,out in 5-minute steps, as bits per second or octet counters.</li>
            <li><b>Read the bill.</b> Every cycle's chart and bill, explained: the samples counted, the index rule, the sample that set the percentile, each tier band.</li>
          </ol>
        ) : (
          <div className="detail-empty">Loading…</div>
        )}
      </div>
      {adding && <TransitForm transit={null} onClose={(service) => { setAdding(false); if (service) setSelected(service); }} />}
    </div>
  );
}
