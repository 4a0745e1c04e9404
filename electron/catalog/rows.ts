/** Journaled writes for the catalog entities (everything but subnets and IP records). */
import { FluxError } from '../../shared/errors';
import { ENTITIES, changedColumns, imageOf, type EntityName } from '../journal/entities';
import { journal } from '../journal/journal';
import type { Plan } from '../plan';

export type CatalogEntity = Exclude<EntityName, 'subnet' | 'ip'>;
type Row = Record<string, unknown> & { id: number };

export function catalogKey(plan: Plan, entity: CatalogEntity, row: Record<string, unknown>): string {
  switch (entity) {
    case 'space':
    case 'device':
    case 'product':
    case 'rdns_provider':
      return String(row.name);
    case 'rdns_zone':
      return `${plan.spaceName(row.space_id as number)} ${row.name}`;
    case 'location':
      return String(row.code);
    case 'customer':
    case 'service':
      return String(row.ref);
    case 'transit': {
      const svc = plan.q('SELECT ref FROM services WHERE id = ?').get(row.service_id) as { ref: string } | undefined;
      return `transit ${svc?.ref ?? '?'}`;
    }
    case 'vlan': {
      const loc = plan.q('SELECT code FROM locations WHERE id = ?').get(row.location_id) as { code: string } | undefined;
      return `${loc?.code ?? '?'} ${row.vid}`;
    }
  }
}

export function getRow(plan: Plan, entity: CatalogEntity, id: number): Row {
  const row = plan.q(`SELECT * FROM ${ENTITIES[entity].table} WHERE id = ?`).get(id) as Row | undefined;
  if (!row) throw new FluxError('INTERNAL', `${entity} #${id} is missing`);
  return row;
}

export function insertRow(plan: Plan, entity: CatalogEntity, values: Record<string, unknown>, id?: number): Row {
  const cols = ENTITIES[entity].columns.filter((c) => c !== 'created_at' && c !== 'updated_at' && values[c] !== undefined);
  const info = plan
    .q(`INSERT INTO ${ENTITIES[entity].table} (id, ${cols.join(', ')}, created_at, updated_at) VALUES (?, ${cols.map(() => '?').join(', ')}, ?, ?)`)
    .run(id ?? null, ...cols.map((c) => values[c] as never), values.created_at ?? plan.now, plan.now);
  const row = getRow(plan, entity, Number(info.lastInsertRowid));
  journal(plan, entity, catalogKey(plan, entity, row), 'insert', null, imageOf(entity, row));
  plan.forgetCaches();
  return row;
}

export function updateRow(plan: Plan, entity: CatalogEntity, before: Row, patch: Record<string, unknown>): Row {
  const next = { ...before, ...patch };
  const changed = changedColumns(entity, before, next).filter((c) => c !== 'created_at');
  if (changed.length === 0) return before;
  plan
    .q(`UPDATE ${ENTITIES[entity].table} SET ${changed.map((c) => `${c} = ?`).join(', ')}, updated_at = ? WHERE id = ?`)
    .run(...changed.map((c) => next[c] as never), plan.now, before.id);
  const after = getRow(plan, entity, before.id);
  journal(plan, entity, catalogKey(plan, entity, after), 'update', imageOf(entity, before), imageOf(entity, after));
  plan.forgetCaches();
  return after;
}

export function deleteRow(plan: Plan, entity: CatalogEntity, before: Row): void {
  plan.q(`DELETE FROM ${ENTITIES[entity].table} WHERE id = ?`).run(before.id);
  journal(plan, entity, catalogKey(plan, entity, before), 'delete', imageOf(entity, before), null);
  plan.forgetCaches();
}
