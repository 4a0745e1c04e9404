/** The selected service: its links, its product's rules, what it holds (linked to the map) and its latest log entries. */
import { useApp, useAppStore } from '../../context';
import { useQuery } from '../../ui/useQuery';
import { HeldList } from './HeldList';
import { actionLabel, describe } from './logText';
import { ruleSummary } from './rules';
import type { Device, Service } from './types';
import { useHeld } from './useHeld';

export function ServiceDetail({ service, devices, onProvision, onCancel }: { service: Service | null; devices: Device[]; onProvision: (s: Service) => void; onCancel: (s: Service) => void }) {
  const store = useAppStore();
  const customers = useApp((s) => s.customers);
  const products = useQuery('product.list', {}).data?.products ?? [];
  const log = useQuery('log.list', service ? { service: service.service, limit: 6 } : null);
  const { held, error } = useHeld(service?.service ?? null);
  if (!service) return <aside className="side-panel empty"><div className="detail-empty">Select a service to see what it holds.</div></aside>;
  const product = products.find((p) => p.name === service.product);
  const device = devices.find((d) => d.name === service.device);
  const customer = customers.find((c) => c.customer === service.customer);
  return (
    <aside className="side-panel" data-testid="service-detail" aria-label={`Service ${service.service}`}>
      <div className="panel-head">
        <div className="eyebrow">Service</div>
        <h2 className="mono">{service.service}</h2>
        <span className={`pill svc-${service.status}`}>{service.status}</span>
      </div>
      <div className="actions">
        <button type="button" className="primary" onClick={() => onProvision(service)}>{service.status === 'active' ? 'Re-provision…' : 'Provision…'}</button>
        <button type="button" className="danger" disabled={service.status !== 'active'} onClick={() => onCancel(service)}>Cancel service…</button>
      </div>
      <dl className="fields">
        <dt>Customer</dt>
        <dd><span className="mono">{service.customer ?? '—'}</span>{customer?.name ? <span className="muted"> · {customer.name}</span> : null}</dd>
        <dt>Product</dt>
        <dd>{product ? <button type="button" className="link inline" onClick={() => store.getState().open('products', product.name)}>{product.name}</button> : service.product ?? '—'}</dd>
        <dt>Device</dt>
        <dd>{service.device ? `${service.device}${device?.location ? ` · ${device.location}` : ' · no location'}` : <span className="muted">none: provisioning needs one</span>}</dd>
      </dl>
      {product && (
        <section>
          <div className="section-title">Rules {product.ipam_config.mode === 'disabled' && <span className="pill mode-disabled">disabled</span>}</div>
          <ol className="rule-lines numbered">{product.ipam_config.rules.map((r, i) => <li key={i}>{ruleSummary(r)}</li>)}</ol>
        </section>
      )}
      <section>
        <div className="section-title">Allocations {held && <span className="muted">{held.length}</span>}</div>
        {error ? <div className="form-error">{error}</div> : held ? <HeldList held={held} empty={service.status === 'cancelled' ? 'Cancelled: everything was released.' : 'Nothing allocated yet: provision the service.'} /> : <div className="hint">Loading…</div>}
      </section>
      <section>
        <div className="section-title">
          Log
          <button type="button" className="link right" onClick={() => store.getState().open('log', service.service)}>Open in the log →</button>
        </div>
        <ol className="log-mini">
          {(log.data?.entries ?? []).map((e) => (
            <li key={e.id} className={e.success ? '' : 'failed'}>
              <span className={`pill act ${e.success ? '' : 'fail'}`}>{actionLabel(e.action)}</span>
              <span className="log-text">{describe(e).text}</span>
            </li>
          ))}
          {log.data && !log.data.entries.length && <li className="muted">Nothing logged yet.</li>}
        </ol>
      </section>
    </aside>
  );
}
