/** The providers: where PTRs go, how the key is found, what waits; add, edit, remove, push. */
import { useState } from 'react';
import type { PendingView, ProviderView } from '../../../../shared/rdns';
import { useAppStore } from '../../context';
import { forgetKey, useKeychain } from './keychain';
import { ProviderForm } from './ProviderForm';

export function ProviderList({ providers, pending, onPush }: { providers: ProviderView[]; pending: PendingView[]; onPush: (p: string) => void }) {
  const store = useAppStore();
  const { desktop, status, reload } = useKeychain();
  const [form, setForm] = useState<ProviderView | 'new' | null>(null);
  const kept = (name: string) => status?.providers.some((p) => p.provider === name) ?? false;
  const remove = async (p: ProviderView) => {
    if (!window.confirm(`Remove the rDNS provider ${p.name}? Its PTR names stay in the plan.`)) return;
    const r = await store.getState().mutate('rdns.provider.remove', { name: p.name }, { ok: () => `Removed provider ${p.name}` });
    if (r && desktop && kept(p.name)) {
      await forgetKey(p.name).catch(() => undefined);
      reload();
    }
  };
  return (
    <div className="list-pane">
      <div className="toolbar">
        <button type="button" className="primary" onClick={() => setForm('new')}>+ Provider</button>
        <span className="hint">{desktop ? 'Keys live in the OS keychain or in a secret file; never in the plan.' : 'Browser host: each provider’s key is read from its secret file (readable only by you); never from the plan.'}</span>
      </div>
      <table className="grid-table" aria-label="Providers">
        <thead>
          <tr><th>Provider</th><th>Type</th><th>Space</th><th>Endpoint</th><th>Key</th><th>Zones</th><th>Pending</th><th /></tr>
        </thead>
        <tbody>
          {providers.length === 0 && <tr><td colSpan={8} className="muted">No provider yet: PTR names stay in the plan until you add one.</td></tr>}
          {providers.map((p) => {
            const pend = pending.find((x) => x.provider === p.name);
            return (
              <tr key={p.id}>
                <td className="strong">{p.name}</td>
                <td>{p.type}</td>
                <td className="mono">{p.space}</td>
                <td className="mono small ellip-cell" title={p.url ?? ''}>{p.url ?? <span className="muted">—</span>}</td>
                <td className="small">
                  {p.type === 'internal' ? <span className="muted">none needed</span> : kept(p.name) ? <span className="pill key-kept">keychain</span> : p.secret_file ? <span className="mono" title={p.secret_file}>{p.secret_file.split('/').pop()}</span> : <span className="pill key-missing">no key</span>}
                </td>
                <td className="small">{p.zones.length ? p.zones.join(', ') : <span className="muted">all others</span>}</td>
                <td>{p.type === 'internal' ? <span className="muted">—</span> : <b data-testid={`provider-pending-${p.name}`}>{pend?.pending ?? p.pending}</b>}</td>
                <td className="row-actions">
                  {p.type !== 'internal' && <button type="button" className="link" onClick={() => onPush(p.name)}>Push…</button>}
                  <button type="button" className="link" onClick={() => setForm(p)}>Edit…</button>
                  <button type="button" className="link danger" onClick={() => void remove(p)}>Remove</button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {form && <ProviderForm provider={form === 'new' ? null : form} onClose={() => { setForm(null); reload(); }} />}
    </div>
  );
}
