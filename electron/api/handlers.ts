/**
 * The one handler table: every method of the contract, combined from the domains' maps.
 * Transports (CLI, Electron IPC, loopback HTTP) call `invoke`, which validates before the engine runs.
 */
import type { z } from 'zod';
import { contract, type HandlerResult, type MethodName, type MethodResult, type Reply } from '../../shared/api/contract';
import { FluxError } from '../../shared/errors';
import { allocatorHandlers } from '../allocator/handlers';
import { billingHandlers } from '../billing/handlers';
import { catalogHandlers } from '../catalog/handlers';
import { importHandlers } from '../import/handlers';
import { journalHandlers } from '../journal/handlers';
import { provisioningHandlers } from '../provisioning/handlers';
import type { Plan } from '../plan';
import { rdnsHandlers } from '../rdns/handlers';
import { syncHandlers } from '../sync/handlers';
import { treeHandlers } from '../tree/handlers';
import { browseHandlers } from '../tree/browse';
import { treeRowsHandlers } from '../tree/tree-rows';
import type { CallContext, HandlerMap } from './handler';
import { toErrorBody } from './error-body';

export { toErrorBody };

export const handlers: HandlerMap<MethodName> = {
  ...catalogHandlers,
  ...treeHandlers,
  ...allocatorHandlers,
  ...journalHandlers,
  ...provisioningHandlers,
  ...browseHandlers,
  ...treeRowsHandlers,
  ...rdnsHandlers,
  ...billingHandlers,
  ...syncHandlers,
  ...importHandlers,
};

export function isMethod(name: string): name is MethodName {
  return Object.prototype.hasOwnProperty.call(contract, name);
}

/** Names the field and the problem, e.g. "vlan: a VLAN ID is 1-4094". */
export function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => (i.path.length ? `${i.path.join('.')}: ${i.message}` : i.message)).join('; ');
}

export function parseArgs<M extends MethodName>(method: M, raw: unknown) {
  const parsed = contract[method].args.safeParse(raw ?? {});
  if (!parsed.success) throw new FluxError('INVALID_ARGUMENT', `${method}: ${describeIssues(parsed.error)}`);
  return parsed.data;
}

/**
 * Validates, runs, and returns the result (a promise of it for the async methods). Throws FluxError for
 * refusals; an async method rejects with it.
 */
export function invoke<M extends MethodName>(plan: Plan, method: M, raw: unknown, context: CallContext = {}): HandlerResult<M> {
  const args = parseArgs(method, raw);
  return (handlers[method] as (plan: Plan, args: unknown, context: CallContext) => HandlerResult<M>)(plan, args, context);
}

/** invoke, awaited and folded into the reply shape transports send over the wire. */
export async function reply<M extends MethodName>(plan: Plan, method: M, raw: unknown, context: CallContext = {}): Promise<Reply<M>> {
  try {
    return { ok: true, result: (await invoke(plan, method, raw, context)) as MethodResult<M> };
  } catch (e) {
    return { ok: false, error: toErrorBody(e) };
  }
}
