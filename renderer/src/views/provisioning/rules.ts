/**
 * The rules editor's model: the ipam_config being edited is kept as plain JSON (whatever the planner
 * typed, right or wrong) and checked live with the shared zod schema the engine uses, so the editor
 * refuses exactly what provisioning would.
 */
import { ipamConfig, type IpamConfig, type IpamRule } from '../../../../shared/provisioning/ipam-config';

export type Json = unknown;
export type Path = ReadonlyArray<string | number>;

export interface Problem {
  path: Path;
  /** "rules[1].prefix_length" */
  where: string;
  message: string;
}

export type Checked = { ok: true; config: IpamConfig; problems: [] } | { ok: false; config: null; problems: Problem[] };

export function where(path: Path): string {
  return path.map((p, n) => (typeof p === 'number' ? `[${p}]` : `${n ? '.' : ''}${String(p)}`)).join('');
}

export function check(draft: Json): Checked {
  const parsed = ipamConfig.safeParse(draft);
  if (parsed.success) return { ok: true, config: parsed.data, problems: [] };
  return {
    ok: false,
    config: null,
    problems: parsed.error.issues.map((i) => ({ path: i.path as Path, where: where(i.path as Path), message: i.message })),
  };
}

/** Problems whose path is exactly `path` (a field), or starts with it when `within` (a rule). */
export function problemsAt(problems: Problem[], path: Path, within = false): Problem[] {
  return problems.filter((p) => (within ? p.path.length >= path.length : p.path.length === path.length) && path.every((k, i) => p.path[i] === k));
}

export const NEW_PRODUCT: Json = { mode: 'full', rules: [{ type: 'ip', family: 4, count: 1, purpose: 'primary' }] };
export const NEW_RULE: Record<string, Json> = { type: 'ip', family: 4, count: 1 };

export const PURPOSES = ['primary', 'additional', 'management', 'storage', 'backup'];

/** Text typed in a number field: empty is "not given", digits a number, anything else kept for the schema to name. */
export function numberOf(text: string): number | string | undefined {
  const t = text.trim();
  if (t === '') return undefined;
  return /^-?\d+$/.test(t) ? Number(t) : t;
}

/** A comma-separated list: numbers stay numbers (VLANs), the rest text (CIDRs). */
export function listOf(text: string, numeric: boolean): Json[] | undefined {
  const items = text.split(/[\s,]+/).filter(Boolean);
  if (!items.length) return undefined;
  return items.map((i) => (numeric && /^\d+$/.test(i) ? Number(i) : i));
}

export function textOf(value: Json): string {
  if (value === undefined || value === null) return '';
  if (Array.isArray(value)) return value.map(String).join(', ');
  return String(value);
}

/** Sets (or, for undefined, removes) one field of one rule, returning a new draft. */
export function setRuleField(draft: Json, index: number, key: string, value: Json): Json {
  const d = asObject(draft);
  const rules = Array.isArray(d.rules) ? [...d.rules] : [];
  const rule = { ...asObject(rules[index]) };
  if (value === undefined) delete rule[key];
  else rule[key] = value;
  // A subnet rule carries prefix_length; an ip rule does not.
  if (key === 'type' && value === 'ip') delete rule.prefix_length;
  rules[index] = stripUndefined(rule);
  return { ...d, rules };
}

export function moveRule(draft: Json, index: number, by: -1 | 1): Json {
  const d = asObject(draft);
  const rules = Array.isArray(d.rules) ? [...d.rules] : [];
  const to = index + by;
  if (to < 0 || to >= rules.length) return draft;
  [rules[index], rules[to]] = [rules[to], rules[index]];
  return { ...d, rules };
}

export function removeRule(draft: Json, index: number): Json {
  const d = asObject(draft);
  return { ...d, rules: (Array.isArray(d.rules) ? d.rules : []).filter((_, i) => i !== index) };
}

export function addRule(draft: Json): Json {
  const d = asObject(draft);
  return { ...d, rules: [...(Array.isArray(d.rules) ? d.rules : []), { ...NEW_RULE }] };
}

export function asObject(v: Json): Record<string, Json> {
  return v && typeof v === 'object' && !Array.isArray(v) ? (v as Record<string, Json>) : {};
}

function stripUndefined(o: Record<string, Json>): Record<string, Json> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/** Whether the form can show this draft (an object with a rules array of objects); otherwise only the JSON view can. */
export function formCanShow(draft: Json): boolean {
  if (!draft || typeof draft !== 'object' || Array.isArray(draft)) return false;
  const rules = (draft as { rules?: Json }).rules;
  return rules === undefined || (Array.isArray(rules) && rules.every((r) => r && typeof r === 'object' && !Array.isArray(r)));
}

export function ruleSummary(r: IpamRule): string {
  const what = r.type === 'ip' ? `IPv${r.family} address${r.count > 1 ? 'es' : ''}` : `IPv${r.family} /${r.prefix_length}`;
  const scope = [r.vlans?.length ? `VLAN ${r.vlans.join(', ')}` : '', r.pools?.length ? `from ${r.pools.join(', ')}` : ''].filter(Boolean).join(' · ');
  return `${r.count} × ${what}${r.purpose ? ` (${r.purpose})` : ''}${scope ? ` · ${scope}` : ''}`;
}
