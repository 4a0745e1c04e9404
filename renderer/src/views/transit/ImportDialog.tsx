/**
 * Samples import: pick a CSV (timestamp,in,out), say whether it holds bits per second or octet counters,
 * and watch it go: read, checked whole by a dry run (one bad row refuses the file), then written in chunks.
 */
import { useState } from 'react';
import { SAMPLE_KINDS, type SampleKind } from '../../../../shared/billing/model';
import { errorMessage } from '../../api';
import { useAppStore } from '../../context';
import { ErrorLine, Modal } from '../../ui/Modal';
import { instant } from './format';
import { importSamples, splitCsv, type Imported, type Progress } from './importCsv';
import { readText } from './readFile';
import type { TransitItem } from './types';

type Stage = { stage: 'reading'; fraction: number } | Progress;

function ProgressLine({ p }: { p: Stage }) {
  const fraction = p.stage === 'reading' ? p.fraction : p.stage === 'checking' ? null : p.rows ? p.done / p.rows : 1;
  const label =
    p.stage === 'reading' ? 'Reading the file…' : p.stage === 'checking' ? `Checking ${p.rows.toLocaleString('en')} rows…` : p.stage === 'writing' ? `Writing ${p.done.toLocaleString('en')} of ${p.rows.toLocaleString('en')} rows` : `Imported ${p.rows.toLocaleString('en')} rows`;
  return (
    <div className="import-progress" data-testid="import-progress" data-stage={p.stage}>
      <div className="progress-label"><span>{label}</span>{fraction !== null && <span className="mono">{Math.round(fraction * 100)}%</span>}</div>
      <div className={fraction === null ? 'progress indeterminate' : 'progress'} role="progressbar" aria-valuemin={0} aria-valuemax={100} aria-valuenow={fraction === null ? undefined : Math.round(fraction * 100)}>
        <span style={fraction === null ? undefined : { width: `${fraction * 100}%` }} />
      </div>
    </div>
  );
}

function Summary({ r, tz }: { r: Imported; tz: string }) {
  return (
    <div className="preview" data-testid="import-summary">
      <div className="preview-title">Imported</div>
      <div className="import-figs">
        <span><b>{r.rows.toLocaleString('en')}</b> rows</span>
        <span><b>{r.inserted.toLocaleString('en')}</b> new</span>
        <span><b>{r.replaced.toLocaleString('en')}</b> replaced</span>
        <span className={r.bad.length ? 'warn' : ''}><b>{r.bad.length}</b> bad (kept, excluded)</span>
        {r.no_rate > 0 && <span><b>{r.no_rate}</b> without a rate</span>}
      </div>
      {r.first && r.last && <div className="hint">{instant(r.first, tz)} → {instant(r.last, tz)}</div>}
      {r.bad.length > 0 && (
        <ul className="bad-rows">
          {r.bad.slice(0, 5).map((b) => <li key={b.line}>line {b.line} · {instant(b.time, tz)} · {b.reason.replace(/_/g, ' ')}</li>)}
          {r.bad.length > 5 && <li className="muted">+{r.bad.length - 5} more</li>}
        </ul>
      )}
    </div>
  );
}

export function ImportDialog({ item, onClose, onDone }: { item: TransitItem; onClose: () => void; onDone: () => void }) {
  const store = useAppStore();
  const [file, setFile] = useState<File | null>(null);
  const [head, setHead] = useState<{ lines: string[]; rows: number } | null>(null);
  const [text, setText] = useState<string | null>(null);
  const [kind, setKind] = useState<SampleKind>(item.samples.kind ?? 'bps');
  const [stage, setStage] = useState<Stage | null>(null);
  const [result, setResult] = useState<Imported | null>(null);
  const [error, setError] = useState<string | null>(null);
  const busy = stage !== null && stage.stage !== 'done';
  const pick = async (f: File | null) => {
    setFile(f);
    setResult(null);
    setError(null);
    setHead(null);
    setText(null);
    if (!f) return;
    try {
      setStage({ stage: 'reading', fraction: 0 });
      const t = await readText(f, (fraction) => setStage({ stage: 'reading', fraction }));
      setText(t);
      const { header, rows } = splitCsv(t);
      setHead({ lines: [header, ...rows.slice(0, 4)], rows: rows.length });
      // Counters or rates: a guess from the first value, the planner decides.
      const first = Number(rows[0]?.split(',')[1]);
      if (!item.samples.kind && Number.isFinite(first) && first > 1e12) setKind('octets');
      setStage(null);
    } catch (e) {
      setStage(null);
      setError(errorMessage(e));
    }
  };
  const run = async () => {
    if (!text || !file) return;
    setError(null);
    try {
      const r = await importSamples(store.getState().api, { service: item.service, text, name: file.name, kind }, setStage);
      setResult(r);
      onDone();
      store.getState().toast('ok', `Imported ${r.rows.toLocaleString('en')} samples into ${item.service}${r.bad.length ? ` (${r.bad.length} bad, excluded)` : ''}`);
      await store.getState().refresh();
    } catch (e) {
      setStage(null);
      setError(errorMessage(e));
    }
  };
  return (
    <Modal title="Import samples" subtitle={`${item.service}${item.port ? ` · ${item.port}` : ''}`} onClose={busy ? () => undefined : onClose} testid="import-dialog" wide>
      <div className="modal-body">
        <p className="muted">A CSV with the header <span className="mono">timestamp,in,out</span>: ISO 8601 or Unix seconds, then either bits per second or octet counters, in 5-minute steps. A row replaces a stored sample with the same time. Samples are bulk data: not journaled, not undoable.</p>
        <div className="grid2">
          <div className="field">
            <label htmlFor="samples-file">CSV file</label>
            <input id="samples-file" type="file" accept=".csv,text/csv,text/plain" disabled={busy} onChange={(e) => void pick(e.target.files?.[0] ?? null)} />
          </div>
          <div className="field">
            <label>Values are</label>
            <div className="seg-light" role="radiogroup" aria-label="Values are">
              {SAMPLE_KINDS.map((k) => (
                <button key={k} type="button" role="radio" aria-checked={kind === k} className={kind === k ? 'on' : ''} disabled={busy || (!!item.samples.kind && item.samples.kind !== k)} onClick={() => setKind(k)}>
                  {k === 'bps' ? 'bits per second' : 'octet counters'}
                </button>
              ))}
            </div>
          </div>
        </div>
        {head && !result && (
          <div className="preview">
            <div className="preview-title">{file?.name} · {head.rows.toLocaleString('en')} rows</div>
            <pre className="csv-head mono">{head.lines.join('\n')}{head.rows > 4 ? '\n…' : ''}</pre>
          </div>
        )}
        {stage && <ProgressLine p={stage} />}
        {result && <Summary r={result} tz={item.tz} />}
        <ErrorLine text={error} />
        <footer>
          <button type="button" onClick={onClose} disabled={busy}>{result ? 'Done' : 'Cancel'}</button>
          {!result && <button type="button" className="primary" disabled={!text || busy || !head?.rows} onClick={() => void run()}>Import{head ? ` ${head.rows.toLocaleString('en')} rows` : ''}</button>}
        </footer>
      </div>
    </Modal>
  );
}
