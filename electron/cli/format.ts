/** Human-readable output for a terminal. With --json the CLI prints the contract's result instead. */
import type { MethodName, MethodResult } from '../../shared/api/contract';
import type { CapacityView, SubnetView } from '../../shared/api/types';

/**
 * A subnet's state in the words of README.md's "Glossary: states", the same the desktop app shows
 * (renderer/src/status.ts; tests/status-words.test.ts holds the two together). --json keeps the contract's values.
 */
export function statusWord(s: SubnetView): string {
  if (s.is_unavailable) return 'parked';
  if (s.is_ip_pool) return 'IP pool';
  if (s.allocation_status === 'allocated') return 'allocated';
  if (s.allocation_status === 'subdivided') return carved(s) ? 'carved' : 'subdivided';
  return s.effectively_unavailable ? 'in parked space' : 'free';
}

/** For a subdivided row that is not parked: subdivided only to make room for something smaller (not a root, no data of its own). */
function carved(s: SubnetView): boolean {
  return s.parent !== null && !s.description && s.location === null && s.vlan === null && s.customer === null && s.service === null && s.device === null;
}

/** The status column fits the longest word, "in parked space". */
const STATUS_WIDTH = 'in parked space'.length;

function facts(s: SubnetView): string {
  const parts: string[] = [];
  if (s.location) parts.push(s.location);
  if (s.customer) parts.push(s.customer);
  if (s.service) parts.push(`service ${s.service}`);
  if (s.device) parts.push(s.device);
  if (s.vlan !== null) parts.push(`vlan ${s.vlan}`);
  if (s.description) parts.push(s.description);
  return parts.join(' · ');
}

export function treeLines(subnets: SubnetView[]): string[] {
  const depth = new Map<string, number>();
  const width = Math.max(20, ...subnets.map((s) => s.cidr.length + 2 * 6));
  return subnets.map((s) => {
    const d = s.parent !== null && depth.has(s.parent) ? depth.get(s.parent)! + 1 : 0;
    depth.set(s.cidr, d);
    const label = `${'  '.repeat(d)}${s.cidr}`;
    return `${label.padEnd(width)} ${statusWord(s).padEnd(STATUS_WIDTH)} ${facts(s)}`.trimEnd();
  });
}

/**
 * The engine gives utilization to two decimals, rounded down: a /48 holding one /64 is 0.0015% used, and
 * "0% used" would say it is empty. The free blocks per prefix length below tell how much is left.
 */
function usedPercent(c: CapacityView): string {
  const used = BigInt(c.allocated_addresses) + BigInt(c.ip_pool_addresses);
  return c.utilization === 0 && used > 0n ? '<0.01' : String(c.utilization);
}

function table(rows: Array<Record<string, unknown>>, columns: string[]): string[] {
  if (!rows.length) return ['(none)'];
  const cell = (v: unknown) => (v === null || v === undefined ? '' : typeof v === 'boolean' ? (v ? 'yes' : '') : String(v));
  const widths = columns.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (vals: string[]) => vals.map((v, i) => v.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(columns), ...rows.map((r) => line(columns.map((c) => cell(r[c]))))];
}

export function human<M extends MethodName>(method: M, result: MethodResult<M>): string {
  const r = result as Record<string, any>;
  switch (method) {
    case 'tree.get':
      return r.subnets.length ? treeLines(r.subnets).join('\n') : 'The plan has no subnets yet. Add one with: fluxplan subnet add CIDR';
    case 'subnet.get':
      return [...treeLines([...[...r.ancestors].reverse(), r.subnet, ...r.children])].join('\n');
    case 'allocate.subnet': {
      const carving = [...r.merges.map((m: string) => `  merged ${m}`), ...r.splits.map((s: any) => `  split ${s.cidr} into ${s.children.join(' + ')}`)];
      return [`${r.dry_run ? 'Would allocate' : 'Allocated'} ${r.cidr} (${r.strategy})`, ...carving].join('\n');
    }
    case 'allocate.ip':
      return `${r.dry_run ? 'Would allocate' : 'Allocated'} ${r.address} from ${r.subnet}`;
    case 'ip.list': {
      // The flags under the words a planner reads, not their JSON names.
      const rows = r.ips.map((ip: any) => ({ ...ip, management: ip.is_management, parked: ip.is_unavailable }));
      const lines = table(rows, ['address', 'subnet', 'customer', 'service', 'device', 'vlan', 'rdns', 'management', 'parked']);
      const to = r.offset + r.ips.length;
      if (r.total > r.ips.length) lines.push(r.ips.length ? `(${r.offset + 1}-${to} of ${r.total}${to < r.total ? `; --offset ${to} for the next` : ''})` : `(none past ${r.offset} of ${r.total})`);
      return lines.join('\n');
    }
    case 'capacity.get':
      return r.capacity
        .map((c: any) =>
          [
            `${c.cidr}${c.location ? ` at ${c.location}` : ''}: ${usedPercent(c)}% used · ${c.allocated_addresses} allocated, ${c.ip_pool_addresses} in IP pools, ${c.parked_addresses} parked, ${c.free_addresses} free of ${c.total_addresses}`,
            ...c.free_blocks.map((b: any) => `  /${b.prefix_length}: ${b.blocks} free`),
          ].join('\n'),
        )
        .join('\n') || 'No subnets.';
    case 'check.run':
      return r.ok ? 'All invariants hold.' : r.violations.map((v: any) => `${v.code}: ${v.message}`).join('\n');
    case 'log.list':
      return table(
        r.entries.map((e: any) => ({ ...e, success: e.success ? 'ok' : 'FAILED', details: JSON.stringify(e.details) })),
        ['id', 'created_at', 'action', 'success', 'service', 'details'],
      ).join('\n');
    case 'journal.list':
      return table(r.batches, ['id', 'created_at', 'kind', 'label', 'changes', 'undone']).join('\n');
    case 'journal.undo':
      return `Undid: ${r.undone.label}`;
    case 'journal.redo':
      return `Redid: ${r.redone.label}`;
    case 'subnet.split':
      return `Split into ${r.subnets.length} subnets: ${r.subnets.map((s: SubnetView) => s.cidr).join(', ')}`;
    case 'subnet.delete':
      return `Deleted ${r.deleted}`;
    case 'subnet.release':
      return `Released ${r.subnet.cidr}${r.released_ips.length ? ` and ${r.released_ips.length} IP records` : ''}`;
    case 'ip.release':
    case 'ip.unpark':
      return `${method === 'ip.release' ? 'Released' : 'Unparked'} ${r.address}`;
    case 'space.list':
      return table(r.spaces, ['name', 'description']).join('\n');
    case 'location.list':
      return table(r.locations, ['code', 'name']).join('\n');
    case 'vlan.list':
      return table(r.vlans, ['location', 'vid', 'name', 'enabled']).join('\n');
    case 'customer.list':
      return table(r.customers, ['customer', 'name']).join('\n');
    case 'device.list':
      return table(r.devices, ['name', 'location', 'kind']).join('\n');
    case 'service.provision': {
      if (r.status === 'skipped') return `${r.service}: nothing to do (the product's ipam_config mode is disabled)`;
      const wiped = [...r.wiped.subnets, ...r.wiped.ips];
      return [
        `${r.dry_run ? 'Would provision' : 'Provisioned'} ${r.service}:`,
        ...(wiped.length ? [`  released first: ${wiped.join(', ')}`] : []),
        ...r.allocations.map((a: any) => `  rule ${a.rule + 1}: ${a.cidr ?? a.address}${a.vlan !== null ? ` vlan ${a.vlan}` : ''}${a.purpose ? ` (${a.purpose})` : ''}${a.strategy ? ` [${a.strategy}]` : ''}`),
      ].join('\n');
    }
    case 'service.cancel':
    case 'device.wipe': {
      const all = [...r.released.subnets, ...r.released.ips];
      return `${method === 'service.cancel' ? `Cancelled ${r.service}` : `Wiped ${r.device}`}: released ${all.length ? all.join(', ') : 'nothing'}`;
    }
    case 'product.list':
      return table(r.products.map((p: any) => ({ ...p, ipam_config: JSON.stringify(p.ipam_config) })), ['name', 'ipam_config']).join('\n');
    case 'service.list':
      return table(r.services, ['service', 'customer', 'product', 'device', 'status']).join('\n');
    case 'product.add':
    case 'product.set':
      return `${method === 'product.add' ? 'Added' : 'Updated'} product ${r.product.name}: ${r.product.ipam_config.mode}, ${r.product.ipam_config.rules.length} rule(s)`;
    case 'service.add':
      return `Added service ${r.service.service} (${r.service.customer}, ${r.service.product}${r.service.device ? ` on ${r.service.device}` : ''})`;
    case 'device.mgmt':
      return `Attached ${r.ip.address} to ${r.ip.device} (${r.ip.purpose})`;
    case 'space.add':
      return `Added space ${r.space.name}`;
    case 'location.add':
    case 'location.set':
      return `${method === 'location.add' ? 'Added' : 'Updated'} location ${r.location.code}${r.location.name ? ` (${r.location.name})` : ''}`;
    case 'vlan.add':
    case 'vlan.set':
      return `${method === 'vlan.add' ? 'Added' : 'Updated'} VLAN ${r.vlan.vid} at ${r.vlan.location}${r.vlan.name ? ` (${r.vlan.name})` : ''}${r.vlan.enabled ? '' : ', disabled'}`;
    case 'customer.add':
      return `Added customer ${r.customer.customer}`;
    case 'device.add':
      return `Added device ${r.device.name}${r.device.location ? ` at ${r.device.location}` : ''}`;
    default: {
      if (r.subnet) return treeLines([r.subnet]).join('\n');
      if (r.ip) return `${r.ip.address}${r.ip.is_unavailable ? ' parked' : ''}`;
      const [key, value] = Object.entries(r)[0] ?? [];
      return key ? `${key}: ${JSON.stringify(value)}` : 'Done.';
    }
  }
}
