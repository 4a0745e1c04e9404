/** Every address record of the space with its PTR name (the engine filters and pages), edited in place; a row opens its pool in the inspector. */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import type { MethodArgs } from '../../../shared/api/contract';
import { useApp, useAppStore } from '../context';
import { usePages } from '../ui/usePages';
import { PtrCell } from './rdns/PtrCell';

type PtrFilter = NonNullable<MethodArgs<'ip.list'>['ptr']>;

const COLUMNS = [
  { label: 'Address', width: '1.5fr' },
  { label: 'Subnet', width: '1.3fr' },
  { label: 'Customer', width: '1fr' },
  { label: 'Service', width: '1fr' },
  { label: 'Purpose', width: '0.8fr' },
  { label: 'PTR', width: '2.2fr' },
  { label: 'Pushed', width: '1fr' },
];

/** When the PTR last went out; a record changed since then (its name, most likely) is marked. */
function Pushed({ rdns, pushedAt, updatedAt }: { rdns: string | null; pushedAt: string | null; updatedAt: string }) {
  if (!pushedAt) return <>{rdns ? 'not yet' : ''}</>;
  const d = new Date(pushedAt);
  const text = `${d.toLocaleDateString()} ${d.toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' })}`;
  return updatedAt > pushedAt ? <span title="the record changed after this push">{text} <span className="changed-mark">• changed</span></span> : <>{text}</>;
}

export function AddressTable({ modes }: { modes: ReactNode }) {
  const store = useAppStore();
  const space = useApp((s) => s.space);
  const info = useApp((s) => s.info);
  const [text, setText] = useState('');
  const [ptr, setPtr] = useState<PtrFilter>('any');
  const parent = useRef<HTMLDivElement>(null);
  // The engine filters and pages: a plan can hold a million address records.
  const fetchPage = useCallback(
    (offset: number, limit: number) =>
      store
        .getState()
        .api.call('ip.list', { space, ptr, offset, limit, ...(text.trim() ? { text: text.trim() } : {}) })
        .then((r) => ({ total: r.total, offset: r.offset, rows: r.ips })),
    [store, space, ptr, text],
  );
  const { total, rows, loaded, error, ensure } = usePages(fetchPage, info, text ? 150 : 0);
  const virtual = useVirtualizer({ count: total, getScrollElement: () => parent.current, estimateSize: () => 36, overscan: 12 });
  const items = virtual.getVirtualItems();
  useEffect(() => ensure(items.map((it) => it.index)), [items, ensure]);
  const template = COLUMNS.map((c) => `minmax(0, ${c.width})`).join(' ');
  return (
    <div className="table-view" data-testid="address-table">
      <div className="filters">
        {modes}
        <input type="search" placeholder="Filter by address, customer, PTR…" value={text} onChange={(e) => setText(e.target.value)} aria-label="Filter addresses" />
        <select value={ptr} onChange={(e) => setPtr(e.target.value as PtrFilter)} aria-label="PTR filter">
          <option value="any">any PTR</option>
          <option value="named">with a PTR</option>
          <option value="unnamed">without a PTR</option>
          <option value="unpushed">named, never pushed</option>
        </select>
        <span className="count" data-testid="address-count">{total.toLocaleString('en')} address{total === 1 ? '' : 'es'}</span>
      </div>
      {error && <div className="form-error">{error}</div>}
      <div className="table" role="table" aria-rowcount={total}>
        <div className="thead" role="row" style={{ gridTemplateColumns: template }}>
          {COLUMNS.map((c) => <span key={c.label} role="columnheader" className="th">{c.label}</span>)}
        </div>
        <div className="tbody" ref={parent}>
          <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
            {loaded && total === 0 && <div className="hint pad">{text.trim() || ptr !== 'any' ? 'No address matches.' : `No address records in ${space} yet: allocate addresses from an IP pool.`}</div>}
            {items.map((it) => {
              const ip = rows.get(it.index);
              if (!ip) {
                return (
                  <div key={it.key} role="row" className="tr ip-row loading" style={{ transform: `translateY(${it.start}px)`, gridTemplateColumns: template }}>
                    <span className="muted">…</span>
                  </div>
                );
              }
              return (
                <div key={ip.id} role="row" className="tr ip-row" style={{ transform: `translateY(${it.start}px)`, gridTemplateColumns: template }} onClick={() => ip.subnet && store.getState().select(ip.subnet)}>
                  <span className="mono">{ip.address}{ip.is_management ? <span className="pill mgmt">mgmt</span> : null}</span>
                  <span className="mono muted">{ip.subnet ?? ''}</span>
                  <span className="mono">{ip.customer ?? ''}</span>
                  <span>{ip.service ?? ip.device ?? ''}</span>
                  <span className="muted">{ip.purpose ?? ''}</span>
                  <span className="ptr-span"><PtrCell space={space} address={ip.address} rdns={ip.rdns} pushedAt={ip.rdns_updated_at} /></span>
                  <span className="muted small"><Pushed rdns={ip.rdns} pushedAt={ip.rdns_updated_at} updatedAt={ip.updated_at} /></span>
                </div>
              );
            })}
          </div>
        </div>
      </div>
    </div>
  );
}
