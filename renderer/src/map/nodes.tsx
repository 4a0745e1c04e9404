/**
 * What a map node draws depends on how wide it is on screen (semantic zoom): a wide node shows its CIDR,
 * status, owner, location, VLAN and utilization; a narrow one only its colour. Kept small: every element
 * here is multiplied by the number of mounted nodes.
 */
import { memo } from 'react';
import type { NodeProps, Node } from '@xyflow/react';
import { humanCount } from '../cidr';
import { STATUS_LABEL, pct, statusOf, subtitle } from '../status';
import { EXPAND_PX, type MapItem } from './layout';

export interface MapNodeData extends Record<string, unknown> {
  item: MapItem;
  selected: boolean;
  error: string | null;
  highlight: string | null;
  toggle?: (cidr: string) => void;
}

export type SubnetFlowNode = Node<MapNodeData, 'subnet'>;
export type RunFlowNode = Node<MapNodeData, 'run'>;

function Chips({ loc, locOwn, vlan, vlanOwn }: { loc: string | null; locOwn: boolean; vlan: number | null; vlanOwn: boolean }) {
  if (!loc && vlan === null) return null;
  return (
    <span className="chips">
      {loc && <span className={locOwn ? 'chip' : 'chip inherited'} title={locOwn ? 'location' : 'location, inherited'}>{loc}</span>}
      {vlan !== null && <span className={vlanOwn ? 'chip' : 'chip inherited'} title={vlanOwn ? 'VLAN' : 'VLAN, inherited'}>VLAN {vlan}</span>}
    </span>
  );
}

const FREE_RGB = [228, 245, 234];
const USED_RGB = [184, 205, 250];

/** A carved block's fill says how full it is: green when free, blue when allocated, in between by utilization. */
export function utilFill(utilization: number): string {
  const t = Math.max(0, Math.min(1, utilization / 100));
  const c = FREE_RGB.map((f, i) => Math.round(f + (USED_RGB[i]! - f) * t));
  return `rgb(${c[0]}, ${c[1]}, ${c[2]})`;
}

/** The CIDR in the room there is: whole, else its last IPv4 octet (".96/29"), else the prefix length. */
export function compactCidr(cidr: string, px: number): string {
  const room = Math.floor((px - 10) / 6.6);
  if (cidr.length <= room) return cidr;
  const slash = cidr.indexOf('/');
  if (!cidr.includes(':')) {
    const tail = `.${cidr.slice(cidr.lastIndexOf('.', slash) + 1)}`;
    if (tail.length <= room) return tail;
  } else {
    const head = cidr.slice(0, slash).replace(/::$/, '');
    const tail = `…${head.slice(head.lastIndexOf(':'))}${cidr.slice(slash)}`;
    if (tail.length <= room) return tail;
  }
  return cidr.slice(slash);
}

export const SubnetNode = memo(function SubnetNode({ data }: NodeProps<SubnetFlowNode>) {
  const item = data.item;
  if (item.kind !== 'subnet') return null;
  const n = item.node;
  const status = statusOf(n);
  const cls = `mapnode st-${status} t-${item.tier}${data.selected ? ' sel' : ''}${data.highlight ? ' hl' : ''}${item.open ? ' open' : ''}`;
  const title = `${n.cidr} · ${STATUS_LABEL[status]}${n.allocation_status === 'subdivided' ? ` · ${pct(n.stats.utilization)} used` : ''}${subtitle(n) ? ` · ${subtitle(n)}` : ''}`;
  const err = data.error ? <div className="node-error" role="alert">{data.error}</div> : null;
  const hl = data.highlight && data.highlight.trim() ? <div className="node-flag">{data.highlight}</div> : null;
  const fill = status === 'carved' ? utilFill(n.stats.utilization) : undefined;
  const style = item.stick > 0 || fill ? { ...(item.stick > 0 ? { paddingLeft: item.stick + 8 } : {}), ...(fill ? { background: fill } : {}) } : undefined;
  if (item.tier === 'xs') return <div className={cls} title={title} data-cidr={n.cidr} style={style}>{err}</div>;
  const short = n.cidr.slice(n.cidr.indexOf('/'));
  if (item.tier === 's') return <div className={cls} title={title} data-cidr={n.cidr} style={style}><span className="cidr">{short}</span>{err}{hl}</div>;
  const sub = n.allocation_status === 'subdivided';
  const util = sub ? n.stats.utilization : 0;
  if (item.tier === 'm') {
    return (
      <div className={cls} title={title} data-cidr={n.cidr} style={style}>
        <span className="cidr">{compactCidr(n.cidr, item.width)}</span>
        {!sub && item.width >= 72 && subtitle(n) ? <span className="sub small">{subtitle(n)}</span> : null}
        {sub && <span className="bar"><span style={{ width: `${Math.min(100, util)}%` }} /></span>}
        {err}{hl}
      </div>
    );
  }
  // The status pill only when the whole CIDR still fits beside it: the colour already says the status.
  const showPill = item.width >= (n.cidr.length + STATUS_LABEL[status].length) * 6.8 + 40;
  const line = status === 'carved'
    ? `${n.stats.descendants.toLocaleString('en')} rows inside`
    : subtitle(n) || (status === 'free' ? `${humanCount(n.stats.total)} addresses` : status === 'pool' ? `${n.stats.ips} address${n.stats.ips === 1 ? '' : 'es'} in use` : '');
  return (
    <div className={cls} title={title} data-cidr={n.cidr} style={style}>
      <div className="row1">
        <span className="cidr">{compactCidr(n.cidr, showPill ? item.width - 16 - STATUS_LABEL[status].length * 6.6 : item.width)}</span>
        {showPill && <span className="pill">{STATUS_LABEL[status]}</span>}
        {sub && item.width >= EXPAND_PX && (
          <button
            type="button"
            className="fold nodrag"
            aria-label={item.open ? `Collapse ${n.cidr}` : `Expand ${n.cidr}`}
            title={item.open ? 'Collapse' : 'Expand'}
            onClick={(e) => {
              e.stopPropagation();
              data.toggle?.(n.cidr);
            }}
          >
            {item.open ? '▾' : '▸'}
          </button>
        )}
      </div>
      {sub ? (
        <div className="row2">
          <span className="bar"><span style={{ width: `${Math.min(100, util)}%` }} /></span>
          <span className="util">{pct(util)} used{item.tier === 'xl' && n.stats.largest_free !== null ? ` · free /${n.stats.largest_free}` : ''}</span>
        </div>
      ) : (
        <div className="row2"><span className="sub">{line}</span></div>
      )}
      {item.tier === 'xl' && (
        <div className="row3">
          {sub && subtitle(n) ? <span className="sub">{subtitle(n)}</span> : null}
          <Chips loc={n.effective_location} locOwn={!!n.location} vlan={n.effective_vlan} vlanOwn={n.vlan !== null} />
          {item.loading && <span className="spinner" aria-label="loading" />}
        </div>
      )}
      {err}{hl}
    </div>
  );
});

export const RunNode = memo(function RunNode({ data }: NodeProps<RunFlowNode>) {
  const item = data.item;
  if (item.kind !== 'run') return null;
  const first = item.members[0]!.cidr;
  const last = item.members[item.members.length - 1]!.cidr;
  const title = `${item.members.length} free blocks, ${first} … ${last}`;
  const cls = `mapnode st-run t-${item.tier}`;
  if (item.tier === 'xs') return <div className={cls} title={title} />;
  if (item.tier === 's') return <div className={cls} title={title}><span className="cidr">free</span></div>;
  return (
    <div className={cls} title={title}>
      <div className="row1">
        <span className="cidr">free</span>
        {item.tier !== 'm' && <span className="pill">{item.members.length} blocks</span>}
      </div>
      {item.tier !== 'm' && (
        <div className="row2">
          <span className="sub">{humanCount(BigInt(Math.round(item.total)))} addresses · largest /{item.largest}</span>
        </div>
      )}
    </div>
  );
});

export const nodeTypes = { subnet: SubnetNode, run: RunNode };
