/**
 * tree.rows at scale: how long one page of the prefix list takes on a plan of hundreds of thousands to millions of
 * subnet rows (bench/fixture.ts), cold (the chunk counts built first), warm, collapsed, and right after a change.
 *
 *   npm run bench:tree-rows [-- ALLOCATED_LEAVES ...]
 *
 * Each argument is a number of allocated /29s in 10.0.0.0/8 (default 100000 and 1000000); the tree holds about
 * twice as many rows, and the list about as many rows as there are allocations.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { invoke } from '../electron/api/handlers';
import { Plan } from '../electron/plan';
import { forgetTreeRows } from '../electron/tree/tree-rows';
import type { MethodArgs, MethodResult } from '../shared/api/contract';
import { buildFixture } from './fixture';

const ms = (t: number) => `${t.toFixed(1)} ms`;

function timed<T>(fn: () => T): { value: T; ms: number } {
  const start = performance.now();
  const value = fn();
  return { value, ms: performance.now() - start };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

function measure(leaves: number, dir: string): void {
  const file = join(dir, `plan-${leaves}.sqlite`);
  const fx = buildFixture(file, { rootNet: 0x0a000000, rootLen: 8, allocated: leaves, exactHoles: 200, mergeHoles: 200, customers: 50, history: false });
  console.log(`\n${fx.rows.toLocaleString('en')} subnet rows (${leaves.toLocaleString('en')} allocated /29s), built in ${ms(fx.buildMs)}`);
  const plan = Plan.open(file);
  const rows = (args: MethodArgs<'tree.rows'>) => invoke(plan, 'tree.rows', args) as MethodResult<'tree.rows'>;
  try {
    const cold = timed(() => rows({ limit: 200 }));
    const total = cold.value.total;
    console.log(`  list: ${total.toLocaleString('en')} rows; first page cold (counting every chunk first): ${ms(cold.ms)}`);
    const pages = Array.from({ length: 40 }, (_, i) => Math.floor(((i + 0.5) / 40) * (total - 200)));
    const warm = pages.map((offset) => timed(() => rows({ offset, limit: 200 })).ms);
    console.log(`  page of 200 anywhere, warm: median ${ms(median(warm))}, worst ${ms(Math.max(...warm))}`);
    const last = timed(() => rows({ offset: total - 200, limit: 200 }));
    console.log(`  last page: ${ms(last.ms)}`);
    // The parked /26 holds allocations; the /10 carries a VLAN once the fixture reaches it (else it is free space).
    const folded = [fx.parked[1]!, '10.64.0.0/10'];
    const collapsed = timed(() => rows({ offset: Math.floor(total / 3), limit: 200, collapsed: folded }));
    console.log(`  page with ${folded.join(' and ')} collapsed (${collapsed.value.total.toLocaleString('en')} rows left): ${ms(collapsed.ms)}`);
    const after = pages.slice(0, 10).map((offset) => {
      invoke(plan, 'allocate.subnet', { family: 4, prefix: 29 });
      return timed(() => rows({ offset, limit: 200 })).ms;
    });
    console.log(`  page right after an allocation (chunks it touched recounted): median ${ms(median(after))}, worst ${ms(Math.max(...after))}`);
    const today = timed(() => invoke(plan, 'subnet.list', { offset: Math.floor(total / 2), limit: 200 }));
    console.log(`  for comparison, subnet.list (the flat table) at the same depth: ${ms(today.ms)}`);
    forgetTreeRows(plan);
    const again = timed(() => rows({ offset: Math.floor(total / 2), limit: 200 }));
    console.log(`  cold again, mid-list page: ${ms(again.ms)}`);
  } finally {
    plan.close();
  }
}

const dir = mkdtempSync(join(tmpdir(), 'fluxplan-tree-rows-'));
try {
  const sizes = process.argv.slice(2).map(Number);
  for (const leaves of sizes.length ? sizes : [100_000, 1_000_000]) measure(leaves, dir);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
