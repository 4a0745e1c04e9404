/** Search by CIDR, address, customer or description; choosing a match flies the map to it. */
import { forwardRef, useEffect, useImperativeHandle, useRef, useState } from 'react';
import type { MethodResult } from '../../../shared/api/contract';
import { errorMessage } from '../api';
import { formatPrefix, tryPrefix } from '../cidr';
import { useAppStore } from '../context';
import { STATUS_LABEL, statusOf } from '../status';

type Match = MethodResult<'search'>['matches'][number];

export interface SearchHandle {
  focus(): void;
}

export const Search = forwardRef<SearchHandle>(function Search(_, ref) {
  const store = useAppStore();
  const input = useRef<HTMLInputElement>(null);
  const [q, setQ] = useState('');
  const [matches, setMatches] = useState<Match[]>([]);
  const [active, setActive] = useState(0);
  const [open, setOpen] = useState(false);
  const [error, setError] = useState<string | null>(null);
  useImperativeHandle(ref, () => ({ focus: () => input.current?.focus() }));

  useEffect(() => {
    const query = q.trim();
    if (!query) {
      setMatches([]);
      setError(null);
      return;
    }
    let live = true;
    setMatches([]);
    const t = setTimeout(() => {
      store.getState().api
        .call('search', { query, limit: 12 })
        .then((r) => {
          if (!live) return;
          setMatches(r.matches);
          setActive(0);
          setError(null);
        })
        .catch((e: unknown) => live && setError(errorMessage(e)));
    }, 120);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [q, store]);

  const go = (cidr: string, space?: string) => {
    setOpen(false);
    input.current?.blur();
    void store.getState().flyTo(cidr, space).catch((e: unknown) => store.getState().toast('error', errorMessage(e)));
  };
  const choose = (m: Match) => go(m.cidr, m.space);
  /** Enter on an exact CIDR goes to that block, whatever the list shows yet (it may still be on its way). */
  const exact = (): string | null => {
    const p = tryPrefix(q.trim());
    return p ? formatPrefix(p) : null;
  };

  return (
    <div className="search" role="search">
      <span className="search-icon" aria-hidden>⌕</span>
      <input
        ref={input}
        type="search"
        aria-label="Search subnets"
        placeholder="Search CIDR, address, customer, description"
        value={q}
        onFocus={() => setOpen(true)}
        onBlur={() => setTimeout(() => setOpen(false), 150)}
        onChange={(e) => {
          setQ(e.target.value);
          setOpen(true);
        }}
        onKeyDown={(e) => {
          if (e.key === 'ArrowDown') {
            e.preventDefault();
            setActive((a) => Math.min(a + 1, matches.length - 1));
          } else if (e.key === 'ArrowUp') {
            e.preventDefault();
            setActive((a) => Math.max(a - 1, 0));
          } else if (e.key === 'Enter' && (exact() || matches[active])) {
            e.preventDefault();
            // The map's own Enter (zoom into the selection) must not see this one.
            e.stopPropagation();
            const cidr = exact();
            const hit = cidr ? matches.find((m) => m.cidr === cidr && !m.address) : matches[active];
            if (hit) choose(hit);
            else go(cidr!);
          } else if (e.key === 'Escape') {
            setQ('');
            input.current?.blur();
          }
        }}
      />
      <kbd className="search-kbd">/</kbd>
      {open && q.trim() && (
        <div className="search-results" role="listbox" data-testid="search-results">
          {error && <div className="search-empty">{error}</div>}
          {!error && matches.length === 0 && <div className="search-empty">No subnet matches “{q.trim()}”</div>}
          {matches.map((m, i) => (
            <button
              type="button"
              role="option"
              aria-selected={i === active}
              key={`${m.space}${m.cidr}${m.address ?? ''}${m.reason}`}
              className={i === active ? 'hit active' : 'hit'}
              onMouseEnter={() => setActive(i)}
              onMouseDown={(e) => e.preventDefault()}
              onClick={() => choose(m)}
            >
              <span className={`dot st-${statusOf(m.subnet)}`} />
              <span className="mono hit-cidr">{m.address ?? m.cidr}</span>
              <span className="hit-text">{m.reason === 'cidr' ? STATUS_LABEL[statusOf(m.subnet)] : m.text}</span>
              <span className="hit-space">{m.space}</span>
            </button>
          ))}
        </div>
      )}
    </div>
  );
});
