/**
 * Device actions: attach a management address (it stays with the hardware), wipe (release everything
 * else), edit its location and kind (the name is its key and stays), and remove it.
 */
import { useState, type FormEvent } from 'react';
import { useApp, useAppStore } from '../../context';
import { Field, LocationSelect } from '../../ui/Field';
import { ErrorLine, Modal } from '../../ui/Modal';
import { RemoveDialog } from '../../ui/RemoveDialog';
import type { Device } from './types';

export const DEVICE_KINDS = ['server', 'router', 'switch', 'firewall', 'hypervisor'];

export function ManagementDialog({ device, onClose }: { device: Device; onClose: () => void }) {
  const store = useAppStore();
  const spaces = useApp((s) => s.spaces);
  const [space, setSpace] = useState(spaces.some((s) => s.name === 'mgmt') ? 'mgmt' : 'global');
  const [address, setAddress] = useState('');
  const [purpose, setPurpose] = useState('bmc');
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = await store.getState().mutate('device.mgmt', { space, name: device.name, address: address.trim(), purpose: purpose.trim() || 'management' }, { ok: (x) => `${x.ip.address} is ${device.name}'s ${x.ip.purpose ?? 'management'} address`, onError: setError });
    if (r) onClose();
  };
  return (
    <Modal title="Attach a management address" subtitle={`${device.name}${device.location ? ` · ${device.location}` : ''}`} onClose={onClose} testid="mgmt-dialog">
      <form onSubmit={submit}>
        <div className="grid2">
          <Field label="Space">
            {(id) => (
              <select id={id} value={space} onChange={(e) => setSpace(e.target.value)}>
                {spaces.map((s) => <option key={s.id} value={s.name}>{s.name}</option>)}
              </select>
            )}
          </Field>
          <Field label="Address" hint="inside an IP pool of that space">{(id) => <input id={id} name="address" className="mono" value={address} onChange={(e) => setAddress(e.target.value)} placeholder="10.10.0.21" autoFocus />}</Field>
          <Field label="Purpose">
            {(id) => (
              <>
                <input id={id} name="purpose" list={`${id}-p`} value={purpose} onChange={(e) => setPurpose(e.target.value)} />
                <datalist id={`${id}-p`}>{['bmc', 'ipmi', 'switch-mgmt', 'management'].map((p) => <option key={p} value={p} />)}</datalist>
              </>
            )}
          </Field>
        </div>
        <div className="hint">Management addresses are flagged is_management: re-provisioning, cancelling and wiping never release them.</div>
        <ErrorLine text={error} />
        <footer>
          <button type="button" onClick={onClose}>Cancel</button>
          <button type="submit" className="primary" disabled={!address.trim()}>Attach</button>
        </footer>
      </form>
    </Modal>
  );
}

export function WipeDialog({ device, onClose }: { device: Device; onClose: () => void }) {
  const store = useAppStore();
  const [error, setError] = useState<string | null>(null);
  const run = async () => {
    const r = await store.getState().mutate('device.wipe', { name: device.name }, { ok: (x) => `Wiped ${x.device}: released ${[...x.released.subnets, ...x.released.ips].join(', ') || 'nothing'}`, onError: setError });
    if (r) onClose();
  };
  return (
    <Modal title={`Wipe ${device.name}`} onClose={onClose} testid="wipe-dialog">
      <div className="modal-body">
        <p>Releases every allocation on the device except its management addresses, as a re-provision does first. One undoable step.</p>
        <ErrorLine text={error} />
        <footer>
          <button type="button" onClick={onClose}>Keep</button>
          <button type="button" className="danger solid" onClick={() => void run()}>Wipe</button>
        </footer>
      </div>
    </Modal>
  );
}

export function EditDeviceDialog({ device, services, onClose }: { device: Device; services: number; onClose: () => void }) {
  const store = useAppStore();
  const [location, setLocation] = useState(device.location ?? '');
  const [kind, setKind] = useState(device.kind ?? '');
  const [error, setError] = useState<string | null>(null);
  const patch = {
    ...((location || null) !== device.location ? { location: location || null } : {}),
    ...((kind.trim() || null) !== device.kind ? { kind: kind.trim() || null } : {}),
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = await store.getState().mutate('device.set', { name: device.name, ...patch }, { ok: (x) => `Saved device ${x.device.name}`, onError: setError });
    if (r) onClose();
  };
  return (
    <Modal title="Edit device" subtitle={device.name} onClose={onClose} testid="device-edit-dialog">
      <form onSubmit={submit}>
        <div className="grid2">
          <Field label="Location" hint={services ? 'Its services draw from the pools here at their next provision.' : "Provisioning draws from the pools at the device's location."}>
            {(id) => <LocationSelect id={id} value={location} onChange={setLocation} emptyLabel="none" />}
          </Field>
          <Field label="Kind">
            {(id) => (
              <>
                <input id={id} name="kind" list={`${id}-kinds`} value={kind} onChange={(e) => setKind(e.target.value)} placeholder="server, router…" />
                <datalist id={`${id}-kinds`}>{DEVICE_KINDS.map((k) => <option key={k} value={k} />)}</datalist>
              </>
            )}
          </Field>
        </div>
        <ErrorLine text={error} />
        <footer>
          <button type="button" onClick={onClose}>Cancel</button>
          <button type="submit" className="primary" disabled={!Object.keys(patch).length}>Save</button>
        </footer>
      </form>
    </Modal>
  );
}

export function RemoveDeviceDialog({ device, onClose }: { device: Device; onClose: () => void }) {
  return (
    <RemoveDialog
      title={`Remove device ${device.name}`}
      subtitle={[device.kind, device.location].filter(Boolean).join(' · ') || undefined}
      method="device.remove"
      args={{ name: device.name }}
      done={`Removed device ${device.name}`}
      onClose={onClose}
      testid="device-remove-dialog"
    >
      <p>Removes <strong className="mono">{device.name}</strong> from the plan. A device that still holds management addresses, allocations or services stays until they are released or moved.</p>
    </RemoveDialog>
  );
}
