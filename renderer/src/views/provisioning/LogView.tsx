/** The provisioning log, newest first, filtered by the engine by action, service and outcome; places link to the map. */
import { Fragment, useEffect, useState } from 'react';
import './provisioning.css';
import { useApp, useAppStore } from '../../context';
import { useQuery } from '../../ui/useQuery';
import { ACTIONS, actionLabel, describe } from './logText';

type Outcome = '' | 'success' | 'failure';

function when(iso: string): string {
  const d = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
}

export function LogView() {
  const store = useAppStore();
  const picked = useApp((s) => s.picked.log);
  const [action, setAction] = useState('');
  const [service, setService] = useState(picked ?? '');
  const [outcome, setOutcome] = useState<Outcome>('');
  const [limit, setLimit] = useState(200);
  const [open, setOpen] = useState<number | null>(null);
  useEffect(() => {
    if (picked !== undefined) setService(picked);
  }, [picked]);
  const services = useQuery('service.list', {}).data?.services ?? [];
  const log = useQuery('log.list', {
    limit,
    ...(action ? { action } : {}),
    ...(service ? { service } : {}),
    ...(outcome ? { success: outcome === 'success' } : {}),
  });
  const entries = log.data?.entries ?? [];
  const filtered = !!(action || service || outcome);
  return (
    <div className="screen" data-testid="log-view">
      <header className="screen-head">
        <h1>Provisioning log</h1>
        <p className="muted">Every allocation, split, merge, release, provision and cancel, as FluxBilling logs them. A failed provision leaves only its failure entry.</p>
      </header>
      <div className="filters slim" role="search" aria-label="Log filters">
        <select value={action} onChange={(e) => setAction(e.target.value)} aria-label="Action">
          <option value="">every action</option>
          {ACTIONS.map((a) => <option key={a.action} value={a.action}>{a.label} ({a.action})</option>)}
        </select>
        <select value={service} onChange={(e) => setService(e.target.value)} aria-label="Service">
          <option value="">every service</option>
          {service && !services.some((s) => s.service === service) && <option value={service}>{service}</option>}
          {services.map((s) => <option key={s.id} value={s.service}>{s.service}</option>)}
        </select>
        <div className="seg-light" role="radiogroup" aria-label="Outcome">
          {([['', 'all'], ['success', 'succeeded'], ['failure', 'failed']] as Array<[Outcome, string]>).map(([v, l]) => (
            <button key={v} type="button" role="radio" aria-checked={outcome === v} className={outcome === v ? 'on' : ''} onClick={() => setOutcome(v)}>{l}</button>
          ))}
        </div>
        {filtered && <button type="button" className="link" onClick={() => { setAction(''); setService(''); setOutcome(''); }}>clear filters</button>}
        <span className="count" data-testid="log-count">{entries.length}{entries.length === limit ? '+' : ''} entr{entries.length === 1 ? 'y' : 'ies'}</span>
      </div>
      {log.error && <div className="form-error">{log.error}</div>}
      <table className="grid-table log-table" aria-label="Log entries">
        <thead>
          <tr><th>When</th><th>Action</th><th>Service</th><th>Outcome</th><th>What</th><th>Step</th></tr>
        </thead>
        <tbody>
          {log.data && entries.length === 0 && <tr><td colSpan={6} className="muted">{filtered ? 'No entry matches these filters.' : 'Nothing logged yet: allocations and provisioning write here.'}</td></tr>}
          {entries.map((e) => {
            const d = describe(e);
            return (
              <Fragment key={e.id}>
                <tr className={e.success ? '' : 'failed'} onClick={() => setOpen(open === e.id ? null : e.id)}>
                  <td className="muted nowrap">{when(e.created_at)}</td>
                  <td><span className={`pill act ${e.success ? '' : 'fail'}`} title={e.action}>{actionLabel(e.action)}</span></td>
                  <td className="nowrap">{e.service ? <button type="button" className="link mono" onClick={(ev) => { ev.stopPropagation(); store.getState().open('services', e.service!); }}>{e.service}</button> : <span className="muted">—</span>}</td>
                  <td><span className={e.success ? 'outcome ok' : 'outcome fail'}>{e.success ? 'ok' : 'failed'}</span></td>
                  <td className="log-what">
                    {d.parts.map((p, i) =>
                      typeof p === 'string' ? (
                        <span key={i}>{p}</span>
                      ) : (
                        <button key={i} type="button" className="place" title={`Show ${p.text} on the map`} onClick={(ev) => { ev.stopPropagation(); void store.getState().flyTo(p.cidr, p.space); }}>
                          {p.text}
                        </button>
                      ),
                    )}
                  </td>
                  <td className="muted">{e.batch ?? '—'}</td>
                </tr>
                {open === e.id && (
                  <tr className="details-row">
                    <td colSpan={6}><pre className="mono">{JSON.stringify(e.details, null, 2)}</pre></td>
                  </tr>
                )}
              </Fragment>
            );
          })}
        </tbody>
      </table>
      {entries.length === limit && <button type="button" className="more" onClick={() => setLimit(limit * 4)}>Show more</button>}
    </div>
  );
}
