// npm start: the desktop app when an Electron binary can run here, else (in one line) the browser host.
// Arguments after `--` go to the browser host (--port, --db).
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const require = createRequire(import.meta.url);

function whyNoElectron() {
  // Read what electron's install step left, rather than require('electron'): that would try to download it.
  let dir;
  try {
    dir = dirname(require.resolve('electron/package.json'));
  } catch {
    return { reason: 'the electron package is not installed' };
  }
  const pathFile = join(dir, 'path.txt');
  const binary = existsSync(pathFile) ? join(dir, 'dist', readFileSync(pathFile, 'utf8').trim()) : null;
  if (!binary || !existsSync(binary)) return { reason: 'its binary is not installed; downloads are skipped here' };
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return { reason: 'there is no display' };
  return { binary };
}

async function web(reason) {
  console.log(`FluxPlan: no Electron binary can run here (${reason}); serving the browser host instead.`);
  await import('./web.mjs');
}

const found = whyNoElectron();
if (!found.binary) {
  await web(found.reason);
} else {
  const build = spawnSync(process.execPath, [require.resolve('electron-vite/bin/electron-vite.js'), 'build'], { cwd: root, stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
  const started = Date.now();
  const child = spawn(found.binary, [fileURLToPath(new URL('../out/main/index.js', import.meta.url))], { cwd: root, stdio: 'inherit' });
  child.on('error', (e) => void web(`Electron failed to start: ${e.message}`));
  child.on('exit', (code) => {
    // A binary that cannot run (missing system libraries) dies at once: fall back rather than leave nothing.
    if (code !== 0 && Date.now() - started < 4000) void web(`Electron exited with ${code} at start`);
    else process.exit(code ?? 0);
  });
}
