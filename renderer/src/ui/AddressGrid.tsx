/**
 * A small IP pool as a grid of its addresses, phpIPAM's way: one cell per address, coloured by what it
 * is (free, in use, parked, management, or the network and broadcast addresses the engine never hands
 * out), the last octet (or hex digits) written in it; a free cell assigns that address.
 */
import type { MethodResult } from '../../../shared/api/contract';
import { formatAddress, parseCidr } from '../../../shared/cidr';
import { useAppStore } from '../context';

type Ip = MethodResult<'ip.list'>['ips'][number];

/** Pools up to this many addresses get the grid (an IPv4 /24, an IPv6 /120). */
export const GRID_MAX = 256;

type Cell = { address: string; state: 'free' | 'used' | 'parked' | 'mgmt' | 'reserved'; who: string };

function cellsOf(cidr: string, ips: readonly Ip[]): Cell[] {
  const p = parseCidr(cidr);
  const bits = p.version === 4 ? 32 : 128;
  const size = 1 << (bits - p.len);
  const held = new Map(ips.map((ip) => [ip.address, ip]));
  const out: Cell[] = [];
  for (let i = 0; i < size; i++) {
    const address = formatAddress(p.version, p.net + BigInt(i));
    const ip = held.get(address);
    // The engine never hands out an IPv4 /30-or-shorter's network and broadcast, nor an IPv6 block's all-zero host.
    const edge = p.version === 4 ? p.len <= 30 && (i === 0 || i === size - 1) : p.len < 127 && i === 0;
    if (ip) {
      const who = [ip.customer ?? ip.device, ip.purpose, ip.rdns].filter(Boolean).join(' · ');
      out.push({ address, state: ip.is_unavailable ? 'parked' : ip.is_management ? 'mgmt' : 'used', who });
    } else out.push({ address, state: edge ? 'reserved' : 'free', who: '' });
  }
  return out;
}

const STATE_TEXT: Record<Cell['state'], string> = {
  free: 'free',
  used: 'in use',
  parked: 'parked',
  mgmt: 'management',
  reserved: 'network or broadcast, never handed out',
};

export function AddressGrid({ cidr, ips, assignable }: { cidr: string; ips: readonly Ip[]; assignable: boolean }) {
  const store = useAppStore();
  const cells = cellsOf(cidr, ips);
  const v6 = cidr.includes(':');
  return (
    <div className="addr-grid-wrap">
      <div className="addr-grid" role="grid" aria-label={`Addresses of ${cidr}`} data-testid="address-grid">
        {cells.map((c) => {
          const tail = v6 ? c.address.slice(c.address.lastIndexOf(':') + 1) || '0' : c.address.slice(c.address.lastIndexOf('.') + 1);
          const label = `${c.address}: ${STATE_TEXT[c.state]}${c.who ? ` (${c.who})` : ''}${c.state === 'free' && assignable ? ', assign' : ''}`;
          return (
            <button
              key={c.address}
              type="button"
              role="gridcell"
              className={`addr st-${c.state}`}
              aria-label={label}
              data-address={c.address}
              disabled={c.state !== 'free' || !assignable}
              onClick={() => store.getState().openDialog({ kind: 'allocate-ip', cidr, address: c.address })}
            >
              {tail}
            </button>
          );
        })}
      </div>
      <div className="legend-mini">
        <span><i className="addr-free" />free</span>
        <span><i className="addr-used" />in use</span>
        <span><i className="addr-parked" />parked</span>
        <span><i className="addr-mgmt" />management</span>
        <span><i className="addr-reserved" />network / broadcast</span>
      </div>
    </div>
  );
}
