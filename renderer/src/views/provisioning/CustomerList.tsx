/** Customers: add one, and see how many services each has. */
import { useState, type FormEvent } from 'react';
import { useApp, useAppStore } from '../../context';
import type { Service } from './types';

export function CustomerList({ services }: { services: Service[] }) {
  const store = useAppStore();
  const customers = useApp((s) => s.customers);
  const [id, setId] = useState('');
  const [name, setName] = useState('');
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
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
