import type { z } from 'zod';

/** One entry of the contract: zod schemas for the arguments and the result, and whether it writes. */
export function method<A extends z.ZodType, R extends z.ZodType>(args: A, result: R, mutates: boolean) {
  return { args, result, mutates };
}
