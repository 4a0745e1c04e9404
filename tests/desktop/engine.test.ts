/**
 * The engine worker that the desktop app and `npm run web` run the plan in: bundled the way the hosts
 * bundle it, it opens (and migrates) the plan before answering, answers in the reply shape, and reports
 * a plan it cannot open instead of starting.
 */
import { build } from 'esbuild';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workerEngine } from '../../electron/main/engine';

let dir: string;
let script: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'fluxplan-worker-'));
  // Bundled inside the checkout (.bench/ is ignored by git) so that the engine finds migrations/ as the hosts do.
  script = join(process.cwd(), '.bench', `engine-worker-test-${process.pid}.mjs`);
  await build({
    entryPoints: ['electron/main/engine-worker.ts'],
    outfile: script,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['better-sqlite3'],
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    logLevel: 'warning',
  });
});

afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(script, { force: true });
});

describe('the engine worker', () => {
  it('opens the plan off the main thread and answers in the reply shape', async () => {
    const engine = await workerEngine(join(dir, 'plan.sqlite'), script);
    try {
      expect(await engine.call('subnet.add', { cidr: '203.0.113.0/24' })).toMatchObject({ ok: true, result: { subnet: { cidr: '203.0.113.0/24' } } });
      expect(await engine.call('subnet.add', { cidr: '203.0.113.0/24' })).toMatchObject({ ok: false, error: { code: 'EXISTS' } });
      expect(await engine.call('subnet.add', { cidr: 5 })).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
      // Calls are answered in order even when many are in flight.
      const many = await Promise.all(Array.from({ length: 20 }, (_, i) => engine.call('allocate.subnet', { family: 4, prefix: 30, description: `n${i}` })));
      expect(many.every((r) => r.ok)).toBe(true);
      expect(new Set(many.map((r) => (r.ok ? (r.result as { cidr: string }).cidr : ''))).size).toBe(20);
      expect(await engine.call('plan.info', {})).toMatchObject({ ok: true, result: { subnets: expect.any(Number) } });
    } finally {
      await engine.close();
    }
  });

  it('refuses to start on a damaged plan file, with the engine message', async () => {
    const bad = join(dir, 'damaged.sqlite');
    writeFileSync(bad, 'this is not a database, just text long enough to look like one'.repeat(100));
    await expect(workerEngine(bad, script)).rejects.toMatchObject({ code: 'DB_DAMAGED' });
  });
});

describe('where electron may be imported', () => {
  const files = (root: string): string[] =>
    readdirSync(root).flatMap((name) => {
      const p = join(root, name);
      return statSync(p).isDirectory() ? files(p) : /\.tsx?$/.test(name) ? [p] : [];
    });
  it('only electron/main and electron/preload import electron, and the hosts share no electron code', () => {
    const offenders = [...files('electron'), ...files('shared'), ...files('renderer')]
      .filter((f) => /from 'electron'/.test(readFileSync(f, 'utf8')))
      .map((f) => relative(process.cwd(), f))
      .filter((f) => !/^electron\/(main|preload)\//.test(f));
    expect(offenders).toEqual([]);
    // What the browser host loads from electron/main must not import electron at run time.
    for (const f of ['electron/main/engine.ts', 'electron/main/engine-worker.ts', 'electron/main/ipc.ts', 'electron/main/security.ts']) {
      expect(readFileSync(f, 'utf8')).not.toMatch(/^import (?!type)[^;]*from 'electron'/m);
    }
  });
});
