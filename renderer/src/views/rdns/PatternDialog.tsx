/**
 * Names many addresses at once: a pattern such as {ip-dashed}.static.example.net over every IP record
 * inside a CIDR, previewed by the engine's dry run as the planner types, then applied as one undo step.
 */
import { useEffect, useRef, useState } from 'react';
import { PATTERN_PLACEHOLDERS } from '../../../../shared/rdns';
import type { MethodResult } from '../../../../shared/api/contract';
import { errorMessage } from '../../api';
import { useApp, useAppStore } from '../../context';
import { ErrorLine, Modal } from '../../ui/Modal';

type Preview = MethodResult<'rdns.pattern'>;

const SHOWN = 40;

export function PatternDialog({ cidr: initial, onClose }: { cidr: string; onClose: () => void }) {
  const store = useAppStore();
  const space = useApp((s) => s.space);
  const spaces = useApp((s) => s.spaces);
  const [where, setWhere] = useState(space);
  const [cidr, setCidr] = useState(initial);
  const [pattern, setPattern] = useState('{ip-dashed}.static.example.net');
  const [onlyEmpty, setOnlyEmpty] = useState(false);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [loading, setLoading] = useState(false);
  const input = useRef<HTMLInputElement>(null);
  useEffect(() => {
    let live = true;
    setLoading(true);
    const t = setTimeout(() => {
      if (!cidr.trim() || !pattern.trim()) {
        setPreview(null);
        setLoading(false);
        return;
      }
      store.getState().api
        .call('rdns.pattern', { space: where, cidr: cidr.trim(), pattern, only_empty: onlyEmpty, dry_run: true })
        .then((r) => {
          if (!live) return;
          setPreview(r);
          setError(null);
        })
        .catch((e: unknown) => {
          if (!live) return;
          setPreview(null);
          setError(errorMessage(e));
        })
        .finally(() => live && setLoading(false));
    }, 220);
    return () => {
      live = false;
      clearTimeout(t);
    };
  }, [where, cidr, pattern, onlyEmpty, store]);
  const insert = (token: string) => {
    const el = input.current;
    const at = el?.selectionStart ?? pattern.length;
    const end = el?.selectionEnd ?? at;
    setPattern(pattern.slice(0, at) + `{${token}}` + pattern.slice(end));
    requestAnimationFrame(() => {
      el?.focus();
      el?.setSelectionRange(at + token.length + 2, at + token.length + 2);
    });
  };
  const apply = async () => {
    const r = await store.getState().mutate('rdns.pattern', { space: where, cidr: cidr.trim(), pattern, only_empty: onlyEmpty }, { ok: (x) => `Named ${x.changes.length} address${x.changes.length === 1 ? '' : 'es'} in ${x.cidr}`, onError: setError });
    if (r) onClose();
  };
  const n = preview?.changes.length ?? 0;
  return (
    <Modal title="Fill PTR names from a pattern" subtitle="every IP record inside the block" onClose={onClose} testid="pattern-dialog" wide>
      <div className="modal-body">
        <div className="pattern-grid">
          <div className="field">
            <label htmlFor="pattern-space">Space</label>
            <select id="pattern-space" value={where} onChange={(e) => setWhere(e.target.value)}>
              {spaces.map((s) => <option key={s.id} value={s.name}>{s.name}</option>)}
            </select>
          </div>
          <div className="field">
            <label htmlFor="pattern-cidr">Block</label>
            <input id="pattern-cidr" className="mono" value={cidr} onChange={(e) => setCidr(e.target.value)} placeholder="198.51.100.128/26" />
          </div>
          <div className="field">
            <label htmlFor="pattern-text">Pattern</label>
            <input id="pattern-text" ref={input} className="mono" value={pattern} onChange={(e) => setPattern(e.target.value)} spellCheck={false} />
          </div>
        </div>
        <div className="chips" aria-label="Placeholders">
          {Object.entries(PATTERN_PLACEHOLDERS).map(([k, help]) => (
            <button key={k} type="button" className="chip-btn mono" title={help} onClick={() => insert(k)}>{`{${k}}`}</button>
          ))}
        </div>
        <label className="check">
          <input type="checkbox" checked={onlyEmpty} onChange={(e) => setOnlyEmpty(e.target.checked)} /> leave addresses that already have a name alone
        </label>
        <div className="preview" data-testid="pattern-preview">
          <div className="preview-title">
            Preview {loading ? '· asking the engine…' : preview ? `· ${n} name${n === 1 ? '' : 's'} to set${preview.unchanged ? ` · ${preview.unchanged} unchanged` : ''}` : ''}
          </div>
          {preview && n === 0 && <div className="hint">Nothing to change: no IP record in {preview.cidr} would get a new name.</div>}
          {preview && n > 0 && (
            <table className="mini ptr-preview">
              <tbody>
                {preview.changes.slice(0, SHOWN).map((c) => (
                  <tr key={c.address}>
                    <td className="mono">{c.address}</td>
                    <td className="mono muted strike">{c.from ?? ''}</td>
                    <td className="arrow">→</td>
                    <td className="mono strong">{c.to}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {preview && n > SHOWN && <div className="hint">+{n - SHOWN} more</div>}
        </div>
        <ErrorLine text={error} />
        <footer>
          <button type="button" onClick={onClose}>Cancel</button>
          <button type="button" className="primary" disabled={!preview || n === 0 || loading} onClick={() => void apply()}>Set {n} name{n === 1 ? '' : 's'}</button>
        </footer>
      </div>
    </Modal>
  );
}
