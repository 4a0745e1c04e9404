// npm run package:linux | package:win | package:mac: builds the app with electron-vite and packages it with
// electron-builder (which rebuilds better-sqlite3 for Electron). Afterwards better-sqlite3 is rebuilt for
// Node again, so `npm test` and ./bin/fluxplan keep working. Needs network access for Electron downloads.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);
const target = process.argv[2] ?? '--linux';
if (!['--linux', '--win', '--mac'].includes(target)) {
  console.error('usage: node scripts/package.mjs --linux|--win|--mac');
  process.exit(2);
}

function run(cmd, args, env = {}) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env: { ...process.env, ...env } });
  return r.status ?? 1;
}

let status = run(process.execPath, [require.resolve('electron-vite/bin/electron-vite.js'), 'build']);
if (status === 0) {
  // The binary download is skipped for installs; packaging needs it, so allow it here only.
  status = run(process.execPath, [require.resolve('electron-builder/cli.js'), target, '--publish', 'never'], {
    ELECTRON_SKIP_BINARY_DOWNLOAD: '',
    npm_config_electron_skip_binary_download: '',
  });
}
// Whatever happened, put the Node build of better-sqlite3 back.
const restore = run('npm', ['rebuild', 'better-sqlite3']);
process.exit(status || restore);
