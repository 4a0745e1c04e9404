/**
 * Export: every subnet and IP record (or one space's) with every field and the effective location and
 * VLAN, to CSV or XLSX, written by the engine as a background job. On the desktop the file is chosen in
 * the system save dialog; in the browser host it is a path on the host machine.
 */
import { useEffect, useRef, useState } from 'react';
import type { JobStatus } from '../../../../shared/import/schema';
import { errorMessage } from '../../api';
import { useApp, useAppStore } from '../../context';
import { ErrorLine, Modal } from '../../ui/Modal';
import { filesBridge, fmt, folderOf, joinPath, pickSave, pollJob } from './files';
import './import.css';

const today = () => new Date().toISOString().slice(0, 10);

export function ExportDialog() {
  const store = useAppStore();
  const api = useApp((s) => s.api);
  const info = useApp((s) => s.info);
  const space = useApp((s) => s.space);
  const desktop = !!filesBridge();
  const [format, setFormat] = useState<'csv' | 'xlsx'>('csv');
  const [only, setOnly] = useState(false);
  const [path, setPath] = useState(() => joinPath(folderOf(info?.file ?? ''), `fluxplan-export-${today()}.csv`));
  const [status, setStatus] = useState<JobStatus | null>(null);
  const [done, setDone] = useState<{ file: string; subnets: number; ips: number } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const closed = useRef(false);
  useEffect(() => {
    closed.current = false;
    return () => {
      closed.current = true;
    };
  }, []);
  const close = () => store.getState().openWizard(null);

  const setFmt = (f: 'csv' | 'xlsx') => {
    setFormat(f);
    setPath((p) => p.replace(/\.(csv|xlsx)$/i, `.${f}`));
  };

  const start = async () => {
    setError(null);
    setDone(null);
    let file = path.trim();
    try {
      if (desktop) {
        const chosen = await pickSave(`fluxplan-export-${today()}.${format}`);
        if (!chosen) return;
        file = chosen;
      }
      const { job } = await api.call('export.start', { file, ...(only ? { space } : {}) });
      const s = await pollJob(api, job, setStatus, () => closed.current);
      if (closed.current) return;
      setStatus(null);
      if (s.state === 'done' && s.export) {
        setDone(s.export);
        store.getState().toast('ok', `Exported ${fmt(s.export.subnets)} subnets and ${fmt(s.export.ips)} IP records`);
      } else setError(s.error?.message ?? `The export ${s.state}`);
    } catch (e) {
      setStatus(null);
      setError(errorMessage(e));
    }
  };

  const running = status?.state === 'running';
  return (
    <Modal title="Export the plan" onClose={close} testid="export-dialog">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void start();
        }}
      >
        <p className="muted">Subnets and IP records with every field and the effective location and VLAN, in one file FluxPlan can import again. Cells that a spreadsheet could run as a formula are neutralized.</p>
        <div className="import-bar">
          <div className="segmented light" role="radiogroup" aria-label="Format">
            <button type="button" role="radio" aria-checked={format === 'csv'} className={format === 'csv' ? 'on' : ''} onClick={() => setFmt('csv')}>CSV</button>
            <button type="button" role="radio" aria-checked={format === 'xlsx'} className={format === 'xlsx' ? 'on' : ''} onClick={() => setFmt('xlsx')}>XLSX</button>
          </div>
          <label className="inline">
            <input type="checkbox" checked={only} onChange={(e) => setOnly(e.target.checked)} /> only the space {space}
          </label>
        </div>
        {!desktop && (
          <div className="field">
            <label htmlFor="export-path">Path of the file on the host</label>
            <input id="export-path" className="mono" value={path} onChange={(e) => setPath(e.target.value)} spellCheck={false} />
            <div className="hint">The FluxPlan host on 127.0.0.1 writes the file to its own disk, at this path (ending in .csv or .xlsx).</div>
          </div>
        )}
        {running && (
          <div className="import-progress" role="status" data-testid="export-progress">
            <div className="bar indeterminate"><span /></div>
            <span className="muted">Writing {fmt(status.rows_written)} rows…</span>
          </div>
        )}
        {done && (
          <div className="import-note" role="status" data-testid="export-done">
            Wrote {fmt(done.subnets)} subnets and {fmt(done.ips)} IP records to <span className="mono">{done.file}</span>
          </div>
        )}
        <ErrorLine text={error} />
        <footer>
          <button type="button" onClick={close}>{done ? 'Close' : 'Cancel'}</button>
          <button type="submit" className="primary" disabled={running || (!desktop && !/\.(csv|xlsx)$/i.test(path.trim()))}>
            {desktop ? 'Export…' : 'Export'}
          </button>
        </footer>
      </form>
    </Modal>
  );
}
