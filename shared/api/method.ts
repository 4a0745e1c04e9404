import type { z } from 'zod';

/**
 * One entry of the contract: zod schemas for the arguments and the result, whether it writes, and
 * whether its handler is async (it waits on the network or on a job; every transport awaits it, and
 * the engine answers other calls meanwhile).
 */
export function method<A extends z.ZodType, R extends z.ZodType, Async extends boolean = false>(args: A, result: R, mutates: boolean, options?: { async: Async }) {
  return { args, result, mutates, async: (options?.async ?? false) as Async };
}
