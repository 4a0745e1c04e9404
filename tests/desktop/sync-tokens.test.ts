/**
 * Tenant tokens on the desktop, checked without an Electron binary (a fake safeStorage): kept encrypted
 * by the keeper under the remote's name, added by main to sync.run / sync.start / sync.probe on their
 * way to the engine (whatever token the renderer sent is dropped), forgotten with their remote; a
 * remote whose token lives in the desktop's keychain syncs against the tenant emulator, and the CLI,
 * which cannot read that keychain, says where the token is.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { MethodName, Reply } from '../../shared/api/contract';
import { inProcessEngine } from '../../electron/main/engine';
import { SecretKeeper, type SafeStorageLike } from '../../electron/main/secrets';
import { forgetRemovedRemote, SAFE_STORAGE_KIND, SYNC_TOKENS_CHANNEL_PREFIX, withKeptToken } from '../../electron/main/sync-tokens';
import { tempDir } from '../support/plan';
import { Planner, startTenant } from '../sync-helpers';

class FakeSafeStorage implements SafeStorageLike {
  isEncryptionAvailable() {
    return true;
  }
  encryptString(plain: string) {
    return Buffer.from(`v10:${Buffer.from(plain, 'utf8').reverse().toString('hex')}`, 'utf8');
  }
  decryptString(data: Buffer) {
    return Buffer.from(data.toString('utf8').slice(4), 'hex').reverse().toString('utf8');
  }
  getSelectedStorageBackend() {
    return 'gnome_libsecret';
  }
}

function keeper(plan = '/plans/a.sqlite') {
  const k = new SecretKeeper(new FakeSafeStorage(), join(tempDir(), 'sync-tokens.json'), plan);
  return { k, tokens: () => k };
}

describe('the kept token on its way to the engine', () => {
  it('is added to the sync calls for the named remote, or the default one; a token from the renderer is dropped', async () => {
    const { k, tokens } = keeper();
    k.save('fb', 'tenant-token-kept');
    let asked = 0;
    const defaultRemote = async () => {
      asked++;
      return 'fb';
    };
    for (const m of ['sync.run', 'sync.start', 'sync.probe'] as MethodName[]) {
      expect(await withKeptToken(m, { remote: 'fb', token: 'from-the-renderer' }, tokens, defaultRemote)).toEqual({ remote: 'fb', token: 'tenant-token-kept' });
    }
    expect(asked).toBe(0);
    expect(await withKeptToken('sync.start', { dry_run: true }, tokens, defaultRemote)).toEqual({ dry_run: true, token: 'tenant-token-kept' });
    expect(asked).toBe(1);
    // A remote without a kept token: the renderer's token is still dropped, the engine reads the remote's file.
    expect(await withKeptToken('sync.run', { remote: 'staging', token: 'from-the-renderer' }, tokens, defaultRemote)).toEqual({ remote: 'staging' });
    expect(await withKeptToken('sync.run', { token: 'x' }, tokens, async () => null)).toEqual({});
    // Other calls pass untouched, token-looking fields included.
    const args = { name: 'fb', token: 'x' };
    expect(await withKeptToken('sync.remote.add', args, tokens, defaultRemote)).toBe(args);
    expect(await withKeptToken('sync.status', {}, tokens, defaultRemote)).toEqual({});
  });

  it('goes with its remote once the engine has removed it, not when the removal failed', () => {
    const { k, tokens } = keeper();
    k.save('fb', 'tenant-token-kept');
    const failed = { ok: false, error: { code: 'NOT_FOUND', message: 'no remote fb' } } as Reply<MethodName>;
    forgetRemovedRemote('sync.remote.remove', { name: 'fb' }, failed, tokens);
    expect(k.keys()).toEqual({ fb: 'tenant-token-kept' });
    forgetRemovedRemote('sync.status', { name: 'fb' }, { ok: true, result: {} } as Reply<MethodName>, tokens);
    expect(k.keys()).toEqual({ fb: 'tenant-token-kept' });
    forgetRemovedRemote('sync.remote.remove', { name: 'fb' }, { ok: true, result: { removed: 'fb' } } as Reply<MethodName>, tokens);
    expect(k.keys()).toEqual({});
  });

  it('lets a desktop remote sync with the tenant; the CLI is told the token is in the desktop keychain', async () => {
    const tenant = await startTenant();
    const a = new Planner('alice');
    await a.ok('subnet', 'add', '203.0.113.0/24', '--description', 'public pool');
    const { k, tokens } = keeper(a.db);
    const engine = inProcessEngine(a.db);
    try {
      k.save('fb', tenant.token);
      const added = await engine.call('sync.remote.add', { name: 'fb', url: tenant.url, secret_kind: SAFE_STORAGE_KIND, secret_ref: 'fb' });
      expect(added.ok && added.result.remote.secret).toBe("the desktop app's keychain");
      const call = async (m: MethodName, args: unknown) => engine.call(m, await withKeptToken(m, args, tokens, async () => 'fb'));
      const probe = await call('sync.probe', {});
      expect(probe).toMatchObject({ ok: true, result: { online: true, error: null } });
      const synced = await call('sync.run', {});
      expect(synced).toMatchObject({ ok: true, result: { mode: 'upload', status: 'synced' } });
      // Without the desktop in between there is no token.
      const bare = await engine.call('sync.run', {});
      expect(bare).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT', reason: 'SECRET' } });
    } finally {
      await engine.close();
    }
    const cli = await a.json('sync');
    expect(cli.code).toBe(1);
    expect(cli.body.error.message).toMatch(/kept by the host that added it \("safe-storage"\)/);
    expect(JSON.stringify(cli.body)).not.toContain(tenant.token);
  });
});

describe('the preload', () => {
  it('offers status, save and remove of sync tokens inside fluxplanShell, on their own channels, and nothing that reads one', () => {
    const src = readFileSync('electron/preload/index.ts', 'utf8');
    expect(src).toContain(`const SYNC_TOKENS_CHANNEL_PREFIX = '${SYNC_TOKENS_CHANNEL_PREFIX}'`);
    const start = src.indexOf('syncTokens: Object.freeze({');
    const block = src.slice(start, src.indexOf('\n    }),', start));
    expect([...block.matchAll(/^\s+(\w+): \(/gm)].map((m) => m[1])).toEqual(['status', 'save', 'remove']);
    expect(block.match(/ipcRenderer\.invoke\(`\$\{SYNC_TOKENS_CHANNEL_PREFIX\}(\w+)`/g)).toHaveLength(3);
  });
});
