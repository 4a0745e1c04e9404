import { expect } from 'vitest';
import type { MethodArgs, MethodName } from '../../shared/api/contract';
import type { freshPlan } from './plan';

export type PlanEnv = ReturnType<typeof freshPlan>;

const EVERYTHING = 1_000_000;

/**
 * Everything a plan holds, as the API lists it (tree and IP records of every space, provisioning
 * log, journal batches) plus every table read raw, so derived columns and counters count too.
 */
export function snapshot(env: PlanEnv) {
  const { call, plan } = env;
  const spaces = call('space.list').spaces.map((s) => s.name);
  const tables = (plan.sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").all() as Array<{ name: string }>).map((t) => t.name);
  return {
    trees: spaces.map((space) => call('tree.get', { space })),
    ips: spaces.map((space) => call('ip.list', { space })),
    log: call('log.list', { limit: EVERYTHING }),
    journal: call('journal.list', { limit: EVERYTHING }),
    tables: Object.fromEntries(tables.map((t) => [t, plan.sqlite.prepare(`SELECT * FROM "${t}" ORDER BY rowid`).all()])),
  };
}

/** Expects the call to be refused with `code` and the plan to be exactly as it was before. */
export function refuseUnchanged<M extends MethodName>(env: PlanEnv, method: M, args: MethodArgs<M>, code: string): { code: string; message: string } {
  const before = snapshot(env);
  const error = env.refuse(method, args);
  expect(error.code, error.message).toBe(code);
  expect(snapshot(env)).toEqual(before);
  return error;
}

/** The tree of a space keyed by CIDR. */
export function treeOf(env: PlanEnv, space = 'global') {
  return new Map(env.call('tree.get', { space }).subnets.map((s) => [s.cidr, s]));
}

/** The CIDRs of a space in tree order. */
export function cidrsOf(env: PlanEnv, space = 'global'): string[] {
  return env.call('tree.get', { space }).subnets.map((s) => s.cidr);
}
