/**
 * The tenants this plan syncs with. A remote is a name, the tenant's URL and where its API token is:
 * on the desktop the token is typed once and kept in the OS keychain (main adds it to every sync call);
 * in the browser host, or without a keychain, a token file only its owner can read. Change the URL,
 * replace the token, or remove a remote (its sync state goes with it; the tenant keeps its plan).
 * The engine's refusals are shown as they come: they name what is wrong.
 */
import { useEffect, useState, type FormEvent } from 'react';
import { errorMessage } from '../../api';
import { useAppStore } from '../../context';
import { ErrorLine } from '../../ui/Modal';
import { ago, type RemoteView } from './format';
import { useSync, useSyncStore } from './syncStore';
import { fileOf, forgetToken, keepToken, SAFE_STORAGE, useTokenKeychain } from './tokens';

const NAME = /^[A-Za-z0-9._-]{1,64}$/;

function seconds(text: string): number | undefined | 'bad' {
  const t = text.trim();
  if (!t) return undefined;
  const n = Number(t);
  if (!Number.isFinite(n) || n < 0.1 || n > 600) return 'bad';
  return Math.round(n * 1000);
}

/** Adds a remote (remote null) or edits one. */
export function RemoteForm({ remote, names, focusToken, onDone, onCancel, first }: {
  remote: RemoteView | null;
  names: string[];
  focusToken?: boolean;
  onDone: (name: string) => void;
  onCancel?: () => void;
  first?: boolean;
}) {
  const store = useAppStore();
  const { desktop, status: keychain, reload } = useTokenKeychain();
  const keychainOk = desktop && keychain?.available === true;
  const file = remote ? fileOf(remote.secret) : null;
  const keptHere = remote !== null && file === null;
  const [name, setName] = useState(remote?.name ?? (names.includes('fluxbilling') ? '' : 'fluxbilling'));
  const [url, setUrl] = useState(remote?.url ?? '');
  const [how, setHow] = useState<'keychain' | 'file'>(remote ? (keptHere ? 'keychain' : 'file') : 'keychain');
  const [token, setToken] = useState('');
  const [tokenFile, setTokenFile] = useState(file ?? '');
  const [ca, setCa] = useState(remote?.ca_file ?? '');
  const [timeout, setTimeoutText] = useState(remote?.timeout_ms ? String(remote.timeout_ms / 1000) : '');
  const [more, setMore] = useState(!!(remote?.ca_file || remote?.timeout_ms));
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  // Until the keychain answers (or where there is none), tokens come from files. A remote can move its
  // token into the keychain, or out of it into a file.
  const useKeychain = how === 'keychain' && (remote ? desktop && (keptHere || keychainOk) : keychainOk);
  const intoKeychain = remote !== null && useKeychain && !keptHere;
  const outOfKeychain = remote !== null && !useKeychain && keptHere;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    setError(null);
    const api = store.getState().api;
    const n = name.trim();
    const ms = seconds(timeout);
    if (!remote && !NAME.test(n)) return setError('The name is 1 to 64 letters, digits, dots, dashes or underscores, e.g. fluxbilling');
    if (!url.trim()) return setError('The tenant’s URL is required, e.g. https://billing.example.net');
    if (ms === 'bad') return setError('The timeout is 0.1 to 600 seconds (or empty for the default)');
    setSaving(true);
    try {
      if (!remote) {
        if (useKeychain) {
          if (!token.trim()) return setError('Paste the tenant’s API token: it is kept in the OS keychain, never in the plan');
          await keepToken(n, token.trim());
          try {
            await api.call('sync.remote.add', { name: n, url: url.trim(), secret_kind: SAFE_STORAGE, secret_ref: n, ...(ca.trim() ? { ca_file: ca.trim() } : {}), ...(ms ? { timeout_ms: ms } : {}) });
          } catch (err) {
            // The remote was not added: its token does not stay behind.
            await forgetToken(n).catch(() => undefined);
            throw err;
          }
        } else {
          if (!tokenFile.trim()) return setError('Give the token file: the API token on its first line, readable only by you (chmod 600)');
          await api.call('sync.remote.add', { name: n, url: url.trim(), secret_file: tokenFile.trim(), ...(ca.trim() ? { ca_file: ca.trim() } : {}), ...(ms ? { timeout_ms: ms } : {}) });
        }
        store.getState().toast('ok', `Added remote ${n}${useKeychain ? '; its token is kept in the OS keychain' : ''}`);
        reload();
        onDone(n);
        return;
      }
      const patch: { name: string; url?: string; secret_file?: string; secret_kind?: string; secret_ref?: string; ca_file?: string | null; timeout_ms?: number } = { name: remote.name };
      if (url.trim() !== remote.url) patch.url = url.trim();
      if (!useKeychain && tokenFile.trim() && tokenFile.trim() !== (file ?? '')) patch.secret_file = tokenFile.trim();
      if (outOfKeychain && !patch.secret_file) return setError('Give the token file: the API token on its first line, readable only by you (chmod 600)');
      if (intoKeychain) {
        if (!token.trim()) return setError('Paste the tenant’s API token: it is kept in the OS keychain, never in the plan');
        patch.secret_kind = SAFE_STORAGE;
        patch.secret_ref = remote.name;
      }
      if ((ca.trim() || null) !== remote.ca_file) patch.ca_file = ca.trim() || null;
      if (ms !== undefined && ms !== remote.timeout_ms) patch.timeout_ms = ms;
      const changes = Object.keys(patch).length > 1;
      if (intoKeychain) {
        await keepToken(remote.name, token.trim());
        try {
          await api.call('sync.remote.set', patch);
        } catch (err) {
          // The remote still reads its file: the token does not stay behind in the keychain.
          await forgetToken(remote.name).catch(() => undefined);
          throw err;
        }
      } else {
        if (changes) await api.call('sync.remote.set', patch);
        if (useKeychain && token.trim()) await keepToken(remote.name, token.trim());
        // The remote reads its token from a file now: the keychain no longer keeps one for it.
        if (outOfKeychain) await forgetToken(remote.name).catch(() => undefined);
      }
      if (!changes && !(useKeychain && token.trim())) return onDone(remote.name);
      store.getState().toast('ok', `Saved remote ${remote.name}${useKeychain && token.trim() ? ' with its new token' : ''}`);
      reload();
      onDone(remote.name);
    } catch (err) {
      setError(errorMessage(err));
    } finally {
      setSaving(false);
    }
  };

  return (
    <form className="remote-form" onSubmit={(e) => void submit(e)} data-testid="remote-form" aria-label={remote ? `Remote ${remote.name}` : 'Add a remote'}>
      {first && (
        <div className="sync-intro">
          <div className="sync-intro-art" aria-hidden>⇅</div>
          <div>
            <h3>Connect this plan to FluxBilling</h3>
            <p className="muted">Plan offline as long as you like; one click then pulls what your team changed on the tenant, shows what will be sent, and pushes your plan exactly once.</p>
          </div>
        </div>
      )}
      <div className="grid2">
        {!remote && (
          <div className="field">
            <label htmlFor="remote-name">Name</label>
            <input id="remote-name" value={name} onChange={(e) => setName(e.target.value)} placeholder="fluxbilling" autoComplete="off" />
          </div>
        )}
        <div className={remote ? 'field span2' : 'field'}>
          <label htmlFor="remote-url">Tenant URL</label>
          <input id="remote-url" className="mono" value={url} onChange={(e) => setUrl(e.target.value)} placeholder="https://billing.example.net" autoComplete="off" autoFocus={!focusToken} />
        </div>
        <div className="hint span2 url-hint">https is required; plain http only to this machine (127.0.0.1 or localhost). Certificates are always checked.</div>
        <div className="field span2 token-field">
          <div className="token-head">
            <label htmlFor={useKeychain ? 'remote-token' : 'remote-token-file'}>{useKeychain ? (keptHere ? 'Replace the API token' : 'API token') : 'Token file'}</label>
            {desktop && keychainOk && (
              <div className="seg-light" role="radiogroup" aria-label="Where the token is kept">
                <button type="button" role="radio" aria-checked={how === 'keychain'} className={how === 'keychain' ? 'on' : ''} onClick={() => setHow('keychain')}>OS keychain</button>
                <button type="button" role="radio" aria-checked={how === 'file'} className={how === 'file' ? 'on' : ''} onClick={() => setHow('file')}>Token file</button>
              </div>
            )}
          </div>
          {useKeychain ? (
            <>
              <input id="remote-token" type="password" autoComplete="off" value={token} onChange={(e) => setToken(e.target.value)} placeholder={keptHere ? '•••••••• kept; paste a new token to replace it' : 'paste the token from FluxBilling'} autoFocus={focusToken} />
              <div className="hint">Encrypted with the system keychain, kept outside the plan, never shown again; the desktop adds it to each sync.</div>
            </>
          ) : (
            <>
              <input id="remote-token-file" className="mono" value={tokenFile} onChange={(e) => setTokenFile(e.target.value)} placeholder="/home/you/.fluxbilling-token" autoComplete="off" autoFocus={focusToken} />
              <div className="hint">
                {desktop && keychain && !keychain.available ? `The OS keychain is not available here (${keychain.reason ?? 'no reason given'}), so the token comes from a file. ` : ''}
                {keptHere ? 'This remote’s token is kept in the desktop app’s keychain, which the browser host cannot read: give it a token file to sync from here. ' : ''}
                A file holding the token on its first line, readable only by you: <code>chmod 600</code>. The token never enters the plan.
              </div>
            </>
          )}
        </div>
      </div>
      <button type="button" className="link more-toggle" onClick={() => setMore(!more)} aria-expanded={more}>{more ? '▾' : '▸'} Certificate and timeout</button>
      {more && (
        <div className="grid2">
          <div className="field">
            <label htmlFor="remote-ca">CA file (optional)</label>
            <input id="remote-ca" className="mono" value={ca} onChange={(e) => setCa(e.target.value)} placeholder="/etc/ssl/staging-ca.pem" autoComplete="off" />
            <div className="hint">Trust a staging tenant’s own CA (PEM). Empty: the system’s trusted CAs.</div>
          </div>
          <div className="field">
            <label htmlFor="remote-timeout">Timeout per request (seconds)</label>
            <input id="remote-timeout" inputMode="decimal" value={timeout} onChange={(e) => setTimeoutText(e.target.value)} placeholder="default" autoComplete="off" />
          </div>
        </div>
      )}
      <ErrorLine text={error} />
      <footer>
        {onCancel && <button type="button" onClick={onCancel} disabled={saving}>Cancel</button>}
        <button type="submit" className="primary" disabled={saving || (!remote && !name.trim())}>{saving ? 'Saving…' : remote ? 'Save' : first ? 'Connect' : 'Add remote'}</button>
      </footer>
    </form>
  );
}

function RemoteCard({ r, current, several, onEdit, onToken, onRemove, onUse }: { r: RemoteView; current: boolean; several: boolean; onEdit: () => void; onToken: () => void; onRemove: () => void; onUse: () => void }) {
  const dot = r.online === null ? 'unknown' : r.online ? 'online' : 'offline';
  return (
    <article className={current ? 'remote-card on' : 'remote-card'} data-testid="remote-card" aria-label={`Remote ${r.name}`}>
      <div className="remote-top">
        <span className={`sync-dot ${dot}`} aria-hidden />
        <span className="strong remote-name">{r.name}</span>
        {current && several && <span className="pill remote-current">syncs with</span>}
        <span className="mono muted remote-url">{r.url}</span>
      </div>
      <dl className="remote-facts">
        <dt>Token</dt>
        <dd>{r.secret}</dd>
        <dt>Last sync</dt>
        <dd>{r.last_sync ? `${ago(r.last_sync)} · tenant version ${r.version ?? '?'}` : 'never'}</dd>
        {r.ca_file && (<><dt>CA file</dt><dd className="mono">{r.ca_file}</dd></>)}
        {r.timeout_ms && (<><dt>Timeout</dt><dd>{r.timeout_ms / 1000} s per request</dd></>)}
        {r.last_error && (<><dt>Last error</dt><dd className="remote-error">{r.last_error}</dd></>)}
      </dl>
      <div className="remote-actions">
        {several && !current && <button type="button" onClick={onUse}>Sync with this one</button>}
        <button type="button" onClick={onEdit}>Edit…</button>
        <button type="button" onClick={onToken}>Replace token…</button>
        <button type="button" className="danger" onClick={onRemove}>Remove…</button>
      </div>
    </article>
  );
}

type Editing = { at: 'list' } | { at: 'add' } | { at: 'edit'; name: string; token: boolean } | { at: 'remove'; name: string };

export function RemotesPane() {
  const store = useAppStore();
  const sync = useSyncStore();
  const current = useSync((s) => s.status?.remote ?? null);
  const tick = useSync((s) => s.tick);
  const [remotes, setRemotes] = useState<RemoteView[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState<Editing>({ at: 'list' });
  const [busy, setBusy] = useState(false);
  useEffect(() => {
    let live = true;
    store.getState().api
      .call('sync.remote.list', {})
      .then((r) => live && setRemotes(r.remotes))
      .catch((e: unknown) => live && setError(errorMessage(e)));
    return () => {
      live = false;
    };
  }, [store, tick]);

  const done = () => {
    setEditing({ at: 'list' });
    void sync.getState().remotesChanged();
  };
  const remove = async (name: string) => {
    setBusy(true);
    setError(null);
    try {
      await store.getState().api.call('sync.remote.remove', { name });
      store.getState().toast('ok', `Removed remote ${name}`);
      done();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };

  const list = remotes ?? [];
  const names = list.map((r) => r.name);
  if (editing.at === 'add') {
    return <div className="modal-body sync-body"><RemoteForm remote={null} names={names} onDone={done} onCancel={() => setEditing({ at: 'list' })} /></div>;
  }
  if (editing.at === 'edit') {
    const r = list.find((x) => x.name === editing.name);
    if (r) return <div className="modal-body sync-body"><RemoteForm key={`${r.name}-${String(editing.token)}`} remote={r} names={names} focusToken={editing.token} onDone={done} onCancel={() => setEditing({ at: 'list' })} /></div>;
  }
  return (
    <div className="modal-body sync-body" data-testid="sync-remotes-pane">
      {editing.at === 'remove' && (
        <div className="confirm-box" role="alertdialog" aria-label={`Remove ${editing.name}`}>
          <p>
            <b>Remove {editing.name}?</b> This plan forgets the remote and its sync state: what was pushed, pending pushes, and its conflicts. The
            tenant keeps its plan, and this plan keeps its rows.{window.fluxplanShell?.syncTokens ? ' Its kept token is removed from the keychain.' : ''}
          </p>
          <div className="confirm-actions">
            <button type="button" onClick={() => setEditing({ at: 'list' })} disabled={busy}>Keep it</button>
            <button type="button" className="danger solid" onClick={() => void remove(editing.name)} disabled={busy}>Remove {editing.name}</button>
          </div>
        </div>
      )}
      {remotes === null && !error && <div className="hint">Loading remotes…</div>}
      {remotes !== null && list.length === 0 && <div className="empty-card-small">No remote yet.</div>}
      <div className="remote-list">
        {list.map((r) => (
          <RemoteCard
            key={r.id}
            r={r}
            current={r.name === current}
            several={list.length > 1}
            onEdit={() => setEditing({ at: 'edit', name: r.name, token: false })}
            onToken={() => setEditing({ at: 'edit', name: r.name, token: true })}
            onRemove={() => setEditing({ at: 'remove', name: r.name })}
            onUse={() => sync.getState().choose(r.name)}
          />
        ))}
      </div>
      <ErrorLine text={error} />
      <footer>
        <button type="button" onClick={() => setEditing({ at: 'add' })}>+ Add a remote</button>
      </footer>
    </div>
  );
}
