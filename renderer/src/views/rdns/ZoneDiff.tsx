/** One zone's part of a push: what is (or would be) created, changed and deleted, and what failed. */
import { useState } from 'react';
import type { ZoneOutcome } from '../../../../shared/rdns';

const STATUS_TEXT: Record<ZoneOutcome['status'], string> = {
  preview: 'to push',
  applied: 'pushed',
  unchanged: 'in sync',
  partial: 'partly failed',
  failed: 'failed',
};

const short = (name: string, zone: string) => (name.endsWith(`.${zone}`) ? name.slice(0, -zone.length - 1) : name);

export function ZoneDiff({ z }: { z: ZoneOutcome }) {
  const count = z.created.length + z.changed.length + z.deleted.length;
  const [open, setOpen] = useState(count > 0 && count <= 12);
  return (
    <div className={`zone-diff st-${z.status}`} data-testid="zone-diff" data-zone={z.zone}>
      <button type="button" className="zone-head" onClick={() => setOpen(!open)} aria-expanded={open}>
        <span className="caret" aria-hidden>{open ? '▾' : '▸'}</span>
        <span className="mono strong">{z.zone}</span>
        <span className="muted small">{z.provider}</span>
        <span className="grow" />
        {z.zone_created && <span className="pill created">zone {z.status === 'preview' ? 'to create' : 'created'}</span>}
        <span className="counts mono">
          <span className="c">+{z.created.length}</span> <span className="m">~{z.changed.length}</span> <span className="d">−{z.deleted.length}</span>
          {z.failed.length > 0 && <span className="f"> !{z.failed.length}</span>}
        </span>
        <span className={`pill zs-${z.status}`}>{STATUS_TEXT[z.status]}</span>
      </button>
      {z.error && <div className="zone-error">{z.error}</div>}
      {open && count + z.failed.length > 0 && (
        <ul className="diff-lines mono">
          {z.created.map((r) => <li key={`c${r.name}${r.type}`} className="c"><span className="sign">+</span>{short(r.name, z.zone)} <span className="t">{r.type}</span> {r.content}</li>)}
          {z.changed.map((r) => <li key={`m${r.name}${r.type}`} className="m"><span className="sign">~</span>{short(r.name, z.zone)} <span className="t">{r.type}</span> <span className="from">{r.from}</span> → {r.to}</li>)}
          {z.deleted.map((r) => <li key={`d${r.name}${r.type}`} className="d"><span className="sign">−</span>{short(r.name, z.zone)} <span className="t">{r.type}</span> <span className="from">{r.content}</span></li>)}
          {z.failed.map((r) => <li key={`f${r.name}${r.type}`} className="f"><span className="sign">!</span>{short(r.name, z.zone)} <span className="t">{r.type}</span> {r.error}</li>)}
        </ul>
      )}
    </div>
  );
}
