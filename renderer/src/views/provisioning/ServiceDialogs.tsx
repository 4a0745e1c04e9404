/**
 * Service actions: edit its product (the rules apply at the next provision), customer or device (only
 * while it holds nothing: its allocations are linked to them), and remove it once it holds nothing.
 * The service ID is its identity in FluxBilling and stays; the status belongs to provision and cancel.
 */
import { useState, type FormEvent } from 'react';
import { useApp, useAppStore } from '../../context';
import { Field } from '../../ui/Field';
import { ErrorLine, Modal } from '../../ui/Modal';
import { RemoveDialog } from '../../ui/RemoveDialog';
import { useQuery } from '../../ui/useQuery';
import type { Device, Service } from './types';

export function EditServiceDialog({ service, devices, onClose }: { service: Service; devices: Device[]; onClose: () => void }) {
  const store = useAppStore();
  const customers = useApp((s) => s.customers);
  const products = useQuery('product.list', {}).data?.products ?? [];
  const [customer, setCustomer] = useState(service.customer ?? '');
  const [product, setProduct] = useState(service.product ?? '');
  const [device, setDevice] = useState(service.device ?? '');
  const [error, setError] = useState<string | null>(null);
  const patch = {
    ...(customer && customer !== service.customer ? { customer } : {}),
    ...(product && product !== service.product ? { product } : {}),
    ...((device || null) !== service.device ? { device: device || null } : {}),
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = await store.getState().mutate('service.set', { ref: service.service, ...patch }, { ok: (x) => `Saved service ${x.service.service}`, onError: setError });
    if (r) onClose();
  };
  return (
    <Modal title="Edit service" subtitle={`${service.service} · ${service.status}`} onClose={onClose} testid="service-edit-dialog">
      <form onSubmit={submit}>
        <div className="grid2">
          <Field label="Product" hint="Its rules apply at the next provision.">
            {(id) => (
              <select id={id} name="product" value={product} onChange={(e) => setProduct(e.target.value)}>
                {!product && <option value="">product…</option>}
                {products.map((p) => <option key={p.id} value={p.name}>{p.name}</option>)}
              </select>
            )}
          </Field>
          <Field label="Customer">
            {(id) => (
              <select id={id} name="customer" value={customer} onChange={(e) => setCustomer(e.target.value)}>
                {!customer && <option value="">customer…</option>}
                {customers.map((c) => <option key={c.id} value={c.customer}>{c.customer}{c.name ? ` · ${c.name}` : ''}</option>)}
              </select>
            )}
          </Field>
          <Field label="Device">
            {(id) => (
              <select id={id} name="device" value={device} onChange={(e) => setDevice(e.target.value)}>
                <option value="">none</option>
                {devices.map((d) => <option key={d.id} value={d.name}>{d.name}{d.location ? ` · ${d.location}` : ''}</option>)}
              </select>
            )}
          </Field>
        </div>
        {service.status === 'active' && (
          <div className="note">Its allocations are linked to its customer and device: those change only once it holds nothing (cancel it first). The product can change at any time.</div>
        )}
        <ErrorLine text={error} />
        <footer>
          <button type="button" onClick={onClose}>Cancel</button>
          <button type="submit" className="primary" disabled={!Object.keys(patch).length}>Save</button>
        </footer>
      </form>
    </Modal>
  );
}

export function RemoveServiceDialog({ service, onClose, onRemoved }: { service: Service; onClose: () => void; onRemoved: () => void }) {
  return (
    <RemoveDialog
      title={`Remove service ${service.service}`}
      subtitle={[service.customer, service.product, service.status].filter(Boolean).join(' · ')}
      method="service.remove"
      args={{ ref: service.service }}
      done={`Removed service ${service.service}`}
      onClose={onClose}
      onRemoved={onRemoved}
      testid="service-remove-dialog"
    >
      <p>
        Removes <strong className="mono">{service.service}</strong> from the plan; its log entries stay.
        {service.status === 'active' ? ' An active service that still holds allocations must be cancelled first.' : ''}
      </p>
    </RemoveDialog>
  );
}
