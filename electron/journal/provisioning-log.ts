import type { Plan } from '../plan';

/** The seed's provisioning_logs actions; later domains add their own. */
export type ProvisioningAction =
  | 'ipam_allocate_ip'
  | 'ipam_allocate_subnet'
  | 'ipam_subnet_split'
  | 'ipam_subnet_merge'
  | 'ipam_wipe_device'
  | 'ipam_release'
  | (string & {});

/** Written in the caller's transaction, so a rollback takes the entry with it. */
export function logAction(plan: Plan, action: ProvisioningAction, success: boolean, details: Record<string, unknown>, service?: { id: number; ref: string } | null): void {
  plan
    .q('INSERT INTO provisioning_logs (action, success, service_id, service_ref, batch_id, details, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
    .run(action, success ? 1 : 0, service?.id ?? null, service?.ref ?? null, plan.batch?.id ?? null, JSON.stringify(details), plan.now || new Date().toISOString());
  plan.logged.push({ action, details });
}
