/**
 * Tenant tokens the desktop keeps for sync remotes, with the same keeper as rDNS keys (secrets.ts) in a
 * file of their own; `provider` there is the remote's name. A remote added from the desktop stores only
 * the reference (secret_kind 'safe-storage', secret_ref its name); on its way to the engine, main drops
 * any token the renderer sent and adds the kept one to sync.run, sync.start and sync.probe. The CLI and
 * the browser host cannot read these: they use token files.
 * No `electron` import: tests drive it with a fake safeStorage.
 */
import type { MethodName, Reply } from '../../shared/api/contract';
import type { SecretKeeper } from './secrets';

export const SYNC_TOKENS_CHANNEL_PREFIX = 'fluxplan-sync-tokens:';
export const SAFE_STORAGE_KIND = 'safe-storage';

const TOKEN_METHODS: ReadonlySet<MethodName> = new Set<MethodName>(['sync.run', 'sync.start', 'sync.probe']);

/**
 * The arguments main passes to the engine. `defaultRemote` answers which remote a call without one
 * uses (sync.status's `remote`), asked only when needed.
 */
export async function withKeptToken(method: MethodName, args: unknown, tokens: () => SecretKeeper, defaultRemote: () => Promise<string | null>): Promise<unknown> {
  if (!TOKEN_METHODS.has(method)) return args;
  const { token: _dropped, ...rest } = (args ?? {}) as Record<string, unknown>;
  const remote = typeof rest.remote === 'string' ? rest.remote : await defaultRemote();
  const token = remote ? tokens().keys()[remote] : undefined;
  return token ? { ...rest, token } : rest;
}

/** A removed remote's kept token goes with it. */
export function forgetRemovedRemote(method: MethodName, args: unknown, reply: Reply<MethodName>, tokens: () => SecretKeeper): void {
  if (method !== 'sync.remote.remove' || !reply.ok) return;
  const name = (args as { name?: unknown } | null)?.name;
  if (typeof name === 'string') tokens().remove(name);
}
