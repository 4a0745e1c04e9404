import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const APP_NAME = 'FluxPlan';
export const PLAN_FILE = 'plan.sqlite';

/**
 * The folder Electron calls userData, computed without Electron so that the CLI,
 * the browser host and the desktop app all open the same plan by default.
 */
export function userDataDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return join(env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), APP_NAME);
  if (platform === 'darwin') return join(homedir(), 'Library', 'Application Support', APP_NAME);
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), APP_NAME);
}

export function defaultPlanPath(env: NodeJS.ProcessEnv = process.env): string {
  return env.FLUXPLAN_DB || join(userDataDir(env), PLAN_FILE);
}

/** migrations/ sits at the package root, both beside the sources and beside the bundled CLI in dist/. */
export function migrationsDir(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const candidate = join(dir, 'migrations');
    if (existsSync(join(candidate, 'meta', '_journal.json'))) return candidate;
    dir = resolve(dir, '..');
  }
  throw new Error('migrations/ folder not found next to the FluxPlan installation');
}
