/**
 * Rows the engine filters, sorts and pages, fetched a page at a time as a virtualized table scrolls
 * (a plan can hold a million of them). A new query or a change to the plan starts over; typing in a
 * filter waits a moment first.
 */
import { useCallback, useEffect, useRef, useState } from 'react';
import { errorMessage } from '../api';

export const PAGE = 200;

export interface Page<T> {
  total: number;
  offset: number;
  rows: T[];
}

/**
 * `fetch` is memoized on the query (a new one starts over), `reset` changes when the plan does,
 * `debounceMs` is how long to wait before the first page (for a filter being typed).
 */
export function usePages<T>(fetch: (offset: number, limit: number) => Promise<Page<T>>, reset: unknown, debounceMs: number) {
  const [total, setTotal] = useState(0);
  const [rows, setRows] = useState<Map<number, T>>(new Map());
  const [loaded, setLoaded] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const pages = useRef(new Set<number>());
  const generation = useRef(0);

  const loadPage = useCallback(
    (page: number) => {
      if (pages.current.has(page)) return;
      pages.current.add(page);
      const gen = generation.current;
      fetch(page * PAGE, PAGE)
        .then((r) => {
          if (gen !== generation.current) return;
          setTotal(r.total);
          setRows((m) => {
            const next = new Map(m);
            r.rows.forEach((row, i) => next.set(r.offset + i, row));
            return next;
          });
          setLoaded(true);
          setError(null);
        })
        .catch((e: unknown) => gen === generation.current && setError(errorMessage(e)));
    },
    [fetch],
  );

  useEffect(() => {
    generation.current++;
    pages.current = new Set();
    setRows(new Map());
    const t = setTimeout(() => loadPage(0), debounceMs);
    return () => clearTimeout(t);
  }, [loadPage, reset, debounceMs]);

  /** Fetches the pages of the rows on screen that are not there yet. */
  const ensure = useCallback(
    (indexes: number[]) => {
      for (const i of indexes) if (!rows.has(i)) loadPage(Math.floor(i / PAGE));
    },
    [rows, loadPage],
  );

  return { total, rows, loaded, error, ensure };
}
