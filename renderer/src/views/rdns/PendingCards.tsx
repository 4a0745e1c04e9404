/** How many PTR changes wait for each provider (counted offline against the last push), with a push button each. */
import type { PendingView } from '../../../../shared/rdns';

const TYPE_LABEL = { internal: 'internal', powerdns: 'PowerDNS', cloudflare: 'Cloudflare' } as const;

export function PendingCards({ pending, onPush }: { pending: PendingView[]; onPush: (provider: string) => void }) {
  const remote = pending.filter((p) => p.type !== 'internal');
  if (!remote.length) return null;
  return (
    <div className="pending-cards" data-testid="pending-cards">
      {remote.map((p) => (
        <div key={p.provider} className={p.pending ? 'pending-card waiting' : 'pending-card'} data-testid={`pending-${p.provider}`}>
          <div className="pc-top">
            <div>
              <div className="eyebrow">{TYPE_LABEL[p.type]}</div>
              <div className="pc-name">{p.provider}</div>
            </div>
            <button type="button" className={p.pending ? 'primary' : ''} onClick={() => onPush(p.provider)}>Push…</button>
          </div>
          <div className="pc-count"><span data-testid="pending-count">{p.pending}</span> <span className="muted">PTR change{p.pending === 1 ? '' : 's'} pending</span></div>
          <div className="pc-break mono">
            <span className="c">+{p.create}</span> <span className="m">~{p.change}</span> <span className="d">−{p.delete}</span>
            <span className="muted"> {p.zones.length ? `in ${p.zones.map((z) => z.zone).join(', ')}` : 'in sync with the last push'}</span>
          </div>
        </div>
      ))}
    </div>
  );
}
