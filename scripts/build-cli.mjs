// Bundles the command line into dist/cli.mjs so that ./bin/fluxplan starts without a TypeScript loader.
// Runs on `npm install` (prepare); better-sqlite3 stays external because it is a native module.
import { build } from 'esbuild';

await build({
  entryPoints: ['electron/cli/entry.ts'],
  outfile: 'dist/cli.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['better-sqlite3'],
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  sourcemap: 'linked',
  logLevel: 'warning',
});

// The job worker (imports, exports, syncs) runs in a thread of its own (electron/jobs/job.ts starts it next to the CLI bundle).
await build({
  entryPoints: ['electron/jobs/worker.ts'],
  outfile: 'dist/job-worker.mjs',
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['better-sqlite3'],
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  sourcemap: 'linked',
  logLevel: 'warning',
});
