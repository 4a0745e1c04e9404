/**
 * Sync in words: relative times, counts as sentences, the values of a conflicted row, and what to do
 * about each kind of failure the engine reports (error.reason).
 */
import type { MethodResult } from '../../../../shared/api/contract';

export type SyncStatus = MethodResult<'sync.status'>;
export type SyncJob = MethodResult<'sync.job'>;
export type SyncResult = NonNullable<SyncJob['result']>;
export type ProbeResult = NonNullable<SyncJob['probe']>;
export type PreviewPart = SyncResult['preview']['push'];
export type Conflict = MethodResult<'sync.conflicts'>['conflicts'][number];
export type RemoteView = MethodResult<'sync.remote.list'>['remotes'][number];
export type SyncFailure = NonNullable<SyncJob['error']>;

/** An engine message as a sentence: ends with a full stop. */
export const sentence = (s: string) => (/[.!?]$/.test(s.trim()) ? s.trim() : `${s.trim()}.`);

export const plural = (n: number, one: string, many = `${one}s`) => `${n.toLocaleString('en')} ${n === 1 ? one : many}`;

/** "just now", "4 min ago", "3 h ago", "yesterday", "5 days ago", then the date. */
export function ago(iso: string | null, now = Date.now()): string {
  if (!iso) return 'never';
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const s = Math.max(0, Math.round((now - t) / 1000));
  if (s < 45) return 'just now';
  const m = Math.round(s / 60);
  if (m < 60) return `${m} min ago`;
  const h = Math.round(m / 60);
  if (h < 24) return `${h} h ago`;
  const d = Math.round(h / 24);
  if (d === 1) return 'yesterday';
  if (d < 14) return `${d} days ago`;
  return new Date(t).toLocaleDateString('en', { year: 'numeric', month: 'short', day: 'numeric' });
}

export function when(iso: string | null): string {
  if (!iso) return 'never';
  const t = Date.parse(iso);
  return Number.isNaN(t) ? iso : new Date(t).toLocaleString('en', { dateStyle: 'medium', timeStyle: 'short' });
}

/** How many tenant versions this plan has not pulled (null: unknown, or never synced). */
export function behind(s: Pick<SyncStatus, 'version' | 'tenant_version'>): number | null {
  if (s.version === null || s.tenant_version === null) return null;
  return Math.max(0, s.tenant_version - s.version);
}

/** The counts of one side of a preview, as phrases: "2 subnets created", "1 allocation changed". */
export function countPhrases(c: PreviewPart['counts']): string[] {
  return [
    c.subnets_created && plural(c.subnets_created, 'subnet') + ' created',
    c.subnets_deleted && plural(c.subnets_deleted, 'subnet') + ' deleted',
    c.allocations && plural(c.allocations, 'allocation') + ' changed',
    c.ips_allocated && plural(c.ips_allocated, 'IP address', 'IP addresses') + ' allocated',
    c.ips_released && plural(c.ips_released, 'IP address', 'IP addresses') + ' released',
    c.ips_changed && plural(c.ips_changed, 'IP record') + ' changed',
    c.catalog && plural(c.catalog, 'catalog change'),
  ].filter((x): x is string => !!x);
}

function list(parts: string[]): string {
  if (parts.length <= 1) return parts.join('');
  return `${parts.slice(0, -1).join(', ')} and ${parts[parts.length - 1]}`;
}

/** One sentence for one side: "Pulls 3 changes from the tenant: 2 subnets created and 1 allocation changed." */
export function partSentence(part: PreviewPart, side: 'pull' | 'push', done: boolean): string {
  if (part.changes === 0) {
    if (side === 'pull') return done ? 'Nothing was pulled: the tenant had nothing new.' : 'Nothing to pull: the tenant has nothing new.';
    return done ? 'Nothing was pushed.' : 'Nothing to push: the tenant already has all of this plan.';
  }
  const phrases = countPhrases(part.counts);
  const verb = side === 'pull' ? (done ? 'Pulled' : 'Will pull') : done ? 'Pushed' : 'Will push';
  const where = side === 'pull' ? 'from the tenant' : 'to the tenant';
  return `${verb} ${plural(part.changes, 'change')} ${where}${phrases.length ? `: ${list(phrases)}` : ''}.`;
}

export const KIND_LABEL: Record<Conflict['kind'], string> = {
  field: 'Same field, two values',
  allocation: 'Allocated on both sides',
  delete: 'Deleted on one side, changed on the other',
  structure: 'Shaped differently',
};

export const KIND_HINT: Record<Conflict['kind'], string> = {
  field: 'This plan and the tenant changed the same field of this row to different values.',
  allocation: 'The same space was allocated here and on the tenant, with different holders.',
  delete: 'One side deleted (or merged away) this row while the other changed it.',
  structure: 'The same block was carved differently here and on the tenant.',
};

/** A field value as the planner reads it. */
export function showValue(v: unknown): string {
  if (v === null || v === undefined || v === '') return '—';
  if (typeof v === 'boolean') return v ? 'yes' : 'no';
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    if ('vid' in o) return `VLAN ${String(o.vid)}${o.location ? ` at ${String(o.location)}` : ''}`;
    return JSON.stringify(v);
  }
  return String(v);
}

const FIELD_LABEL: Record<string, string> = {
  allocation_status: 'status',
  is_unavailable: 'parked',
  is_ip_pool: 'IP pool',
  is_management: 'management',
  rdns: 'PTR',
  rdns_updated_at: 'PTR set at',
  ipam_config: 'IPAM config',
};

export const fieldLabel = (f: string) => FIELD_LABEL[f] ?? f.replaceAll('_', ' ');

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

/** The fields whose two sides differ (every field of the side that exists, when the other does not). */
export function differing(mine: Record<string, unknown> | null, theirs: Record<string, unknown> | null): string[] {
  const keys = [...new Set([...Object.keys(mine ?? {}), ...Object.keys(theirs ?? {})])];
  if (!mine || !theirs) return keys.filter((k) => (mine ?? theirs)![k] !== null && (mine ?? theirs)![k] !== undefined && (mine ?? theirs)![k] !== false);
  return keys.filter((k) => !same(mine[k], theirs[k]));
}

/** What the planner can do about a failure, by reason. */
export const REASON_HINT: Record<string, string> = {
  OFFLINE: 'The tenant could not be reached. Check the network (or VPN) and try again; your changes stay in this plan, pending, and nothing was lost.',
  UNAVAILABLE: 'The tenant is busy or down for now. Try again in a few minutes: the same changeset is sent again, and it lands exactly once.',
  UNAUTHORIZED: 'The tenant refused the token. Create a new API token in FluxBilling and replace the token of this remote.',
  TLS: 'The tenant’s certificate is not trusted by this computer. A staging tenant with its own CA needs the CA file set on the remote; certificate errors are never ignored.',
  URL: 'The remote’s URL is not usable. FluxBilling must be reached over https (plain http only to this machine: 127.0.0.1 or localhost).',
  SECRET: 'The token could not be read. A token file must hold the token on its first line and be readable only by you (chmod 600).',
  NEVER_SYNCED: 'Choose how to bring the two plans together:',
  WRONG_TENANT: 'The URL now answers as another FluxBilling tenant than the one this plan was synced with. Point the remote back, add a new remote for the other tenant, or replace this plan with the tenant’s.',
  TENANT_REWOUND: 'The tenant is at an older version than this plan already pulled (was it restored from a backup?). Nothing was changed. Replace this plan with the tenant’s, or restore the tenant.',
  REJECTED: 'The tenant refused the changes (the rows are named above). Nothing was pushed; fix those rows in the plan and sync again.',
  PROTOCOL: 'The answer did not follow the FluxPlan sync protocol. Is the URL the FluxBilling tenant (not a proxy or login page)?',
};

/** Failures fixed in the remote's settings. */
export const REMOTE_REASONS = new Set(['UNAUTHORIZED', 'TLS', 'URL', 'SECRET', 'WRONG_TENANT', 'PROTOCOL']);

export const PHASES: Array<{ id: SyncJob['phase']; label: string }> = [
  { id: 'connecting', label: 'Connecting' },
  { id: 'pulling', label: 'Pulling' },
  { id: 'merging', label: 'Merging' },
  { id: 'pushing', label: 'Pushing' },
];

export const PHASE_TEXT: Record<SyncJob['phase'], string> = {
  starting: 'Starting…',
  connecting: 'Connecting to the tenant…',
  pulling: 'Pulling the tenant’s changes…',
  merging: 'Merging them with this plan…',
  pushing: 'Pushing this plan’s changes…',
  cloning: 'Copying the tenant’s plan…',
  done: 'Finishing…',
};
