/** Device actions: attach a management address (it stays with the hardware), and wipe (release everything else). */
import { useState, type FormEvent } from 'react';
import { useApp, useAppStore } from '../../context';
import { Field } from '../../ui/Field';
import { ErrorLine, Modal } from '../../ui/Modal';
import type { Device } from './types';

export function ManagementDialog({ device, onClose }: { device: Device; onClose: () => void }) {
  const store = useAppStore();
  const spaces = useApp((s) => s.spaces);
  const [space, setSpace] = useState(spaces.some((s) => s.name === 'mgmt') ? 'mgmt' : 'global');
  const [address, setAddress] = useState('');
  const [purpose, setPurpose] = useState('bmc');
  const [error, setError] = useState<string | null>(null);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = await store.getState().mutate('device.mgmt', { space, name: device.name, address: address.trim(), purpose: purpose.trim() || 'management' }, { ok: (x) => `${x.ip.address} is ${device.name}'s ${x.ip.purpose ?? 'management'} address` });
    if (r) onClose();
    else setError(store.getState().toasts.at(-1)?.text ?? 'refused');
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
    const r = await store.getState().mutate('device.wipe', { name: device.name }, { ok: (x) => `Wiped ${x.device}: released ${[...x.released.subnets, ...x.released.ips].join(', ') || 'nothing'}` });
    if (r) onClose();
    else setError(store.getState().toasts.at(-1)?.text ?? 'refused');
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
