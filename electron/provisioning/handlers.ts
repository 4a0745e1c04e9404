import type { HandlerMap } from '../api/handler';
import { deviceId, spaceId } from '../catalog/resolve';
import type { Plan } from '../plan';
import { Keys, ipView } from '../tree/view';
import { addProduct, addService, attachManagement, removeProduct, removeService, setProduct, setService, type ProductRow, type ServiceRow } from './catalog';
import { cancel, provision, wipeDevice } from './provision';

const product = (r: ProductRow) => ({ id: r.id, name: r.name, ipam_config: JSON.parse(r.ipam_config) });

function service(plan: Plan, r: ServiceRow) {
  const keys = new Keys(plan);
  const productName = r.product_id === null ? null : (plan.q('SELECT name FROM products WHERE id = ?').get(r.product_id) as { name: string } | undefined)?.name ?? null;
  return { id: r.id, service: r.ref, customer: keys.customer(r.customer_id), product: productName, device: keys.device(r.device_id), status: r.status };
}

export const provisioningHandlers: HandlerMap<
  | 'product.add' | 'product.set' | 'product.list' | 'product.remove' | 'service.add' | 'service.list' | 'service.set' | 'service.remove'
  | 'device.mgmt' | 'device.wipe' | 'service.provision' | 'service.cancel'
> = {
  'product.add': (plan, a) => ({ product: product(plan.mutate(`add product ${a.name}`, () => addProduct(plan, a.name, a.ipam_config))) }),
  'product.set': (plan, a) => ({ product: product(plan.mutate(`edit product ${a.name}`, () => setProduct(plan, a.name, a.ipam_config))) }),
  'product.list': (plan) => ({ products: (plan.q('SELECT * FROM products ORDER BY name').all() as ProductRow[]).map(product) }),
  'product.remove': (plan, a) => ({ removed: plan.mutate(`remove product ${a.name}`, () => removeProduct(plan, a.name)) }),
  'service.add': (plan, a) => ({ service: service(plan, plan.mutate(`add service ${a.id}`, () => addService(plan, a.id, a))) }),
  'service.list': (plan, a) =>
    plan.read(() => {
      const rows = plan.q('SELECT * FROM services ORDER BY ref').all() as ServiceRow[];
      const views = rows.map((r) => service(plan, r));
      return { services: views.filter((v) => (a.customer === undefined || v.customer === a.customer) && (a.status === undefined || v.status === a.status)) };
    }),
  'service.set': (plan, a) => ({ service: service(plan, plan.mutate(`edit service ${a.ref}`, () => setService(plan, a.ref, a))) }),
  'service.remove': (plan, a) => ({ removed: plan.mutate(`remove service ${a.ref}`, () => removeService(plan, a.ref)) }),
  'device.mgmt': (plan, a) => ({
    ip: ipView(new Keys(plan), plan.mutate(`attach ${a.address} to ${a.name}`, () => attachManagement(plan, spaceId(plan, a.space), a.name, a.address, a.purpose))),
  }),
  'device.wipe': (plan, a) => ({ device: a.name, released: plan.mutate(`wipe ${a.name}`, () => wipeDevice(plan, deviceId(plan, a.name), null)) }),
  'service.provision': (plan, a) => provision(plan, a.id, a.dry_run),
  'service.cancel': (plan, a) => ({ service: a.id, released: cancel(plan, a.id) }),
};
