/**
 * Sync conflicts: what this plan and the tenant hold for each contested row, side by side, and the
 * planner's choice per conflict (keep mine, take theirs, or for allocations re-allocate mine). Resolved
 * conflicts keep both sides' values: the losing ones stay on record, listed under "Resolved".
 */
import { Fragment, useEffect, useState } from 'react';
import { errorMessage } from '../../api';
import { useAppStore } from '../../context';
import { ErrorLine } from '../../ui/Modal';
import { differing, fieldLabel, KIND_HINT, KIND_LABEL, plural, showValue, when, type Conflict } from './format';
import { useSync, useSyncStore } from './syncStore';

type Choice = 'mine' | 'theirs' | 'reallocate';

interface ValueRow {
  row: string | null;
  mineMissing: boolean;
  theirsMissing: boolean;
  fields: Array<{ field: string; mine: unknown; theirs: unknown }>;
}

/** The contested values: the fields named for a field conflict, every differing field of each row otherwise. */
function valueRows(c: Conflict): ValueRow[] {
  if (c.kind === 'field') {
    return [{ row: null, mineMissing: c.mine === null, theirsMissing: c.theirs === null, fields: c.fields.map((f) => ({ field: f, mine: c.mine?.[f], theirs: c.theirs?.[f] })) }];
  }
  const rows = c.rows.length ? c.rows : [{ row: c.row, entity: c.entity, key: c.key, mine: c.mine, theirs: c.theirs }];
  return rows.map((r) => ({
    row: rows.length > 1 || r.row !== c.row ? r.row : null,
    mineMissing: r.mine === null,
    theirsMissing: r.theirs === null,
    fields: differing(r.mine, r.theirs).map((f) => ({ field: f, mine: r.mine?.[f], theirs: r.theirs?.[f] })),
  }));
}

const RESOLUTION_TEXT: Record<Choice, string> = {
  mine: 'kept this plan’s values (pushed with the next sync)',
  theirs: 'took the tenant’s values',
  reallocate: 'took the tenant’s allocation and allocated this plan’s again',
};

export function ConflictCard({ c, onResolve, busy }: { c: Conflict; onResolve?: (choice: Choice) => void; busy?: boolean }) {
  const rows = valueRows(c);
  const open = c.status === 'open';
  const won = c.resolution;
  return (
    <article className={`conflict-card ${open ? 'open' : 'settled'}`} data-testid="conflict" aria-label={`Conflict ${c.row}`}>
      <header>
        <span className={`pill ck-${c.kind}`}>{c.kind}</span>
        <span className="strong">{KIND_LABEL[c.kind]}</span>
        <span className="mono conflict-row">{c.row}</span>
      </header>
      <p className="muted small conflict-hint">
        {KIND_HINT[c.kind]}
        {c.region ? ` The whole region ${c.region} is held back on both sides until you choose.` : ''}
      </p>
      <table className="conflict-values">
        <thead>
          <tr>
            <th>Field</th>
            <th className={won === 'mine' ? 'won' : ''}>This plan <span className="muted">(mine)</span></th>
            <th className={won === 'theirs' || won === 'reallocate' ? 'won' : ''}>Tenant <span className="muted">(theirs)</span></th>
          </tr>
        </thead>
        <tbody>
          {rows.map((r, i) => (
            <Fragment key={i}>
              {r.row && (
                <tr className="conflict-subrow">
                  <td colSpan={3} className="mono">{r.row}</td>
                </tr>
              )}
              {(r.mineMissing || r.theirsMissing) && (
                <tr>
                  <td className="muted">row</td>
                  <td className={r.mineMissing ? 'gone' : ''}>{r.mineMissing ? 'not in this plan (deleted here)' : 'kept'}</td>
                  <td className={r.theirsMissing ? 'gone' : ''}>{r.theirsMissing ? 'not on the tenant (deleted there)' : 'kept'}</td>
                </tr>
              )}
              {r.fields.map((f) => (
                <tr key={f.field}>
                  <td className="muted">{fieldLabel(f.field)}</td>
                  <td className="mine" data-testid="conflict-mine">{r.mineMissing ? '—' : showValue(f.mine)}</td>
                  <td className="theirs" data-testid="conflict-theirs">{r.theirsMissing ? '—' : showValue(f.theirs)}</td>
                </tr>
              ))}
            </Fragment>
          ))}
        </tbody>
      </table>
      {!open && (
        <div className="conflict-resolved">
          ✓ Resolved{c.resolved_at ? ` ${when(c.resolved_at)}` : ''}: {won ? RESOLUTION_TEXT[won] : 'settled by a later change'}. Both sides’ values stay recorded here.
        </div>
      )}
      {open && onResolve && (
        <div className="conflict-actions">
          <button type="button" disabled={busy} onClick={() => onResolve('mine')} title="Keep this plan’s values; the next sync pushes them over the tenant’s">Keep mine</button>
          <button type="button" disabled={busy} onClick={() => onResolve('theirs')} title="Apply the tenant’s values to this plan">Take theirs</button>
          {c.kind === 'allocation' && (
            <button type="button" disabled={busy} onClick={() => onResolve('reallocate')} title="Take the tenant’s allocation, and allocate this plan’s again by the same policy (exact fit, else merge, else split)">
              Re-allocate mine
            </button>
          )}
        </div>
      )}
    </article>
  );
}

export function ConflictsPane({ onBack }: { onBack: () => void }) {
  const store = useAppStore();
  const sync = useSyncStore();
  const remote = useSync((s) => s.status?.remote ?? null);
  const tick = useSync((s) => s.tick);
  const [all, setAll] = useState(false);
  const [list, setList] = useState<Conflict[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<number | null>(null);
  useEffect(() => {
    if (!remote) return;
    let live = true;
    store.getState().api
      .call('sync.conflicts', { remote, all: true })
      .then((r) => {
        if (!live) return;
        setList(r.conflicts);
        setError(null);
      })
      .catch((e: unknown) => live && setError(errorMessage(e)));
    return () => {
      live = false;
    };
  }, [remote, tick, store]);

  const resolve = async (c: Conflict, choice: Choice) => {
    setBusy(c.id);
    setError(null);
    try {
      const r = await store.getState().api.call('sync.resolve', { id: c.id, choice });
      const moved = r.reallocated.map((x) => `${x.from} → ${x.to}`).join(', ');
      store.getState().toast(
        'ok',
        choice === 'mine' ? `Kept this plan’s values for ${c.row}; the next sync pushes them` : choice === 'theirs' ? `Took the tenant’s values for ${c.row}` : `Re-allocated ${moved || 'this plan’s allocations'}`,
      );
      await sync.getState().resolved();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(null);
    }
  };

  if (!remote) return <div className="modal-body"><p className="muted">Set up a remote first: conflicts come from syncing with a tenant.</p></div>;
  const open = (list ?? []).filter((c) => c.status === 'open');
  const settled = (list ?? []).filter((c) => c.status !== 'open');
  return (
    <div className="modal-body sync-body" data-testid="sync-conflicts-pane">
      {list === null && !error && <div className="hint">Loading conflicts…</div>}
      {list !== null && (
        <div className={open.length ? 'note warn' : 'note'}>
          {open.length
            ? `${plural(open.length, 'conflict')} open: nothing of this plan is pushed until ${open.length === 1 ? 'it is' : 'they are'} resolved (the pull goes on). Whichever side you choose, the other side’s values stay recorded with the conflict.`
            : 'No open conflicts. Resolved ones keep both sides’ values on record.'}
        </div>
      )}
      <div className="sync-scroll">
        {open.map((c) => <ConflictCard key={c.id} c={c} busy={busy !== null} onResolve={(choice) => void resolve(c, choice)} />)}
        {settled.length > 0 && (
          <div className="conflicts-settled">
            <button type="button" className="link" onClick={() => setAll(!all)} aria-expanded={all}>
              {all ? '▾' : '▸'} Resolved · {settled.length} (the losing values stay recorded)
            </button>
            {all && settled.map((c) => <ConflictCard key={c.id} c={c} />)}
          </div>
        )}
      </div>
      <ErrorLine text={error} />
      <footer>
        <button type="button" className={open.length ? '' : 'primary'} onClick={onBack}>{open.length ? 'Back to the preview' : 'Preview the sync'}</button>
      </footer>
    </div>
  );
}
