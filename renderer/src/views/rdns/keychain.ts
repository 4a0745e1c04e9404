/**
 * Provider keys on the desktop: kept by the main process in the OS keychain (safeStorage), reached
 * through the shell bridge's three calls. The renderer can store, remove and list which providers have
 * a key; it never reads one back. In the browser host there is no bridge: keys come from secret files.
 */
import { useCallback, useEffect, useState } from 'react';
import type { KeychainStatus, SecretsBridge, ShellReply } from '../../api';

export function keychain(): SecretsBridge | null {
  return window.fluxplanShell?.secrets ?? null;
}

async function unwrap<T>(p: Promise<ShellReply<T>>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(r.error.message);
  return r.result;
}

export const keepKey = (provider: string, secret: string) => unwrap(keychain()!.save(provider, secret));
export const forgetKey = (provider: string) => unwrap(keychain()!.remove(provider));

/** The keychain's state (null in the browser host), fetched again on reload(). */
export function useKeychain(): { desktop: boolean; status: KeychainStatus | null; reload: () => void } {
  const bridge = keychain();
  const [status, setStatus] = useState<KeychainStatus | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!bridge) return;
    let live = true;
    unwrap(bridge.status()).then(
      (s) => live && setStatus(s),
      (e: unknown) => live && setStatus({ available: false, reason: e instanceof Error ? e.message : String(e), providers: [] }),
    );
    return () => {
      live = false;
    };
  }, [bridge, tick]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { desktop: bridge !== null, status, reload };
}
