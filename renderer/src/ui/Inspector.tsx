/** The selected subnet: every field, what can be done with it, its addresses (IP pools) and its journal. */
import { useEffect, useState } from 'react';
import type { MethodResult } from '../../../shared/api/contract';
import { errorMessage } from '../api';
import { addresses, humanCount, prefix } from '../cidr';
import { useApp, useAppStore } from '../context';
import { STATUS_LABEL, statusOf, usageText } from '../status';
import { PatternDialog } from '../views/rdns/PatternDialog';
import { PtrCell } from '../views/rdns/PtrCell';
import { AddressGrid, GRID_MAX } from './AddressGrid';

type Detail = MethodResult<'subnet.get'>;
type Ips = MethodResult<'ip.list'>['ips'];
/** Addresses the inspector lists for a pool: a whole /24's, so its address grid is complete. */
const INSPECTOR_IPS = GRID_MAX;
type History = MethodResult<'subnet.history'>['entries'];
type Capacity = MethodResult<'capacity.get'>['capacity'][number];

function Row({ k, children, mono }: { k: string; children: React.ReactNode; mono?: boolean }) {
  return (
    <>
      <dt>{k}</dt>
      <dd className={mono ? 'mono' : undefined}>{children === null || children === undefined || children === '' ? <span className="none">—</span> : children}</dd>
    </>
  );
}

const FIELD_NAMES: Record<string, string> = {
  allocation_status: 'status', is_unavailable: 'parked', is_ip_pool: 'IP pool', customer_id: 'customer', service_id: 'service',
  device_id: 'device', location_id: 'location', vlan_id: 'VLAN', parent_id: 'parent', prefix_len: 'prefix',
};

function fieldName(f: string): string {
  return FIELD_NAMES[f] ?? f.replace(/_id$/, '').replace(/_/g, ' ');
}

function inherited(own: string | number | null, eff: string | number | null): React.ReactNode {
  if (own !== null) return own;
  if (eff !== null) return <span className="inherited-text" title="inherited from a parent">{eff} <small>inherited</small></span>;
  return null;
}

export function Inspector() {
  const store = useAppStore();
  const selected = useApp((s) => s.selected);
  const space = useApp((s) => s.space);
  const info = useApp((s) => s.info);
  const nodeError = useApp((s) => (s.selected ? s.nodeErrors.get(s.selected) ?? null : null));
  const busy = useApp((s) => s.busy);
  const [detail, setDetail] = useState<Detail | null>(null);
  const [ips, setIps] = useState<Ips>([]);
  const [ipTotal, setIpTotal] = useState(0);
  const [history, setHistory] = useState<History>([]);
  const [capacity, setCapacity] = useState<Capacity | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pattern, setPattern] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    if (!selected) {
      setDetail(null);
      return;
    }
    const api = store.getState().api;
    api
      .call('subnet.get', { space, cidr: selected })
      .then(async (d) => {
        const leaf = d.subnet.allocation_status !== 'subdivided';
        const [ipList, hist, cap] = await Promise.all([
          // The first addresses only: a large pool's every record is the address table's job.
          leaf ? api.call('ip.list', { space, cidr: selected, limit: INSPECTOR_IPS }) : Promise.resolve({ ips: [] as Ips, total: 0 }),
          api.call('subnet.history', { space, cidr: selected, limit: 20 }),
          !leaf ? api.call('capacity.get', { space, cidr: selected }) : Promise.resolve(null),
        ]);
        if (!live) return;
        setDetail(d);
        setIps(ipList.ips);
        setIpTotal(ipList.total);
        setHistory(hist.entries);
        setCapacity(cap?.capacity[0] ?? null);
        setError(null);
      })
      .catch((e: unknown) => {
        if (!live) return;
        setDetail(null);
        setError(errorMessage(e));
      });
    return () => {
      live = false;
    };
  }, [selected, space, info, store]);

  if (!selected) {
    return (
      <aside className="inspector empty" data-testid="inspector">
        <div className="inspector-empty">
          <svg className="glyph" viewBox="0 0 48 48" width="44" height="44" aria-hidden>
            <rect x="4" y="8" width="40" height="9" rx="2" fill="none" stroke="currentColor" strokeWidth="2" />
            <rect x="4" y="21" width="22" height="9" rx="2" fill="none" stroke="currentColor" strokeWidth="2" />
            <rect x="29" y="21" width="15" height="9" rx="2" fill="currentColor" opacity=".35" />
            <rect x="4" y="34" width="10" height="7" rx="2" fill="none" stroke="currentColor" strokeWidth="2" />
          </svg>
          <p>Select a subnet on the map to see its fields, carve it, or allocate from it.</p>
          <p className="hint">Double-click a subdivided block to zoom into it · <kbd>/</kbd> to search</p>
        </div>
      </aside>
    );
  }
  if (!detail) {
    return (
      <aside className="inspector" data-testid="inspector">
        <div className="inspector-head"><h2 className="mono">{selected}</h2></div>
        {error ? <div className="form-error">{error}</div> : <div className="hint pad">Loading…</div>}
      </aside>
    );
  }

  const s = detail.subnet;
  const st = store.getState();
  const status = statusOf(s);
  const node = st.nodes.get(s.cidr);
  const leaf = s.allocation_status !== 'subdivided';
  const free = s.is_free;
  const p = prefix(s.cidr);
  const bits = p.version === 4 ? 32 : 128;
  const run = <M extends Parameters<typeof st.mutate>[0]>(method: M, args: Parameters<typeof st.mutate<M>>[1], ok: string) =>
    void st.mutate(method, args, { cidr: s.cidr, ok: () => ok });
  const open = (kind: NonNullable<ReturnType<typeof store.getState>['dialog']>['kind']) => st.openDialog({ kind, cidr: s.cidr });
  // Its whole subtree free: the engine can make it one free block again (also for a block the map folds, which has no map node).
  const mergeable = s.allocation_status === 'subdivided' && !s.effectively_unavailable && capacity?.free_blocks[0]?.prefix_length === s.prefix_length;

  return (
    <aside className="inspector" data-testid="inspector" aria-label={`Inspector ${s.cidr}`}>
      <div className="inspector-head">
        <div className="crumbs">
          {[...detail.ancestors].reverse().filter((a) => a.parent === null || a.allocation_status !== 'subdivided' || a.is_unavailable || a.description || a.location || a.vlan !== null || a.customer).map((a) => (
            <button key={a.cidr} type="button" className="crumb mono" onClick={() => void st.flyTo(a.cidr)}>{a.cidr}</button>
          ))}
        </div>
        <h2 className="mono" data-testid="inspector-cidr">{s.cidr}</h2>
        <div className="head-meta">
          <span className={`pill st-${status}`} data-testid="inspector-status">{STATUS_LABEL[status]}</span>
          <span className="muted">{humanCount(addresses(s.cidr))} addresses · IPv{s.ip_version} · {s.space}</span>
        </div>
      </div>

      {nodeError && (
        <div className="form-error" role="alert" data-testid="inspector-error">
          {nodeError}
          <button type="button" className="icon" aria-label="Dismiss" onClick={() => st.clearError(s.cidr)}>×</button>
        </div>
      )}

      <div className="actions" data-testid="actions">
        {(s.allocation_status === 'subdivided' || free) && !s.effectively_unavailable && s.prefix_length < bits && (
          <button type="button" className="primary" onClick={() => open('allocate')} title="The engine picks the next free block of the size you ask for">Allocate next…</button>
        )}
        {free && <button type="button" className={s.prefix_length < bits ? undefined : 'primary'} onClick={() => open('allocate-chosen')}>Allocate to customer…</button>}
        {s.is_ip_pool && !s.effectively_unavailable && <button type="button" className="primary" onClick={() => open('allocate-ip')}>Allocate address…</button>}
        {leaf && s.allocation_status === 'unallocated' && !s.is_ip_pool && s.prefix_length < bits && <button type="button" onClick={() => open('split')}>Split…</button>}
        {leaf && s.allocation_status === 'unallocated' && !s.is_ip_pool && s.prefix_length < bits && (
          <button type="button" onClick={() => open('add')} title="Add a subnet inside this block">Add inside…</button>
        )}
        {mergeable && <button type="button" onClick={() => run('subnet.merge', { space, cidr: s.cidr }, `Merged ${s.cidr}`)}>Merge into one free /{s.prefix_length}</button>}
        {s.allocation_status === 'allocated' && <button type="button" onClick={() => run('subnet.release', { space, cidr: s.cidr }, `Released ${s.cidr}`)}>Release</button>}
        {s.is_unavailable ? (
          <button type="button" onClick={() => run('subnet.unpark', { space, cidr: s.cidr }, `Unparked ${s.cidr}`)}>Unpark</button>
        ) : (
          <button type="button" onClick={() => run('subnet.park', { space, cidr: s.cidr }, `Parked ${s.cidr}`)} title="Park: take it and everything below it out of automatic allocation">Park</button>
        )}
        <button type="button" onClick={() => open('edit')}>Edit…</button>
        {s.allocation_status === 'subdivided' && <button type="button" onClick={() => void st.focusOn(s.cidr)}>Zoom in</button>}
        <button type="button" className="danger" disabled={busy} onClick={() => { if (window.confirm(`Delete ${s.cidr}? Its space goes back to its parent (or out of the plan for a root).`)) run('subnet.delete', { space, cidr: s.cidr }, `Deleted ${s.cidr}`); }}>Delete</button>
      </div>

      {s.allocation_status === 'subdivided' && node?.stats && (
        <section className="util-card">
          <div className="util-top">
            <span className="big">{usageText(node)}</span>
            {node.stats.largest_free !== null && <span className="muted"> · largest free /{node.stats.largest_free}</span>}
          </div>
          <div className="stack">
            <span className="seg allocated" style={{ flexGrow: Number(node.stats.allocated) || 0 }} />
            <span className="seg pool" style={{ flexGrow: Number(node.stats.pool) || 0 }} />
            <span className="seg parked" style={{ flexGrow: Number(node.stats.parked) || 0 }} />
            <span className="seg free" style={{ flexGrow: Number(node.stats.free) || 0 }} />
          </div>
          <div className="legend-mini">
            <span><i className="allocated" />{humanCount(node.stats.allocated)} allocated</span>
            <span><i className="pool" />{humanCount(node.stats.pool)} in IP pools</span>
            <span><i className="parked" />{humanCount(node.stats.parked)} parked</span>
            <span><i className="free" />{humanCount(node.stats.free)} free</span>
          </div>
          {capacity && capacity.free_blocks.length > 0 && (
            <div className="capacity" data-testid="capacity">
              <div className="section-title">Still allocatable</div>
              <div className="cap-grid">
                {capacity.free_blocks
                  .filter((b) => (p.version === 4 ? [24, 25, 26, 27, 28, 29, 30, 32] : [48, 56, 60, 64, 128]).includes(b.prefix_length) || b.prefix_length === capacity.free_blocks[0]!.prefix_length)
                  .slice(0, 8)
                  .map((b) => (
                    <span key={b.prefix_length} className="cap"><b>/{b.prefix_length}</b> × {humanCount(b.blocks)}</span>
                  ))}
              </div>
            </div>
          )}
        </section>
      )}

      <dl className="fields">
        <Row k="Status">{STATUS_LABEL[status]}{s.effectively_unavailable && !s.is_unavailable && status !== 'held' ? ' (in parked space)' : ''}</Row>
        <Row k="Customer" mono>{s.customer}</Row>
        <Row k="Service" mono>{s.service ? <button type="button" className="link inline mono" title="Open the service" onClick={() => st.open('services', s.service!)}>{s.service}</button> : null}</Row>
        <Row k="Device">{s.device}</Row>
        <Row k="Description">{s.description}</Row>
        <Row k="Location">{inherited(s.location, s.effective_location)}</Row>
        <Row k="VLAN">{inherited(s.vlan, s.effective_vlan)}</Row>
        <Row k="Parent" mono>{s.parent}</Row>
        <Row k="IP pool">{s.is_ip_pool ? 'yes' : 'no'}</Row>
        <Row k="Parked">{s.is_unavailable ? 'yes' : s.effectively_unavailable ? 'in parked space' : 'no'}</Row>
        <Row k="Created">{new Date(s.created_at).toLocaleString()}</Row>
        <Row k="Updated">{new Date(s.updated_at).toLocaleString()}</Row>
      </dl>

      {leaf && (s.is_ip_pool || ips.length > 0) && (
        <section>
          <div className="section-title">
            Addresses <span className="muted">{ipTotal.toLocaleString('en')}</span>
            {ips.length > 0 && <button type="button" className="link right" onClick={() => setPattern(s.cidr)}>Fill PTRs…</button>}
          </div>
          {s.is_ip_pool && addresses(s.cidr) <= BigInt(GRID_MAX) && <AddressGrid cidr={s.cidr} ips={ips} assignable={!s.effectively_unavailable} />}
          {ips.length === 0 ? (
            <div className="hint pad">No address handed out yet.</div>
          ) : (
            <table className="mini ip-table" data-testid="ip-table">
              <tbody>
                {ips.map((ip) => (
                  <tr key={ip.id}>
                    <td className="mono">
                      {ip.address}
                      <div className="ip-who">{[ip.customer ?? ip.device ?? (ip.is_unavailable ? 'parked' : null), ip.purpose, ip.is_management ? 'management' : null].filter(Boolean).join(' · ')}</div>
                    </td>
                    <td className="ptr-col"><PtrCell space={space} address={ip.address} rdns={ip.rdns} pushedAt={ip.rdns_updated_at} /></td>
                    <td className="row-actions">
                      <button type="button" className="link" onClick={() => run('ip.release', { space, address: ip.address }, `Released ${ip.address}`)}>release</button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {ipTotal > ips.length && (
            <div className="hint pad" data-testid="ip-table-more">
              The first {ips.length} of {ipTotal.toLocaleString('en')}: the table view (Addresses &amp; PTRs, filtered by {s.cidr}) lists them all.
            </div>
          )}
        </section>
      )}

      {pattern && <PatternDialog cidr={pattern} onClose={() => setPattern(null)} />}

      <section>
        <div className="section-title">Journal</div>
        <ol className="history" data-testid="history">
          {history.map((h, i) => (
            <li key={`${h.batch}-${i}`} className={h.undone ? 'undone' : ''}>
              <div className="l1">
                <span className={`op op-${h.op}`}>{h.op === 'insert' ? 'created' : h.op === 'delete' ? 'removed' : h.fields.map(fieldName).join(', ') || 'updated'}</span>
                <time>{new Date(h.created_at).toLocaleString()}</time>
              </div>
              <span className="label">{h.label}</span>
            </li>
          ))}
        </ol>
      </section>
    </aside>
  );
}
