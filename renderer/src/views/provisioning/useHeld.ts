/** What a service holds, fetched again after every change to the plan. */
import { useEffect, useState } from 'react';
import { errorMessage } from '../../api';
import { useApp, useAppStore } from '../../context';
import { heldBy, type Held } from './allocations';

export function useHeld(service: string | null): { held: Held[] | null; error: string | null } {
  const store = useAppStore();
  const info = useApp((s) => s.info);
  const [held, setHeld] = useState<Held[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let live = true;
    if (!service) {
      setHeld(null);
      return;
    }
    heldBy(store.getState().api, service).then(
      (h) => {
        if (!live) return;
        setHeld(h);
        setError(null);
      },
      (e: unknown) => live && setError(errorMessage(e)),
    );
    return () => {
      live = false;
    };
  }, [service, info, store]);
  return { held, error };
}
