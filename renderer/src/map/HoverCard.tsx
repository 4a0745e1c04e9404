/**
 * The map's own hover card: a block's CIDR, state, owner, place and use, beside the pointer. DOM text
 * (not the browser's native tooltip), so it reads the same everywhere and assistive technology and
 * tests can read it.
 */
import { humanCount } from '../cidr';
import { STATUS_LABEL, statusOf, subtitle, usageText } from '../status';
import type { MapItem } from './layout';
import { runSpan } from './nodes';

export interface Hover {
  item: MapItem;
  /** Pointer position inside the map. */
  x: number;
  y: number;
}

export function HoverCard({ hover, width, height }: { hover: Hover; width: number; height: number }) {
  const { item } = hover;
  // Beside the pointer, flipped to stay inside the map.
  const left = hover.x + 300 > width ? Math.max(4, hover.x - 292) : hover.x + 14;
  const top = hover.y + 150 > height ? Math.max(4, hover.y - 140) : hover.y + 16;
  return (
    <div className="hovercard" role="tooltip" data-testid="hover-card" style={{ left, top }}>
      {item.kind === 'run' ? <RunCard item={item} /> : <SubnetCard item={item} />}
    </div>
  );
}

function SubnetCard({ item }: { item: Extract<MapItem, { kind: 'subnet' }> }) {
  const n = item.node;
  const status = statusOf(n);
  const who = subtitle(n);
  const place = [n.effective_location, n.effective_vlan !== null ? `VLAN ${n.effective_vlan}` : null].filter(Boolean).join(' · ');
  return (
    <>
      <div className="hc-head">
        <span className="mono hc-cidr">{n.cidr}</span>
        <span className={`pill st-${status}`}>{STATUS_LABEL[status]}</span>
      </div>
      {who && <div className="hc-line">{who}</div>}
      {place && <div className="hc-line muted">{place}</div>}
      {n.allocation_status === 'subdivided' ? (
        <div className="hc-line">
          <span className="bar"><span style={{ width: `${Math.min(100, n.stats.utilization)}%` }} /></span>
          {usageText(n)} · {n.stats.descendants.toLocaleString('en')} rows inside{n.stats.largest_free !== null ? ` · largest free /${n.stats.largest_free}` : ''}
        </div>
      ) : (
        <div className="hc-line muted">{humanCount(n.stats.total)} addresses{n.stats.ips ? ` · ${n.stats.ips} in use` : ''}</div>
      )}
    </>
  );
}

function RunCard({ item }: { item: Extract<MapItem, { kind: 'run' }> }) {
  return (
    <>
      <div className="hc-head">
        <span className="mono hc-cidr">{runSpan(item.members)}</span>
        <span className="pill st-free">{STATUS_LABEL.free}</span>
      </div>
      <div className="hc-line">
        {item.members.length} free blocks · {humanCount(BigInt(Math.round(item.total)))} addresses · largest /{item.largest}
      </div>
      <div className="hc-line muted">Click to open</div>
    </>
  );
}
