/**
 * `npm run web`: serves the plan to a browser on 127.0.0.1 and prints the URL with its token.
 * Options: --port N (default: a free port), --db FILE (default: the desktop app's plan; FLUXPLAN_DB overrides).
 */
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultPlanPath } from '../db/paths';
import { inProcessEngine, workerEngine, type Engine } from '../main/engine';
import { startWebHost } from './server';

export interface WebOptions {
  port: number;
  db: string;
}

export function parseWebArgs(argv: string[], env: NodeJS.ProcessEnv = process.env): WebOptions {
  const out: WebOptions = { port: 0, db: defaultPlanPath(env) };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const [flag, inline] = a.includes('=') ? [a.slice(0, a.indexOf('=')), a.slice(a.indexOf('=') + 1)] : [a, undefined];
    const value = () => {
      const v = inline ?? argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    if (flag === '--port') {
      const p = Number(value());
      if (!Number.isInteger(p) || p < 0 || p > 65535) throw new Error('--port takes a number 0-65535');
      out.port = p;
    } else if (flag === '--db') out.db = resolve(value());
    else if (flag === '--help' || flag === '-h') throw new Error('usage: npm run web -- [--port N] [--db FILE]');
    else throw new Error(`unknown option ${a} (usage: npm run web -- [--port N] [--db FILE])`);
  }
  return out;
}

export async function runWeb(argv: string[]): Promise<void> {
  let options: WebOptions;
  try {
    options = parseWebArgs(argv);
  } catch (e) {
    process.stderr.write(`fluxplan web: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(2);
  }
  const here = dirname(fileURLToPath(import.meta.url));
  const rendererDir = resolve(here, '../renderer');
  if (!existsSync(join(rendererDir, 'index.html'))) {
    process.stderr.write('fluxplan web: the renderer is not built; run `npm run web` (it builds first)\n');
    process.exit(1);
  }
  const workerScript = join(here, 'engine-worker.mjs');
  let engine: Engine;
  try {
    engine = existsSync(workerScript) ? await workerEngine(options.db, workerScript) : inProcessEngine(options.db);
  } catch (e) {
    process.stderr.write(`fluxplan web: ${e instanceof Error ? e.message : String(e)}\n`);
    process.exit(1);
  }
  const host = await startWebHost({ engine, rendererDir, port: options.port });
  process.stdout.write(`FluxPlan browser host for ${options.db} (Ctrl+C stops it)\n${host.url}\n`);
  const stop = async () => {
    await host.close();
    await engine.close();
    process.exit(0);
  };
  process.once('SIGINT', () => void stop());
  process.once('SIGTERM', () => void stop());
}
