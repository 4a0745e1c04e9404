/**
 * Push: the engine reads what each provider holds and diffs it against the plan (a dry run, shown as the
 * diff per zone), then applies it when the planner says so. Only records FluxPlan owns are touched.
 * On the desktop the keys come from the keychain (main passes them); in the browser host from secret files.
 */
import { useEffect, useState } from 'react';
import type { MethodResult } from '../../../../shared/api/contract';
import { errorMessage } from '../../api';
import { useAppStore } from '../../context';
import { ErrorLine, Modal } from '../../ui/Modal';
import { keychain } from './keychain';
import { ZoneDiff } from './ZoneDiff';

type Push = MethodResult<'rdns.push'>;

const changes = (r: Push) => r.zones.reduce((n, z) => n + z.created.length + z.changed.length + z.deleted.length, 0);

export function PushDialog({ provider, onClose }: { provider: string | null; onClose: () => void }) {
  const store = useAppStore();
  const [preview, setPreview] = useState<Push | null>(null);
  const [done, setDone] = useState<Push | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [running, setRunning] = useState(false);
  const args = provider ? { provider } : {};
  useEffect(() => {
    let live = true;
    store.getState().api
      .call('rdns.push', { ...(provider ? { provider } : {}), dry_run: true })
      .then((r) => live && setPreview(r))
      .catch((e: unknown) => live && setError(errorMessage(e)));
    return () => {
      live = false;
    };
  }, [provider, store]);
  const apply = async () => {
    setRunning(true);
    try {
      const r = await store.getState().api.call('rdns.push', args);
      setDone(r);
      const n = changes(r);
      store.getState().toast(r.ok ? 'ok' : 'error', r.ok ? `Pushed ${n} change${n === 1 ? '' : 's'}` : `Pushed ${n} change${n === 1 ? '' : 's'}; some zones failed`);
      await store.getState().refresh();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setRunning(false);
    }
  };
  const shown = done ?? preview;
  const n = preview ? changes(preview) : 0;
  const failed = shown?.zones.filter((z) => z.status === 'failed' || z.status === 'partial').length ?? 0;
  return (
    <Modal title={done ? 'Pushed' : `Push PTRs${provider ? ` to ${provider}` : ''}`} subtitle={keychain() ? 'keys from the keychain, else the provider’s secret file' : 'keys from each provider’s secret file'} onClose={running ? () => undefined : onClose} testid="push-dialog" wide>
      <div className="modal-body">
        {!shown && !error && <div className="hint">Reading the provider{provider ? '' : 's'}… (a dry run: nothing is written)</div>}
        {shown && (
          <div className="push-summary" data-testid="push-summary">
            <span className="strong">{done ? `${changes(done)} change${changes(done) === 1 ? '' : 's'} pushed` : n ? `${n} change${n === 1 ? '' : 's'} to push` : 'Everything is in sync'}</span>
            <span className="muted"> · {shown.zones.length} zone{shown.zones.length === 1 ? '' : 's'}{failed ? ` · ${failed} with errors` : ''}</span>
            {done && <span className="muted"> · still pending: {done.pending.map((p) => `${p.provider} ${p.pending}`).join(', ') || 'none'}</span>}
          </div>
        )}
        {shown && (
          <div className="zone-list">
            {shown.zones.map((z) => <ZoneDiff key={`${z.provider} ${z.zone}`} z={z} />)}
          </div>
        )}
        {!done && preview && <div className="hint">Only records FluxPlan owns (marked “managed by FluxPlan”) are changed; hand-made records stay. An address without a name has its PTR deleted.</div>}
        <ErrorLine text={error} />
        <footer>
          <button type="button" onClick={onClose} disabled={running}>{done ? 'Done' : 'Cancel'}</button>
          {!done && (
            <button type="button" className="primary" disabled={!preview || n === 0 || running} onClick={() => void apply()}>
              {running ? 'Pushing…' : `Push ${n} change${n === 1 ? '' : 's'}`}
            </button>
          )}
        </footer>
      </div>
    </Modal>
  );
}
