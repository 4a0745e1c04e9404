/**
 * What a map node draws depends on how wide it is on screen (semantic zoom): a wide node shows its CIDR,
 * status, owner, location, VLAN and utilization; a narrow one only its colour. Kept small: every element
 * here is multiplied by the number of mounted nodes.
 */
import { memo } from 'react';
import type { NodeProps, Node } from '@xyflow/react';
import { addresses, formatPrefix, humanCount, prefix } from '../cidr';
import { STATUS_LABEL, statusOf, subtitle, usageText } from '../status';
import { EXPAND_PX, type MapItem, type Tier } from './layout';

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

/** Width of one character of a map label, at each tier's font size (the labels are monospace). */
const CHAR_PX: Record<Tier, number> = { xl: 7.7, l: 7.7, m: 6.8, s: 6.2, xs: 6.2 };

/**
 * The parts of a CIDR its parent does not fix, longest first ([] when the parent fixes nothing that could
 * be left out): under 10.0.0.0/8, 10.37.0.0/16 is ".37.0.0/16", then ".37.0/16" (the zero octets its
 * prefix leaves open shortened to one).
 */
function cidrTails(cidr: string, parentLen: number): string[] {
  const slash = cidr.indexOf('/');
  const len = Number(cidr.slice(slash + 1));
  const addr = cidr.slice(0, slash);
  if (!addr.includes(':')) {
    // Whole octets the parent fixes; the last octet always stays.
    const fixed = Math.min(3, Math.floor(parentLen / 8));
    if (fixed === 0) return [];
    const octets = addr.split('.');
    const significant = Math.max(fixed + 1, Math.ceil(len / 8));
    const tails = [`.${octets.slice(fixed).join('.')}/${len}`];
    if (significant < 3) tails.push(`.${octets.slice(fixed, significant).join('.')}.0/${len}`);
    return tails;
  }
  const fixed = Math.floor(parentLen / 16);
  if (fixed === 0) return [];
  const groups = expandV6(addr);
  const upTo = Math.min(8, Math.max(fixed + 1, Math.ceil(len / 16)));
  const shown = groups.slice(fixed, upTo).map((g) => g.replace(/^0+(?=.)/, '')).join(':');
  return [`…:${shown}${upTo < 8 ? '::' : ''}/${len}`];
}

/** The eight groups of an IPv6 address, "::" expanded. */
function expandV6(addr: string): string[] {
  const [head, tail] = addr.includes('::') ? addr.split('::') : [addr, null];
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  return [...h, ...Array(8 - h.length - t.length).fill('0'), ...t];
}

/**
 * The label that tells a block from its siblings, in the room there is: the whole CIDR; else the part
 * its parent does not fix (".37.0.0/16" or ".37.0/16" under a /8, ".96/27" under a /24), always with
 * its prefix length; else none (the hover card names it). Never a CIDR cut short.
 */
export function mapLabel(cidr: string, parentLen: number | null, roomPx: number, tier: Tier): string | null {
  const fits = (t: string) => t.length * CHAR_PX[tier] <= roomPx;
  if (fits(cidr)) return cidr;
  return (parentLen === null ? [] : cidrTails(cidr, parentLen)).find(fits) ?? null;
}

export const SubnetNode = memo(function SubnetNode({ data }: NodeProps<SubnetFlowNode>) {
  const item = data.item;
  if (item.kind !== 'subnet') return null;
  const n = item.node;
  const status = statusOf(n);
  const cls = `mapnode st-${status} t-${item.tier}${data.selected ? ' sel' : ''}${data.highlight ? ' hl' : ''}${item.open ? ' open' : ''}`;
  const err = data.error ? <div className="node-error" role="alert">{data.error}</div> : null;
  const hl = data.highlight && data.highlight.trim() ? <div className="node-flag">{data.highlight}</div> : null;
  const fill = status === 'carved' ? utilFill(n.stats.utilization) : undefined;
  const style = item.stick > 0 || fill ? { ...(item.stick > 0 ? { paddingLeft: item.stick + 8 } : {}), ...(fill ? { background: fill } : {}) } : undefined;
  if (item.tier === 'xs') return <div className={cls} data-cidr={n.cidr} style={style}>{err}</div>;
  const label = (room: number) => mapLabel(n.cidr, item.parentLen, room, item.tier);
  if (item.tier === 's') {
    const text = label(item.width - 6);
    return <div className={cls} data-cidr={n.cidr} style={style}>{text && <span className="cidr">{text}</span>}{err}{hl}</div>;
  }
  const sub = n.allocation_status === 'subdivided';
  const util = sub ? n.stats.utilization : 0;
  if (item.tier === 'm') {
    return (
      <div className={cls} data-cidr={n.cidr} style={style}>
        <span className="cidr">{label(item.width - 12)}</span>
        {!sub && item.width >= 72 && subtitle(n) ? <span className="sub small">{subtitle(n)}</span> : null}
        {sub && <span className="bar"><span style={{ width: `${Math.min(100, util)}%` }} /></span>}
        {err}{hl}
      </div>
    );
  }
  // The status pill only when the whole CIDR still fits beside it: the colour already says the status.
  const showPill = item.width - item.stick >= n.cidr.length * CHAR_PX[item.tier] + STATUS_LABEL[status].length * 6.4 + 64;
  const line = status === 'carved'
    ? `${n.stats.descendants.toLocaleString('en')} rows inside`
    : subtitle(n) || (status === 'free' ? `${humanCount(n.stats.total)} addresses` : status === 'pool' ? `${n.stats.ips} address${n.stats.ips === 1 ? '' : 'es'} in use` : '');
  return (
    <div className={cls} data-cidr={n.cidr} style={style}>
      <div className="row1">
        <span className="cidr">{label(item.width - item.stick - 18 - (sub && item.width >= EXPAND_PX ? 26 : 0) - (showPill ? STATUS_LABEL[status].length * 6.4 + 22 : 0))}</span>
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
          <span className="util">{usageText(n)}{item.tier === 'xl' && n.stats.largest_free !== null ? ` · free /${n.stats.largest_free}` : ''}</span>
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

/** What a run of free blocks covers: one CIDR when its blocks add up to an aligned block, else its first block and how many follow. */
export function runSpan(members: readonly { cidr: string }[]): string {
  const first = prefix(members[0]!.cidr);
  const total = members.reduce((sum, m) => sum + addresses(m.cidr), 0n);
  const bits = total.toString(2).length - 1;
  const max = first.version === 4 ? 32 : 128;
  if (total === 1n << BigInt(bits) && bits <= max && first.net % total === 0n) return formatPrefix({ version: first.version, net: first.net, len: max - bits });
  return `${members[0]!.cidr} + ${members.length - 1} more`;
}

export const RunNode = memo(function RunNode({ data }: NodeProps<RunFlowNode>) {
  const item = data.item;
  if (item.kind !== 'run') return null;
  const cls = `mapnode st-run t-${item.tier}`;
  if (item.tier === 'xs') return <div className={cls} />;
  if (item.tier === 's') return <div className={cls}><span className="cidr">free</span></div>;
  const span = runSpan(item.members);
  const size = `${humanCount(BigInt(Math.round(item.total)))} addresses`;
  return (
    <div className={cls}>
      <div className="row1">
        <span className="cidr">free</span>
        {item.tier !== 'm' && <span className="pill">{item.members.length} blocks</span>}
      </div>
      {item.tier === 'm' ? (
        span.length * CHAR_PX.m <= item.width - 12 && <span className="sub small mono">{span}</span>
      ) : (
        <div className="row2">
          <span className="sub"><span className="mono">{span}</span> · {size}</span>
        </div>
      )}
    </div>
  );
});

export const nodeTypes = { subnet: SubnetNode, run: RunNode };
