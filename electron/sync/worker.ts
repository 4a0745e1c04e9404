/**
 * Sync off the UI's engine. `sync.run` blocks its caller while it talks to the tenant; on the desktop
 * (and the browser host) the engine that answers the UI must never wait on the network, so the sync
 * runs on an engine of its own: a worker thread with its own SQLite connection to the same plan file
 * (electron/main/engine.ts, `workerEngine`, started from the same engine-worker script the host
 * already ships). The UI's engine keeps answering meanwhile, local work included; the sync takes the
 * plan's write lock only for its own short transactions (and for the length of a clone's download).
 */
import type { MethodArgs, Reply } from '../../shared/api/contract';
import { workerEngine } from '../main/engine';

export async function runSyncInWorker(file: string, engineScript: URL | string, args: MethodArgs<'sync.run'> = {}): Promise<Reply<'sync.run'>> {
  const engine = await workerEngine(file, engineScript);
  try {
    return await engine.call('sync.run', args);
  } finally {
    await engine.close();
  }
}
