/** Named import mappings kept in the plan: header overrides and status words. Settings, not journaled. */
import { profileConfig, type ProfileConfig } from '../../shared/import/schema';
import { FluxError } from '../../shared/errors';
import type { Plan } from '../plan';
import { toOverrides, type Overrides } from './mapping';

interface ProfileRow {
  name: string;
  config: string;
  updated_at: string;
}

function view(r: ProfileRow) {
  const c = profileConfig.parse(JSON.parse(r.config));
  return { name: r.name, mapping: c.mapping, statuses: c.statuses, updated_at: r.updated_at };
}

export function listProfiles(plan: Plan) {
  return (plan.q('SELECT name, config, updated_at FROM import_profiles ORDER BY name').all() as ProfileRow[]).map(view);
}

export function getProfile(plan: Plan, name: string) {
  const row = plan.q('SELECT name, config, updated_at FROM import_profiles WHERE name = ?').get(name) as ProfileRow | undefined;
  if (!row) {
    const known = listProfiles(plan).map((p) => p.name);
    throw new FluxError('NOT_FOUND', `Import profile "${name}" does not exist${known.length ? ` (profiles: ${known.join(', ')})` : ' (save one with: import profile save NAME --map HEADER=FIELD)'}`);
  }
  return view(row);
}

/** The profile as overrides the mapper applies (headers normalized). */
export function profileOverrides(plan: Plan, name: string): Overrides {
  const p = getProfile(plan, name);
  return toOverrides(p.mapping, p.statuses);
}

/** Saves (creating or replacing) a profile; the mapping and statuses are checked first. */
export function saveProfile(plan: Plan, name: string, config: ProfileConfig, merge: boolean) {
  const n = name.trim();
  if (!n) throw new FluxError('INVALID_ARGUMENT', 'A profile name must not be empty');
  toOverrides(config.mapping, config.statuses);
  const now = new Date().toISOString();
  const before = plan.q('SELECT config FROM import_profiles WHERE name = ?').get(n) as { config: string } | undefined;
  let next = config;
  if (before && merge) {
    const old = profileConfig.parse(JSON.parse(before.config));
    next = { mapping: { ...old.mapping, ...config.mapping }, statuses: { ...old.statuses, ...config.statuses } };
  }
  const text = JSON.stringify(next);
  if (before) plan.q('UPDATE import_profiles SET config = ?, updated_at = ? WHERE name = ?').run(text, now, n);
  else plan.q('INSERT INTO import_profiles (name, config, created_at, updated_at) VALUES (?, ?, ?, ?)').run(n, text, now, now);
  return getProfile(plan, n);
}

export function deleteProfile(plan: Plan, name: string): void {
  getProfile(plan, name);
  plan.q('DELETE FROM import_profiles WHERE name = ?').run(name);
}
