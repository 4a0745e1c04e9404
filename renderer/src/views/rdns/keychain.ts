/**
 * Provider keys on the desktop: kept by the main process in the OS keychain (safeStorage), reached
 * through the shell bridge's three calls. The renderer can store, remove and list which providers have
 * a key; it never reads one back. In the browser host there is no bridge: keys come from secret files.
 */
import type { SecretsBridge } from '../../api';
import { unwrapShell, useKeychainOf } from '../../ui/keychain';

export function keychain(): SecretsBridge | null {
  return window.fluxplanShell?.secrets ?? null;
}

export const keepKey = (provider: string, secret: string) => unwrapShell(keychain()!.save(provider, secret));
export const forgetKey = (provider: string) => unwrapShell(keychain()!.remove(provider));

/** The keychain's state (null in the browser host), fetched again on reload(). */
export const useKeychain = () => useKeychainOf(keychain());
