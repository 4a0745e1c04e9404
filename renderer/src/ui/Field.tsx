/** Small form pieces shared by the dialogs and screens. */
import { useId, type ReactNode } from 'react';
import { useApp } from '../context';

export function Field({ label, hint, children }: { label: string; hint?: ReactNode; children: (id: string) => ReactNode }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      {children(id)}
      {hint ? <div className="hint">{hint}</div> : null}
    </div>
  );
}

export function CustomerInput({ id, value, onChange, placeholder }: { id: string; value: string; onChange: (v: string) => void; placeholder?: string }) {
  const customers = useApp((s) => s.customers);
  const listId = `${id}-customers`;
  return (
    <>
      <input id={id} name="customer" list={listId} value={value} onChange={(e) => onChange(e.target.value)} placeholder={placeholder ?? 'customer ID, e.g. cust-7421'} autoComplete="off" />
      <datalist id={listId}>
        {customers.map((c) => (
          <option key={c.id} value={c.customer}>{c.name ?? ''}</option>
        ))}
      </datalist>
    </>
  );
}

/** VLANs of one location; "" means none (or inherit). */
export function VlanSelect({ id, location, value, onChange, emptyLabel }: { id: string; location: string | null; value: string; onChange: (v: string) => void; emptyLabel: string }) {
  const vlans = useApp((s) => s.vlans);
  const here = vlans.filter((v) => v.location === location);
  return (
    <select id={id} name="vlan" value={value} onChange={(e) => onChange(e.target.value)} disabled={!location}>
      <option value="">{location ? emptyLabel : 'needs a location first'}</option>
      {here.map((v) => (
        <option key={v.id} value={String(v.vid)} disabled={!v.enabled}>
          {v.vid}{v.name ? ` · ${v.name}` : ''}{v.enabled ? '' : ' (disabled)'}
        </option>
      ))}
    </select>
  );
}

export function LocationSelect({ id, value, onChange, emptyLabel }: { id: string; value: string; onChange: (v: string) => void; emptyLabel: string }) {
  const locations = useApp((s) => s.locations);
  return (
    <select id={id} name="location" value={value} onChange={(e) => onChange(e.target.value)}>
      <option value="">{emptyLabel}</option>
      {locations.map((l) => (
        <option key={l.id} value={l.code}>{l.code}{l.name ? ` · ${l.name}` : ''}</option>
      ))}
    </select>
  );
}
