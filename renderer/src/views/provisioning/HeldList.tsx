/** A service's allocations, each a link to its place in the tree. */
import { useAppStore } from '../../context';
import type { Held } from './allocations';

export function HeldList({ held, empty }: { held: Held[]; empty: string }) {
  const store = useAppStore();
  if (!held.length) return <div className="hint">{empty}</div>;
  return (
    <ul className="held" data-testid="held">
      {held.map((h) => (
        <li key={`${h.space} ${h.text}`}>
          <span className={`kind-dot ${h.kind}`} aria-hidden />
          <button type="button" className="link mono" title={`Show ${h.text} on the map`} onClick={() => void store.getState().flyTo(h.subnet, h.space)}>
            {h.text}
          </button>
          <span className="muted">{[h.kind === 'ip' ? `in ${h.subnet}` : null, h.purpose, h.vlan !== null ? `VLAN ${h.vlan}` : null, h.space !== 'global' ? h.space : null].filter(Boolean).join(' · ')}</span>
          <button type="button" className="map-link" aria-label={`Show ${h.text} on the map`} onClick={() => void store.getState().flyTo(h.subnet, h.space)}>Map ↗</button>
        </li>
      ))}
    </ul>
  );
}
