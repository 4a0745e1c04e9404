import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import type { HandlerResult, MethodArgs, MethodName } from '../../shared/api/contract';
import { contract } from '../../shared/api/contract';
import { invoke } from '../../electron/api/handlers';
import { Plan } from '../../electron/plan';
import { isFluxError } from '../../shared/errors';

const dirs: string[] = [];
afterEach(() => {
  while (dirs.length) rmSync(dirs.pop()!, { recursive: true, force: true });
});

export function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fluxplan-test-'));
  dirs.push(dir);
  return dir;
}

/** Calls a method and checks its result against the contract (an async method's when its promise settles). */
export function checkedCall<M extends MethodName>(plan: Plan, method: M, args?: MethodArgs<M>): HandlerResult<M> {
  const result = invoke(plan, method, args ?? {});
  if (result instanceof Promise) return result.then((r: unknown) => contract[method].result.parse(r)) as HandlerResult<M>;
  contract[method].result.parse(result);
  return result;
}

/** The FluxError an async method is refused with; fails the test if it succeeds. */
export async function refusedAsync<M extends MethodName>(plan: Plan, method: M, args?: MethodArgs<M>): Promise<{ code: string; message: string }> {
  try {
    await invoke(plan, method, args ?? {});
  } catch (e) {
    if (isFluxError(e)) return { code: e.code, message: e.message };
    throw e;
  }
  throw new Error(`${method} was expected to be refused`);
}

/** A real plan file in a fresh temporary folder, with a typed caller that checks every result against the contract. */
export function freshPlan() {
  const file = join(tempDir(), 'plan.sqlite');
  const plan = Plan.open(file);
  const call = <M extends MethodName>(method: M, args?: MethodArgs<M>): HandlerResult<M> => checkedCall(plan, method, args);
  /** The error code a call is refused with; fails the test if it succeeds. */
  const refuse = <M extends MethodName>(method: M, args?: MethodArgs<M>): { code: string; message: string } => {
    try {
      invoke(plan, method, args ?? {});
    } catch (e) {
      if (isFluxError(e)) return { code: e.code, message: e.message };
      throw e;
    }
    throw new Error(`${method} was expected to be refused`);
  };
  const refuseAsync = <M extends MethodName>(method: M, args?: MethodArgs<M>) => refusedAsync(plan, method, args);
  const check = () => invoke(plan, 'check.run', {}).violations;
  return { plan, file, call, refuse, refuseAsync, check };
}
