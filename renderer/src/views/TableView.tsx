/**
 * The table screen: the prefix list (the tree indented by depth, with utilization and the available space inline),
 * or every subnet as a flat list (the engine sorts, filters and pages), or every address record with its PTR name;
 * virtualized, only visible rows are mounted.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';
import type { MethodArgs } from '../../../shared/api/contract';
import { useApp, useAppStore } from '../context';
import { STATUS_LABEL, statusOf } from '../status';
import { usePages } from '../ui/usePages';
import { AddressTable } from './AddressTable';
import { PrefixList } from './PrefixList';
import './table.css';

type Sort = NonNullable<MethodArgs<'subnet.list'>['sort']>;
type StatusFilter = NonNullable<MethodArgs<'subnet.list'>['status']>;

const COLUMNS: Array<{ key: Sort; label: string; width: string }> = [
  { key: 'address', label: 'CIDR', width: '2.1fr' },
  { key: 'status', label: 'Status', width: '1fr' },
  { key: 'customer', label: 'Customer', width: '1.2fr' },
  { key: 'location', label: 'Location', width: '0.9fr' },
  { key: 'vlan', label: 'VLAN', width: '0.6fr' },
  { key: 'description', label: 'Description', width: '2fr' },
  { key: 'updated', label: 'Updated', width: '1.2fr' },
];

export function TableView() {
  const [mode, setMode] = useState<'subnets' | 'addresses'>('subnets');
  const [flat, setFlat] = useState(false);
  const modes = (
    <>
      <div className="seg-light" role="radiogroup" aria-label="Rows">
        <button type="button" role="radio" aria-checked={mode === 'subnets'} className={mode === 'subnets' ? 'on' : ''} onClick={() => setMode('subnets')}>Subnets</button>
        <button type="button" role="radio" aria-checked={mode === 'addresses'} className={mode === 'addresses' ? 'on' : ''} onClick={() => setMode('addresses')}>Addresses &amp; PTRs</button>
      </div>
      {mode === 'subnets' && (
        <button type="button" className={flat ? 'flat-toggle on' : 'flat-toggle'} aria-pressed={flat} title="Every subnet in one list, sorted and filtered" onClick={() => setFlat(!flat)}>
          Flat list
        </button>
      )}
    </>
  );
  if (mode === 'addresses') return <AddressTable modes={modes} />;
  return flat ? <SubnetTable modes={modes} /> : <PrefixList modes={modes} />;
}

function SubnetTable({ modes }: { modes: ReactNode }) {
  const store = useAppStore();
  const space = useApp((s) => s.space);
  const info = useApp((s) => s.info);
  const locations = useApp((s) => s.locations);
  const [sort, setSort] = useState<Sort>('address');
  const [dir, setDir] = useState<'asc' | 'desc'>('asc');
  const [status, setStatus] = useState<StatusFilter>('any');
  const [family, setFamily] = useState<'' | '4' | '6'>('');
  const [location, setLocation] = useState('');
  const [text, setText] = useState('');
  const [carved, setCarved] = useState(false);
  const parent = useRef<HTMLDivElement>(null);

  const fetchPage = useCallback(
    (offset: number, limit: number) =>
      store.getState().api.call('subnet.list', {
        space,
        status,
        sort,
        dir,
        include_carved: carved,
        offset,
        limit,
        ...(family ? { family: Number(family) as 4 | 6 } : {}),
        ...(location ? { location } : {}),
        ...(text.trim() ? { text: text.trim() } : {}),
      }),
    [store, space, status, sort, dir, carved, family, location, text],
  );
  const { total, rows, error, ensure } = usePages(fetchPage, info, text ? 150 : 0);

  const virtual = useVirtualizer({ count: total, getScrollElement: () => parent.current, estimateSize: () => 34, overscan: 12 });
  const items = virtual.getVirtualItems();
  useEffect(() => ensure(items.map((it) => it.index)), [items, ensure]);

  const header = (c: (typeof COLUMNS)[number]) => (
    <button
      key={c.key}
      type="button"
      role="columnheader"
      aria-sort={sort === c.key ? (dir === 'asc' ? 'ascending' : 'descending') : 'none'}
      className={sort === c.key ? 'th sorted' : 'th'}
      onClick={() => {
        if (sort === c.key) setDir(dir === 'asc' ? 'desc' : 'asc');
        else {
          setSort(c.key);
          setDir('asc');
        }
      }}
    >
      {c.label}
      {sort === c.key ? <span className="arrow">{dir === 'asc' ? '↑' : '↓'}</span> : null}
    </button>
  );

  const template = COLUMNS.map((c) => c.width).join(' ');
  return (
    <div className="table-view" data-testid="table-view">
      <div className="filters">
        {modes}
        <input type="search" placeholder="Filter by CIDR, customer, description" value={text} onChange={(e) => setText(e.target.value)} aria-label="Filter" />
        <select value={status} onChange={(e) => setStatus(e.target.value as StatusFilter)} aria-label="Status filter">
          <option value="any">every status</option>
          <option value="allocated">allocated</option>
          <option value="free">free</option>
          <option value="parked">parked</option>
          <option value="pool">IP pools</option>
          <option value="subdivided">subdivided</option>
        </select>
        <select value={family} onChange={(e) => setFamily(e.target.value as '' | '4' | '6')} aria-label="Family filter">
          <option value="">IPv4 + IPv6</option>
          <option value="4">IPv4</option>
          <option value="6">IPv6</option>
        </select>
        <select value={location} onChange={(e) => setLocation(e.target.value)} aria-label="Location filter">
          <option value="">every location</option>
          {locations.map((l) => (
            <option key={l.id} value={l.code}>{l.code}</option>
          ))}
        </select>
        <label className="check"><input type="checkbox" checked={carved} onChange={(e) => setCarved(e.target.checked)} /> carved-only rows</label>
        <span className="count" data-testid="table-count">{total.toLocaleString('en')} subnet{total === 1 ? '' : 's'}</span>
      </div>
      {error && <div className="form-error">{error}</div>}
      <div className="table" role="table" aria-rowcount={total}>
        <div className="thead" role="row" style={{ gridTemplateColumns: template }}>{COLUMNS.map(header)}</div>
        <div className="tbody" ref={parent}>
          <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
            {items.map((it) => {
              const r = rows.get(it.index);
              return (
                <div
                  key={it.key}
                  role="row"
                  className={r ? 'tr' : 'tr loading'}
                  style={{ transform: `translateY(${it.start}px)`, gridTemplateColumns: template }}
                  onDoubleClick={() => r && void store.getState().flyTo(r.cidr)}
                  onClick={() => r && store.getState().select(r.cidr)}
                >
                  {r ? (
                    <>
                      <span className="mono"><span className={`dot st-${statusOf(r)}`} />{r.cidr}</span>
                      <span>{STATUS_LABEL[statusOf(r)]}</span>
                      <span className="mono">{r.customer ?? ''}</span>
                      <span>{r.effective_location ?? ''}</span>
                      <span>{r.effective_vlan ?? ''}</span>
                      <span className="ellip">{r.description ?? ''}</span>
                      <span className="muted">{new Date(r.updated_at).toLocaleString()}</span>
                    </>
                  ) : (
                    <span className="muted">…</span>
                  )}
                </div>
              );
            })}
          </div>
        </div>
      </div>
    </div>
  );
}
