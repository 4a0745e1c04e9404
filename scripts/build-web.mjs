// Builds what the browser host needs: the renderer (vite, skipped when out/renderer is newer than its
// sources) and the host itself with its engine worker (esbuild, a second or less).
import { build as esbuild } from 'esbuild';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));

function newest(dir) {
  let t = 0;
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    t = Math.max(t, e.isDirectory() ? newest(p) : statSync(p).mtimeMs);
  }
  return t;
}

export async function buildRenderer({ force = false, outDir } = {}) {
  const index = join(outDir ?? join(root, 'out/renderer'), 'index.html');
  const sources = Math.max(newest(join(root, 'renderer')), newest(join(root, 'shared')));
  if (!force && existsSync(index) && statSync(index).mtimeMs > sources) return false;
  const { build } = await import('vite');
  await build({ configFile: join(root, 'renderer/vite.config.ts'), ...(outDir ? { build: { outDir, emptyOutDir: true } } : {}), logLevel: 'warn' });
  return true;
}

export async function buildWebHost() {
  const common = {
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    external: ['better-sqlite3'],
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
    logLevel: 'warning',
    absWorkingDir: root,
  };
  await esbuild({ ...common, entryPoints: ['electron/web/entry.ts'], outfile: 'out/web/fluxplan-web.mjs' });
  await esbuild({ ...common, entryPoints: ['electron/main/engine-worker.ts'], outfile: 'out/web/engine-worker.mjs' });
  // Imports, exports and syncs run on the job worker, found next to the engine worker.
  await esbuild({ ...common, entryPoints: ['electron/jobs/worker.ts'], outfile: 'out/web/job-worker.mjs' });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const built = await buildRenderer({ force: process.argv.includes('--force') });
  await buildWebHost();
  console.log(`browser host built${built ? ' (renderer rebuilt)' : ''}`);
}
