/** One transit service: its definition, a cycle and rule to look at, the rate chart and the bill. */
import { useEffect, useState } from 'react';
import { DIRECTIONS, INDEX_RULES, type Direction, type IndexRule } from '../../../../shared/billing/model';
import { useQuery } from '../../ui/useQuery';
import { BillBreakdown } from './BillBreakdown';
import { DefinitionStrip } from './DefinitionStrip';
import { ImportDialog } from './ImportDialog';
import { RateChart } from './RateChart';
import { RemoveDialog } from './RemoveDialog';
import { TransitForm } from './TransitForm';
import { MODEL_LABEL, cycleName, stepCycle } from './format';
import type { TransitItem } from './types';

export function TransitDetail({ item }: { item: TransitItem }) {
  const get = useQuery('transit.get', { service: item.service });
  const [cycle, setCycle] = useState<string | null>(null);
  const [chosen, setChosen] = useState(false);
  const [rule, setRule] = useState<IndexRule | ''>('');
  const [direction, setDirection] = useState<Direction | ''>('');
  const [dialog, setDialog] = useState<'import' | 'edit' | 'remove' | null>(null);
  const cycles = [...new Set([...(get.data?.cycles ?? []), ...(item.estimate ? [item.estimate.cycle] : [])])].sort();
  // Until the planner picks one: the latest cycle with samples, else the current one.
  useEffect(() => {
    if (chosen || !get.data) return;
    const latest = get.data.cycles.at(-1) ?? item.estimate?.cycle ?? null;
    if (latest) setCycle(latest);
  }, [get.data, item.estimate, chosen]);
  const args = cycle ? { service: item.service, cycle, ...(rule ? { rule } : {}), ...(direction ? { direction } : {}) } : null;
  const bill = useQuery('transit.bill', args);
  const chart = useQuery('transit.chart', args);
  const pick = (c: string) => {
    setChosen(true);
    setCycle(c);
  };
  const rated = item.model === 'percentile' || item.model === 'commit_burst';
  return (
    <div className="transit-detail" data-testid="transit-detail">
      <div className="editor-head">
        <div>
          <div className="eyebrow">Transit · {MODEL_LABEL[item.model]}</div>
          <h2 className="mono">{item.service}</h2>
          <div className="muted small">{item.customer ?? 'no customer'} · {item.samples.count.toLocaleString('en')} samples stored{item.samples.kind ? ` (${item.samples.kind === 'bps' ? 'bits per second' : 'octet counters'})` : ''}</div>
        </div>
        <div className="head-actions">
          <button type="button" className="primary" onClick={() => setDialog('import')}>Import samples…</button>
          <button type="button" onClick={() => setDialog('edit')}>Edit…</button>
          <button type="button" className="danger" onClick={() => setDialog('remove')}>Remove…</button>
        </div>
      </div>
      <DefinitionStrip t={item} />
      <div className="cycle-bar">
        <div className="cycle-pick">
          <button type="button" className="icon-sq" aria-label="Previous cycle" disabled={!cycle} onClick={() => cycle && pick(stepCycle(cycle, -1))}>‹</button>
          <select aria-label="Cycle" value={cycle ?? ''} onChange={(e) => pick(e.target.value)}>
            {cycle && !cycles.includes(cycle) && <option value={cycle}>{cycleName(cycle)} · no samples</option>}
            {cycles.map((c) => (
              <option key={c} value={c}>{cycleName(c)}{c === item.estimate?.cycle ? ' · current' : ''}</option>
            ))}
          </select>
          <button type="button" className="icon-sq" aria-label="Next cycle" disabled={!cycle} onClick={() => cycle && pick(stepCycle(cycle, 1))}>›</button>
        </div>
        {rated && (
          <div className="seg-light" role="radiogroup" aria-label="Index rule">
            {(['', ...INDEX_RULES] as const).map((r) => (
              <button key={r} type="button" role="radio" aria-checked={rule === r} className={rule === r ? 'on' : ''} onClick={() => setRule(r)} title={r ? undefined : 'the setting transit.rule'}>
                {r || 'default rule'}
              </button>
            ))}
          </div>
        )}
        {item.model !== 'flat' && (
          <label className="inline-label">
            Direction
            <select value={direction} onChange={(e) => setDirection(e.target.value as Direction | '')} aria-label="Direction">
              <option value="">as defined ({item.effective_direction})</option>
              {DIRECTIONS.map((d) => <option key={d} value={d}>{d} (what if)</option>)}
            </select>
          </label>
        )}
      </div>
      {(bill.error || chart.error) && <div className="form-error">{bill.error ?? chart.error}</div>}
      {chart.data && <RateChart chart={chart.data} tz={item.tz} />}
      {bill.data && <BillBreakdown bill={bill.data} />}
      {dialog === 'import' && <ImportDialog item={item} onClose={() => setDialog(null)} onDone={() => setChosen(false)} />}
      {dialog === 'edit' && <TransitForm transit={item} onClose={() => setDialog(null)} />}
      {dialog === 'remove' && <RemoveDialog item={item} onClose={() => setDialog(null)} />}
    </div>
  );
}
