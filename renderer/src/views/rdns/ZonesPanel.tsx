/** Reverse zones, derived from the root subnets or declared (RFC 2317 style, a provider of their own); BIND files for export. */
import { useState, type FormEvent } from 'react';
import type { ProviderView, ZoneView } from '../../../../shared/rdns';
import { errorMessage } from '../../api';
import { useApp, useAppStore } from '../../context';
import { Modal } from '../../ui/Modal';
import { useQuery } from '../../ui/useQuery';

function ZoneFile({ space, zone, onClose }: { space: string; zone: string; onClose: () => void }) {
  const file = useQuery('rdns.zone.file', { space, zone });
  return (
    <Modal title={`Zone file · ${zone}`} subtitle="BIND format, SOA and NS from the settings" onClose={onClose} testid="zone-file" wide>
      <div className="modal-body">
        {file.error ? (
          <>
            <div className="form-error">{file.error}</div>
            <div className="hint">SOA and NS come from the Zone settings tab.</div>
          </>
        ) : (
          <pre className="zone-text mono">{file.data?.text ?? 'Loading…'}</pre>
        )}
        <footer>
          <button type="button" disabled={!file.data} onClick={() => file.data && void navigator.clipboard?.writeText(file.data.text)}>Copy</button>
          <button type="button" className="primary" onClick={onClose}>Close</button>
        </footer>
      </div>
    </Modal>
  );
}

export function ZonesPanel({ providers }: { providers: ProviderView[] }) {
  const store = useAppStore();
  const space = useApp((s) => s.space);
  const zones = useQuery('rdns.zone.list', { space });
  const [zone, setZone] = useState('');
  const [style, setStyle] = useState<'' | 'slash' | 'dash'>('');
  const [provider, setProvider] = useState('');
  const [file, setFile] = useState<string | null>(null);
  const declare = async (e: FormEvent) => {
    e.preventDefault();
    const r = await store.getState().mutate('rdns.zone.add', { space, zone: zone.trim(), ...(style ? { style } : {}), ...(provider ? { provider } : {}) }, { ok: (x) => `Declared ${x.zone.name}` });
    if (r) setZone('');
  };
  const remove = async (z: ZoneView) => {
    try {
      await store.getState().mutate('rdns.zone.remove', { space, zone: z.name }, { ok: () => `${z.name} is derived again` });
    } catch (err) {
      store.getState().toast('error', errorMessage(err));
    }
  };
  const list = zones.data?.zones ?? [];
  return (
    <div className="list-pane">
      <form className="inline-form" onSubmit={declare} aria-label="Declare a zone">
        <input className="mono zone-input" value={zone} onChange={(e) => setZone(e.target.value)} placeholder="zone or CIDR: 198.51.100.0/24, 203.0.113.64/26" aria-label="Zone" />
        <select value={style} onChange={(e) => setStyle(e.target.value as typeof style)} aria-label="Classless style" title="RFC 2317 label style, for blocks longer than /24">
          <option value="">label style (RFC 2317)…</option>
          <option value="slash">64/26</option>
          <option value="dash">64-127</option>
        </select>
        <select value={provider} onChange={(e) => setProvider(e.target.value)} aria-label="Zone provider">
          <option value="">any provider</option>
          {providers.map((p) => <option key={p.id} value={p.name}>{p.name}</option>)}
        </select>
        <button type="submit" className="primary" disabled={!zone.trim()}>Declare zone</button>
      </form>
      <table className="grid-table" aria-label="Zones">
        <thead>
          <tr><th>Zone</th><th>Block</th><th>Kind</th><th>Provider</th><th>PTRs</th><th>Parent delegation</th><th /></tr>
        </thead>
        <tbody>
          {zones.data && list.length === 0 && <tr><td colSpan={7} className="muted">No reverse zones: add a root subnet to {space}.</td></tr>}
          {list.map((z) => (
            <tr key={z.name}>
              <td className="mono strong">{z.name}</td>
              <td className="mono">{z.cidr}</td>
              <td>{z.kind}{z.style ? ` · ${z.style}` : ''} <span className={z.declared ? 'pill declared' : 'pill derived'}>{z.declared ? 'declared' : 'derived'}</span></td>
              <td>{z.provider ?? <span className="muted">any</span>}</td>
              <td>{z.ptrs}</td>
              <td className="small">{z.parent ? <span title={z.cnames.map((c) => `${c.name} CNAME ${c.target}`).join('\n')}>{z.cnames.length} CNAMEs in <span className="mono">{z.parent}</span></span> : <span className="muted">—</span>}</td>
              <td className="row-actions">
                <button type="button" className="link" onClick={() => setFile(z.name)}>Zone file</button>
                {z.declared && <button type="button" className="link danger" onClick={() => void remove(z)}>Undeclare</button>}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {file && <ZoneFile space={space} zone={file} onClose={() => setFile(null)} />}
    </div>
  );
}
