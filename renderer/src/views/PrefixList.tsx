/**
 * The prefix list (NetBox's, done better): the tree as rows indented by depth, each with a utilization bar, the free
 * space inline as "available" rows, collapsible. The engine lists, counts and pages (tree.rows); only the rows on
 * screen are mounted, and their pages are fetched as they scroll into view.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';
import type { MethodResult } from '../../../shared/api/contract';
import { humanCount } from '../cidr';
import { useApp, useAppStore } from '../context';
import { pct, STATUS_LABEL } from '../status';
import { usePages } from '../ui/usePages';

type Row = MethodResult<'tree.rows'>['rows'][number];

/** A row's state in the words the map and inspector use, and "available" for free space listed as a row. */
const stateWord = (status: Row['status']): string => (status === 'available' ? 'available' : STATUS_LABEL[status]);

const COLUMNS = [
  { label: 'Prefix', width: '2.6fr' },
  { label: 'Status', width: '0.95fr' },
  { label: 'Utilization', width: '1.25fr' },
  { label: 'Customer', width: '1.1fr' },
  { label: 'Location', width: '0.8fr' },
  { label: 'VLAN', width: '0.5fr' },
  { label: 'Description', width: '1.8fr' },
];
const TEMPLATE = COLUMNS.map((c) => `minmax(0, ${c.width})`).join(' ');
const ROW_HEIGHT = 34;
/** Pixels of indent per level of depth. */
const INDENT = 20;

/** An allocated block or IP pool is used in full: a quiet tint of its state's colour. A container filling up reads amber, then red. */
function barClass(r: Row): string {
  if (r.status === 'allocated' || r.status === 'pool') return `bar fill-${r.status}`;
  return r.utilization >= 95 ? 'bar fill-full' : r.utilization >= 80 ? 'bar fill-warn' : 'bar';
}

const SLASH_64 = 1n << 64n;

/** What the bar stands for; an IPv6 block wider than a /64 also in /64s, the unit its space is handed out in. */
function usedText(r: Row): string {
  const text = `${humanCount(r.used)} of ${humanCount(r.size)} addresses allocated or in IP pools`;
  const used = BigInt(r.used);
  const size = BigInt(r.size);
  if (!r.cidr.includes(':') || size <= SLASH_64 || used % SLASH_64 !== 0n) return text;
  return `${text}: ${humanCount(used / SLASH_64)} of ${humanCount(size / SLASH_64)} /64s`;
}

function Utilization({ r }: { r: Row }) {
  if (r.kind === 'available') {
    return <span className="avail-size" title={`${BigInt(r.size).toLocaleString('en')} addresses free`}>{humanCount(r.size)} free</span>;
  }
  // A block with anything in it shows at least a sliver, so 0.002% never reads as empty.
  const width = r.utilization === 0 ? 0 : Math.max(3, r.utilization);
  return (
    <span className="util" title={usedText(r)}>
      <span className={barClass(r)} role="meter" aria-label={`${r.cidr} used`} aria-valuemin={0} aria-valuemax={100} aria-valuenow={r.utilization}>
        <i style={{ width: `${width}%` }} />
      </span>
      <span className="pct">{pct(r.utilization)}</span>
    </span>
  );
}

export function PrefixList({ modes }: { modes: ReactNode }) {
  const store = useAppStore();
  const space = useApp((s) => s.space);
  const info = useApp((s) => s.info);
  const selected = useApp((s) => s.selected);
  const [family, setFamily] = useState<'' | '4' | '6'>('');
  const [available, setAvailable] = useState(true);
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const parent = useRef<HTMLDivElement>(null);
  useEffect(() => setCollapsed(new Set()), [space]);

  const fetchPage = useCallback(
    (offset: number, limit: number) =>
      store.getState().api.call('tree.rows', { space, available, collapsed: [...collapsed], offset, limit, ...(family ? { family: Number(family) as 4 | 6 } : {}) }),
    [store, space, available, collapsed, family],
  );
  const { total, rows, loaded, error, ensure } = usePages(fetchPage, info, 0);
  const virtual = useVirtualizer({ count: total, getScrollElement: () => parent.current, estimateSize: () => ROW_HEIGHT, overscan: 12 });
  const items = virtual.getVirtualItems();
  useEffect(() => ensure(items.map((it) => it.index)), [items, ensure]);

  /** The control that had focus when its row was folded or unfolded: the list reloads, and focus goes back to it. */
  const refocus = useRef<{ cidr: string; control: 'twisty' | 'cidr-btn' } | null>(null);
  const toggle = (cidr: string, control: 'twisty' | 'cidr-btn') => {
    refocus.current = { cidr, control };
    setCollapsed((c) => {
      const next = new Set(c);
      if (!next.delete(cidr)) next.add(cidr);
      return next;
    });
  };
  useEffect(() => {
    const want = refocus.current;
    const el = want && parent.current?.querySelector<HTMLElement>(`.tr[data-cidr="${want.cidr}"][data-kind="subnet"] .${want.control}`);
    if (!el) return;
    refocus.current = null;
    el.focus();
  }, [rows]);

  /** Moves keyboard focus to another row's prefix, scrolling it into view first. */
  const focusRow = (index: number) => {
    if (index < 0 || index >= total) return;
    virtual.scrollToIndex(index, { align: 'auto' });
    requestAnimationFrame(() => parent.current?.querySelector<HTMLElement>(`[data-index="${index}"] .cidr-btn`)?.focus());
  };

  // Tree keys on a row's prefix: arrows move, Left folds (or goes to the row above it), Right unfolds.
  const onKey = (e: KeyboardEvent, index: number, r: Row) => {
    const open = r.has_children && !collapsed.has(r.cidr);
    if (e.key === 'ArrowDown' || e.key === 'ArrowUp') focusRow(index + (e.key === 'ArrowDown' ? 1 : -1));
    else if (e.key === 'ArrowRight' && r.has_children && !open) toggle(r.cidr, 'cidr-btn');
    else if (e.key === 'ArrowLeft' && open) toggle(r.cidr, 'cidr-btn');
    else if (e.key === 'ArrowLeft' && r.depth > 0) {
      let up = index - 1;
      while (up >= 0 && (rows.get(up)?.depth ?? r.depth) >= r.depth) up--;
      focusRow(up);
    } else return;
    e.preventDefault();
  };

  return (
    <div className="table-view" data-testid="table-view">
      <div className="filters">
        {modes}
        <select value={family} onChange={(e) => setFamily(e.target.value as '' | '4' | '6')} aria-label="Family filter">
          <option value="">IPv4 + IPv6</option>
          <option value="4">IPv4</option>
          <option value="6">IPv6</option>
        </select>
        <label className="check"><input type="checkbox" checked={available} onChange={(e) => setAvailable(e.target.checked)} /> available space</label>
        {collapsed.size > 0 && <button type="button" onClick={() => setCollapsed(new Set())}>Expand all</button>}
        <span className="count" data-testid="prefix-count">{total.toLocaleString('en')} row{total === 1 ? '' : 's'}</span>
      </div>
      {error && <div className="form-error">{error}</div>}
      <div className="table prefix-list" role="treegrid" aria-label="Prefixes" aria-rowcount={total} data-testid="prefix-list">
        <div className="thead" role="row" style={{ gridTemplateColumns: TEMPLATE }}>
          {COLUMNS.map((c) => <span key={c.label} role="columnheader" className="th">{c.label}</span>)}
        </div>
        <div className="tbody" ref={parent}>
          <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
            {loaded && total === 0 && <div className="hint pad">No {family ? `IPv${family} ` : ''}subnets in {space} yet: add one with + Subnet.</div>}
            {items.map((it) => {
              const r = rows.get(it.index);
              const style = { transform: `translateY(${it.start}px)`, gridTemplateColumns: TEMPLATE };
              if (!r) {
                return <div key={it.key} role="row" className="tr loading" style={style}><span className="muted">…</span></div>;
              }
              const avail = r.kind === 'available';
              const open = r.has_children && !collapsed.has(r.cidr);
              const classes = ['tr', avail ? 'avail' : '', selected === r.cidr ? 'selected' : ''].filter(Boolean).join(' ');
              return (
                <div
                  key={it.key}
                  role="row"
                  aria-level={r.depth + 1}
                  aria-expanded={r.has_children ? open : undefined}
                  aria-selected={selected === r.cidr}
                  className={classes}
                  data-index={it.index}
                  data-depth={r.depth}
                  data-cidr={r.cidr}
                  data-kind={r.kind}
                  style={style}
                  onClick={() => store.getState().select(r.cidr)}
                  onDoubleClick={() => !avail && void store.getState().flyTo(r.cidr)}
                >
                  <span className="cell-prefix" role="gridcell">
                    <span className="indent" style={{ width: r.depth * INDENT }} aria-hidden />
                    {r.has_children ? (
                      <button
                        type="button"
                        className="twisty"
                        aria-label={`${open ? 'Collapse' : 'Expand'} ${r.cidr}`}
                        aria-expanded={open}
                        onClick={(e) => {
                          e.stopPropagation();
                          toggle(r.cidr, 'twisty');
                        }}
                      >
                        {open ? '▾' : '▸'}
                      </button>
                    ) : (
                      <span className="twisty-gap" aria-hidden />
                    )}
                    <button type="button" className="cidr-btn" onKeyDown={(e) => onKey(e, it.index, r)} title={avail ? `Free: ${r.cidr}` : `Select ${r.cidr}`}>
                      {r.cidr}
                    </button>
                  </span>
                  <span role="gridcell" className="cell-state"><span className={`state st-${r.status}`}>{stateWord(r.status)}</span></span>
                  <span role="gridcell"><Utilization r={r} /></span>
                  <span role="gridcell" className="mono" title={[r.service && `service ${r.service}`, r.device && `device ${r.device}`].filter(Boolean).join(' · ') || undefined}>{r.customer ?? ''}</span>
                  {/* Free space shows where it is through its parent row; repeating it on every block is noise. */}
                  <span role="gridcell">{avail ? '' : r.location ?? ''}</span>
                  <span role="gridcell">{avail ? '' : r.vlan ?? ''}</span>
                  <span role="gridcell" className="ellip">
                    {avail ? (
                      <button
                        type="button"
                        className="allocate-btn"
                        aria-label={`Allocate ${r.cidr}…`}
                        onClick={(e) => {
                          e.stopPropagation();
                          store.getState().openDialog({ kind: 'allocate-chosen', cidr: r.cidr });
                        }}
                      >
                        Allocate…
                      </button>
                    ) : (
                      r.description ?? ''
                    )}
                  </span>
                </div>
              );
            })}
          </div>
        </div>
      </div>
    </div>
  );
}
