/**
 * Remotes and tokens: a refused token, an https tenant whose certificate is not trusted, http only to
 * this machine, token files only their owner can read, and the token never stored, printed or logged.
 * The emulator's own refusals (bad token, malformed requests, invariant-breaking changes, a repeated
 * changeset id) are checked over plain HTTP here too.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tempDir } from './support/plan';
import { logOf, planImage, Planner, startTenant, tenantChangesets, tokenFile } from './sync-helpers';

/** A self-signed certificate for 127.0.0.1 made with Debian's openssl. */
function selfSigned(): { cert: string; key: string } {
  const dir = tempDir();
  const cert = join(dir, 'cert.pem');
  const key = join(dir, 'key.pem');
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', cert, '-days', '2', '-subj', '/CN=127.0.0.1', '-addext', 'subjectAltName=IP:127.0.0.1'], { stdio: 'ignore' });
  return { cert, key };
}

describe('sync security', () => {
  it('a refused token: exit 1, the reason named, nothing changed, the token nowhere in the output or the plan', async () => {
    const tenant = await startTenant({ token: 'the-right-token-42' });
    const a = new Planner('alice');
    await a.ok('subnet', 'add', '192.0.2.0/24');
    const wrong = 'a-wrong-token-that-must-not-leak';
    await a.ok('sync', 'remote', 'add', 'fb', '--url', tenant.url, '--secret-file', tokenFile(wrong));
    const r = await a.run('sync', '--json');
    expect(r.code).toBe(1);
    expect(r.json().error).toMatchObject({ code: 'INVALID_ARGUMENT', reason: 'UNAUTHORIZED', status: 401 });
    expect(r.json().error.message).toMatch(/refused the token/);
    const human = await a.run('sync');
    expect(human.code).toBe(1);
    const status = await a.ok('sync', 'status');
    expect(status).toMatchObject({ pending: 1, version: null });
    const everything = [r.out, human.out, human.err, JSON.stringify(status), JSON.stringify(await a.ok('sync', 'remote', 'list'))].flat().join('\n');
    expect(everything).not.toContain(wrong);
    expect(readFileSync(a.db).includes(Buffer.from(wrong))).toBe(false);
    expect(tenantChangesets(tenant.db)).toHaveLength(0);
    expect((await logOf(tenant)).join('\n')).not.toContain(wrong);
  });

  it('an https tenant with a self-signed certificate is refused at once; trusted through --ca-file it works', async () => {
    const tls = selfSigned();
    const tenant = await startTenant({ tls });
    expect(tenant.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const a = new Planner('alice');
    await a.ok('subnet', 'add', '192.0.2.0/24');
    await a.connect(tenant);
    const r = await a.sync();
    expect(r.code).toBe(1);
    expect(r.body.error).toMatchObject({ code: 'INVALID_ARGUMENT', reason: 'TLS' });
    expect(r.body.error.message).toMatch(/certificate/);
    // Refused once, never retried: one handshake reached the tenant.
    expect((await logOf(tenant)).filter((l) => l.includes('TLS handshake refused by the client'))).toHaveLength(1);
    expect(tenantChangesets(tenant.db)).toHaveLength(0);
    const b = new Planner('bob');
    await b.ok('subnet', 'add', '192.0.2.0/24');
    await b.connect(tenant, ['--ca-file', tls.cert]);
    const ok = await b.sync();
    expect(ok.code).toBe(0);
    expect(ok.body.mode).toBe('upload');
    expect(planImage(tenant.db)).toEqual(planImage(b.db));
  });

  it('remote add: https required except to this machine, a token file only its owner can read, clear errors, nothing stored on refusal', async () => {
    const a = new Planner('alice');
    const good = tokenFile('some-token');
    const cases: Array<[string[], RegExp]> = [
      [['--url', 'http://billing.example.net', '--secret-file', good], /must be reached over https/],
      [['--url', 'http://10.0.0.5:8080', '--secret-file', good], /must be reached over https/],
      [['--url', 'ftp://127.0.0.1', '--secret-file', good], /only https/],
      [['--url', 'not a url', '--secret-file', good], /is not a URL/],
      [['--url', 'https://user:pw@billing.example.net', '--secret-file', good], /user name or password/],
      [['--url', 'https://billing.example.net', '--secret-file', tokenFile('x', undefined, 0o644)], /can be read by others \(mode 0644\)/],
      [['--url', 'https://billing.example.net', '--secret-file', join(tempDir(), 'missing')], /does not exist/],
      [['--url', 'https://billing.example.net', '--secret-file', tokenFile('')], /is empty/],
    ];
    for (const [flags, message] of cases) {
      const r = await a.json('sync', 'remote', 'add', 'fb', ...flags);
      expect(r.code, flags.join(' ')).toBe(1);
      expect(r.body.error.message, flags.join(' ')).toMatch(message);
    }
    expect((await a.ok('sync', 'remote', 'list')).remotes).toEqual([]);
    const usage = await a.json('sync', 'remote', 'add', 'fb', '--url', 'https://billing.example.net');
    expect(usage.code).toBe(1);
    expect(usage.body.error.message).toMatch(/--secret-file/);
    for (const url of ['https://billing.example.net', 'http://127.0.0.1:8080', 'http://localhost:9000/', 'http://[::1]:9000']) {
      const name = `r${Math.random().toString(36).slice(2, 8)}`;
      const r = await a.ok('sync', 'remote', 'add', name, '--url', url, '--secret-file', good);
      expect(r.remote.secret).toBe(`the file ${good}`);
    }
    const dup = await a.json('sync', 'remote', 'add', (await a.ok('sync', 'remote', 'list')).remotes[0].name, '--url', 'https://x.example', '--secret-file', good);
    expect(dup.body.error.code).toBe('EXISTS');
    // With several remotes, sync asks which one.
    const which = await a.json('sync');
    expect(which.body.error.message).toMatch(/choose one with --remote NAME/);
  });

  it('a token kept by the host (the desktop\'s safeStorage): added by reference, passed per sync, never stored', async () => {
    const { Plan } = await import('../electron/plan');
    const { invoke } = await import('../electron/api/handlers');
    const tenant = await startTenant();
    const a = new Planner('alice');
    await a.ok('subnet', 'add', '192.0.2.0/24');
    const plan = Plan.open(a.db);
    try {
      const added = invoke(plan, 'sync.remote.add', { name: 'fb', url: tenant.url, secret_kind: 'safe-storage', secret_ref: 'fluxplan-remote-fb' });
      expect(added.remote.secret).toBe("the desktop app's keychain");
      // Here (no safeStorage) the token cannot be read: a clear refusal, nothing sent.
      await expect(invoke(plan, 'sync.run', {})).rejects.toThrow(/kept by the host that added it/);
      const r = await invoke(plan, 'sync.run', { token: tenant.token });
      expect(r).toMatchObject({ mode: 'upload', pushed: 1 });
      // The token moves out into a file and back into the host's store, the sync state kept.
      const file = tokenFile(tenant.token);
      expect(invoke(plan, 'sync.remote.set', { name: 'fb', secret_file: file }).remote).toMatchObject({ secret: `the file ${file}`, version: 1 });
      expect(await invoke(plan, 'sync.run', {})).toMatchObject({ status: 'synced', pushed: 0 });
      expect(invoke(plan, 'sync.remote.set', { name: 'fb', secret_kind: 'safe-storage', secret_ref: 'fb' }).remote).toMatchObject({ secret: "the desktop app's keychain", version: 1 });
      expect(() => invoke(plan, 'sync.remote.set', { name: 'fb', secret_kind: 'safe-storage' })).toThrow(/secret_kind and secret_ref go together/);
      expect(() => invoke(plan, 'sync.remote.set', { name: 'fb', secret_file: file, secret_kind: 'safe-storage', secret_ref: 'fb' })).toThrow(/not both/);
      expect(invoke(plan, 'sync.remote.list', {}).remotes[0]!.secret).toBe("the desktop app's keychain");
    } finally {
      plan.close();
    }
    expect(readFileSync(a.db).includes(Buffer.from(tenant.token))).toBe(false);
    expect(planImage(tenant.db)).toEqual(planImage(a.db));
  });

  it('the emulator: 401 without the token, 400 for malformed requests, 422 per change, and one answer per changeset id', async () => {
    const tenant = await startTenant();
    const base = `${tenant.url}/api/fluxplan/v1`;
    const auth = { authorization: `Bearer ${tenant.token}`, 'content-type': 'application/json' };
    expect((await fetch(`${base}/status`)).status).toBe(401);
    expect((await fetch(`${base}/status`, { headers: { authorization: 'Bearer nope' } })).status).toBe(401);
    const status = await (await fetch(`${base}/status`, { headers: auth })).json();
    expect(status).toMatchObject({ protocol: 1, version: 0, empty: true, emulator: true });
    expect((await fetch(`${base}/changes`, { headers: auth })).status).toBe(400);
    expect((await fetch(`${base}/nothing`, { headers: auth })).status).toBe(404);
    const post = (body: unknown) => fetch(`${base}/changesets`, { method: 'POST', headers: auth, body: JSON.stringify(body) });
    const malformed = await post({ id: 'short', base_version: 0, changes: [] });
    expect(malformed.status).toBe(400);
    expect((await malformed.json()).message).toMatch(/8-64 characters/);
    const notCanonical = await post({ id: 'abcdefgh1', base_version: 0, changes: [{ entity: 'subnet', key: { space: 'global', cidr: '10.0.0.1/8' }, op: 'insert', after: {} }] });
    expect(notCanonical.status).toBe(400);
    // A child whose parent does not exist breaks the tree: 422 names the change.
    const orphan = await post({ id: 'abcdefgh2', base_version: 0, changes: [
      { entity: 'subnet', key: { space: 'global', cidr: '10.0.0.0/8' }, op: 'insert', after: {} },
      { entity: 'subnet', key: { space: 'global', cidr: '10.1.0.0/16' }, op: 'insert', after: { parent: '10.0.0.0/15' } },
    ] });
    expect(orphan.status).toBe(422);
    const err = await orphan.json();
    expect(err.errors[0]).toMatchObject({ index: 1, entity: 'subnet', key: { space: 'global', cidr: '10.1.0.0/16' } });
    // An overlapping root is refused too.
    const overlap = await post({ id: 'abcdefgh3', base_version: 0, changes: [
      { entity: 'subnet', key: { space: 'global', cidr: '10.0.0.0/8' }, op: 'insert', after: {} },
      { entity: 'subnet', key: { space: 'global', cidr: '10.1.0.0/16' }, op: 'insert', after: {} },
    ] });
    expect(overlap.status).toBe(422);
    expect((await overlap.json()).errors[0].code).toBe('OVERLAP');
    const good = { id: 'abcdefgh4', base_version: 0, changes: [{ entity: 'subnet', key: { space: 'global', cidr: '10.0.0.0/8' }, op: 'insert', after: { description: 'x' } }] };
    const first = await post(good);
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ id: 'abcdefgh4', version: 1 });
    const again = await post(good);
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ id: 'abcdefgh4', version: 1 });
    expect(tenantChangesets(tenant.db)).toHaveLength(1);
    // A stale push (rows changed after its base) is a 409 with the tenant's rows.
    const stale = await post({ id: 'abcdefgh5', base_version: 0, changes: [{ entity: 'subnet', key: { space: 'global', cidr: '10.0.0.0/8' }, op: 'update', before: { description: 'x' }, after: { description: 'y' } }] });
    expect(stale.status).toBe(409);
    expect((await stale.json()).conflicts[0]).toMatchObject({ version: 1, current: { description: 'x' } });
    expect(await (await fetch(`${base}/changesets/abcdefgh4`, { headers: auth })).json()).toEqual({ id: 'abcdefgh4', landed: true, version: 1, status: 200 });
    expect(await (await fetch(`${base}/changesets/abcdefgh5`, { headers: auth })).json()).toMatchObject({ landed: false, status: 409 });
    expect((await fetch(`${base}/changesets/zzzzzzzz9`, { headers: auth })).status).toBe(404);
    const page = await (await fetch(`${base}/changes?since=0`, { headers: auth })).json();
    expect(page).toMatchObject({ version: 1, next: null, changesets: [{ id: 'abcdefgh4', version: 1, offset: 0, total: 1 }] });
    const snap = await (await fetch(`${base}/snapshot`, { headers: auth })).text();
    const lines = snap.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines[0]).toMatchObject({ snapshot: { protocol: 1, version: 1 } });
    expect(lines.at(-1)).toEqual({ end: { rows: lines.length - 2 } });
  });
});
