/** Products: their allocation rules (ipam_config) on the left, the rules editor on the right. */
import { useEffect, useState } from 'react';
import './provisioning.css';
import { useApp, useAppStore } from '../../context';
import { useQuery } from '../../ui/useQuery';
import { ProductEditor } from './ProductEditor';
import { ruleSummary } from './rules';

export function ProductsView() {
  const store = useAppStore();
  const picked = useApp((s) => s.picked.products);
  const products = useQuery('product.list', {});
  const services = useQuery('service.list', {});
  const [selected, setSelected] = useState<string | null>(picked ?? null);
  const list = products.data?.products ?? [];
  useEffect(() => {
    if (picked) setSelected(picked);
  }, [picked]);
  useEffect(() => {
    if (selected === null && list.length && products.data) setSelected(list[0]!.name);
  }, [list, selected, products.data]);
  const creating = selected === '';
  const product = list.find((p) => p.name === selected) ?? null;
  const usedBy = (name: string) => (services.data?.services ?? []).filter((s) => s.product === name && s.status !== 'cancelled').length;
  const named = (name: string) => (services.data?.services ?? []).filter((s) => s.product === name).length;
  return (
    <div className="screen split" data-testid="products-view">
      <aside className="master">
        <header className="screen-head">
          <h1>Products</h1>
          <div className="head-actions">
            <button type="button" className="primary" onClick={() => setSelected('')}>+ New product</button>
          </div>
          <p className="muted">What each product allocates when a service is provisioned.</p>
        </header>
        {products.error && <div className="form-error">{products.error}</div>}
        <ul className="card-list" aria-label="Products">
          {creating && (
            <li className="card on"><div className="card-title">New product</div><div className="muted small">not saved yet</div></li>
          )}
          {list.map((p) => (
            <li key={p.id}>
              <button type="button" className={p.name === selected ? 'card on' : 'card'} aria-current={p.name === selected || undefined} onClick={() => setSelected(p.name)}>
                <div className="card-title">
                  <span>{p.name}</span>
                  <span className={`pill mode-${p.ipam_config.mode}`}>{p.ipam_config.mode === 'full' ? `${p.ipam_config.rules.length} rule${p.ipam_config.rules.length === 1 ? '' : 's'}` : 'disabled'}</span>
                </div>
                <ul className="rule-lines">
                  {p.ipam_config.rules.slice(0, 3).map((r, i) => <li key={i}>{ruleSummary(r)}</li>)}
                  {p.ipam_config.rules.length > 3 && <li className="muted">+{p.ipam_config.rules.length - 3} more</li>}
                </ul>
                <div className="muted small">{usedBy(p.name) ? `${usedBy(p.name)} active service${usedBy(p.name) === 1 ? '' : 's'}` : 'no services'}</div>
              </button>
            </li>
          ))}
          {!list.length && !creating && products.data && (
            <li className="empty-card-small">
              <p>No products yet.</p>
              <button type="button" className="primary" onClick={() => setSelected('')}>Create the first product</button>
            </li>
          )}
        </ul>
      </aside>
      <div className="detail">
        {creating || product ? (
          <ProductEditor
            key={creating ? '(new)' : product!.name}
            product={creating ? null : product}
            usedBy={product ? usedBy(product.name) : 0}
            services={product ? named(product.name) : 0}
            onSaved={(name) => {
              setSelected(name);
              store.getState().open('products', name);
            }}
            onRemoved={() => setSelected(list.find((p) => p.name !== product?.name)?.name ?? null)}
          />
        ) : (
          <div className="detail-empty">Select a product, or create one.</div>
        )}
      </div>
    </div>
  );
}
