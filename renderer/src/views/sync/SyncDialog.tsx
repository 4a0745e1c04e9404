/**
 * The Sync dialog (File › Sync with FluxBilling…, or a click on the status bar). Opening it runs a dry
 * run as a background job and shows its progress; then the preview in plan terms (what is pulled, what
 * is pushed, any conflicts) and one Sync button that pushes exactly what was previewed; then the outcome.
 * A plan that changed meanwhile gets a fresh preview. Failures say what happened and what to do; two
 * plans never synced choose between replacing this plan and merging the two. Conflicts and remotes have
 * their own tabs; without a remote the dialog sets up the first one.
 */
import './sync.css';
import { useApp } from '../../context';
import { Modal } from '../../ui/Modal';
import { Tabs } from '../../ui/Tabs';
import { ConflictCard, ConflictsPane } from './Conflicts';
import { PHASES, PHASE_TEXT, plural, REASON_HINT, REMOTE_REASONS, sentence, type SyncJob } from './format';
import { PreviewPart } from './PreviewPart';
import { RemoteForm, RemotesPane } from './Remotes';
import { useSync, useSyncStore, type Outcome, type Run, type Tab } from './syncStore';

function Progress({ run }: { run: Run }) {
  const sync = useSyncStore();
  const p = run.progress;
  const phase: SyncJob['phase'] = p?.phase ?? 'starting';
  const cloning = phase === 'cloning' || run.mode === 'replace';
  const steps = cloning
    ? [PHASES[0]!, { id: 'cloning' as const, label: 'Copying the tenant’s plan' }]
    : PHASES.filter((s) => !(run.preview && s.id === 'pushing'));
  const at = steps.findIndex((s) => s.id === phase);
  const title = run.preview
    ? run.mode === 'merge' ? 'Previewing the merge…' : run.mode === 'replace' ? 'Reading the tenant’s plan…' : 'Previewing the sync…'
    : run.mode === 'replace' ? 'Replacing this plan…' : run.mode === 'merge' ? 'Merging the two plans…' : 'Syncing…';
  return (
    <div className="modal-body sync-body" data-testid="sync-progress" aria-busy="true">
      <div className="sync-progress-head">
        <span className="spinner big" aria-hidden />
        <div>
          <h3>{run.cancelling ? 'Cancelling…' : title}</h3>
          <div className="muted" data-testid="sync-phase">{run.cancelling ? 'Stopping at the next safe point…' : PHASE_TEXT[phase]}</div>
        </div>
      </div>
      <ol className="sync-steps" aria-label="Phases">
        {steps.map((s, i) => (
          <li key={s.id} className={i < at || phase === 'done' ? 'done' : i === at ? 'now' : ''}>
            <span className="step-dot" aria-hidden>{i < at || phase === 'done' ? '✓' : i + 1}</span>
            {s.label}
          </li>
        ))}
      </ol>
      <div className="progress indeterminate"><span /></div>
      <div className="sync-counts" data-testid="sync-counts">
        {cloning ? `${(p?.pulled ?? 0).toLocaleString('en')} rows copied` : `${plural(p?.pulled ?? 0, 'change')} received from the tenant`}
        {!run.preview && !cloning && ` · ${plural(p?.pushed ?? 0, 'change')} accepted by the tenant`}
      </div>
      {run.preview && <div className="hint">A dry run: nothing is written to this plan or sent to the tenant.</div>}
      {!run.preview && phase === 'pushing' && <div className="hint">A changeset on its way is never cut off: Cancel stops the sync at the next safe point, and the result says what was sent.</div>}
      <footer>
        <button type="button" onClick={() => void sync.getState().cancel()} disabled={run.cancelling}>{run.cancelling ? 'Cancelling…' : 'Cancel'}</button>
      </footer>
    </div>
  );
}

function Parts({ o, done }: { o: Extract<Outcome, { at: 'preview' | 'done' }>; done: boolean }) {
  const { pull, push } = o.result.preview;
  // Side by side when both sides carry changes; otherwise the empty side is one line above the other.
  const both = pull.changes > 0 && push.changes > 0;
  return (
    <div className={both ? 'sync-parts two' : 'sync-parts one'}>
      <PreviewPart part={pull} side="pull" done={done} />
      <PreviewPart part={push} side="push" done={done} />
    </div>
  );
}

function OpenConflictsNote({ n }: { n: number }) {
  const sync = useSyncStore();
  if (!n) return null;
  return (
    <div className="note warn sync-note-row">
      <span>{plural(n, 'conflict')} open: this plan’s changes are not pushed until {n === 1 ? 'it is' : 'they are'} resolved; the pull goes on.</span>
      <button type="button" onClick={() => sync.getState().setTab('conflicts')}>Resolve…</button>
    </div>
  );
}

function PreviewView({ o }: { o: Extract<Outcome, { at: 'preview' }> }) {
  const sync = useSyncStore();
  const info = useApp((s) => s.info);
  const st = sync.getState();
  const r = o.result;
  const found = r.new_conflicts;
  const upToDate = r.mode === 'sync' && r.pulled === 0 && r.pushed === 0 && r.conflicts === 0 && found.length === 0 && r.pending === 0;

  if (o.mode === 'replace') {
    return (
      <div className="modal-body sync-body" data-testid="sync-replace-confirm">
        <div className="danger-box">
          <h3>Replace this plan with the tenant’s?</h3>
          <p>{sentence(r.message)}</p>
          <p>
            This plan’s own rows{info ? ` (${plural(info.subnets, 'subnet')}, ${plural(info.ips, 'IP record')})` : ''} are deleted and replaced by the tenant’s;
            nothing of this plan is sent to the tenant{r.pending ? `, so its ${plural(r.pending, 'local change')} never reach it` : ''}. Their history stays in the journal.
          </p>
        </div>
        <footer>
          <button type="button" onClick={() => void st.preview('sync')}>Back</button>
          <button type="button" className="danger solid" onClick={() => void st.sync('replace', null)}>Replace this plan</button>
        </footer>
      </div>
    );
  }

  return (
    <div className="modal-body sync-body" data-testid="sync-preview">
      {o.changed && (
        <div className="note warn" data-testid="sync-preview-changed">
          The plan changed since the preview (here or on the tenant), so nothing was sent. This is the fresh preview: check it and Sync again.
        </div>
      )}
      {o.mode === 'merge' && (
        <div className="note">
          Merging the two plans: rows only one side has are kept on both, and every row both hold with different values becomes a conflict for you to resolve
          {found.length ? ` (${plural(found.length, 'conflict')} found)` : ''}. Nothing of this plan is pushed while a conflict is open.
        </div>
      )}
      {r.mode === 'upload' && <div className="note">First sync: the tenant holds no plan yet, so this whole plan is sent to it, as one changeset.</div>}
      {r.mode === 'clone' && <div className="note">First sync: this plan is empty, so it becomes a copy of the tenant’s. {sentence(r.message)}</div>}
      {r.mode === 'attach' && <div className="note">First sync: this plan and the tenant are both empty; Sync connects them, at the tenant’s version.</div>}
      {upToDate ? (
        <div className="sync-uptodate" data-testid="sync-up-to-date">
          <span className="sync-check" aria-hidden>✓</span>
          <div>
            <h3>Up to date</h3>
            <p className="muted">This plan and the tenant hold the same plan{r.version !== null ? `, at version ${r.version}` : ''}. Nothing to pull, nothing to push.</p>
          </div>
        </div>
      ) : (
        <div className="sync-scroll">
          <OpenConflictsNote n={r.conflicts} />
          <Parts o={o} done={false} />
          {found.length > 0 && (
            <div className="sync-found">
              <div className="section-title">Conflicts this {o.mode === 'merge' ? 'merge' : 'sync'} will find · {found.length}</div>
              <p className="muted small">The sync applies everything else and records these with both sides’ values; you then choose, per conflict, which side to keep.</p>
              {found.map((c, i) => <ConflictCard key={`${c.row}-${i}`} c={c} />)}
            </div>
          )}
        </div>
      )}
      <footer>
        <button type="button" className="left" onClick={() => void st.preview(o.mode)}>Preview again</button>
        <button type="button" onClick={() => st.close()}>Close</button>
        <button type="button" className="primary" disabled={upToDate} onClick={() => void st.sync(o.mode, r.preview_id)}>
          {o.mode === 'merge' ? 'Merge the two plans' : 'Sync'}
        </button>
      </footer>
    </div>
  );
}

function DoneView({ o }: { o: Extract<Outcome, { at: 'done' }> }) {
  const sync = useSyncStore();
  const st = sync.getState();
  const r = o.result;
  const held = r.status === 'conflicts';
  const verb = r.mode === 'replace' ? 'Replaced this plan with the tenant’s' : r.mode === 'clone' ? 'Cloned the tenant’s plan' : r.mode === 'merge' ? 'Merged the two plans' : 'Synced';
  return (
    <div className="modal-body sync-body" data-testid="sync-done">
      <div className={held ? 'sync-outcome warn' : 'sync-outcome ok'} role="status">
        <span className="sync-check" aria-hidden>{held ? '!' : '✓'}</span>
        <div>
          <h3>{held ? `${verb}, with ${plural(r.conflicts, 'conflict')} to resolve` : verb}</h3>
          <p data-testid="sync-outcome-counts">
            {r.mode === 'replace' || r.mode === 'clone'
              ? `This plan is now the tenant’s, at version ${r.version ?? '?'}.`
              : `Pushed ${plural(r.pushed, 'change')} · pulled ${plural(r.pulled, 'change')} · this plan is now at tenant version ${r.version ?? '?'}.`}
            {held ? ' Everything else was pulled; this plan’s changes wait until the conflicts are resolved.' : ''}
          </p>
          <p className="muted small sync-message">{r.message}</p>
        </div>
      </div>
      {(r.preview.pull.changes > 0 || r.preview.push.changes > 0) && (
        <div className="sync-scroll">
          <Parts o={o} done />
        </div>
      )}
      <footer>
        <button type="button" className="left" onClick={() => void st.preview('sync')}>Preview again</button>
        {held ? (
          <>
            <button type="button" onClick={() => st.close()}>Close</button>
            <button type="button" className="primary" onClick={() => st.setTab('conflicts')}>Resolve conflicts</button>
          </>
        ) : (
          <button type="button" className="primary" onClick={() => st.close()}>Done</button>
        )}
      </footer>
    </div>
  );
}

function FailureView({ o }: { o: Extract<Outcome, { at: 'failed' }> }) {
  const sync = useSyncStore();
  const st = sync.getState();
  const { reason, message } = o.error;
  const never = reason === 'NEVER_SYNCED';
  const canReplace = reason === 'WRONG_TENANT' || reason === 'TENANT_REWOUND';
  return (
    <div className="modal-body sync-body" data-testid="sync-failed">
      <div className="sync-failure" role="alert">
        <div className="strong">{never ? 'This plan and the tenant were never synced' : o.preview ? 'The preview could not be made' : 'The sync did not go through'}{reason ? <span className="pill reason">{reason}</span> : null}</div>
        <p data-testid="sync-error-message">{message}</p>
        {reason && REASON_HINT[reason] && <p className="sync-hint">{REASON_HINT[reason]}</p>}
      </div>
      {never && (
        <div className="choice-cards" role="group" aria-label="How to bring the two plans together">
          <button type="button" className="choice-card" onClick={() => void st.preview('replace')}>
            <b>Replace this plan with the tenant’s</b>
            <span className="muted small">This plan’s rows are deleted and the tenant’s plan takes their place; nothing is sent. You confirm after seeing what the tenant holds.</span>
          </button>
          <button type="button" className="choice-card" onClick={() => void st.preview('merge')}>
            <b>Merge the two plans</b>
            <span className="muted small">Rows only one side has are kept; every row both hold differently becomes a conflict to resolve. You see the merge before anything is sent.</span>
          </button>
        </div>
      )}
      <footer>
        {REMOTE_REASONS.has(reason ?? '') && <button type="button" className="left" onClick={() => st.setTab('remotes')}>Edit the remote…</button>}
        {canReplace && <button type="button" className="left" onClick={() => void st.preview('replace')}>Replace this plan with the tenant’s…</button>}
        <button type="button" onClick={() => st.close()}>Close</button>
        {!never && <button type="button" className="primary" onClick={() => void st.preview(o.mode === 'replace' ? 'replace' : o.mode)}>Try again</button>}
      </footer>
    </div>
  );
}

function CancelledView({ o }: { o: Extract<Outcome, { at: 'cancelled' }> }) {
  const st = useSyncStore().getState();
  return (
    <div className="modal-body sync-body" data-testid="sync-cancelled">
      <div className="sync-outcome neutral" role="status">
        <span className="sync-check" aria-hidden>■</span>
        <div>
          <h3>{o.preview ? 'Preview cancelled' : 'Sync cancelled'}</h3>
          <p data-testid="sync-cancel-message">{sentence(o.message)}</p>
        </div>
      </div>
      <footer>
        <button type="button" onClick={() => st.close()}>Close</button>
        <button type="button" className="primary" onClick={() => void st.preview(o.mode)}>Preview again</button>
      </footer>
    </div>
  );
}

function SyncPane() {
  const sync = useSyncStore();
  const status = useSync((s) => s.status);
  const statusError = useSync((s) => s.statusError);
  const run = useSync((s) => s.run);
  const outcome = useSync((s) => s.outcome);
  const st = sync.getState();
  if (!status) return <div className="modal-body"><div className="hint">{statusError ?? 'Reading the sync state…'}</div></div>;
  if (!status.remote) {
    return (
      <div className="modal-body sync-body">
        <RemoteForm first remote={null} names={status.remotes} onDone={() => void st.remotesChanged()} onCancel={() => st.close()} />
      </div>
    );
  }
  if (run) return <Progress run={run} />;
  if (!outcome) {
    return (
      <div className="modal-body">
        <div className="hint">Nothing previewed yet.</div>
        <footer><button type="button" className="primary" onClick={() => void st.preview()}>Preview the sync</button></footer>
      </div>
    );
  }
  if (outcome.at === 'preview') return <PreviewView o={outcome} />;
  if (outcome.at === 'done') return <DoneView o={outcome} />;
  if (outcome.at === 'failed') return <FailureView o={outcome} />;
  return <CancelledView o={outcome} />;
}

export function SyncDialog() {
  const tab = useSync((s) => s.tab);
  return tab ? <SyncModal tab={tab} /> : null;
}

function SyncModal({ tab }: { tab: Tab }) {
  const sync = useSyncStore();
  const status = useSync((s) => s.status);
  const st = sync.getState();
  const subtitle = status?.remote ? `${status.remote} · ${status.url}` : 'your FluxBilling tenant';
  return (
    <Modal title="Sync with FluxBilling" subtitle={subtitle} onClose={() => st.close()} testid="sync-dialog" wide>
      {status?.remote && (
        <div className="sync-tabs">
          <Tabs<Tab>
            label="Sync"
            value={tab}
            onChange={(t) => st.setTab(t)}
            tabs={[
              { id: 'sync', label: 'Sync' },
              { id: 'conflicts', label: 'Conflicts', count: status.conflicts || null },
              { id: 'remotes', label: 'Remotes', count: status.remotes.length > 1 ? status.remotes.length : null },
            ]}
          />
        </div>
      )}
      {tab === 'sync' && <SyncPane />}
      {tab === 'conflicts' && <ConflictsPane onBack={() => st.setTab('sync')} />}
      {tab === 'remotes' && <RemotesPane />}
    </Modal>
  );
}
