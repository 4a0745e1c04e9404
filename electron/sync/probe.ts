/**
 * Is the tenant reachable, and how far ahead is it? One GET /status, nothing pulled or pushed: the
 * desktop asks now and then so that its status bar shows online or offline and the tenant's version
 * beside the plan's. It only records on the remote whether the tenant answered and its version.
 */
import { isFluxError } from '../../shared/errors';
import type { Plan } from '../plan';
import type { TenantAdapter } from './adapter';
import { getRemote, reload, updateRemote, type RemoteRow } from './store';
import { adapterFor } from './sync';

export interface ProbeResult {
  remote: string;
  url: string;
  /** The tenant answered (even if it then refused the token). */
  online: boolean;
  tenant_version: number | null;
  version: number | null;
  /** Tenant versions this plan has not pulled yet (null: unknown or never synced). */
  behind: number | null;
  error: string | null;
  reason: string | null;
  checked_at: string;
}

/** Failures that mean the tenant did not answer at all. */
const UNREACHED = new Set(['OFFLINE', 'UNAVAILABLE']);

export async function probeTenant(plan: Plan, options: { remote?: string | null; token?: string; adapter?: TenantAdapter; signal?: AbortSignal } = {}): Promise<ProbeResult> {
  const remote = plan.read(() => getRemote(plan, options.remote));
  const checked_at = new Date().toISOString();
  let adapter: TenantAdapter | null = null;
  try {
    adapter = options.adapter ?? adapterFor(remote, { token: options.token, signal: options.signal });
    const status = await adapter.status();
    const wrong = remote.tenant !== null && status.tenant !== remote.tenant;
    updateRemote(plan, remote.id, { online: 1, ...(wrong ? {} : { tenant_version: status.version }) });
    // Read again after the await: the remote may have been edited, or removed, while the tenant answered.
    const r = (reload(plan, remote.id) as RemoteRow | undefined) ?? remote;
    return {
      remote: r.name,
      url: r.url,
      online: true,
      tenant_version: status.version,
      version: r.version,
      behind: r.version === null || wrong ? null : Math.max(0, status.version - r.version),
      error: wrong ? `${r.url} now answers as another tenant (${status.tenant}, not ${r.tenant})` : null,
      reason: wrong ? 'WRONG_TENANT' : null,
      checked_at,
    };
  } catch (e) {
    if (options.signal?.aborted) throw e;
    const reason = isFluxError(e) ? ((e.details.reason as string | undefined) ?? e.code) : 'INTERNAL';
    const online = !UNREACHED.has(reason) && reason !== 'SECRET' && reason !== 'URL';
    if (UNREACHED.has(reason)) updateRemote(plan, remote.id, { online: 0 });
    return {
      remote: remote.name,
      url: remote.url,
      online,
      tenant_version: remote.tenant_version,
      version: remote.version,
      behind: null,
      error: e instanceof Error ? e.message : String(e),
      reason,
      checked_at,
    };
  } finally {
    if (adapter && !options.adapter) await adapter.close();
  }
}
