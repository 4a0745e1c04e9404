/** SOA and NS values for exported zone files and zones created at a provider, kept in the settings table. */
import { FluxError } from '../../shared/errors';
import { DEFAULT_SETTINGS, rdnsSettings, type RdnsSettings } from '../../shared/rdns';
import type { Plan } from '../plan';
import { normalizeHostname } from './names';

const KEY = 'rdns';

export function readSettings(plan: Plan): RdnsSettings {
  const row = plan.q('SELECT value FROM settings WHERE key = ?').get(KEY) as { value: string } | undefined;
  if (!row) return { ...DEFAULT_SETTINGS };
  const parsed = rdnsSettings.safeParse({ ...DEFAULT_SETTINGS, ...JSON.parse(row.value) });
  return parsed.success ? parsed.data : { ...DEFAULT_SETTINGS };
}

/** An e-mail address (hostmaster@example.net) or mailbox name (hostmaster.example.net) as an SOA RNAME. */
export function mailboxName(input: string): string {
  const t = input.trim().replace(/\.$/, '');
  const at = t.indexOf('@');
  if (at < 0) return normalizeHostname(t, 'soa_rname');
  const local = t.slice(0, at);
  if (!/^[A-Za-z0-9][A-Za-z0-9_+-]*$/.test(local)) {
    throw new FluxError('INVALID_ARGUMENT', `soa_rname: the mailbox "${local}" of ${input} may hold only letters, digits, _, + and -`);
  }
  return `${local.toLowerCase()}.${normalizeHostname(t.slice(at + 1), 'soa_rname')}`;
}

export type SettingsPatch = Partial<{ [K in keyof RdnsSettings]: RdnsSettings[K] | undefined }>;

/** Validates everything first, then writes: a bad value changes nothing. */
export function writeSettings(plan: Plan, patch: SettingsPatch): RdnsSettings {
  const next = { ...readSettings(plan) };
  if (patch.ns !== undefined) next.ns = patch.ns.map((n, i) => normalizeHostname(n, `ns[${i}]`));
  if (patch.soa_mname !== undefined) next.soa_mname = patch.soa_mname === null || patch.soa_mname === '' ? null : normalizeHostname(patch.soa_mname, 'soa_mname');
  if (patch.soa_rname !== undefined) next.soa_rname = patch.soa_rname === null || patch.soa_rname === '' ? null : mailboxName(patch.soa_rname);
  for (const k of ['ttl', 'refresh', 'retry', 'expire', 'minimum'] as const) {
    const v = patch[k];
    if (v === undefined) continue;
    if (!Number.isInteger(v) || v < 1 || v > 2147483647) throw new FluxError('INVALID_ARGUMENT', `${k}: ${v} is not a number of seconds from 1 to 2147483647`);
    next[k] = v;
  }
  plan.q('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(KEY, JSON.stringify(next));
  return next;
}
