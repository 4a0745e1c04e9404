/**
 * Reverse DNS methods of the API contract (implemented in electron/rdns): PTR names by hand and by
 * pattern, reverse zones, providers, pending counts, and push (preview with dry_run).
 */
import { z } from 'zod';
import { classlessStyle, pendingView, providerType, providerView, rdnsSettings, zoneOutcome, zoneView } from '../rdns';
import { method } from './method';
import { ipView } from './types';

const space = z.string().min(1).default('global');
const text = z.string();
const addressArg = z.string().min(1, 'an address is required');
const cidrArg = z.string().min(1, 'a CIDR is required');
const zoneArg = z.string().min(1, 'a zone (reverse zone name or CIDR) is required');
const providerName = z.string().min(1, 'a provider name is required');
/** `ZONE=ID` pairs as the CLI takes them, or an object. */
const zoneIds = z.union([z.array(z.string()), z.record(z.string(), z.string())]);
const count = z.number().int().min(1);

export const rdnsContract = {
  /** Sets (or with an empty name clears) the PTR name of an address. */
  'rdns.set': method(
    z.object({ space, address: addressArg, name: text }),
    z.object({ address: z.string(), rdns: z.string().nullable(), previous: z.string().nullable(), ip: ipView.nullable() }),
    true,
  ),
  /** Fills the names of the IP records inside a subnet from a pattern; dry_run previews. */
  'rdns.pattern': method(
    z.object({
      space,
      cidr: cidrArg,
      pattern: z.string().min(1, 'a pattern is required, e.g. {ip-dashed}.static.example.net'),
      dry_run: z.boolean().default(false),
      /** Leave records that already have a name alone. */
      only_empty: z.boolean().default(false),
    }),
    z.object({
      cidr: z.string(),
      pattern: z.string(),
      dry_run: z.boolean(),
      changes: z.array(z.object({ address: z.string(), from: z.string().nullable(), to: z.string() })),
      unchanged: z.number().int(),
    }),
    true,
  ),

  'rdns.settings.get': method(z.object({}).default({}), z.object({ settings: rdnsSettings }), false),
  'rdns.settings.set': method(
    z.object({
      ns: z.array(text).optional(),
      soa_mname: text.nullable().optional(),
      soa_rname: text.nullable().optional(),
      ttl: count.optional(),
      refresh: count.optional(),
      retry: count.optional(),
      expire: count.optional(),
      minimum: count.optional(),
    }),
    z.object({ settings: rdnsSettings }),
    true,
  ),

  'rdns.zone.add': method(
    z.object({ space, zone: zoneArg, style: classlessStyle.optional(), provider: providerName.optional() }),
    z.object({ zone: zoneView }),
    true,
  ),
  'rdns.zone.remove': method(z.object({ space, zone: zoneArg }), z.object({ removed: z.string() }), true),
  /** Declared zones and the zones derived from the root subnets. */
  'rdns.zone.list': method(z.object({ space, provider: providerName.optional() }), z.object({ zones: z.array(zoneView) }), false),
  /** A BIND zone file for one reverse zone, SOA and NS from the settings. */
  'rdns.zone.file': method(z.object({ space, zone: zoneArg }), z.object({ zone: z.string(), text: z.string() }), false),

  'rdns.provider.add': method(
    z.object({
      space,
      name: providerName,
      type: providerType,
      url: text.optional(),
      zone_ids: zoneIds.optional(),
      secret_file: text.optional(),
      create_zones: z.boolean().default(false),
    }),
    z.object({ provider: providerView }),
    true,
  ),
  'rdns.provider.set': method(
    z.object({
      name: providerName,
      url: text.nullable().optional(),
      /** Replaces the whole map. */
      zone_ids: zoneIds.optional(),
      secret_file: text.nullable().optional(),
      create_zones: z.boolean().optional(),
    }),
    z.object({ provider: providerView }),
    true,
  ),
  'rdns.provider.remove': method(z.object({ name: providerName }), z.object({ removed: z.string() }), true),
  'rdns.provider.list': method(z.object({}).default({}), z.object({ providers: z.array(providerView) }), false),

  /** What is waiting to be pushed, per provider and zone, computed offline from the last push. */
  'rdns.pending': method(z.object({ provider: providerName.optional() }).default({}), z.object({ providers: z.array(pendingView) }), false),

  /**
   * Reads each provider's zones, diffs them against the plan and applies the difference (only
   * records FluxPlan owns). dry_run returns the same outcome without writing anything anywhere.
   * `secrets` lets the desktop pass keys it keeps in the OS keychain; otherwise each provider's
   * secret file is read. Secrets are never stored, logged or returned.
   */
  'rdns.push': method(
    z.object({ provider: providerName.optional(), dry_run: z.boolean().default(false), secrets: z.record(z.string(), z.string()).optional() }),
    z.object({
      dry_run: z.boolean(),
      ok: z.boolean(),
      zones: z.array(zoneOutcome),
      pending: z.array(z.object({ provider: z.string(), pending: z.number().int() })),
    }),
    true,
    { async: true },
  ),
} as const;
