import type { MethodName, MethodResult, ParsedArgs } from '../../shared/api/contract';
import type { Plan } from '../plan';

export type Handler<M extends MethodName> = (plan: Plan, args: ParsedArgs<M>) => MethodResult<M>;

/** A domain's share of the handler table. */
export type HandlerMap<K extends MethodName> = { [M in K]: Handler<M> };
