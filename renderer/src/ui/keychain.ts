/**
 * The desktop's keychains as the renderer sees them (rDNS provider keys, sync tokens): a bridge with
 * status, save and remove; nothing reads a secret back. In the browser host there is no bridge.
 */
import { useCallback, useEffect, useState } from 'react';
import type { KeychainStatus, SecretsBridge, ShellReply } from '../api';

/** A shell answer's result, or its error thrown with the shell's message. */
export async function unwrapShell<T>(p: Promise<ShellReply<T>>): Promise<T> {
  const r = await p;
  if (!r.ok) throw new Error(r.error.message);
  return r.result;
}

/** A keychain's state (null without a bridge, or until it answers), fetched again on reload(). */
export function useKeychainOf(bridge: SecretsBridge | null): { desktop: boolean; status: KeychainStatus | null; reload: () => void } {
  const [status, setStatus] = useState<KeychainStatus | null>(null);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    if (!bridge) return;
    let live = true;
    unwrapShell(bridge.status()).then(
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
