/**
 * The desktop keychain for rDNS provider keys, checked without an Electron binary: a fake safeStorage,
 * a fake ipcMain and fake IPC events. Keys are kept encrypted (never in clear text on disk), the three
 * channels go through the same gate as the contract (foreign frames and malformed payloads refused
 * before anything is touched), no answer ever carries a key back, and main hands the keys to
 * rdns.push, which a Cloudflare stand-in accepts.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { MethodName, Reply } from '../../shared/api/contract';
import { inProcessEngine, type Engine } from '../../electron/main/engine';
import { IpcGuardError, IpcRegistry, channelOf, type InvokeEventLike, type IpcMainLike } from '../../electron/main/ipc';
import { SECRETS_CHANNEL_PREFIX, SecretKeeper, secretChannels, withKeptSecrets, type SafeStorageLike } from '../../electron/main/secrets';
import { APP_ORIGIN, isAppUrl } from '../../electron/main/security';

const KEY = 'cf-desktop-token-91ab2c';
const WINDOW_ID = 3;
const policy = { windowId: () => WINDOW_ID, isAppUrl: (u: string) => isAppUrl(u, undefined) };

/** Stands in for the OS keychain: a reversible scramble, so clear text never reaches the file. */
class FakeSafeStorage implements SafeStorageLike {
  available = true;
  backend = 'gnome_libsecret';
  readonly encrypted: string[] = [];
  isEncryptionAvailable() {
    return this.available;
  }
  encryptString(plain: string) {
    this.encrypted.push(plain);
    return Buffer.from(`v10:${Buffer.from(plain, 'utf8').reverse().toString('hex')}`, 'utf8');
  }
  decryptString(data: Buffer) {
    const text = data.toString('utf8');
    if (!text.startsWith('v10:')) throw new Error('not ours');
    return Buffer.from(text.slice(4), 'hex').reverse().toString('utf8');
  }
  getSelectedStorageBackend() {
    return this.backend;
  }
}

class FakeIpcMain implements IpcMainLike {
  readonly _invokeHandlers = new Map<string, (e: InvokeEventLike, a: unknown) => Promise<unknown>>();
  handle(channel: string, listener: unknown) {
    if (this._invokeHandlers.has(channel)) throw new Error(`second handler for ${channel}`);
    this._invokeHandlers.set(channel, listener as (e: InvokeEventLike, a: unknown) => Promise<unknown>);
  }
  on() {
    return this;
  }
  eventNames() {
    return [];
  }
}

function event(url = `${APP_ORIGIN}/index.html`, senderId = WINDOW_ID, parent: InvokeEventLike['senderFrame'] = null): InvokeEventLike {
  return { sender: { id: senderId }, senderFrame: { url, parent } };
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fluxplan-keys-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function setup() {
  const safe = new FakeSafeStorage();
  const file = join(dir, `keys-${++n}.json`);
  const keeper = new SecretKeeper(safe, file, '/plans/a.sqlite', () => new Date('2026-03-01T10:00:00Z'));
  const ipc = new FakeIpcMain();
  const registry = new IpcRegistry(ipc);
  registry.lock();
  const engine = vi.fn(async (_m: MethodName, _a: unknown): Promise<Reply<MethodName>> => ({ ok: true, result: {} }) as Reply<MethodName>);
  registry.registerAll(engine, policy);
  registry.registerShell(secretChannels(() => keeper), policy);
  const call = (what: string, args: unknown, e: InvokeEventLike = event()) => ipc._invokeHandlers.get(`${SECRETS_CHANNEL_PREFIX}${what}`)!(e, args);
  return { safe, file, keeper, ipc, registry, engine, call };
}

describe('the keeper', () => {
  it('keeps a key encrypted in a file only its owner can read, and lists providers without their keys', async () => {
    const { safe, file, keeper, call } = setup();
    expect(await call('save', { provider: 'cf', secret: ` ${KEY} ` })).toEqual({ ok: true, result: { provider: 'cf', saved_at: '2026-03-01T10:00:00.000Z' } });
    expect(safe.encrypted).toEqual([KEY]);
    const raw = readFileSync(file, 'utf8');
    expect(raw).not.toContain(KEY);
    expect(raw).toContain('/plans/a.sqlite');
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600);
    const status = await call('status', {});
    expect(status).toEqual({ ok: true, result: { available: true, reason: null, providers: [{ provider: 'cf', saved_at: '2026-03-01T10:00:00.000Z' }] } });
    expect(JSON.stringify(status)).not.toContain(KEY);
    // Another plan's providers are its own.
    expect(new SecretKeeper(safe, file, '/plans/b.sqlite').status().providers).toEqual([]);
    expect(keeper.keys()).toEqual({ cf: KEY });
    expect(await call('remove', { provider: 'cf' })).toEqual({ ok: true, result: { provider: 'cf', removed: true } });
    expect(await call('remove', { provider: 'cf' })).toEqual({ ok: true, result: { provider: 'cf', removed: false } });
    expect(keeper.keys()).toEqual({});
  });

  it('refuses to keep keys when the OS offers no encryption or only the hard-coded fallback', async () => {
    const { safe, file, call } = setup();
    safe.backend = 'basic_text';
    const r = (await call('save', { provider: 'cf', secret: KEY })) as { ok: false; error: { code: string; message: string } };
    expect(r).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
    expect(r.error.message).toMatch(/no keyring.*secret file/);
    expect(await call('status', {})).toMatchObject({ ok: true, result: { available: false, reason: expect.stringMatching(/no keyring/) } });
    safe.backend = 'kwallet5';
    safe.available = false;
    expect(await call('save', { provider: 'cf', secret: KEY })).toMatchObject({ ok: false, error: { code: 'UNAVAILABLE' } });
    expect(safe.encrypted).toEqual([]);
    expect(() => statSync(file)).toThrow();
  });
});

describe('the keychain channels', () => {
  it('are registered through the security wrapper, next to the contract, and nothing else', () => {
    const { ipc, registry } = setup();
    expect(() => registry.verify()).not.toThrow();
    expect([...ipc._invokeHandlers.keys()].filter((c) => c.startsWith(SECRETS_CHANNEL_PREFIX)).sort()).toEqual(
      ['remove', 'save', 'status'].map((c) => `${SECRETS_CHANNEL_PREFIX}${c}`),
    );
    // A shell channel may not take a contract channel or one already registered.
    expect(() => registry.registerShell([{ channel: channelOf('rdns.push'), args: secretChannels(() => null as never)[0]!.args, handle: () => 1 }], policy)).toThrow(IpcGuardError);
    expect(() => registry.registerShell(secretChannels(() => null as never), policy)).toThrow(IpcGuardError);
  });

  it.each([
    ['a foreign page', event('https://evil.example/')],
    ['a sub-frame of the app', event(`${APP_ORIGIN}/index.html`, WINDOW_ID, { url: `${APP_ORIGIN}/index.html`, parent: null })],
    ['another window', event(`${APP_ORIGIN}/index.html`, 99)],
  ])('refuse %s before the keychain is touched', async (_name, e) => {
    const { safe, file, call } = setup();
    expect(await call('save', { provider: 'cf', secret: KEY }, e)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(await call('status', {}, e)).toMatchObject({ ok: false, error: { code: 'FORBIDDEN' } });
    expect(safe.encrypted).toEqual([]);
    expect(() => statSync(file)).toThrow();
  });

  it.each([
    ['save', { provider: 'cf' }],
    ['save', { provider: 'cf', secret: '' }],
    ['save', { provider: 'cf', secret: 42 }],
    ['save', { provider: 'cf', secret: 'two\nlines' }],
    ['save', { provider: 'cf', secret: 'x'.repeat(5000) }],
    ['save', { provider: '', secret: KEY }],
    ['save', { provider: 'cf', secret: KEY, file: '/etc/passwd' }],
    ['save', 'cf'],
    ['remove', { provider: 'cf', all: true }],
    ['status', { provider: 'cf' }],
  ])('refuse a malformed %s payload before the keychain is touched', async (what, payload) => {
    const { safe, file, call } = setup();
    const r = (await call(what, payload)) as { ok: boolean; error?: { code: string; message: string } };
    expect(r).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT' } });
    expect(r.error!.message).toContain(`${SECRETS_CHANNEL_PREFIX}${what}`);
    expect(r.error!.message).not.toContain(KEY);
    expect(safe.encrypted).toEqual([]);
    expect(() => statSync(file)).toThrow();
  });

  it('never answer with a key, whatever is asked', async () => {
    const { call } = setup();
    await call('save', { provider: 'cf', secret: KEY });
    const answers = await Promise.all([call('status', {}), call('save', { provider: 'pdns', secret: `${KEY}-2` }), call('remove', { provider: 'pdns' }), call('status', { reveal: true })]);
    for (const a of answers) expect(JSON.stringify(a)).not.toContain(KEY);
  });
});

describe('rdns.push from the renderer', () => {
  it('reaches the engine with the kept keys as secrets; whatever the renderer passed there is dropped; other calls are untouched', () => {
    const { keeper } = setup();
    keeper.save('cf', KEY);
    expect(withKeptSecrets('rdns.push', { dry_run: true, secrets: { cf: 'from-the-page' } }, () => keeper)).toEqual({ dry_run: true, secrets: { cf: KEY } });
    expect(withKeptSecrets('rdns.push', { dry_run: true, secrets: { cf: 'from-the-page' } }, () => new SecretKeeper(new FakeSafeStorage(), join(dir, 'none.json'), '/p'))).toEqual({ dry_run: true });
    const other = { space: 'global', address: '203.0.113.5', name: 'x.example.net' };
    expect(withKeptSecrets('rdns.set', other, () => keeper)).toBe(other);
  });

  describe('against a Cloudflare stand-in', () => {
    let mock: ChildProcess;
    let base: string;
    let engine: Engine;
    beforeAll(async () => {
      mock = spawn(process.execPath, [join(__dirname, '..', 'rdns-cloudflare-mock.mjs'), KEY, JSON.stringify([{ id: 'zone-v4', name: '113.0.203.in-addr.arpa' }]), '0'], { stdio: ['ignore', 'pipe', 'inherit'] });
      const first = await new Promise<string>((resolve, reject) => {
        createInterface({ input: mock.stdout! }).once('line', resolve);
        mock.once('exit', (code) => reject(new Error(`the Cloudflare stand-in exited (${code})`)));
      });
      base = `http://127.0.0.1:${JSON.parse(first).port}`;
      engine = inProcessEngine(join(dir, 'plan.sqlite'));
      for (const [m, a] of [
        ['subnet.add', { cidr: '203.0.113.0/24' }],
        ['subnet.add', { cidr: '203.0.113.0/29', ip_pool: true }],
        ['allocate.ip', { family: 4, address: '203.0.113.2' }],
        ['rdns.set', { address: '203.0.113.2', name: 'gw.example.net' }],
        ['rdns.provider.add', { name: 'cf', type: 'cloudflare', url: `${base}/client/v4`, zone_ids: ['113.0.203.in-addr.arpa=zone-v4'] }],
      ] as Array<[MethodName, unknown]>) {
        const r = await engine.call(m, a);
        if (!r.ok) throw new Error(`${m}: ${r.error.message}`);
      }
    });
    afterAll(async () => {
      mock?.kill('SIGTERM');
      await engine?.close();
    });

    it('a provider without a secret file pushes with the key the keychain kept, and the answer does not carry it', async () => {
      const keeper = new SecretKeeper(new FakeSafeStorage(), join(dir, 'push-keys.json'), engine.file);
      // Wired as main wires it: the contract's handlers call the engine through withKeptSecrets.
      const real = new FakeIpcMain();
      const reg = new IpcRegistry(real);
      reg.lock();
      reg.registerAll((m, a) => engine.call(m, withKeptSecrets(m, a, () => keeper)), policy);
      reg.registerShell(secretChannels(() => keeper), policy);
      reg.verify();
      const push = (args: unknown) => real._invokeHandlers.get(channelOf('rdns.push'))!(event(), args) as Promise<Reply<'rdns.push'>>;

      const without = await push({ dry_run: true });
      expect(without).toMatchObject({ ok: false, error: { code: 'INVALID_ARGUMENT', message: expect.stringMatching(/has no API token/) } });

      expect(await real._invokeHandlers.get(`${SECRETS_CHANNEL_PREFIX}save`)!(event(), { provider: 'cf', secret: KEY })).toMatchObject({ ok: true });
      const preview = await push({ dry_run: true, secrets: { cf: 'a-wrong-key-from-the-page' } });
      expect(preview.ok).toBe(true);
      if (!preview.ok) return;
      expect(preview.result.zones.map((z) => [z.zone, z.status, z.created.map((c) => c.content)])).toEqual([['113.0.203.in-addr.arpa', 'preview', ['gw.example.net']]]);
      expect(JSON.stringify(preview)).not.toContain(KEY);

      const applied = await push({});
      expect(applied).toMatchObject({ ok: true, result: { ok: true, pending: [{ provider: 'cf', pending: 0 }] } });
      expect(JSON.stringify(applied)).not.toContain(KEY);
      const state = (await (await fetch(`${base}/__state`)).json()) as { records: Record<string, Array<{ name: string; content: string }>> };
      expect(state.records['zone-v4']!.map((r) => [r.name, r.content])).toEqual([['2.113.0.203.in-addr.arpa', 'gw.example.net']]);
    });
  });
});

describe('the preload', () => {
  it('offers status, save and remove on the keychain channels inside fluxplanShell, and nothing that reads a key', () => {
    const src = readFileSync('electron/preload/index.ts', 'utf8');
    expect(src).toContain(`const SECRETS_CHANNEL_PREFIX = '${SECRETS_CHANNEL_PREFIX}'`);
    const start = src.indexOf('secrets: Object.freeze({');
    const block = src.slice(start, src.indexOf('\n    }),', start));
    expect([...block.matchAll(/^\s+(\w+): \(/gm)].map((m) => m[1])).toEqual(['status', 'save', 'remove']);
    expect(block.match(/ipcRenderer\.invoke\(`\$\{SECRETS_CHANNEL_PREFIX\}(\w+)`/g)).toHaveLength(3);
    expect(src.match(/exposeInMainWorld\(/g)).toHaveLength(2);
  });
});
