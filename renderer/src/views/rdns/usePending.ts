/** PTR changes waiting to be pushed, per provider (computed offline by the engine), fetched again after every change. */
import { useQuery } from '../../ui/useQuery';

export function usePending() {
  return useQuery('rdns.pending', {});
}

export function usePendingTotal(): number {
  return (usePending().data?.providers ?? []).reduce((n, p) => n + p.pending, 0);
}
