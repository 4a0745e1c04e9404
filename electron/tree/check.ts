/**
 * Verifies every invariant of the plan from scratch, trusting none of the derived columns:
 * canonical tiling, parents, statuses, inherited fields, `clear`, IP placement, and that the
 * journal accounts for every row as it stands.
 */
import { addressKey, containsPrefix, formatAddress, formatCidr, halves, keyValue, parseAddress, samePrefix, type Prefix } from '../../shared/cidr';
import { ENTITIES, changedColumns, decodeImage, type EntityName } from '../journal/entities';
import { storageProblems } from '../db/open';
import type { Plan } from '../plan';
import { prefixOf } from './carve';
import { hasData, ipsWhere, leafHolding, subnetsWhere, type SubnetRow } from './rows';

export interface Violation {
  code: string;
  message: string;
}

const LIMIT = 1000;

interface Frame {
  row: SubnetRow;
  p: Prefix;
  kids: Prefix[];
  kidsVacant: boolean;
}

export function checkPlan(plan: Plan): Violation[] {
  const out: Violation[] = [];
  const add = (code: string, message: string) => {
    if (out.length < LIMIT) out.push({ code, message });
  };
  for (const problem of storageProblems(plan.sqlite)) add('STORAGE', problem);
  const withIps = new Set((plan.q('SELECT DISTINCT subnet_id AS id FROM ip_addresses').all() as Array<{ id: number }>).map((r) => r.id));
  const rows = subnetsWhere(plan, 'ORDER BY space_id, ip_version, net, prefix_len').iterate();
  const stack: Frame[] = [];
  let group = '';

  const close = (f: Frame) => {
    const { row } = f;
    const sub = row.allocation_status === 'subdivided';
    if (sub) {
      const [a, b] = halves(f.p);
      if (f.kids.length !== 2 || !samePrefix(f.kids[0]!, a) || !samePrefix(f.kids[1]!, b)) {
        add('TILING', `${row.cidr} is subdivided but its children are [${f.kids.map(formatCidr).join(', ')}], not its two halves`);
      }
    } else if (f.kids.length) {
      add('TILING', `${row.cidr} is ${row.allocation_status} but has children`);
    }
    let clear = !row.is_unavailable && !row.is_ip_pool && row.allocation_status !== 'allocated';
    clear &&= sub ? f.kidsVacant : !withIps.has(row.id);
    if (!!row.clear !== clear) add('DERIVED', `${row.cidr}: clear is ${row.clear}, expected ${clear ? 1 : 0}`);
    const parent = stack[stack.length - 1];
    if (parent) parent.kidsVacant &&= clear && !hasData(row);
  };

  for (const row of rows) {
    const key = `${row.space_id}/${row.ip_version}`;
    if (key !== group) {
      while (stack.length) close(stack.pop()!);
      group = key;
    }
    const p = prefixOf(row);
    if (formatCidr(p) !== row.cidr) add('CANONICAL', `row #${row.id} stores ${row.cidr} but its network is ${formatCidr(p)}`);
    while (stack.length && !contains(stack[stack.length - 1]!.p, p)) close(stack.pop()!);
    const parentFrame = stack[stack.length - 1];
    const parent = parentFrame?.row ?? null;
    if ((parent?.id ?? null) !== row.parent_id) {
      add(parent ? 'TILING' : 'OVERLAP', `${row.cidr} has parent #${row.parent_id ?? 'none'} but lies directly inside ${parent?.cidr ?? 'no subnet'}`);
    }
    if (parentFrame) parentFrame.kids.push(p);
    if (parent && parent.allocation_status !== 'subdivided') add('STATUS', `${row.cidr} lies inside ${parent.cidr}, which is ${parent.allocation_status}`);
    if (row.is_ip_pool && row.allocation_status === 'subdivided') add('STATUS', `${row.cidr} is an IP pool but subdivided`);
    if (row.allocation_status !== 'allocated' && (row.customer_id !== null || row.service_id !== null || row.device_id !== null)) {
      add('STATUS', `${row.cidr} is ${row.allocation_status} but linked to a customer, service or device`);
    }
    const expect = {
      eff_location_id: row.location_id ?? parent?.eff_location_id ?? null,
      location_src_id: row.location_id !== null ? row.id : parent?.location_src_id ?? null,
      eff_vlan_id: row.vlan_id ?? parent?.eff_vlan_id ?? null,
      vlan_src_id: row.vlan_id !== null ? row.id : parent?.vlan_src_id ?? null,
      parked_by: row.is_unavailable ? row.id : parent?.parked_by ?? null,
    };
    for (const [col, value] of Object.entries(expect)) {
      const stored = row[col as keyof typeof expect];
      if (stored !== value) add('DERIVED', `${row.cidr}: ${col} is ${stored}, expected ${value}`);
    }
    stack.push({ row, p, kids: [], kidsVacant: true });
  }
  while (stack.length) close(stack.pop()!);

  for (const ip of ipsWhere(plan, 'ORDER BY space_id, ip_version, address').iterate()) {
    const a = parseAddress(ip.address_text);
    if (formatAddress(a.version, a.value) !== ip.address_text || keyValue(ip.address) !== a.value) {
      add('CANONICAL', `IP record #${ip.id} stores ${ip.address_text} inconsistently`);
    }
    const leaf = leafHolding(plan, ip.space_id, ip.ip_version, addressKey(a.version, a.value));
    if (!leaf) add('IP_PLACEMENT', `${ip.address_text} lies in no subnet`);
    else if (leaf.id !== ip.subnet_id) add('IP_PLACEMENT', `${ip.address_text} points at subnet #${ip.subnet_id} but lies in ${leaf.cidr}`);
  }

  checkJournal(plan, add);
  return out;
}

function contains(outer: Prefix, inner: Prefix): boolean {
  return outer.len < inner.len && containsPrefix(outer, inner);
}

/** Every row must equal the after-image of its latest journal record; every deleted id must be gone. */
function checkJournal(plan: Plan, add: (code: string, message: string) => void): void {
  for (const entity of Object.keys(ENTITIES) as EntityName[]) {
    const { table } = ENTITIES[entity];
    const latest = new Map<number, { op: string; after: string | null; key: string }>();
    const records = plan
      .q(`SELECT r.entity_id, r.op, r.after, r.key FROM journal_records r
          JOIN (SELECT entity_id, MAX(id) AS m FROM journal_records WHERE entity = ? GROUP BY entity_id) x ON r.id = x.m`)
      .iterate(entity) as IterableIterator<{ entity_id: number; op: string; after: string | null; key: string }>;
    for (const r of records) latest.set(r.entity_id, r);
    for (const row of plan.q(`SELECT * FROM ${table}`).iterate() as IterableIterator<Record<string, unknown> & { id: number }>) {
      const rec = latest.get(row.id);
      if (!rec) {
        if (!(entity === 'space' && row.name === 'global')) add('JOURNAL', `${entity} #${row.id} has no journal record`);
        continue;
      }
      latest.delete(row.id);
      if (rec.op === 'delete') add('JOURNAL', `${entity} ${rec.key} exists but its last journal record deletes it`);
      else {
        const diff = changedColumns(entity, row, decodeImage(entity, rec.after!));
        if (diff.length) add('JOURNAL', `${entity} ${rec.key} differs from its journal (${diff.join(', ')})`);
      }
    }
    for (const rec of latest.values()) if (rec.op !== 'delete') add('JOURNAL', `${entity} ${rec.key} is in the journal but missing from the plan`);
  }
}
