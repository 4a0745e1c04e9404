/**
 * `fluxplan sync ...`: remotes, one sync, its status, conflicts and their resolution.
 * Other tools script against these words, flags and JSON fields; keep them.
 */
import type { Command, Flag, FlagType } from '../cli/commands';

// A local twin of cli/commands' `flag`: importing the value would close an import cycle.
const f = (name: string, type: FlagType, help: string, extra: Partial<Flag> = {}): Flag => ({ name, type, help, ...extra });

const remote = f('remote', 'string', 'the remote to use (default: the only one)');
const SHOWN = 40;

function showState(s: Record<string, unknown> | null): string {
  if (s === null) return '(no such row)';
  const parts = Object.entries(s)
    .filter(([, v]) => v !== null && v !== false)
    .map(([k, v]) => `${k}=${typeof v === 'object' ? `${(v as { vid: number }).vid}@${(v as { location: string }).location}` : String(v)}`);
  return parts.join(' ') || '(empty)';
}

function conflictLines(c: any): string[] {
  const lines = [`#${c.id} ${c.kind}: ${c.row}${c.region ? ` (the subtree under ${c.region})` : ''}${c.status !== 'open' ? ` [${c.status}${c.resolution ? `: ${c.resolution}` : ''}]` : ''}`];
  lines.push(`    mine:   ${showState(c.mine)}`, `    theirs: ${showState(c.theirs)}`);
  if (c.rows.length > 1) lines.push(`    ${c.rows.length} rows differ in it`);
  return lines;
}

function syncText(r: any): string {
  const lines = [r.message];
  const show = (title: string, part: any) => {
    if (!part.tree.length && !part.catalog.length && !part.ips_allocated.length && !part.ips_released.length && !part.ips_changed.length) return;
    lines.push(title);
    const all = [...part.catalog, ...part.tree, ...part.ips_allocated.map((x: string) => `+ IP ${x}`), ...part.ips_released.map((x: string) => `- IP ${x}`), ...part.ips_changed.map((x: string) => `${x.slice(0, 1)} IP ${x.slice(2)}`)];
    for (const l of all.slice(0, SHOWN)) lines.push(`  ${l}`);
    if (all.length > SHOWN || part.truncated) lines.push(`  ... (--json lists up to 500 of each)`);
  };
  show(r.dry_run ? 'Would pull:' : 'Pulled:', r.preview.pull);
  show(r.dry_run ? 'Would push:' : 'Pushed:', r.preview.push);
  for (const c of r.new_conflicts) lines.push(...conflictLines(c));
  if (r.conflicts) lines.push('Resolve with: fluxplan sync resolve ID --mine|--theirs|--reallocate');
  return lines.join('\n');
}

export const syncCommands: Command[] = [
  {
    words: ['sync'], method: 'sync.run', positionals: [],
    flags: [
      remote,
      f('dry-run', 'bool', 'pull and show what would be pushed, in plan terms; write and send nothing'),
      f('replace-local', 'bool', 'replace this plan with the tenant\'s (a first sync of two different plans, or starting over)'),
      f('merge', 'bool', 'first sync of two non-empty plans: merge them, every row both hold differently a conflict'),
      f('expect-preview', 'string', 'push only if the push is exactly the one a dry run showed (its preview_id)'),
    ],
    fixed: { progress: true },
    summary: 'sync with the FluxBilling tenant: pull, rebase, preview, push; exit 1 while conflicts remain',
    human: syncText,
    exitCode: (r: { conflicts: number; status: string }) => (r.conflicts > 0 || r.status === 'preview_changed' ? 1 : 0),
  },
  {
    words: ['sync', 'status'], method: 'sync.status', positionals: [], flags: [remote],
    summary: 'last sync, pending local changes, tenant version, online or offline (no network)',
    human: (r: any) =>
      r.remote === null
        ? `No tenant configured (add one with: fluxplan sync remote add NAME --url URL --secret-file FILE); ${r.pending} local change(s)`
        : [
            `${r.remote} (${r.url}): ${r.online === null ? 'not contacted yet' : r.online ? 'online' : 'offline'}`,
            `  last sync: ${r.last_sync ?? 'never'}; at tenant version ${r.version ?? '-'}${r.tenant_version !== null && r.tenant_version !== r.version ? ` (tenant seen at ${r.tenant_version})` : ''}`,
            `  pending: ${r.pending} local change(s) not yet pushed${r.unconfirmed ? `; ${r.unconfirmed} push(es) awaiting confirmation` : ''}`,
            ...(r.conflicts ? [`  conflicts: ${r.conflicts} (fluxplan sync conflicts)`] : []),
            ...(r.last_error ? [`  last error: ${r.last_error}`] : []),
          ].join('\n'),
  },
  {
    words: ['sync', 'probe'], method: 'sync.probe', positionals: [], flags: [remote],
    summary: 'ask the tenant whether it answers and at which version (nothing pulled or pushed)',
    human: (r: any) =>
      `${r.remote} (${r.url}): ${r.online ? 'online' : 'offline'}${r.tenant_version !== null ? `, tenant at version ${r.tenant_version}` : ''}` +
      `${r.behind ? `, ${r.behind} version(s) ahead of this plan` : r.behind === 0 ? ', this plan is up to date' : ''}${r.error ? `\n  ${r.error}` : ''}`,
    exitCode: (r: { online: boolean; error: string | null }) => (r.online && !r.error ? 0 : 1),
  },
  {
    words: ['sync', 'conflicts'], method: 'sync.conflicts', positionals: [], flags: [remote, f('all', 'bool', 'resolved ones too')],
    summary: 'list sync conflicts with both sides\' values',
    human: (r: any) => (r.conflicts.length ? r.conflicts.flatMap(conflictLines).join('\n') : 'No conflicts.'),
  },
  {
    words: ['sync', 'resolve'], method: 'sync.resolve', positionals: [{ name: 'ID', field: 'id', type: 'int' }],
    flags: [
      f('mine', 'bool', 'keep this plan\'s rows; the next sync pushes them', { field: 'choice', value: 'mine' }),
      f('theirs', 'bool', 'take the tenant\'s rows', { field: 'choice', value: 'theirs' }),
      f('reallocate', 'bool', 'allocation conflicts: take theirs and allocate mine again, next free block by the same policy', { field: 'choice', value: 'reallocate' }),
    ],
    summary: 'resolve a sync conflict (the losing values stay in the conflict record)',
    human: (r: any) =>
      [
        `Resolved #${r.conflict.id} (${r.conflict.row}): ${r.conflict.resolution}`,
        ...r.reallocated.map((x: any) => `  re-allocated ${x.from} -> ${x.to}`),
        r.conflict.resolution === 'mine' ? '  the next sync pushes this plan\'s rows' : r.reallocated.length ? '  the next sync pushes the new allocation(s)' : '',
      ].filter(Boolean).join('\n'),
  },
  {
    words: ['sync', 'remote', 'add'], method: 'sync.remote.add', positionals: [{ name: 'NAME', field: 'name' }],
    flags: [
      f('url', 'string', 'the tenant, https://... (http only to this machine)'),
      f('secret-file', 'string', 'file holding the API token on its first line; mode 600'),
      f('ca-file', 'string', 'extra certificate authorities (PEM) to trust for this tenant'),
      f('timeout-ms', 'int', 'per-request time-out (default 30000)'),
    ],
    summary: 'add a FluxBilling tenant to sync with',
    human: (r: any) => `Added remote ${r.remote.name} (${r.remote.url}), token from ${r.remote.secret}`,
  },
  {
    words: ['sync', 'remote', 'set'], method: 'sync.remote.set', positionals: [{ name: 'NAME', field: 'name' }],
    flags: [
      f('url', 'string', 'the tenant\'s new address'),
      f('secret-file', 'string', 'another token file; mode 600'),
      f('ca-file', 'nullable-string', 'extra certificate authorities (PEM); "" for none'),
      f('timeout-ms', 'int', 'per-request time-out'),
    ],
    summary: 'point a remote elsewhere, keeping its sync state (another tenant is still refused)',
    human: (r: any) => `Remote ${r.remote.name}: ${r.remote.url}, token from ${r.remote.secret}`,
  },
  {
    words: ['sync', 'remote', 'list'], method: 'sync.remote.list', positionals: [], flags: [], summary: 'list remotes (never their tokens)',
    human: (r: any) => (r.remotes.length ? r.remotes.map((x: any) => `${x.name}  ${x.url}  version ${x.version ?? '-'}  token: ${x.secret}`).join('\n') : 'No remotes.'),
  },
  {
    words: ['sync', 'remote', 'remove'], method: 'sync.remote.remove', positionals: [{ name: 'NAME', field: 'name' }], flags: [],
    summary: 'forget a remote and its sync state (the plan itself is untouched)',
    human: (r: any) => `Removed remote ${r.removed}`,
  },
];
