/** Devices: where they are (rules draw from pools at the device's location), their services, management, wipe, edit and remove. */
import { useState, type FormEvent } from 'react';
import { useApp, useAppStore } from '../../context';
import { DEVICE_KINDS, EditDeviceDialog, ManagementDialog, RemoveDeviceDialog, WipeDialog } from './DeviceDialogs';
import type { Device, Service } from './types';

export function DeviceList({ devices, services }: { devices: Device[]; services: Service[] }) {
  const store = useAppStore();
  const locations = useApp((s) => s.locations);
  const [name, setName] = useState('');
  const [location, setLocation] = useState('');
  const [kind, setKind] = useState('');
  const [dialog, setDialog] = useState<{ kind: 'mgmt' | 'wipe' | 'edit' | 'remove'; device: Device } | null>(null);
  const add = async (e: FormEvent) => {
    e.preventDefault();
    const r = await store.getState().mutate('device.add', { name: name.trim(), ...(location ? { location } : {}), ...(kind.trim() ? { kind: kind.trim() } : {}) }, { ok: (x) => `Added device ${x.device.name}` });
    if (r) {
      setName('');
      setKind('');
    }
  };
  return (
    <div className="list-pane full">
      <form className="inline-form" onSubmit={add} aria-label="Add device">
        <input name="name" placeholder="Name, e.g. fra-web1" value={name} onChange={(e) => setName(e.target.value)} aria-label="Device name" />
        <select name="location" value={location} onChange={(e) => setLocation(e.target.value)} aria-label="Device location">
          <option value="">location…</option>
          {locations.map((l) => <option key={l.id} value={l.code}>{l.code}{l.name ? ` · ${l.name}` : ''}</option>)}
        </select>
        <input name="kind" list="device-kinds" placeholder="Kind: server, router…" value={kind} onChange={(e) => setKind(e.target.value)} aria-label="Device kind" />
        <datalist id="device-kinds">{DEVICE_KINDS.map((k) => <option key={k} value={k} />)}</datalist>
        <button type="submit" className="primary" disabled={!name.trim()}>Add device</button>
      </form>
      <table className="grid-table" aria-label="Devices">
        <thead>
          <tr><th>Device</th><th>Location</th><th>Kind</th><th>Services</th><th /></tr>
        </thead>
        <tbody>
          {devices.length === 0 && <tr><td colSpan={5} className="muted">No devices yet.</td></tr>}
          {devices.map((d) => {
            const mine = services.filter((s) => s.device === d.name);
            return (
              <tr key={d.id}>
                <td className="mono strong">{d.name}</td>
                <td>{d.location ?? <span className="muted">none</span>}</td>
                <td>{d.kind ?? <span className="muted">—</span>}</td>
                <td>
                  {mine.length === 0 ? <span className="muted">—</span> : mine.map((s) => (
                    <button key={s.id} type="button" className="link mono" onClick={() => store.getState().open('services', s.service)}>{s.service}</button>
                  ))}
                </td>
                <td className="row-actions">
                  <button type="button" className="link" onClick={() => setDialog({ kind: 'mgmt', device: d })}>Management IP…</button>
                  <button type="button" className="link danger" onClick={() => setDialog({ kind: 'wipe', device: d })}>Wipe…</button>
                  <button type="button" className="link" title={`Edit device ${d.name}`} onClick={() => setDialog({ kind: 'edit', device: d })}>Edit…</button>
                  <button type="button" className="link danger" title={`Remove device ${d.name}`} onClick={() => setDialog({ kind: 'remove', device: d })}>Remove…</button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {dialog?.kind === 'mgmt' && <ManagementDialog device={dialog.device} onClose={() => setDialog(null)} />}
      {dialog?.kind === 'wipe' && <WipeDialog device={dialog.device} onClose={() => setDialog(null)} />}
      {dialog?.kind === 'edit' && (
        <EditDeviceDialog device={dialog.device} services={services.filter((s) => s.device === dialog.device.name).length} onClose={() => setDialog(null)} />
      )}
      {dialog?.kind === 'remove' && <RemoveDeviceDialog device={dialog.device} onClose={() => setDialog(null)} />}
    </div>
  );
}
