/**
 * A product's ipam_config: the allocation rules FluxBilling fulfils when a service is provisioned.
 * Shared so that the desktop rules editor validates exactly as the engine does.
 */
import { z } from 'zod';
import { parseCidr } from '../cidr';

const cidr = z.string().superRefine((value, ctx) => {
  try {
    parseCidr(value);
  } catch (e) {
    ctx.addIssue({ code: 'custom', message: (e as Error).message });
  }
});

export const ipamRule = z
  .object({
    type: z.enum(['ip', 'subnet'], { error: 'type is "ip" or "subnet"' }),
    family: z.union([z.literal(4), z.literal(6)], { error: 'family is 4 or 6' }),
    count: z.number().int().min(1, 'count is at least 1').max(1024, 'count is at most 1024').default(1),
    /** Subnet rules: the length of each block. */
    prefix_length: z.number().int().min(0).max(128).optional(),
    /** Draw only from subnets whose effective VLAN is one of these (enabled at the device's location). */
    vlans: z.array(z.number().int().min(1).max(4094, 'a VLAN ID is 1-4094')).optional(),
    /** Draw only from inside these subnets: IP pools for ip rules, carving space for subnet rules. */
    pools: z.array(cidr).optional(),
    /** A label kept on what the rule allocates: primary, additional, management, ... */
    purpose: z.string().min(1).max(64).optional(),
  })
  .strict()
  .superRefine((rule, ctx) => {
    if (rule.type === 'subnet' && rule.prefix_length === undefined) {
      ctx.addIssue({ code: 'custom', path: ['prefix_length'], message: 'a subnet rule needs prefix_length' });
    }
    if (rule.type === 'ip' && rule.prefix_length !== undefined) {
      ctx.addIssue({ code: 'custom', path: ['prefix_length'], message: 'an ip rule takes no prefix_length' });
    }
    if (rule.prefix_length !== undefined && rule.prefix_length > (rule.family === 4 ? 32 : 128)) {
      ctx.addIssue({ code: 'custom', path: ['prefix_length'], message: `IPv${rule.family} prefix lengths are 0-${rule.family === 4 ? 32 : 128}` });
    }
    for (const [i, p] of (rule.pools ?? []).entries()) {
      try {
        if (parseCidr(p).version !== rule.family) ctx.addIssue({ code: 'custom', path: ['pools', i], message: `${p} is not IPv${rule.family}` });
      } catch {
        // reported by the cidr check
      }
    }
  });

export const ipamConfig = z
  .object({
    mode: z.enum(['full', 'disabled'], { error: 'mode is "full" or "disabled"' }),
    rules: z.array(ipamRule).default([]),
  })
  .strict();

export type IpamRule = z.output<typeof ipamRule>;
export type IpamConfig = z.output<typeof ipamConfig>;

/** Every problem at once, each with where it is: "rules[1].prefix_length: a subnet rule needs prefix_length". */
export function ipamConfigProblems(error: z.ZodError): string[] {
  return error.issues.map((i) => {
    const where = i.path.map((p, n) => (typeof p === 'number' ? `[${p}]` : `${n ? '.' : ''}${String(p)}`)).join('');
    return where ? `${where}: ${i.message}` : i.message;
  });
}
