/** Helpers for the transit billing tests: plans with a billable service, CSV text, times. */
import type { MethodArgs } from '../../shared/api/contract';
import { freshPlan } from './plan';

/** Unix seconds of an ISO time. */
export const at = (iso: string) => Date.parse(iso) / 1000;
export const MBPS = 1_000_000;

/** A plan with customer cust-1, a product and services svc-1..svc-n ready for transit billing. */
export function billingPlan(services = 1) {
  const env = freshPlan();
  env.call('customer.add', { id: 'cust-1' });
  env.call('product.add', { name: 'transit', ipam_config: { mode: 'disabled' } });
  for (let i = 1; i <= services; i++) env.call('service.add', { id: `svc-${i}`, customer: 'cust-1', product: 'transit' });
  const add = (args: Omit<MethodArgs<'transit.add'>, 'service'> & { service?: string }) => env.call('transit.add', { service: 'svc-1', ...args });
  const importCsv = (csv: string, kind: 'bps' | 'octets' = 'bps', service = 'svc-1') => env.call('transit.samples.import', { service, csv, name: 'test.csv', kind });
  const bill = (args: Omit<MethodArgs<'transit.bill'>, 'service'> & { service?: string }) => env.call('transit.bill', { service: 'svc-1', ...args });
  return { ...env, add, importCsv, bill };
}

/** CSV text: header plus one row per [t, in, out]. */
export function csv(rows: Array<[number | string, number | bigint | string, number | bigint | string]>): string {
  return ['timestamp,in,out', ...rows.map((r) => r.join(','))].join('\n');
}

/** Every 5-minute slot of [from, to) as [t, in, out] with the rates (bps) that f gives for slot index j. */
export function series(from: number, to: number, f: (j: number, t: number) => [number, number]): Array<[number, number, number]> {
  const out: Array<[number, number, number]> = [];
  for (let t = from, j = 0; t < to; t += 300, j++) {
    const [a, b] = f(j, t);
    out.push([t, a, b]);
  }
  return out;
}
