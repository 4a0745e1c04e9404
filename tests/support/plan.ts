import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach } from 'vitest';
import type { MethodArgs, MethodName, MethodResult } from '../../shared/api/contract';
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

/** A real plan file in a fresh temporary folder, with a typed caller that checks every result against the contract. */
export function freshPlan() {
  const file = join(tempDir(), 'plan.sqlite');
  const plan = Plan.open(file);
  const call = <M extends MethodName>(method: M, args?: MethodArgs<M>): MethodResult<M> => {
    const result = invoke(plan, method, args ?? {});
    contract[method].result.parse(result);
    return result;
  };
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
  const check = () => invoke(plan, 'check.run', {}).violations;
  return { plan, file, call, refuse, check };
}
