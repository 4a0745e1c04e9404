/**
 * Sync at a glance, in the status bar: the remote, online or offline, the last sync, local changes not
 * pushed yet, how far behind the tenant this plan is, open conflicts, and the last error on hover.
 * A click opens the Sync dialog; without a remote it offers to set one up.
 */
import './sync.css';
import { ago, behind, plural, when, PHASE_TEXT } from './format';
import { useSync, useSyncStore } from './syncStore';

export function SyncIndicator() {
  const sync = useSyncStore();
  const status = useSync((s) => s.status);
  const probe = useSync((s) => s.probe);
  const probing = useSync((s) => s.probing);
  const run = useSync((s) => s.run);
  if (!status) return null;
  const st = sync.getState();
  if (!status.remote) {
    return (
      <button type="button" className="sync-ind setup" data-testid="sync-indicator" title="Connect this plan to your FluxBilling tenant" onClick={() => st.open('sync')}>
        <span className="sync-glyph" aria-hidden>⇅</span> Set up sync
      </button>
    );
  }
  const online = status.online;
  const lag = behind(status);
  const probeError = probe && probe.remote === status.remote && probe.error ? probe.error : null;
  const error = probeError ?? status.last_error;
  const syncing = run && !run.preview;
  const title = [
    `${status.remote} (${status.url})`,
    online === null ? 'Not contacted yet' : `${online ? 'Online' : 'Offline'} as of the last contact${probing ? ' (checking now…)' : ''}`,
    `Last sync: ${when(status.last_sync)}`,
    status.pending ? `${plural(status.pending, 'local change')} not pushed yet (${plural(status.pending_changes, 'row change')})` : 'Every local change is pushed',
    status.version === null ? 'Never synced' : `This plan is at tenant version ${status.version}${status.tenant_version !== null ? `; the tenant at ${status.tenant_version}` : ''}`,
    ...(status.unconfirmed ? [`${plural(status.unconfirmed, 'push')} sent without an answer: the next sync asks the tenant whether it landed`] : []),
    ...(error ? [`Last error: ${error}`] : []),
    `Click to sync (${window.fluxplanShell?.platform === 'darwin' ? '⇧⌘Y' : 'Ctrl+Shift+Y'})`,
  ].join('\n');
  const dot = online === null ? 'unknown' : online ? 'online' : 'offline';
  return (
    <span className="sync-ind" data-testid="sync-indicator">
      <button type="button" className="sync-main" title={title} onClick={() => st.open('sync')} aria-label={`Sync with ${status.remote}: ${title.replaceAll('\n', '; ')}`}>
        <span className={`sync-dot ${dot}${probing ? ' probing' : ''}`} aria-hidden />
        <span className="strong">{status.remote}</span>
        <span className={`sync-online ${dot}`} data-testid="sync-online">{online === null ? 'not checked' : online ? 'online' : 'offline'}</span>
        <span className="sync-sep">·</span>
        {syncing ? (
          <span className="sync-running"><span className="spinner" aria-hidden /> {run.progress ? PHASE_TEXT[run.progress.phase] : 'Syncing…'}</span>
        ) : (
          <span data-testid="sync-last">{status.last_sync ? `synced ${ago(status.last_sync)}` : 'never synced'}</span>
        )}
        <span className="sync-sep">·</span>
        <span data-testid="sync-pending" className={status.pending ? 'sync-pending' : ''}>{status.pending ? `${status.pending.toLocaleString('en')} pending` : status.last_sync ? 'all pushed' : '0 pending'}</span>
        {status.version !== null && (
          <>
            <span className="sync-sep">·</span>
            <span data-testid="sync-version" className={lag ? 'sync-behind' : ''}>
              {lag ? `${plural(lag, 'version')} behind` : `v${status.version}`}
            </span>
          </>
        )}
        {error && <span className="sync-err" aria-hidden>!</span>}
      </button>
      {status.conflicts > 0 && (
        <button type="button" className="sync-conflicts" data-testid="sync-conflicts" title="Open conflicts stop the push until you resolve them" onClick={() => st.open('conflicts')}>
          ⚠ {plural(status.conflicts, 'conflict')}
        </button>
      )}
    </span>
  );
}
