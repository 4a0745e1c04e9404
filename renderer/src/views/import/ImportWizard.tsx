/**
 * The spreadsheet import wizard: pick a file, see the detected column mapping and the file's status words
 * and fix them (optionally as a saved profile, which can also be deleted here), see the dry run's preview with every row error in a virtualized table, then commit:
 * all or nothing, or only the valid rows. Both the preview and the commit run as background jobs whose
 * progress (rows read, rows checked) is shown with a cancel that leaves the plan untouched. The whole
 * import is one journal batch: one Undo reverts it.
 */
import { useVirtualizer } from '@tanstack/react-virtual';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { IMPORT_FIELDS, STATUS_TARGETS, type ImportField, type StatusTarget } from '../../../../shared/import/fields';
import type { Detection, ImportError, ImportResult, JobStatus, MappingEntry, StatusWord } from '../../../../shared/import/schema';
import { subnetView } from '../../../../shared/api/types';
import { STATUS_LABEL, statusOf } from '../../status';

/** A dry run's tree row (a subnet view) in the state words the map uses. */
function stateWord(row: Record<string, unknown>): string {
  const view = subnetView.safeParse(row);
  return view.success ? STATUS_LABEL[statusOf(view.data)] : String(row.allocation_status ?? '');
}
import { errorMessage } from '../../api';
import { useApp, useAppStore } from '../../context';
import { ErrorLine, Modal } from '../../ui/Modal';
import { filesBridge, fmt, pickOpen, pollJob } from './files';
import './import.css';

const PAGE = 200;

type Step =
  | { at: 'file' }
  | { at: 'mapping' }
  | { at: 'running'; job: string; dry: boolean; status: JobStatus | null; cancelling: boolean }
  | { at: 'preview'; job: string; result: ImportResult }
  | { at: 'done'; job: string; result: ImportResult };

/** The override key of a column: its header when that names it alone, else its number. */
function columnKey(entry: MappingEntry, sheet: Detection['sheets'][number]): string {
  const h = entry.header.trim();
  const norm = (t: string) => t.toLowerCase().replace(/[^a-z0-9]/g, '');
  if (!h || sheet.columns.filter((c) => norm(c.header) === norm(h)).length > 1) return `#${entry.column}`;
  return h;
}

const SOURCE_TEXT: Record<MappingEntry['source'], string> = {
  synonym: 'from the header',
  layout: 'from the layout',
  profile: 'from the profile',
  override: 'set by you',
  ignored: 'ignored',
  unknown: 'not recognised',
};

const STATUS_SOURCE_TEXT: Record<StatusWord['source'], string> = {
  vocabulary: 'built-in',
  profile: 'from the profile',
  override: 'set by you',
  unknown: 'not known',
};

/** What each status target does to a row (shared/import/fields.ts), in the glossary's state words. */
const STATUS_HELP: Record<StatusTarget, string> = {
  free: 'free',
  container: 'free, or subdivided when rows sit inside',
  allocated: 'allocated; nothing may sit inside it',
  active: 'allocated, or subdivided keeping its data when rows sit inside',
  reserved: 'parked; allocated too when it names a customer, service or device',
  parked: 'parked: out of automatic allocation, not allocated',
  pool: 'an IP pool',
};

export function ImportWizard() {
  const store = useAppStore();
  const api = useApp((s) => s.api);
  const space = useApp((s) => s.space);
  const desktop = !!filesBridge();
  const [step, setStep] = useState<Step>({ at: 'file' });
  const [path, setPath] = useState('');
  const [detection, setDetection] = useState<Detection | null>(null);
  const [sheet, setSheet] = useState('');
  const [profile, setProfile] = useState('');
  const [profiles, setProfiles] = useState<string[]>([]);
  const [overrides, setOverrides] = useState<Record<string, ImportField | null>>({});
  /** Status words (as written in the file) to the meaning the planner chose. */
  const [statusOverrides, setStatusOverrides] = useState<Record<string, StatusTarget>>({});
  const [createSubnets, setCreateSubnets] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [note, setNote] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const closed = useRef(false);
  const running = useRef<string | null>(null);
  const wordsAsked = useRef(0);

  useEffect(() => {
    closed.current = false;
    return () => {
      closed.current = true;
    };
  }, []);

  const close = useCallback(() => {
    closed.current = true;
    // A job still running is stopped: an import rolls back and leaves the plan untouched.
    if (running.current) void api.call('import.cancel', { job: running.current }).catch(() => undefined);
    store.getState().openWizard(null);
  }, [api, store]);

  const detect = async (file: string, opts: { sheet?: string; profile?: string } = {}) => {
    setError(null);
    setBusy(true);
    try {
      const d = await api.call('import.detect', { file, ...(opts.sheet ? { sheet: opts.sheet } : {}), ...(opts.profile ? { profile: opts.profile } : {}) });
      if (closed.current) return;
      setDetection(d);
      setStep({ at: 'mapping' });
      api.call('import.profile.list', {}).then((r) => !closed.current && setProfiles(r.profiles.map((p) => p.name)), () => undefined);
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const choose = async () => {
    setError(null);
    try {
      const p = await pickOpen();
      if (p) {
        setPath(p);
        await detect(p);
      }
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  /** Runs a preview (dry run) or the commit as a job, showing its progress. */
  const run = async (dry: boolean, validRows: boolean) => {
    setError(null);
    setNote(null);
    let job: string;
    try {
      ({ job } = await api.call('import.start', {
        file: path,
        space,
        dry_run: dry,
        valid_rows: validRows,
        create_subnets: createSubnets,
        ...(sheet ? { sheet } : {}),
        ...(profile ? { profile } : {}),
        ...(Object.keys(overrides).length ? { mapping: overrides } : {}),
        ...(Object.keys(statusOverrides).length ? { statuses: statusOverrides } : {}),
      }));
    } catch (e) {
      setError(errorMessage(e));
      return;
    }
    running.current = job;
    setStep({ at: 'running', job, dry, status: null, cancelling: false });
    try {
      const s = await pollJob(api, job, (status) => setStep((cur) => (cur.at === 'running' && cur.job === job ? { ...cur, status } : cur)), () => closed.current, PAGE);
      running.current = null;
      if (closed.current) return;
      if (s.state === 'cancelled') {
        setStep({ at: 'mapping' });
        setNote(dry ? 'Preview cancelled. Nothing was written.' : 'Import cancelled: it was rolled back and the plan is untouched.');
      } else if (s.state === 'failed' || !s.result) {
        setStep({ at: 'mapping' });
        setError(s.error?.message ?? 'The import failed');
      } else if (dry || !s.result.committed) {
        setStep({ at: 'preview', job, result: s.result });
      } else {
        const st = store.getState();
        await Promise.all([st.refresh(), st.refreshCatalog()]);
        const after = store.getState();
        if (after.roots.length === 0 && (after.info?.subnets ?? 0) > 0) await after.setFamily(after.family === 4 ? 6 : 4);
        const r = s.result;
        st.toast('ok', `Imported ${fmt(r.created)} new, ${fmt(r.updated)} updated, ${fmt(r.unchanged)} unchanged${r.failed ? `; ${fmt(r.failed)} rows skipped` : ''}`);
        setStep({ at: 'done', job, result: r });
      }
    } catch (e) {
      running.current = null;
      if (!closed.current) {
        setStep({ at: 'mapping' });
        setError(errorMessage(e));
      }
    }
  };

  const cancel = async (job: string) => {
    setStep((cur) => (cur.at === 'running' ? { ...cur, cancelling: true } : cur));
    try {
      await api.call('import.cancel', { job });
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  /** The status words again, after the status column or the sheet changed (the rest of the mapping stays as shown). */
  const refreshWords = async (mapping: Record<string, ImportField | null>, sheetName: string) => {
    const asked = ++wordsAsked.current;
    try {
      const d = await api.call('import.detect', { file: path, ...(sheetName ? { sheet: sheetName } : {}), ...(profile ? { profile } : {}), ...(Object.keys(mapping).length ? { mapping } : {}) });
      if (!closed.current && asked === wordsAsked.current) setDetection((cur) => (cur ? { ...cur, status_words: d.status_words } : cur));
    } catch (e) {
      if (!closed.current) setError(errorMessage(e));
    }
  };

  const setOverride = (key: string, field: ImportField | null, was: ImportField | null) => {
    const next = { ...overrides, [key]: field };
    setOverrides(next);
    if (field === 'status' || was === 'status') void refreshWords(next, sheet);
  };

  /** A profile keeps the column mapping and the status words: the chosen profile's own entries and the changes made here. */
  const saveProfile = async (name: string) => {
    setError(null);
    setNote(null);
    try {
      const base = profile && profile !== name ? (await api.call('import.profile.get', { name: profile })).profile : { mapping: {}, statuses: {} };
      await api.call('import.profile.save', { name, mapping: { ...base.mapping, ...overrides }, statuses: { ...base.statuses, ...statusOverrides }, merge: true });
      setProfiles((p) => (p.includes(name) ? p : [...p, name].sort()));
      setProfile(name);
      setNote(`Saved the mapping and status words as the profile “${name}”.`);
    } catch (e) {
      setError(errorMessage(e));
    }
  };

  const deleteProfile = async (name: string) => {
    setError(null);
    setNote(null);
    try {
      await api.call('import.profile.delete', { name });
      const r = await api.call('import.profile.list', {});
      if (closed.current) return;
      setProfiles(r.profiles.map((p) => p.name));
      setProfile('');
      setNote(`Deleted the profile “${name}”.`);
      // The mapping as detected without it (the changes made here stay).
      await detect(path, sheet ? { sheet } : {});
    } catch (e) {
      if (!closed.current) setError(errorMessage(e));
    }
  };

  const subtitle = path || undefined;
  return (
    <Modal title="Import a spreadsheet" subtitle={subtitle} onClose={close} testid="import-wizard" wide>
      <div className="modal-body import-wizard">
        <Steps at={step.at} />
        {step.at === 'file' && (
          <FileStep desktop={desktop} path={path} setPath={setPath} busy={busy} space={space} onChoose={() => void choose()} onNext={() => void detect(path.trim())} />
        )}
        {step.at === 'mapping' && detection && (
          <MappingStep
            detection={detection}
            sheet={sheet}
            onSheet={(s) => {
              setSheet(s);
              if (detection.status_words.length || Object.values(overrides).includes('status')) void refreshWords(overrides, s);
            }}
            profile={profile}
            profiles={profiles}
            onProfile={(p) => {
              // A profile replaces the changes made by hand: what it holds is shown as it is.
              setProfile(p);
              setOverrides({});
              setStatusOverrides({});
              setNote(null);
              void detect(path, { ...(sheet ? { sheet } : {}), ...(p ? { profile: p } : {}) });
            }}
            onDeleteProfile={(p) => deleteProfile(p)}
            overrides={overrides}
            setOverride={setOverride}
            statusOverrides={statusOverrides}
            setStatusOverride={(word, target) =>
              setStatusOverrides((o) => {
                const { [word.value]: _gone, ...rest } = o;
                // Back to what the file, profile or vocabulary already says: no override needed.
                return target === word.target ? rest : { ...rest, [word.value]: target };
              })
            }
            onSaveProfile={(n) => void saveProfile(n)}
          />
        )}
        {step.at === 'running' && <Progress step={step} onCancel={() => void cancel(step.job)} />}
        {step.at === 'preview' && <Preview job={step.job} result={step.result} createSubnets={createSubnets} setCreateSubnets={setCreateSubnets} />}
        {step.at === 'done' && <Done job={step.job} result={step.result} />}
        {note && <div className="import-note" role="status">{note}</div>}
        <ErrorLine text={error} />
        <footer>
          {step.at === 'mapping' && (
            <>
              <button type="button" onClick={() => setStep({ at: 'file' })}>Back</button>
              <button type="button" className="primary" onClick={() => void run(true, false)}>Preview import</button>
            </>
          )}
          {step.at === 'preview' && (
            <>
              <button type="button" onClick={() => setStep({ at: 'mapping' })}>Back to mapping</button>
              <button type="button" onClick={() => void run(true, false)}>Check again</button>
              {step.result.failed === 0 ? (
                <button type="button" className="primary" disabled={step.result.created + step.result.updated === 0} onClick={() => void run(false, false)}>
                  Import {fmt(step.result.created + step.result.updated)} rows
                </button>
              ) : (
                <button type="button" className="primary" disabled={step.result.created + step.result.updated === 0} onClick={() => void run(false, true)}>
                  Import the {fmt(step.result.created + step.result.updated)} valid rows, skip {fmt(step.result.failed)}
                </button>
              )}
            </>
          )}
          {step.at === 'done' && (
            <button type="button" className="primary" onClick={close}>Show the plan</button>
          )}
          {(step.at === 'file' || step.at === 'mapping' || step.at === 'preview') && (
            <button type="button" onClick={close}>Cancel</button>
          )}
        </footer>
      </div>
    </Modal>
  );
}

const STEP_LABELS: Array<[Step['at'][], string]> = [
  [['file'], 'File'],
  [['mapping'], 'Columns'],
  [['preview', 'running'], 'Preview'],
  [['done'], 'Done'],
];

function Steps({ at }: { at: Step['at'] }) {
  const index = STEP_LABELS.findIndex(([ats]) => ats.includes(at));
  return (
    <ol className="import-steps" aria-label="Import steps">
      {STEP_LABELS.map(([, label], i) => (
        <li key={label} className={i === index ? 'on' : i < index ? 'past' : ''} aria-current={i === index ? 'step' : undefined}>
          <span className="n">{i + 1}</span>
          {label}
        </li>
      ))}
    </ol>
  );
}

function FileStep({ desktop, path, setPath, busy, space, onChoose, onNext }: { desktop: boolean; path: string; setPath: (p: string) => void; busy: boolean; space: string; onChoose: () => void; onNext: () => void }) {
  return (
    <>
      <p className="muted">
        CSV (comma, semicolon or tab) or XLSX with subnets and IP addresses, including NetBox and phpIPAM exports. Rows without a space (VRF) go into <strong>{space}</strong>. Nothing is written until you have seen the preview.
      </p>
      {desktop ? (
        <div className="import-pick">
          <button type="button" className="primary big" disabled={busy} onClick={onChoose}>Choose a file…</button>
        </div>
      ) : (
        <form
          className="import-pick"
          onSubmit={(e) => {
            e.preventDefault();
            if (path.trim()) onNext();
          }}
        >
          <div className="field">
            <label htmlFor="import-path">Path of the file on the host</label>
            <input id="import-path" className="mono" value={path} onChange={(e) => setPath(e.target.value)} placeholder="/home/me/ip-plan.csv" autoFocus spellCheck={false} />
            <div className="hint">
              This page talks to the FluxPlan host on 127.0.0.1, which reads the file from its own disk. A browser does not reveal where a chosen file lives, so type its full path as the host machine sees it.
            </div>
          </div>
          <footer>
            <button type="submit" className="primary" disabled={busy || !path.trim()}>{busy ? 'Reading…' : 'Read the file'}</button>
          </footer>
        </form>
      )}
    </>
  );
}

function MappingStep({
  detection,
  sheet,
  onSheet,
  profile,
  profiles,
  onProfile,
  onDeleteProfile,
  overrides,
  setOverride,
  statusOverrides,
  setStatusOverride,
  onSaveProfile,
}: {
  detection: Detection;
  sheet: string;
  onSheet: (s: string) => void;
  profile: string;
  profiles: string[];
  onProfile: (p: string) => void;
  onDeleteProfile: (p: string) => Promise<void>;
  overrides: Record<string, ImportField | null>;
  setOverride: (key: string, field: ImportField | null, was: ImportField | null) => void;
  statusOverrides: Record<string, StatusTarget>;
  setStatusOverride: (word: StatusWord, target: StatusTarget) => void;
  onSaveProfile: (name: string) => void;
}) {
  const [name, setName] = useState('');
  /** The profile whose deletion waits for a second click. */
  const [confirming, setConfirming] = useState<string | null>(null);
  const [deleting, setDeleting] = useState(false);
  const labels = useMemo(() => new Map(detection.fields.map((f) => [f.field, f.label])), [detection]);
  const shown = detection.sheets.filter((s) => !sheet || s.sheet === sheet);
  return (
    <>
      <div className="import-bar">
        <span className="pill">{detection.format.toUpperCase()}</span>
        {detection.format === 'xlsx' && detection.sheets.length > 1 && (
          <label className="inline">
            Sheet
            <select value={sheet} onChange={(e) => onSheet(e.target.value)} aria-label="Sheet">
              <option value="">every sheet</option>
              {detection.sheets.map((s) => <option key={s.sheet} value={s.sheet}>{s.sheet}</option>)}
            </select>
          </label>
        )}
        <label className="inline">
          Profile
          <select value={profile} onChange={(e) => onProfile(e.target.value)} aria-label="Mapping profile">
            <option value="">none (detected)</option>
            {profiles.map((p) => <option key={p} value={p}>{p}</option>)}
          </select>
        </label>
        {confirming && confirming === profile ? (
          <span className="import-confirm" role="group" aria-label="Confirm deleting the profile">
            Delete the profile “{confirming}”?
            <button
              type="button"
              className="danger solid"
              disabled={deleting}
              onClick={() => {
                setDeleting(true);
                void onDeleteProfile(confirming).finally(() => {
                  setDeleting(false);
                  setConfirming(null);
                });
              }}
            >
              {deleting ? 'Deleting…' : 'Delete it'}
            </button>
            <button type="button" disabled={deleting} onClick={() => setConfirming(null)}>Keep it</button>
          </span>
        ) : (
          <button type="button" className="danger" disabled={!profile} title={profile ? `Delete the saved profile “${profile}”` : 'Choose a saved profile to delete it'} onClick={() => setConfirming(profile)}>
            Delete profile…
          </button>
        )}
        <span className="grow" />
        <input value={name} onChange={(e) => setName(e.target.value)} placeholder="profile name" aria-label="Profile name" className="profile-name" />
        <button type="button" disabled={!name.trim()} onClick={() => onSaveProfile(name.trim())}>Save mapping</button>
      </div>
      {shown.map((s) => (
        <section key={s.sheet} className="import-sheet" data-testid="import-mapping">
          <div className="preview-title">
            {detection.format === 'xlsx' ? `Sheet ${s.sheet} · ` : ''}header on row {s.header_row} · layout: {s.layout}
          </div>
          {s.problems.length > 0 && (
            <ul className="import-problems">
              {s.problems.map((p) => <li key={p}>{p}</li>)}
            </ul>
          )}
          <div className="import-map-scroll">
            <table className="grid-table import-map">
              <thead>
                <tr>
                  <th>Column</th>
                  <th>First values</th>
                  <th>Imports as</th>
                </tr>
              </thead>
              <tbody>
                {s.columns.map((c) => {
                  const key = columnKey(c, s);
                  const overridden = key in overrides;
                  const field = overridden ? overrides[key]! : c.field;
                  return (
                    <tr key={c.column} className={field ? '' : 'disabled'}>
                      <td className="mono">{c.header || `column ${c.column}`}</td>
                      <td className="mono muted sample">{s.sample.slice(0, 3).map((r) => r[c.column - 1] ?? '').filter(Boolean).join(' · ')}</td>
                      <td>
                        <select
                          aria-label={`Field of column ${c.header || c.column}`}
                          value={field ?? ''}
                          onChange={(e) => setOverride(key, (e.target.value || null) as ImportField | null, field)}
                          title={field ? labels.get(field) : undefined}
                        >
                          <option value="">— ignore —</option>
                          {IMPORT_FIELDS.map((f) => <option key={f} value={f}>{f}</option>)}
                        </select>
                        <span className="src muted">{overridden ? SOURCE_TEXT.override : SOURCE_TEXT[c.source]}</span>
                      </td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
        </section>
      ))}
      {detection.status_words.length > 0 && <StatusWords words={detection.status_words} overrides={statusOverrides} onChange={setStatusOverride} />}
    </>
  );
}

/**
 * The distinct status words of the file and what each imports as: the built-in vocabulary, the profile's
 * or the planner's choice. A word nothing gives a meaning is flagged: its rows would fail the dry run.
 */
function StatusWords({ words, overrides, onChange }: { words: StatusWord[]; overrides: Record<string, StatusTarget>; onChange: (word: StatusWord, target: StatusTarget) => void }) {
  const unknown = words.filter((w) => !(overrides[w.value] ?? w.target));
  return (
    <section className="import-sheet import-statuses" data-testid="import-statuses" aria-label="Status words">
      <div className="preview-title">Status words · {fmt(words.length)} in the file</div>
      {unknown.length > 0 && (
        <div className="note warn" data-testid="import-unknown-statuses">
          {unknown.length === 1 ? 'The status word ' : `${fmt(unknown.length)} status words `}
          {unknown.map((w, i) => (
            <span key={w.value}>
              {i > 0 ? ', ' : ''}
              <strong className="mono">{w.value}</strong>
            </span>
          ))}
          {unknown.length === 1 ? ' is' : ' are'} not known: the rows carrying {unknown.length === 1 ? 'it' : 'them'} ({fmt(unknown.reduce((n, w) => n + w.rows, 0))}) would fail with UNKNOWN_STATUS. Choose what {unknown.length === 1 ? 'it means' : 'each means'}.
        </div>
      )}
      <div className="import-map-scroll">
        <table className="grid-table import-map">
          <thead>
            <tr>
              <th>Status word</th>
              <th className="num">Rows</th>
              <th>Imports as</th>
            </tr>
          </thead>
          <tbody>
            {words.map((w) => {
              const overridden = w.value in overrides;
              const target = overridden ? overrides[w.value]! : w.target;
              const source = overridden ? STATUS_SOURCE_TEXT.override : STATUS_SOURCE_TEXT[w.source];
              const builtin = w.builtin && w.builtin !== target ? ` (built-in: ${w.builtin})` : '';
              return (
                <tr key={w.value} className={target ? '' : 'unknown'} data-status-word={w.value}>
                  <td className="mono">{w.value}</td>
                  <td className="num muted">{fmt(w.rows)}</td>
                  <td>
                    <select
                      aria-label={`Meaning of status ${w.value}`}
                      className={target ? '' : 'invalid'}
                      value={target ?? ''}
                      onChange={(e) => e.target.value && onChange(w, e.target.value as StatusTarget)}
                      title={target ? STATUS_HELP[target] : 'not known: choose what it means'}
                    >
                      {!target && <option value="" disabled>— choose —</option>}
                      {STATUS_TARGETS.map((t) => <option key={t} value={t} title={STATUS_HELP[t]}>{t}</option>)}
                    </select>
                    <span className={target ? 'src muted' : 'src status-unknown'}>{target ? `${source}${builtin}` : STATUS_SOURCE_TEXT.unknown}</span>
                    {target && <span className="help muted">{STATUS_HELP[target]}</span>}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}

function Progress({ step, onCancel }: { step: Extract<Step, { at: 'running' }>; onCancel: () => void }) {
  const s = step.status;
  return (
    <div className="import-progress" data-testid="import-progress" role="status">
      <div className="preview-title">{step.dry ? 'Checking every row (nothing is written)' : 'Importing in one transaction'}</div>
      <div className="bar indeterminate"><span /></div>
      <dl className="import-counts">
        <div><dt>phase</dt><dd>{s?.phase ?? 'starting'}</dd></div>
        <div><dt>rows read</dt><dd>{fmt(s?.rows_read ?? 0)}</dd></div>
        <div><dt>rows checked</dt><dd>{fmt(s?.rows_checked ?? 0)}</dd></div>
        {!step.dry && <div><dt>rows written</dt><dd>{fmt(s?.rows_written ?? 0)}</dd></div>}
      </dl>
      <footer>
        <button type="button" className="danger" disabled={step.cancelling} onClick={onCancel}>{step.cancelling ? 'Cancelling…' : 'Cancel import'}</button>
      </footer>
      <div className="hint">Cancelling rolls back everything: the plan stays as it was.</div>
    </div>
  );
}

function Counts({ result }: { result: ImportResult }) {
  return (
    <dl className="import-counts" data-testid="import-counts">
      <div className="c-created"><dt>create</dt><dd>{fmt(result.created)}</dd></div>
      <div className="c-updated"><dt>update</dt><dd>{fmt(result.updated)}</dd></div>
      <div><dt>unchanged</dt><dd>{fmt(result.unchanged)}</dd></div>
      <div className={result.failed ? 'c-failed' : ''}><dt>fail</dt><dd>{fmt(result.failed)}</dd></div>
      {result.carved > 0 && <div><dt>free subnets from carving</dt><dd>{fmt(result.carved)}</dd></div>}
    </dl>
  );
}

function Created({ result }: { result: ImportResult }) {
  const c = result.catalog;
  const parts: string[] = [];
  if (c.spaces.length) parts.push(`spaces ${c.spaces.join(', ')}`);
  if (c.locations.length) parts.push(`locations ${c.locations.join(', ')}`);
  if (c.vlans.length) parts.push(`VLANs ${c.vlans.map((v) => `${v.vid}${v.name ? ` ${v.name}` : ''} @ ${v.location}`).join(', ')}`);
  if (c.customers.length) parts.push(`customers ${c.customers.join(', ')}`);
  if (c.services.length) parts.push(`services ${c.services.join(', ')}`);
  if (c.devices.length) parts.push(`devices ${c.devices.join(', ')}`);
  if (!parts.length) return null;
  return <div className="hint import-created">New in the catalog: {parts.join('; ')}</div>;
}

function Preview({ job, result, createSubnets, setCreateSubnets }: { job: string; result: ImportResult; createSubnets: boolean; setCreateSubnets: (v: boolean) => void }) {
  const outside = result.errors.some((e) => e.code === 'IP_OUTSIDE');
  return (
    <div data-testid="import-preview" className="import-preview">
      <Counts result={result} />
      <Created result={result} />
      {result.failed > 0 ? (
        <p className="muted">
          {fmt(result.errors_total)} problem{result.errors_total === 1 ? '' : 's'} in {fmt(result.failed)} row{result.failed === 1 ? '' : 's'}. Fix the file and check again, or import only the valid rows.
        </p>
      ) : (
        <p className="muted">Every row checks out. The import is one change: one Undo reverts all of it.</p>
      )}
      {(outside || createSubnets) && (
        <label className="inline">
          <input type="checkbox" checked={createSubnets} onChange={(e) => setCreateSubnets(e.target.checked)} /> create the covering subnet of addresses outside every subnet (then check again)
        </label>
      )}
      {result.errors_total > 0 && <ErrorTable job={job} total={result.errors_total} first={result.errors} />}
      {result.tree.length > 0 && (
        <details className="import-tree">
          <summary>The tree as it would stand ({fmt(result.tree_total)} subnets)</summary>
          <ul className="mono">
            {result.tree.slice(0, 200).map((t, i) => (
              <li key={i}>
                {String(t.cidr)} <span className="muted">{stateWord(t)}{t.customer ? ` · ${String(t.customer)}` : ''}{t.description ? ` · ${String(t.description)}` : ''}</span>
              </li>
            ))}
          </ul>
        </details>
      )}
    </div>
  );
}

function Done({ job, result }: { job: string; result: ImportResult }) {
  return (
    <div data-testid="import-done" className="import-preview">
      <Counts result={result} />
      <Created result={result} />
      <p className="muted">Imported in {result.seconds.toFixed(1)} s as one change: Undo reverts the whole import.{result.failed ? ' These rows were skipped:' : ''}</p>
      {result.errors_total > 0 && <ErrorTable job={job} total={result.errors_total} first={result.errors} />}
    </div>
  );
}

const ERROR_COLUMNS = 'minmax(0, 0.9fr) minmax(0, 0.5fr) minmax(0, 0.9fr) minmax(0, 1.3fr) minmax(0, 4fr)';

/** Every error of a finished job, paged from import.errors as the table scrolls. */
function ErrorTable({ job, total, first }: { job: string; total: number; first: ImportError[] }) {
  const api = useApp((s) => s.api);
  const [pages, setPages] = useState<Map<number, ImportError[]>>(() => new Map([[0, first.slice(0, PAGE)]]));
  const asked = useRef(new Set<number>([0]));
  const parent = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({ count: total, getScrollElement: () => parent.current, estimateSize: () => 30, overscan: 16 });
  const items = virtual.getVirtualItems();
  const need = [...new Set(items.map((it) => Math.floor(it.index / PAGE)))].filter((p) => !asked.current.has(p));
  useEffect(() => {
    for (const p of need) {
      asked.current.add(p);
      api.call('import.errors', { job, offset: p * PAGE, limit: PAGE }).then(
        (r) => setPages((m) => new Map(m).set(p, r.errors)),
        () => asked.current.delete(p),
      );
    }
  }, [need.join(','), api, job]); // eslint-disable-line react-hooks/exhaustive-deps
  return (
    <div className="table import-errors" role="table" aria-label="Row errors" aria-rowcount={total} data-testid="import-errors">
      <div className="thead" role="row" style={{ gridTemplateColumns: ERROR_COLUMNS }}>
        {['Sheet', 'Row', 'Column', 'Code', 'Problem'].map((h) => <span key={h} role="columnheader" className="th">{h}</span>)}
      </div>
      <div className="tbody" ref={parent}>
        <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
          {items.map((it) => {
            const e = pages.get(Math.floor(it.index / PAGE))?.[it.index % PAGE];
            return (
              <div key={it.index} role="row" className="tr err-row" style={{ transform: `translateY(${it.start}px)`, gridTemplateColumns: ERROR_COLUMNS }}>
                {e ? (
                  <>
                    <span className="muted">{e.sheet ?? ''}</span>
                    <span className="mono">{e.row ?? ''}</span>
                    <span className="muted">{e.column ?? ''}</span>
                    <span className="mono code">{e.code}</span>
                    <span title={e.message}>{e.message}{e.suggestion && !e.message.includes(e.suggestion) ? <span className="suggest mono"> → {e.suggestion}</span> : null}</span>
                  </>
                ) : (
                  <span className="muted">…</span>
                )}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
