/** Customer actions: edit the display name (the ID is the customer's identity and stays), and remove. */
import { useState, type FormEvent } from 'react';
import type { MethodResult } from '../../../../shared/api/contract';
import { useAppStore } from '../../context';
import { Field } from '../../ui/Field';
import { ErrorLine, Modal } from '../../ui/Modal';
import { RemoveDialog } from '../../ui/RemoveDialog';

type Customer = MethodResult<'customer.list'>['customers'][number];

export function EditCustomerDialog({ customer, onClose }: { customer: Customer; onClose: () => void }) {
  const store = useAppStore();
  const [name, setName] = useState(customer.name ?? '');
  const [error, setError] = useState<string | null>(null);
  const changed = (name.trim() || null) !== customer.name;
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const r = await store.getState().mutate('customer.set', { ref: customer.customer, name: name.trim() || null }, { ok: (x) => `Saved customer ${x.customer.customer}`, onError: setError });
    if (r) onClose();
  };
  return (
    <Modal title="Edit customer" subtitle={customer.customer} onClose={onClose} testid="customer-edit-dialog">
      <form onSubmit={submit}>
        <div className="grid2">
          <Field label="Customer ID" hint="Its identity in FluxBilling and in sync: it never changes. To use another ID, add that customer and move what this one holds to it.">
            {(id) => <input id={id} className="mono" value={customer.customer} readOnly aria-readonly="true" />}
          </Field>
          <Field label="Name" hint="Empty clears it.">
            {(id) => <input id={id} name="name" value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. Northwind Hosting" autoFocus />}
          </Field>
        </div>
        <ErrorLine text={error} />
        <footer>
          <button type="button" onClick={onClose}>Cancel</button>
          <button type="submit" className="primary" disabled={!changed}>Save</button>
        </footer>
      </form>
    </Modal>
  );
}

export function RemoveCustomerDialog({ customer, services, onClose }: { customer: Customer; services: number; onClose: () => void }) {
  return (
    <RemoveDialog
      title={`Remove customer ${customer.customer}`}
      subtitle={customer.name ?? undefined}
      method="customer.remove"
      args={{ ref: customer.customer }}
      done={`Removed customer ${customer.customer}`}
      onClose={onClose}
      testid="customer-remove-dialog"
    >
      <p>
        Removes <strong className="mono">{customer.customer}</strong>{customer.name ? ` (${customer.name})` : ''} from the plan.
        {services ? ` It still has ${services} service${services === 1 ? '' : 's'}: remove or move them first.` : ''}
      </p>
    </RemoveDialog>
  );
}
