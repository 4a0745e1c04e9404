/** A transit service's definition in one line of facts: port, commit, fee, tiers, direction, cycle. */
import { DIRECTION_LABEL, gb, mbps, money, num } from './format';
import type { TransitItem } from './types';

const FEE_LABEL = { percentile: 'Port fee', commit_burst: 'Commit charge', transfer: 'Port fee', flat: 'Price' } as const;

export function tiersText(t: TransitItem): string {
  if (t.model === 'flat') return '—';
  const unit = t.model === 'transfer' ? 'GB' : 'Mbps';
  let from = 0;
  return t.tiers
    .map((b) => {
      const s = b.up_to === null ? `${money(b.rate)}/${unit}${from ? ` above ${num(from)}` : ''}` : `${money(b.rate)}/${unit} to ${num(b.up_to)}`;
      from = b.up_to ?? from;
      return s;
    })
    .join(', ');
}

export function DefinitionStrip({ t }: { t: TransitItem }) {
  const facts: Array<[string, string]> = [
    ['Port', [t.port, t.port_speed ? mbps(t.port_speed) : null].filter(Boolean).join(' · ') || '—'],
    ...(t.model === 'percentile' || t.model === 'commit_burst' ? ([['Commit', mbps(t.commit)]] as Array<[string, string]>) : []),
    ...(t.model === 'transfer' ? ([['Included', gb(t.included)]] as Array<[string, string]>) : []),
    [FEE_LABEL[t.model], money(t.fee)],
    ['Overage', `${tiersText(t)}${t.model !== 'flat' && t.tiers.length > 1 ? ` (${t.tier_mode})` : ''}`],
    ['Direction', `${t.effective_direction}${t.direction === null ? ' (setting)' : ''}`],
    ['Cycle', `monthly from day ${t.anchor_day}, ${t.tz}`],
    ['Missing', t.missing],
    ...(t.start || t.end ? ([['Contract', `${t.start ?? '…'} → ${t.end ?? '…'}`]] as Array<[string, string]>) : []),
  ];
  return (
    <dl className="def-strip" aria-label="Definition">
      {facts.map(([k, v]) => (
        <div key={k} title={k === 'Direction' ? DIRECTION_LABEL[t.effective_direction] : undefined}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}
