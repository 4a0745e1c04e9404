/**
 * Adds or edits an rDNS provider. The API key or token is never part of the plan: the browser host reads
 * it from a secret file only its owner can read; the desktop can also keep it in the OS keychain.
 */
import { useState, type FormEvent } from 'react';
import type { ProviderType, ProviderView } from '../../../../shared/rdns';
import { errorMessage } from '../../api';
import { useApp, useAppStore } from '../../context';
import { ErrorLine, Modal } from '../../ui/Modal';
import { keepKey, useKeychain } from './keychain';

const TYPES: Array<{ type: ProviderType; label: string; hint: string }> = [
  { type: 'internal', label: 'Internal', hint: 'The plan is the source; export BIND zone files.' },
  { type: 'powerdns', label: 'PowerDNS', hint: 'Authoritative HTTP API 4.7+, X-API-Key.' },
  { type: 'cloudflare', label: 'Cloudflare', hint: 'API v4 with a token (Bearer).' },
];

function zoneIdsText(ids: Record<string, string>): string {
  return Object.entries(ids).map(([z, id]) => `${z}=${id}`).join('\n');
}

export function ProviderForm({ provider, onClose }: { provider: ProviderView | null; onClose: () => void }) {
  const store = useAppStore();
  const spaces = useApp((s) => s.spaces);
  const space = useApp((s) => s.space);
  const { desktop, status, reload } = useKeychain();
  const [name, setName] = useState(provider?.name ?? '');
  const [type, setType] = useState<ProviderType>(provider?.type ?? 'powerdns');
  const [where, setWhere] = useState(provider?.space ?? space);
  const [url, setUrl] = useState(provider?.url ?? '');
  const [zoneIds, setZoneIds] = useState(provider ? zoneIdsText(provider.zone_ids) : '');
  const [secretFile, setSecretFile] = useState(provider?.secret_file ?? '');
  const [key, setKey] = useState('');
  const [createZones, setCreateZones] = useState(provider?.create_zones ?? false);
  const [error, setError] = useState<string | null>(null);
  const kept = status?.providers.some((p) => p.provider === (provider?.name ?? name.trim())) ?? false;
  const remote = type !== 'internal';
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const st = store.getState();
    const ids = zoneIds.split(/\n|,/).map((l) => l.trim()).filter(Boolean);
    const common = remote ? { url: url.trim() || undefined, zone_ids: type === 'cloudflare' ? ids : [], secret_file: secretFile.trim() || undefined, create_zones: createZones } : {};
    const r = provider
      ? await st.mutate(
          'rdns.provider.set',
          { name: provider.name, ...(remote ? { url: url.trim() || null, zone_ids: type === 'cloudflare' ? ids : [], secret_file: secretFile.trim() || null, create_zones: createZones } : {}) },
          { ok: () => `Saved provider ${provider.name}`, onError: setError },
        )
      : await st.mutate('rdns.provider.add', { space: where, name: name.trim(), type, ...common }, { ok: (x) => `Added ${x.provider.type} provider ${x.provider.name}`, onError: setError });
    if (!r) return;
    if (key.trim() && desktop) {
      try {
        await keepKey(r.provider.name, key.trim());
        store.getState().toast('ok', `The key of ${r.provider.name} is kept in the keychain`);
        reload();
      } catch (err) {
        return setError(errorMessage(err));
      }
    }
    onClose();
  };
  return (
    <Modal title={provider ? `Provider ${provider.name}` : 'Add an rDNS provider'} subtitle={provider ? `${provider.type} · space ${provider.space}` : undefined} onClose={onClose} testid="provider-form" wide>
      <form onSubmit={submit}>
        {!provider && (
          <>
            <div className="type-cards" role="radiogroup" aria-label="Provider type">
              {TYPES.map((t) => (
                <button key={t.type} type="button" role="radio" aria-checked={type === t.type} className={type === t.type ? 'type-card on' : 'type-card'} onClick={() => setType(t.type)}>
                  <b>{t.label}</b>
                  <span className="muted small">{t.hint}</span>
                </button>
              ))}
            </div>
            <div className="grid2">
              <div className="field">
                <label htmlFor="provider-name">Name</label>
                <input id="provider-name" value={name} onChange={(e) => setName(e.target.value)} placeholder={type === 'cloudflare' ? 'cloudflare' : type === 'powerdns' ? 'pdns-fra' : 'internal'} autoFocus />
              </div>
              <div className="field">
                <label htmlFor="provider-space">Publishes the IP records of</label>
                <select id="provider-space" value={where} onChange={(e) => setWhere(e.target.value)}>
                  {spaces.map((s) => <option key={s.id} value={s.name}>space {s.name}</option>)}
                </select>
              </div>
            </div>
          </>
        )}
        {remote && (
          <div className="grid2">
            <div className="field span2">
              <label htmlFor="provider-url">{type === 'powerdns' ? 'API server' : 'API base'}</label>
              <input id="provider-url" className="mono" value={url} onChange={(e) => setUrl(e.target.value)} placeholder={type === 'powerdns' ? 'http://127.0.0.1:8081' : 'https://api.cloudflare.com/client/v4 (default)'} />
            </div>
            {type === 'cloudflare' && (
              <div className="field span2">
                <label htmlFor="provider-zones">Zone ids</label>
                <textarea id="provider-zones" className="mono" rows={3} value={zoneIds} onChange={(e) => setZoneIds(e.target.value)} placeholder={'100.51.198.in-addr.arpa=023e105f4ecef8ad9ca31a8372d0c353\none ZONE=ID per line; zones without one are looked up by name'} />
              </div>
            )}
            <div className="field span2">
              <label htmlFor="provider-secret-file">Secret file</label>
              <input id="provider-secret-file" className="mono" value={secretFile} onChange={(e) => setSecretFile(e.target.value)} placeholder="/home/you/.config/fluxplan/pdns.key" />
              <div className="hint">{desktop ? 'Optional on the desktop when the key is kept in the keychain below. ' : 'In the browser host the key comes from this file: '}The {type === 'cloudflare' ? 'token' : 'API key'} on its first line; the file must be readable only by you (chmod 600).</div>
            </div>
            {desktop && (
              <div className="field span2 keychain-field">
                <label htmlFor="provider-key">{type === 'cloudflare' ? 'API token' : 'API key'} in the OS keychain</label>
                <input id="provider-key" type="password" autoComplete="off" value={key} onChange={(e) => setKey(e.target.value)} placeholder={kept ? '•••••••• kept; type a new one to replace it' : 'paste it here to keep it encrypted by the OS'} disabled={status !== null && !status.available} />
                <div className="hint">
                  {status && !status.available ? `Not available here: ${status.reason}. Use a secret file.` : kept ? 'A key is kept for this provider. It is never shown again, only used when you push.' : 'Encrypted with the system keychain, stored outside the plan, never shown again.'}
                </div>
              </div>
            )}
            <label className="check span2">
              <input type="checkbox" checked={createZones} onChange={(e) => setCreateZones(e.target.checked)} /> create a reverse zone the provider does not have yet
            </label>
          </div>
        )}
        {type === 'internal' && <div className="note">An internal provider publishes nothing: the plan is the source, and each reverse zone exports as a BIND zone file (Zones tab).</div>}
        <ErrorLine text={error} />
        <footer>
          <button type="button" onClick={onClose}>Cancel</button>
          <button type="submit" className="primary" disabled={!provider && !name.trim()}>{provider ? 'Save' : 'Add provider'}</button>
        </footer>
      </form>
    </Modal>
  );
}
