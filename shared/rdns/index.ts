/**
 * Reverse DNS shapes both sides need: provider kinds, zone and push views, settings.
 * The engine (electron/rdns) produces them; the desktop renders and edits them.
 */
import { z } from 'zod';

export const providerType = z.enum(['internal', 'powerdns', 'cloudflare'], { error: 'type is internal, powerdns or cloudflare' });
export type ProviderType = z.output<typeof providerType>;

export const classlessStyle = z.enum(['slash', 'dash'], { error: 'style is "slash" (64/26) or "dash" (64-127)' });

/** The comment FluxPlan puts on every record it writes at a provider; records without it are never touched. */
export const OWNER_MARK = 'managed by FluxPlan';

export const providerView = z.object({
  id: z.number().int(),
  name: z.string(),
  type: providerType,
  /** The address space whose IP records it publishes. */
  space: z.string(),
  url: z.string().nullable(),
  /** Path of the file holding the API key or token (the secret itself is never stored or shown). */
  secret_file: z.string().nullable(),
  create_zones: z.boolean(),
  /** Reverse zone name to the provider's zone id (Cloudflare). */
  zone_ids: z.record(z.string(), z.string()),
  /** Zones declared for this provider alone; when empty it serves every zone not declared for another provider. */
  zones: z.array(z.string()),
  /** Records that differ from what FluxPlan last pushed (always 0 for internal providers). */
  pending: z.number().int(),
});
export type ProviderView = z.output<typeof providerView>;

export const zoneView = z.object({
  name: z.string(),
  cidr: z.string(),
  space: z.string(),
  kind: z.enum(['octet', 'classless', 'nibble']),
  style: classlessStyle.nullable(),
  /** Declared by the planner (true) or derived from a root subnet (false). */
  declared: z.boolean(),
  provider: z.string().nullable(),
  /** PTRs the plan holds for this zone. */
  ptrs: z.number().int(),
  /** Classless zones: the /24 zone that must delegate to it, and the CNAMEs it needs there. */
  parent: z.string().nullable(),
  cnames: z.array(z.object({ name: z.string(), target: z.string() })),
});
export type ZoneView = z.output<typeof zoneView>;

export const recordType = z.enum(['PTR', 'CNAME']);
export const record = z.object({ name: z.string(), type: recordType, content: z.string() });
export type DnsRecord = z.output<typeof record>;

export const zoneOutcome = z.object({
  provider: z.string(),
  zone: z.string(),
  /**
   * unchanged: nothing to do; applied: every change went through; partial: some changes failed;
   * failed: the zone could not be read or written; preview: a dry run (nothing was written).
   */
  status: z.enum(['unchanged', 'applied', 'partial', 'failed', 'preview']),
  /** The zone did not exist at the provider and was (or, in a dry run, would be) created. */
  zone_created: z.boolean(),
  created: z.array(record),
  changed: z.array(z.object({ name: z.string(), type: recordType, from: z.string(), to: z.string() })),
  deleted: z.array(record),
  failed: z.array(z.object({ name: z.string(), type: recordType, error: z.string() })),
  error: z.string().nullable(),
});
export type ZoneOutcome = z.output<typeof zoneOutcome>;

export const pendingView = z.object({
  provider: z.string(),
  type: providerType,
  pending: z.number().int(),
  create: z.number().int(),
  change: z.number().int(),
  delete: z.number().int(),
  zones: z.array(z.object({ zone: z.string(), create: z.number().int(), change: z.number().int(), delete: z.number().int() })),
});
export type PendingView = z.output<typeof pendingView>;

/** SOA and NS for exported zone files and zones created at a provider. */
export const rdnsSettings = z.object({
  ns: z.array(z.string()),
  /** SOA MNAME; defaults to the first name server. */
  soa_mname: z.string().nullable(),
  /** SOA RNAME as a mailbox name (hostmaster.example.net); an e-mail address is accepted on input. */
  soa_rname: z.string().nullable(),
  ttl: z.number().int(),
  refresh: z.number().int(),
  retry: z.number().int(),
  expire: z.number().int(),
  minimum: z.number().int(),
});
export type RdnsSettings = z.output<typeof rdnsSettings>;

export const DEFAULT_SETTINGS: RdnsSettings = {
  ns: [],
  soa_mname: null,
  soa_rname: null,
  ttl: 3600,
  refresh: 10800,
  retry: 3600,
  expire: 604800,
  minimum: 3600,
};

/** Placeholders a pattern may use; each yields DNS-safe text. */
export const PATTERN_PLACEHOLDERS = {
  'ip-dashed': 'the address with dashes: 203-0-113-5, 2001-db8-0-0-0-0-0-1',
  'ip-hex': 'the address as hex digits: cb007105, 20010db8000000000000000000000001',
  'last-octet': 'the last byte in decimal (IPv4: the fourth octet)',
  'last-hextet': 'the last 16 bits in hex (IPv6)',
  octet1: 'first IPv4 octet', octet2: 'second IPv4 octet', octet3: 'third IPv4 octet', octet4: 'fourth IPv4 octet',
  location: "the subnet's effective location code, lower case",
  vlan: "the subnet's effective VLAN ID (or the record's VLAN)",
  customer: "the record's customer ID, lower case",
  service: "the record's service ID, lower case",
  device: "the record's device name, lower case",
  space: 'the address space, lower case',
} as const;
export type PatternPlaceholder = keyof typeof PATTERN_PLACEHOLDERS;
