/** A product's name and rules, saved with product.add or product.set once the schema accepts them; and its removal. */
import { useMemo, useState, type FormEvent } from 'react';
import type { MethodResult } from '../../../../shared/api/contract';
import { useAppStore } from '../../context';
import { RemoveDialog } from '../../ui/RemoveDialog';
import { RulesEditor } from './RulesEditor';
import { check, NEW_PRODUCT, type Json } from './rules';

type Product = MethodResult<'product.list'>['products'][number];

export function ProductEditor({ product, usedBy, services, onSaved, onRemoved }: {
  product: Product | null;
  /** Services that are not cancelled. */
  usedBy: number;
  /** Every service naming it, cancelled ones too. */
  services: number;
  onSaved: (name: string) => void;
  onRemoved: () => void;
}) {
  const store = useAppStore();
  const original = product ? product.ipam_config : NEW_PRODUCT;
  const [name, setName] = useState(product?.name ?? '');
  const [draft, setDraft] = useState<Json>(original);
  const [syntax, setSyntax] = useState<string | null>(null);
  const [removing, setRemoving] = useState(false);
  const checked = useMemo(() => check(draft), [draft]);
  const dirty = JSON.stringify(draft) !== JSON.stringify(original) || (!product && name.trim() !== '');
  const canSave = checked.ok && !syntax && name.trim() !== '' && dirty;
  const save = async (e: FormEvent) => {
    e.preventDefault();
    if (!checked.ok) return;
    const st = store.getState();
    const n = name.trim();
    const r = product
      ? await st.mutate('product.set', { name: n, ipam_config: checked.config }, { ok: () => `Saved the rules of ${n}` })
      : await st.mutate('product.add', { name: n, ipam_config: checked.config }, { ok: () => `Added product ${n}` });
    if (r) onSaved(r.product.name);
  };
  return (
    <>
      <form className="product-editor" onSubmit={save} aria-label={product ? `Product ${product.name}` : 'New product'} data-testid="product-editor">
        <div className="editor-head">
          {product ? (
            <div>
              <div className="eyebrow">Product</div>
              <h2>{product.name}</h2>
              <div className="muted small">{usedBy ? `${usedBy} service${usedBy === 1 ? '' : 's'} use it; new rules apply at their next provision` : 'No service uses it yet'}</div>
            </div>
          ) : (
            <div className="field grow">
              <label htmlFor="product-name">Product name</label>
              <input id="product-name" name="name" value={name} onChange={(e) => setName(e.target.value)} placeholder="e.g. VPS-S, Dedicated-L" autoFocus />
            </div>
          )}
          <div className="head-actions">
            {dirty && product && (
              <button type="button" onClick={() => { setDraft(original); setSyntax(null); }}>Revert</button>
            )}
            {product && <button type="button" className="danger" onClick={() => setRemoving(true)}>Remove…</button>}
            <button type="submit" className="primary" disabled={!canSave}>{product ? 'Save rules' : 'Add product'}</button>
          </div>
        </div>
        <RulesEditor draft={draft} checked={checked} syntax={syntax} onDraft={setDraft} onSyntax={setSyntax} />
      </form>
      {removing && product && (
        <RemoveDialog
          title={`Remove product ${product.name}`}
          method="product.remove"
          args={{ name: product.name }}
          done={`Removed product ${product.name}`}
          onClose={() => setRemoving(false)}
          onRemoved={onRemoved}
          testid="product-remove-dialog"
        >
          <p>
            Removes <strong>{product.name}</strong> and its rules from the plan.
            {services ? ` ${services} service${services === 1 ? '' : 's'} still use${services === 1 ? 's' : ''} it (cancelled ones count too): move them to another product or remove them first.` : ''}
          </p>
        </RemoveDialog>
      )}
    </>
  );
}
