/**
 * One read of the API for a screen: fetched when its arguments change, again after every change to the
 * plan (the store's plan.info is fetched anew after each one), or on reload(). The last answer stays
 * on screen while the next one loads.
 */
import { useCallback, useEffect, useState } from 'react';
import type { MethodArgs, MethodName, MethodResult } from '../../../shared/api/contract';
import { errorMessage } from '../api';
import { useApp, useAppStore } from '../context';

export interface Query<T> {
  data: T | null;
  error: string | null;
  loading: boolean;
  reload(): void;
}

export function useQuery<M extends MethodName>(method: M, args: MethodArgs<M> | null): Query<MethodResult<M>> {
  const store = useAppStore();
  const info = useApp((s) => s.info);
  const [data, setData] = useState<MethodResult<M> | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(args !== null);
  const [tick, setTick] = useState(0);
  const key = args === null ? null : JSON.stringify(args);
  useEffect(() => {
    if (key === null) {
      setData(null);
      setLoading(false);
      return;
    }
    let live = true;
    setLoading(true);
    store.getState().api
      .call(method, JSON.parse(key) as MethodArgs<M>)
      .then((r) => {
        if (!live) return;
        setData(r);
        setError(null);
      })
      .catch((e: unknown) => live && setError(errorMessage(e)))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [method, key, info, tick, store]);
  const reload = useCallback(() => setTick((t) => t + 1), []);
  return { data, error, loading, reload };
}
