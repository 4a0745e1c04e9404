import type { HandlerResult, MethodName, ParsedArgs } from '../../shared/api/contract';
import type { Plan } from '../plan';

/** What a call carries besides its arguments: a cancel (the desktop's Cancel, the command line's Ctrl-C). */
export interface CallContext {
  signal?: AbortSignal;
}

/**
 * A method's handler. The contract says whether it is async; an async handler may await the network
 * or a job but never holds a transaction across an await (Plan.mutate is synchronous).
 */
export type Handler<M extends MethodName> = (plan: Plan, args: ParsedArgs<M>, context: CallContext) => HandlerResult<M>;

/** A domain's share of the handler table. */
export type HandlerMap<K extends MethodName> = { [M in K]: Handler<M> };
