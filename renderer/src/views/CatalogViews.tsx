/** Locations, VLANs (enabled per location) and the journal: simple screens over the same API. */
import { useEffect, useState, type FormEvent } from 'react';
import type { MethodResult } from '../../../shared/api/contract';
import { errorMessage } from '../api';
import { useApp, useAppStore } from '../context';
import { RemoveDialog } from '../ui/RemoveDialog';

type Location = MethodResult<'location.list'>['locations'][number];
type Vlan = MethodResult<'vlan.list'>['vlans'][number];

export function LocationsView() {
  const store = useAppStore();
  const locations = useApp((s) => s.locations);
  const vlans = useApp((s) => s.vlans);
  const [code, setCode] = useState('');
  const [name, setName] = useState('');
  const [editing, setEditing] = useState<string | null>(null);
  const [editName, setEditName] = useState('');
  const [removing, setRemoving] = useState<Location | null>(null);
  const vlansAt = (code: string) => vlans.filter((v) => v.location === code).length;
  const add = async (e: FormEvent) => {
    e.preventDefault();
    const r = await store.getState().mutate('location.add', { code: code.trim(), ...(name.trim() ? { name: name.trim() } : {}) }, { ok: (x) => `Added location ${x.location.code}` });
    if (r) {
      setCode('');
      setName('');
    }
  };
  const save = async (c: string) => {
    const r = await store.getState().mutate('location.set', { code: c, name: editName.trim() || null }, { ok: () => `Saved ${c}` });
    if (r) setEditing(null);
  };
  return (
    <div className="screen" data-testid="locations-view">
      <header className="screen-head">
        <h1>Locations</h1>
        <p className="muted">Sites the tree refers to. A subnet's location is inherited by everything below it.</p>
      </header>
      <form className="inline-form" onSubmit={add} aria-label="Add location">
        <input name="code" placeholder="Code, e.g. EU-FRA" value={code} onChange={(e) => setCode(e.target.value)} aria-label="Location code" />
        <input name="name" placeholder="Name, e.g. Frankfurt" value={name} onChange={(e) => setName(e.target.value)} aria-label="Location name" />
        <button type="submit" className="primary" disabled={!code.trim()}>Add location</button>
      </form>
      <table className="grid-table">
        <thead>
          <tr><th>Code</th><th>Name</th><th>VLANs</th><th /></tr>
        </thead>
        <tbody>
          {locations.length === 0 && (
            <tr><td colSpan={4} className="muted">No locations yet.</td></tr>
          )}
          {locations.map((l) => (
            <tr key={l.id}>
              <td className="mono strong">{l.code}</td>
              <td>
                {editing === l.code ? (
                  <input autoFocus value={editName} aria-label={`Name of ${l.code}`} onChange={(e) => setEditName(e.target.value)} onKeyDown={(e) => e.key === 'Enter' && void save(l.code)} />
                ) : (
                  l.name ?? <span className="muted">—</span>
                )}
              </td>
              <td>{vlans.filter((v) => v.location === l.code).length}</td>
              <td className="row-actions">
                {editing === l.code ? (
                  <>
                    <button type="button" className="link" onClick={() => void save(l.code)}>save</button>
                    <button type="button" className="link" onClick={() => setEditing(null)}>cancel</button>
                  </>
                ) : (
                  <>
                    <button type="button" className="link" onClick={() => { setEditing(l.code); setEditName(l.name ?? ''); }}>rename</button>
                    <button type="button" className="link danger" title={`Remove location ${l.code}`} onClick={() => setRemoving(l)}>remove…</button>
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {removing && (
        <RemoveDialog
          title={`Remove location ${removing.code}`}
          subtitle={removing.name ?? undefined}
          method="location.remove"
          args={{ code: removing.code }}
          done={`Removed location ${removing.code}`}
          onClose={() => setRemoving(null)}
          testid="location-remove-dialog"
        >
          <p>
            Removes <strong className="mono">{removing.code}</strong>{removing.name ? ` (${removing.name})` : ''} from the plan. A location goes only once no VLAN, subnet or device refers to it.
            {vlansAt(removing.code) ? ` It still has ${vlansAt(removing.code)} VLAN${vlansAt(removing.code) === 1 ? '' : 's'}: remove ${vlansAt(removing.code) === 1 ? 'it' : 'them'} first.` : ''}
          </p>
        </RemoveDialog>
      )}
    </div>
  );
}

export function VlansView() {
  const store = useAppStore();
  const locations = useApp((s) => s.locations);
  const vlans = useApp((s) => s.vlans);
  const [vid, setVid] = useState('');
  const [location, setLocation] = useState('');
  const [name, setName] = useState('');
  const [filter, setFilter] = useState('');
  const [editing, setEditing] = useState<number | null>(null);
  const [editName, setEditName] = useState('');
  const [removing, setRemoving] = useState<Vlan | null>(null);
  const loc = location || locations[0]?.code || '';
  const save = async (v: { id: number; vid: number; location: string }) => {
    const r = await store.getState().mutate('vlan.set', { vid: v.vid, location: v.location, name: editName.trim() || null }, { ok: () => `Saved VLAN ${v.vid} at ${v.location}` });
    if (r) setEditing(null);
  };
  const add = async (e: FormEvent) => {
    e.preventDefault();
    const r = await store.getState().mutate('vlan.add', { vid: Number(vid), location: loc, ...(name.trim() ? { name: name.trim() } : {}) }, { ok: (x) => `Added VLAN ${x.vlan.vid} at ${x.vlan.location}` });
    if (r) {
      setVid('');
      setName('');
    }
  };
  const shown = vlans.filter((v) => !filter || v.location === filter);
  return (
    <div className="screen" data-testid="vlans-view">
      <header className="screen-head">
        <h1>VLANs</h1>
        <p className="muted">VLANs live at a location and can be enabled or disabled there.</p>
      </header>
      <form className="inline-form" onSubmit={add} aria-label="Add VLAN">
        <input name="vid" inputMode="numeric" placeholder="VID 1-4094" value={vid} onChange={(e) => setVid(e.target.value.replace(/\D/g, ''))} aria-label="VLAN ID" />
        <select name="location" value={loc} onChange={(e) => setLocation(e.target.value)} aria-label="VLAN location">
          {locations.map((l) => (
            <option key={l.id} value={l.code}>{l.code}</option>
          ))}
        </select>
        <input name="name" placeholder="Name, e.g. public" value={name} onChange={(e) => setName(e.target.value)} aria-label="VLAN name" />
        <button type="submit" className="primary" disabled={!vid || !loc}>Add VLAN</button>
        {!locations.length && <span className="hint">Add a location first.</span>}
      </form>
      <div className="filters slim">
        <select value={filter} onChange={(e) => setFilter(e.target.value)} aria-label="Show location">
          <option value="">every location</option>
          {locations.map((l) => (
            <option key={l.id} value={l.code}>{l.code}</option>
          ))}
        </select>
      </div>
      <table className="grid-table">
        <thead>
          <tr><th>VID</th><th>Location</th><th>Name</th><th>Enabled</th><th /></tr>
        </thead>
        <tbody>
          {shown.length === 0 && (
            <tr><td colSpan={5} className="muted">No VLANs yet.</td></tr>
          )}
          {shown.map((v) => (
            <tr key={v.id} className={v.enabled ? '' : 'disabled'}>
              <td className="mono strong">{v.vid}</td>
              <td className="mono">{v.location}</td>
              <td>
                {editing === v.id ? (
                  <input autoFocus value={editName} aria-label={`Name of VLAN ${v.vid} at ${v.location}`} onChange={(e) => setEditName(e.target.value)} onKeyDown={(e) => e.key === 'Enter' && void save(v)} />
                ) : (
                  v.name ?? <span className="muted">—</span>
                )}
              </td>
              <td>
                <label className="switch" title={v.enabled ? 'Disable at this location' : 'Enable at this location'}>
                  <input
                    type="checkbox"
                    checked={v.enabled}
                    aria-label={`VLAN ${v.vid} at ${v.location} enabled`}
                    onChange={(e) => void store.getState().mutate('vlan.set', { vid: v.vid, location: v.location, enabled: e.target.checked }, { ok: () => `VLAN ${v.vid} at ${v.location} ${e.target.checked ? 'enabled' : 'disabled'}` })}
                  />
                  <span />
                </label>
              </td>
              <td className="row-actions">
                {editing === v.id ? (
                  <>
                    <button type="button" className="link" onClick={() => void save(v)}>save</button>
                    <button type="button" className="link" onClick={() => setEditing(null)}>cancel</button>
                  </>
                ) : (
                  <>
                    <button type="button" className="link" onClick={() => { setEditing(v.id); setEditName(v.name ?? ''); }}>rename</button>
                    <button type="button" className="link danger" title={`Remove VLAN ${v.vid} at ${v.location}`} onClick={() => setRemoving(v)}>remove…</button>
                  </>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {removing && (
        <RemoveDialog
          title={`Remove VLAN ${removing.vid} at ${removing.location}`}
          subtitle={removing.name ?? undefined}
          method="vlan.remove"
          args={{ vid: removing.vid, location: removing.location }}
          done={`Removed VLAN ${removing.vid} at ${removing.location}`}
          onClose={() => setRemoving(null)}
          testid="vlan-remove-dialog"
        >
          <p>
            Removes VLAN <strong className="mono">{removing.vid}</strong> at <span className="mono">{removing.location}</span>; the same VID at other locations stays. It goes only once no subnet or
            IP record carries it (to keep it but stop allocations in it, disable it instead).
          </p>
        </RemoveDialog>
      )}
    </div>
  );
}

type Batch = MethodResult<'journal.list'>['batches'][number];

export function JournalView() {
  const store = useAppStore();
  const info = useApp((s) => s.info);
  const [batches, setBatches] = useState<Batch[]>([]);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    store.getState().api.call('journal.list', { limit: 200 }).then((r) => setBatches(r.batches), (e: unknown) => setError(errorMessage(e)));
  }, [info, store]);
  return (
    <div className="screen" data-testid="journal-view">
      <header className="screen-head">
        <h1>Journal</h1>
        <p className="muted">Every change, newest first. Undo and redo append to it; nothing is rewritten.</p>
        <div className="head-actions">
          <button type="button" disabled={!info?.undo} onClick={() => void store.getState().undo()}>Undo {info?.undo ? `“${info.undo}”` : ''}</button>
          <button type="button" disabled={!info?.redo} onClick={() => void store.getState().redo()}>Redo {info?.redo ? `“${info.redo}”` : ''}</button>
        </div>
      </header>
      {error && <div className="form-error">{error}</div>}
      <table className="grid-table">
        <thead>
          <tr><th>#</th><th>Change</th><th>Kind</th><th>Records</th><th>When</th></tr>
        </thead>
        <tbody>
          {batches.map((b) => (
            <tr key={b.id} className={b.undone ? 'undone' : ''}>
              <td className="muted">{b.id}</td>
              <td>{b.label}</td>
              <td><span className={`pill kind-${b.kind}`}>{b.undone ? 'undone' : b.kind}</span></td>
              <td>{b.changes}</td>
              <td className="muted">{new Date(b.created_at).toLocaleString()}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
