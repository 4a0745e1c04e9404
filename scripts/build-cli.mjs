// Bundles the command line into dist/cli.mjs so that ./bin/fluxplan starts without a TypeScript loader,
// and the job worker it starts into dist/job-worker.mjs. Runs on `npm install` (prepare) and once before
// the test suite (tests/support/global-setup.ts); better-sqlite3 stays external because it is a native
// module. Each file is written whole and renamed into place, so a process starting the CLI meanwhile
// never reads half a bundle.
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { build } from 'esbuild';

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external: ['better-sqlite3'],
  banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  sourcemap: 'linked',
  logLevel: 'warning',
  write: false,
};

for (const [entry, outfile] of [
  ['electron/cli/entry.ts', 'dist/cli.mjs'],
  // The job worker (imports, exports, detections, applying a clone) runs in a thread of its own, next to the CLI bundle.
  ['electron/jobs/worker.ts', 'dist/job-worker.mjs'],
]) {
  const result = await build({ ...common, entryPoints: [entry], outfile });
  for (const file of result.outputFiles) {
    const tmp = `${file.path}.${process.pid}.tmp`;
    mkdirSync(dirname(file.path), { recursive: true });
    writeFileSync(tmp, file.contents);
    renameSync(tmp, file.path);
  }
}
