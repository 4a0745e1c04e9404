/** Every service: add one, provision or cancel it, edit or remove it, and see what it holds in the panel beside. */
import { useEffect, useState, type FormEvent } from 'react';
import { useApp, useAppStore } from '../../context';
import { useQuery } from '../../ui/useQuery';
import { CancelDialog } from './CancelDialog';
import { ProvisionDialog } from './ProvisionDialog';
import { ServiceDetail } from './ServiceDetail';
import { EditServiceDialog, RemoveServiceDialog } from './ServiceDialogs';
import type { Device, Service } from './types';

export function ServiceList({ services, devices, picked }: { services: Service[]; devices: Device[]; picked: string | null }) {
  const store = useAppStore();
  const customers = useApp((s) => s.customers);
  const products = useQuery('product.list', {}).data?.products ?? [];
  const [selected, setSelected] = useState<string | null>(picked);
  const [dialog, setDialog] = useState<{ kind: 'provision' | 'cancel' | 'edit' | 'remove'; service: Service } | null>(null);
  const [id, setId] = useState('');
  const [customer, setCustomer] = useState('');
  const [product, setProduct] = useState('');
  const [device, setDevice] = useState('');
  const [filter, setFilter] = useState<'' | Service['status']>('');
  useEffect(() => {
    if (picked) setSelected(picked);
  }, [picked]);
  useEffect(() => {
    if (selected === null && services.length) setSelected(services[0]!.service);
  }, [services, selected]);
  const add = async (e: FormEvent) => {
    e.preventDefault();
    const r = await store.getState().mutate('service.add', { id: id.trim(), customer, product, ...(device ? { device } : {}) }, { ok: (x) => `Added service ${x.service.service}` });
    if (r) {
      setSelected(r.service.service);
      setId('');
    }
  };
  const shown = services.filter((s) => !filter || s.status === filter);
  const current = services.find((s) => s.service === selected) ?? null;
  return (
    <div className="split-body">
      <div className="list-pane">
        <form className="inline-form" onSubmit={add} aria-label="Add service">
          <input name="id" placeholder="Service ID, e.g. svc-1001" value={id} onChange={(e) => setId(e.target.value)} aria-label="Service ID" />
          <select name="customer" value={customer} onChange={(e) => setCustomer(e.target.value)} aria-label="Service customer">
            <option value="">customer…</option>
            {customers.map((c) => <option key={c.id} value={c.customer}>{c.customer}{c.name ? ` · ${c.name}` : ''}</option>)}
          </select>
          <select name="product" value={product} onChange={(e) => setProduct(e.target.value)} aria-label="Service product">
            <option value="">product…</option>
            {products.map((p) => <option key={p.id} value={p.name}>{p.name}</option>)}
          </select>
          <select name="device" value={device} onChange={(e) => setDevice(e.target.value)} aria-label="Service device">
            <option value="">device…</option>
            {devices.map((d) => <option key={d.id} value={d.name}>{d.name}{d.location ? ` · ${d.location}` : ''}</option>)}
          </select>
          <button type="submit" className="primary" disabled={!id.trim() || !customer || !product}>Add service</button>
          {(!customers.length || !products.length) && <span className="hint">{!customers.length ? 'Add a customer first (Customers tab).' : 'Create a product first (Products screen).'}</span>}
        </form>
        <div className="toolbar">
          <div className="seg-light" role="radiogroup" aria-label="Status">
            {(['', 'pending', 'active', 'cancelled'] as const).map((v) => (
              <button key={v} type="button" role="radio" aria-checked={filter === v} className={filter === v ? 'on' : ''} onClick={() => setFilter(v)}>
                {v || 'all'} <span className="muted">{v ? services.filter((s) => s.status === v).length : services.length}</span>
              </button>
            ))}
          </div>
        </div>
        <table className="grid-table selectable" aria-label="Services">
          <thead>
            <tr><th>Service</th><th>Customer</th><th>Product</th><th>Device</th><th>Status</th><th /></tr>
          </thead>
          <tbody>
            {shown.length === 0 && <tr><td colSpan={6} className="muted">{services.length ? 'No service with that status.' : 'No services yet.'}</td></tr>}
            {shown.map((s) => (
              <tr key={s.id} className={s.service === selected ? 'sel' : ''} onClick={() => setSelected(s.service)} aria-selected={s.service === selected}>
                <td className="mono strong">{s.service}</td>
                <td className="mono">{s.customer ?? '—'}</td>
                <td>{s.product ?? '—'}</td>
                <td>{s.device ?? <span className="muted">none</span>}</td>
                <td><span className={`pill svc-${s.status}`}>{s.status}</span></td>
                <td className="row-actions">
                  <button type="button" className="link" onClick={(e) => { e.stopPropagation(); setSelected(s.service); setDialog({ kind: 'provision', service: s }); }}>{s.status === 'active' ? 'Re-provision…' : 'Provision…'}</button>
                  {s.status === 'active' && <button type="button" className="link danger" onClick={(e) => { e.stopPropagation(); setSelected(s.service); setDialog({ kind: 'cancel', service: s }); }}>Cancel…</button>}
                  <button type="button" className="link" title={`Edit service ${s.service}`} onClick={(e) => { e.stopPropagation(); setSelected(s.service); setDialog({ kind: 'edit', service: s }); }}>Edit…</button>
                  <button type="button" className="link danger" title={`Remove service ${s.service}`} onClick={(e) => { e.stopPropagation(); setSelected(s.service); setDialog({ kind: 'remove', service: s }); }}>Remove…</button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <ServiceDetail service={current} devices={devices} onProvision={(s) => setDialog({ kind: 'provision', service: s })} onCancel={(s) => setDialog({ kind: 'cancel', service: s })} />
      {dialog?.kind === 'provision' && <ProvisionDialog service={dialog.service} devices={devices} onClose={() => setDialog(null)} />}
      {dialog?.kind === 'cancel' && <CancelDialog service={dialog.service} onClose={() => setDialog(null)} />}
      {dialog?.kind === 'edit' && <EditServiceDialog service={dialog.service} devices={devices} onClose={() => setDialog(null)} />}
      {dialog?.kind === 'remove' && <RemoveServiceDialog service={dialog.service} onClose={() => setDialog(null)} onRemoved={() => setSelected(services.find((x) => x.service !== dialog.service.service)?.service ?? null)} />}
    </div>
  );
}
