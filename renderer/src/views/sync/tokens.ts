/**
 * Tenant tokens on the desktop: kept by the main process in the OS keychain (safeStorage), reached
 * through the shell bridge's syncTokens (status, save, remove; `provider` is the remote's name). The
 * renderer never reads a token back; main adds it to each sync call. The browser host has no bridge: its
 * remotes read their token from a file only its owner can read.
 */
import type { SecretsBridge } from '../../api';
import { unwrapShell, useKeychainOf } from '../../ui/keychain';

/** The secret_kind of a remote whose token the desktop keeps; secret_ref is the remote's name. */
export const SAFE_STORAGE = 'safe-storage';

export function tokenBridge(): SecretsBridge | null {
  return window.fluxplanShell?.syncTokens ?? null;
}

export const keepToken = (remote: string, token: string) => unwrapShell(tokenBridge()!.save(remote, token));
export const forgetToken = (remote: string) => unwrapShell(tokenBridge()!.remove(remote));

/** Whether a remote reads its token from a file (the engine describes it as "the file PATH"). */
export const fileOf = (secret: string): string | null => (secret.startsWith('the file ') ? secret.slice('the file '.length) : null);

/** The keychain's state: null in the browser host (or until it answered), fetched again on reload(). */
export const useTokenKeychain = () => useKeychainOf(tokenBridge());
