/**
 * Two planners, each with a plan file of their own, syncing with the tenant emulator on 127.0.0.1:
 * in turns and at once, they end with plans equal to the tenant's (tree and IP records of every
 * space, internal ids and times aside), and every plan keeps every invariant.
 */
import { describe, expect, it } from 'vitest';
import { cliProcess, logOf, planImage, Planner, startTenant, tenantChangesets, violations } from './sync-helpers';

async function seed(p: Planner) {
  await p.ok('location', 'add', 'EU-FRA', '--name', 'Frankfurt');
  await p.ok('vlan', 'add', '102', '--location', 'EU-FRA');
  await p.ok('customer', 'add', 'cust-7421');
  await p.ok('customer', 'add', 'cust-7422');
  await p.ok('subnet', 'add', '203.0.113.0/24', '--location', 'EU-FRA', '--description', 'public pool');
  await p.ok('subnet', 'add', '10.0.0.0/16', '--location', 'EU-FRA');
  await p.ok('subnet', 'add', '2001:db8::/32');
}

function expectSame(files: string[]): void {
  const [first, ...rest] = files.map(planImage);
  for (const other of rest) expect(other).toEqual(first);
  for (const f of files) expect(violations(f), f).toEqual([]);
}

describe('sync between two planners and the tenant', () => {
  it('in turns: every change of each reaches the other, and all three plans end equal', async () => {
    const tenant = await startTenant();
    const a = new Planner('alice');
    const b = new Planner('bob');
    await seed(a);
    await a.connect(tenant);
    const up = await a.sync();
    expect(up.code).toBe(0);
    expect(up.body).toMatchObject({ mode: 'upload', pushed: expect.any(Number), conflicts: 0, version: 1 });

    await b.connect(tenant);
    const clone = await b.sync();
    expect(clone.body).toMatchObject({ mode: 'clone', conflicts: 0, version: 1 });
    expectSame([a.db, b.db, tenant.db]);

    // Bob works: allocations (split, exact), an IP pool with addresses, a park and an edit.
    await b.ok('allocate', 'subnet', '--family', '4', '--prefix', '26', '--customer', 'cust-7421', '--vlan', '102');
    await b.ok('allocate', 'subnet', '--family', '4', '--prefix', '27', '--customer', 'cust-7422', '--vlan', '102');
    await b.ok('subnet', 'add', '10.0.1.0/24', '--ip-pool');
    await b.ok('allocate', 'ip', '--pool', '10.0.1.0/24', '--customer', 'cust-7421', '--purpose', 'primary');
    await b.ok('allocate', 'ip', '--pool', '10.0.1.0/24', '--customer', 'cust-7422');
    await b.ok('subnet', 'add', '10.0.2.0/24');
    await b.ok('subnet', 'park', '10.0.2.0/24');
    await b.ok('subnet', 'set', '10.0.0.0/16', '--description', 'private');
    expect((await b.ok('sync', 'status')).pending).toBe(8);
    const pushed = await b.sync();
    expect(pushed.code).toBe(0);
    expect(pushed.body.pushed).toBeGreaterThan(10);
    expect(pushed.body.preview.push.subnets_created).toContain('203.0.113.0/26');
    expect((await b.ok('sync', 'status')).pending).toBe(0);

    const pulled = await a.sync();
    expect(pulled.code).toBe(0);
    expect(pulled.body).toMatchObject({ pushed: 0, conflicts: 0, version: 2 });
    expect(pulled.body.pulled).toBe(pushed.body.pushed);
    expectSame([a.db, b.db, tenant.db]);

    // Alice releases an IP, allocates an IPv6 block, then undoes a pushed action of Bob's... no: her own.
    await a.ok('ip', 'release', '10.0.1.2');
    await a.ok('allocate', 'subnet', '--family', '6', '--prefix', '48', '--customer', 'cust-7422');
    await a.ok('undo');
    await a.ok('allocate', 'subnet', '--family', '6', '--prefix', '56', '--customer', 'cust-7421');
    await a.sync();
    await b.sync();
    expectSame([a.db, b.db, tenant.db]);

    // A sync with nothing to do changes nothing anywhere.
    const before = tenantChangesets(tenant.db).length;
    const idle = await b.sync();
    expect(idle.body).toMatchObject({ pulled: 0, pushed: 0, conflicts: 0 });
    expect(tenantChangesets(tenant.db)).toHaveLength(before);
  });

  it('at once: concurrent work in the same blocks merges (carving agrees), and all three plans end equal', async () => {
    const tenant = await startTenant();
    const a = new Planner('alice');
    const b = new Planner('bob');
    await seed(a);
    await a.connect(tenant);
    await a.sync();
    await b.connect(tenant);
    await b.sync();

    // Both carve 203.0.113.0/24 at once, for different blocks: the same halves, no conflict.
    await a.ok('allocate', 'subnet', '--cidr', '203.0.113.0/26', '--customer', 'cust-7421');
    await b.ok('allocate', 'subnet', '--cidr', '203.0.113.128/26', '--customer', 'cust-7422');
    await b.ok('allocate', 'subnet', '--cidr', '203.0.113.64/27', '--customer', 'cust-7422');
    // Both edit the same subnet's different fields, and the same catalog row identically.
    await a.ok('subnet', 'set', '10.0.0.0/16', '--description', 'private space');
    await b.ok('subnet', 'set', '10.0.0.0/16', '--vlan', '102');
    await a.ok('location', 'set', 'EU-FRA', '--name', 'Frankfurt am Main');
    await b.ok('location', 'set', 'EU-FRA', '--name', 'Frankfurt am Main');
    // Disjoint work elsewhere, IPv6 and catalog too.
    await a.ok('customer', 'add', 'cust-9000');
    await a.ok('allocate', 'subnet', '--family', '6', '--prefix', '48', '--customer', 'cust-9000');
    await b.ok('space', 'add', 'vrf-red');
    await b.ok('subnet', 'add', '10.0.0.0/16', '--space', 'vrf-red');
    await b.ok('allocate', 'subnet', '--family', '4', '--prefix', '24', '--space', 'vrf-red');

    const sa = await a.sync();
    expect(sa.body).toMatchObject({ conflicts: 0, pulled: 0 });
    const sb = await b.sync();
    expect(sb.code).toBe(0);
    expect(sb.body.conflicts).toBe(0);
    expect(sb.body.pulled).toBeGreaterThan(0);
    const sa2 = await a.sync();
    expect(sa2.body.conflicts).toBe(0);
    expectSame([a.db, b.db, tenant.db]);
    const tree = planImage(tenant.db).trees[planImage(tenant.db).spaces.indexOf('global')] as Array<Record<string, unknown>>;
    const byCidr = new Map(tree.map((s) => [s.cidr, s]));
    expect(byCidr.get('203.0.113.0/26')).toMatchObject({ allocation_status: 'allocated', customer: 'cust-7421' });
    expect(byCidr.get('203.0.113.128/26')).toMatchObject({ allocation_status: 'allocated', customer: 'cust-7422' });
    expect(byCidr.get('203.0.113.64/27')).toMatchObject({ allocation_status: 'allocated', customer: 'cust-7422' });
    expect(byCidr.get('10.0.0.0/16')).toMatchObject({ description: 'private space', vlan: 102 });
  });

  it('previews in plan terms before sending; a dry run writes and sends nothing; a changed preview is not pushed', async () => {
    const tenant = await startTenant();
    const a = new Planner('alice');
    const b = new Planner('bob');
    await seed(a);
    await a.connect(tenant);
    await a.sync();
    await b.connect(tenant);
    await b.sync();
    await b.ok('ip', 'park', '203.0.113.9');
    await b.sync();
    await a.ok('allocate', 'subnet', '--family', '4', '--prefix', '26', '--customer', 'cust-7421');
    await a.ok('allocate', 'ip', '--address', '203.0.113.5', '--customer', 'cust-7421');
    const journalBefore = (await a.ok('journal', '--limit', '1000')).batches;
    const versions = tenantChangesets(tenant.db).length;

    const dry = await a.sync('--dry-run');
    expect(dry.code).toBe(0);
    expect(dry.body).toMatchObject({ dry_run: true, status: 'preview', pulled: 1, changeset: null });
    expect(dry.body.preview.pull.tree.join('\n')).toBe('');
    expect(dry.body.preview.pull.ips_changed).toEqual(['+ 203.0.113.9 parked']);
    expect(dry.body.preview.push.subnets_created).toEqual(['203.0.113.0/25', '203.0.113.0/26', '203.0.113.64/26', '203.0.113.128/25']);
    expect(dry.body.preview.push.allocations).toEqual([{ subnet: '203.0.113.0/26', from: '(none)', to: 'allocated to cust-7421' }]);
    expect(dry.body.preview.push.ips_allocated).toEqual(['203.0.113.5 allocated to cust-7421']);
    expect(dry.body.preview.push.tree).toContain('~ 203.0.113.0/24 free at EU-FRA "public pool" -> subdivided at EU-FRA "public pool"');
    // A half made only by carving reads carved, as on the map and in `fluxplan tree`.
    expect(dry.body.preview.push.tree).toContain('+ 203.0.113.0/25 carved');
    expect(dry.body.preview_id).toMatch(/^[0-9a-f]{16}$/);
    // Nothing written, nothing sent.
    expect((await a.ok('journal', '--limit', '1000')).batches).toEqual(journalBefore);
    expect(tenantChangesets(tenant.db)).toHaveLength(versions);
    expect((await a.ok('sync', 'status')).version).toBe(1);

    // The tenant moves on after the preview: a push that differs from it is not sent.
    await b.ok('subnet', 'set', '203.0.113.0/24', '--description', 'changed by bob');
    await b.sync();
    await a.ok('subnet', 'set', '203.0.113.0/24', '--location', '');
    const changed = await a.sync('--expect-preview', dry.body.preview_id);
    expect(changed.code).toBe(1);
    expect(changed.body.status).toBe('preview_changed');
    expect(tenantChangesets(tenant.db)).toHaveLength(versions + 1);
    // Previewed again, the same push goes out.
    const dry2 = await a.sync('--dry-run');
    const real = await a.sync('--expect-preview', dry2.body.preview_id);
    expect(real.code).toBe(0);
    expect(real.body.pushed).toBe(dry2.body.pushed);
    await b.sync();
    expectSame([a.db, b.db, tenant.db]);
  });

  it('undo of a pushed action is a new action pushed like any other; pulled actions are not undone locally', async () => {
    const tenant = await startTenant();
    const a = new Planner('alice');
    const b = new Planner('bob');
    await seed(a);
    await a.connect(tenant);
    await a.sync();
    await b.connect(tenant);
    await b.sync();
    await a.ok('allocate', 'subnet', '--cidr', '10.0.5.0/24', '--customer', 'cust-7421');
    await a.sync();
    await b.sync();
    await b.ok('subnet', 'set', '203.0.113.0/24', '--description', 'from bob');
    await b.sync();
    await a.sync();
    // Alice's undo reverts her own allocation, not Bob's pulled edit.
    const undone = await a.ok('undo');
    expect(undone.undone.label).toBe('allocate 10.0.5.0/24 to cust-7421');
    expect((await a.ok('sync', 'status')).pending).toBe(1);
    await a.sync();
    await b.sync();
    expectSame([a.db, b.db, tenant.db]);
    const tree = planImage(b.db).trees[0] as Array<Record<string, unknown>>;
    expect(tree.find((s) => s.cidr === '10.0.5.0/24')).toBeUndefined();
    expect(tree.find((s) => s.cidr === '203.0.113.0/24')).toMatchObject({ description: 'from bob' });
    // And redo is pushed too.
    await a.ok('redo');
    await a.sync();
    await b.sync();
    expectSame([a.db, b.db, tenant.db]);
  });

  it('works offline: a sync without the tenant fails, keeps everything, and the next one pushes it', async () => {
    const tenant = await startTenant();
    const a = new Planner('alice');
    await seed(a);
    await a.connect(tenant, ['--timeout-ms', '2000']);
    await a.sync();
    await tenant.stop();
    await a.ok('allocate', 'subnet', '--family', '4', '--prefix', '28', '--customer', 'cust-7421');
    const offline = await a.sync();
    expect(offline.code).toBe(1);
    expect(offline.body.error).toMatchObject({ code: 'BUSY', reason: 'OFFLINE' });
    const status = await a.ok('sync', 'status');
    expect(status).toMatchObject({ online: false, pending: 1, version: 1 });
    expect(status.last_error).toMatch(/cannot be reached/);
    // The tenant comes back at another address: the remote follows it, keeping its state, and the pending action goes out, once.
    const back = await startTenant({ db: tenant.db, token: tenant.token });
    const moved = await a.ok('sync', 'remote', 'set', 'fb', '--url', back.url);
    expect(moved.remote).toMatchObject({ url: back.url, version: 1 });
    const online = await a.sync();
    expect(online.code).toBe(0);
    expect(online.body).toMatchObject({ conflicts: 0, version: 2 });
    expect(online.body.pushed).toBeGreaterThan(0);
    expect(await a.ok('sync', 'status')).toMatchObject({ online: true, pending: 0, last_error: null });
    expectSame([a.db, back.db]);
  });
});

describe('sync as a job (the desktop and the browser host)', () => {
  /** Polls sync.job on the UI's own connection until the job ends. */
  async function finished(ui: import('../electron/plan').Plan, job: string) {
    const { invoke } = await import('../electron/api/handlers');
    for (;;) {
      const s = invoke(ui, 'sync.job', { job });
      if (s.state !== 'running') return s;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  it('local work never waits for the network: the plan stays free while a slow sync runs in its own thread', async () => {
    const { Plan } = await import('../electron/plan');
    const { invoke } = await import('../electron/api/handlers');
    const tenant = await startTenant({ faults: ['--delay-ms', '1500'] });
    const a = new Planner('alice');
    await seed(a);
    await a.connect(tenant);
    const ui = Plan.open(a.db);
    try {
      const first = await finished(ui, invoke(ui, 'sync.start', {}).job);
      expect(first.state).toBe('done');
      expect(first.result!.mode).toBe('upload');
      await a.ok('allocate', 'subnet', '--family', '4', '--prefix', '26', '--customer', 'cust-7421');
      let ticks = 0;
      const timer = setInterval(() => ticks++, 20);
      const started = Date.now();
      const { job } = invoke(ui, 'sync.start', {});
      // Meanwhile, on this thread, the planner goes on working on the same plan file: once the push is
      // on its way (the tenant has it, its answer is 1.5 s off), another allocation.
      for (let i = 0; i < 300 && !(await logOf(tenant)).some((l) => / \(\d+ changes, base 1\): 200$/.test(l)); i++);
      expect(invoke(ui, 'sync.job', { job })).toMatchObject({ state: 'running', phase: 'pushing' });
      invoke(ui, 'allocate.subnet', { family: 4, prefix: 27, customer: 'cust-7422' });
      const status = invoke(ui, 'sync.status', {});
      // The allocation went through while the push was still on its way.
      expect(invoke(ui, 'sync.job', { job })).toMatchObject({ state: 'running', phase: 'pushing' });
      const done = await finished(ui, job);
      clearInterval(timer);
      expect(done.state).toBe('done');
      expect(done.result!.status).toBe('synced');
      expect(done.pushed).toBe(done.result!.pushed);
      expect(Date.now() - started).toBeGreaterThan(2900); // two slow answers: pull, push
      expect(ticks).toBeGreaterThan(20);
      expect(status.pending).toBe(2);
    } finally {
      ui.close();
    }
    // The allocation made during the sync was not in its push; the next sync sends it.
    expect((await a.ok('sync', 'status')).pending).toBe(1);
    expect((await a.sync()).body.pushed).toBeGreaterThan(0);
    expectSame([a.db, tenant.db]);
  });

  it('cancel stops a sync at its next safe point: nothing is sent and the plan is as it was', async () => {
    const { Plan } = await import('../electron/plan');
    const { invoke } = await import('../electron/api/handlers');
    const tenant = await startTenant({ faults: ['--delay-ms', '800'] });
    const a = new Planner('alice');
    await seed(a);
    await a.connect(tenant);
    expect((await a.sync()).code).toBe(0);
    const b = new Planner('bob');
    await b.connect(tenant);
    expect((await b.sync()).body.mode).toBe('clone');
    await b.ok('subnet', 'add', '198.51.100.0/24', '--description', 'from bob');
    expect((await b.sync()).body.pushed).toBeGreaterThan(0);
    await a.ok('allocate', 'subnet', '--family', '4', '--prefix', '28', '--customer', 'cust-7421');
    const before = planImage(a.db);
    const versionBefore = tenantChangesets(tenant.db).length;
    const ui = Plan.open(a.db);
    try {
      const { job } = invoke(ui, 'sync.start', {});
      // One sync of a plan at a time; a probe may still go.
      expect(() => invoke(ui, 'sync.start', {})).toThrow(new RegExp(`already running \\(job ${job}\\)`));
      expect(invoke(ui, 'sync.start', { probe: true }).job).toMatch(/^sync-probe-/);
      // Cancel while the first (slow) page of the pull is on its way.
      await new Promise((r) => setTimeout(r, 200));
      expect(invoke(ui, 'sync.cancel', { job }).state).toBe('running');
      const s = await finished(ui, job);
      expect(s.state).toBe('cancelled');
      expect(s.error!.code).toBe('CANCELLED');
      expect(s.error!.message).toMatch(/nothing was sent and the plan is as it was/);
      expect(s.result).toBeNull();
      expect(invoke(ui, 'sync.status', {}).pending).toBe(1);
      expect(invoke(ui, 'sync.status', {}).last_error).toBeNull();
    } finally {
      ui.close();
    }
    expect(planImage(a.db)).toEqual(before);
    expect(tenantChangesets(tenant.db).length).toBe(versionBefore);
    // The next sync does it all: pulls bob's subnet, pushes the allocation.
    const again = await a.sync();
    expect(again.code).toBe(0);
    expect(again.body.pulled).toBeGreaterThan(0);
    expect(again.body.pushed).toBeGreaterThan(0);
    await b.sync();
    expectSame([a.db, b.db, tenant.db]);
  });

  it('a probe tells online and the tenant version without pulling; offline once the tenant is gone', async () => {
    const tenant = await startTenant();
    const a = new Planner('alice');
    await seed(a);
    await a.connect(tenant);
    expect((await a.sync()).code).toBe(0);
    const b = new Planner('bob');
    await b.connect(tenant);
    await b.sync();
    await b.ok('subnet', 'add', '198.51.100.0/24');
    await b.sync();
    const before = planImage(a.db);
    const probe = await a.ok('sync', 'probe');
    expect(probe).toMatchObject({ remote: 'fb', online: true, version: 1, tenant_version: 2, behind: 1, error: null });
    expect(planImage(a.db)).toEqual(before);
    const status = await a.ok('sync', 'status');
    expect(status).toMatchObject({ online: true, version: 1, tenant_version: 2 });
    await tenant.stop();
    const gone = await a.json('sync', 'probe');
    expect(gone.code).toBe(1);
    expect(gone.body).toMatchObject({ online: false, reason: 'OFFLINE', version: 1, tenant_version: 2 });
    expect(gone.body.error).toMatch(/127\.0\.0\.1/);
    expect((await a.ok('sync', 'status')).online).toBe(false);
  });

  it('the command line shows a slow sync\'s phases on standard error, and keeps standard output for the answer', async () => {
    const tenant = await startTenant({ faults: ['--delay-ms', '700'] });
    const a = new Planner('alice');
    await seed(a);
    await a.connect(tenant);
    const first = await cliProcess(['sync', '--db', a.db, '--json']);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ mode: 'upload', status: 'synced' });
    expect(first.stderr).toMatch(/^sync: (contacting the tenant|pushing)/m);
    await a.ok('allocate', 'subnet', '--family', '4', '--prefix', '28', '--customer', 'cust-7421');
    const second = await cliProcess(['sync', '--db', a.db, '--json']);
    expect(second.code).toBe(0);
    expect(JSON.parse(second.stdout).pushed).toBeGreaterThan(0);
    expect(second.stderr).toMatch(/^sync: pulling, 0 changes so far$/m);
    expect(second.stderr).toMatch(/^sync: pushing/m);
    expect(second.stderr).not.toContain(tenant.token);
  });

  it('sync.job and sync.start refuse an unknown job and an unknown remote, in words', async () => {
    const { Plan } = await import('../electron/plan');
    const { invoke } = await import('../electron/api/handlers');
    const a = new Planner('alice');
    await seed(a);
    const ui = Plan.open(a.db);
    try {
      expect(() => invoke(ui, 'sync.job', { job: 'sync-99-x' })).toThrow(/No job sync-99-x/);
      expect(() => invoke(ui, 'sync.start', { remote: 'nowhere' })).toThrow(/nowhere/);
    } finally {
      ui.close();
    }
  });
});
