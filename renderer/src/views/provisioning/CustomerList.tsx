/** Customers: add one, see how many services each has, edit its name or remove it. */
import { useState, type FormEvent } from 'react';
import type { MethodResult } from '../../../../shared/api/contract';
import { useApp, useAppStore } from '../../context';
import { EditCustomerDialog, RemoveCustomerDialog } from './CustomerDialogs';
import type { Service } from './types';

type Customer = MethodResult<'customer.list'>['customers'][number];

export function CustomerList({ services }: { services: Service[] }) {
  const store = useAppStore();
  const customers = useApp((s) => s.customers);
  const [id, setId] = useState('');
  const [name, setName] = useState('');
  const [dialog, setDialog] = useState<{ kind: 'edit' | 'remove'; customer: Customer } | null>(null);
  const add = async (e: FormEvent) => {
    e.preventDefault();
    const r = await store.getState().mutate('customer.add', { id: id.trim(), ...(name.trim() ? { name: name.trim() } : {}) }, { ok: (x) => `Added customer ${x.customer.customer}` });
    if (r) {
      setId('');
      setName('');
    }
  };
  return (
    <div className="list-pane full">
      <form className="inline-form" onSubmit={add} aria-label="Add customer">
        <input name="id" placeholder="Customer ID, e.g. cust-7421" value={id} onChange={(e) => setId(e.target.value)} aria-label="Customer ID" />
        <input name="name" placeholder="Name, e.g. Northwind Hosting" value={name} onChange={(e) => setName(e.target.value)} aria-label="Customer name" />
        <button type="submit" className="primary" disabled={!id.trim()}>Add customer</button>
      </form>
      <table className="grid-table" aria-label="Customers">
        <thead>
          <tr><th>Customer</th><th>Name</th><th>Services</th><th>Active</th><th /></tr>
        </thead>
        <tbody>
          {customers.length === 0 && <tr><td colSpan={5} className="muted">No customers yet.</td></tr>}
          {customers.map((c) => {
            const mine = services.filter((s) => s.customer === c.customer);
            const first = mine.find((s) => s.status === 'active') ?? mine[0];
            return (
              <tr key={c.id}>
                <td className="mono strong">{c.customer}</td>
                <td>{c.name ?? <span className="muted">—</span>}</td>
                <td>{mine.length}</td>
                <td>{mine.filter((s) => s.status === 'active').length}</td>
                <td className="row-actions">
                  {first && <button type="button" className="link" onClick={() => store.getState().open('services', first.service)}>{first.service} →</button>}
                  <button type="button" className="link" title={`Edit customer ${c.customer}`} onClick={() => setDialog({ kind: 'edit', customer: c })}>Edit…</button>
                  <button type="button" className="link danger" title={`Remove customer ${c.customer}`} onClick={() => setDialog({ kind: 'remove', customer: c })}>Remove…</button>
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
      {dialog?.kind === 'edit' && <EditCustomerDialog customer={dialog.customer} onClose={() => setDialog(null)} />}
      {dialog?.kind === 'remove' && (
        <RemoveCustomerDialog customer={dialog.customer} services={services.filter((s) => s.customer === dialog.customer.customer).length} onClose={() => setDialog(null)} />
      )}
    </div>
  );
}
