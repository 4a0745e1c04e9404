/**
 * Sync's state in the renderer: the status at a glance (sync.status, from the plan alone, every few
 * seconds and after every local change), the tenant's reachability (sync.probe, one async call, when
 * the app starts, every two minutes, and when the window gets focus or the network comes back), the
 * Sync dialog's tab, and the one sync job the dialog runs (a dry run or the sync itself, polled with
 * sync.job). The engine answers other calls while a sync or a probe waits on the tenant, so nothing
 * here ever makes local work wait for it.
 */
import { createContext, useContext, useEffect, useState, type ReactNode } from 'react';
import { useStore } from 'zustand';
import { createStore, type StoreApi } from 'zustand/vanilla';
import type { MethodArgs } from '../../../../shared/api/contract';
import { ApiError, errorMessage, type Api } from '../../api';
import { useAppStore } from '../../context';
import type { AppStore } from '../../store';
import type { ProbeResult, SyncFailure, SyncJob, SyncResult, SyncStatus } from './format';

export type Mode = 'sync' | 'merge' | 'replace';
export type Tab = 'sync' | 'conflicts' | 'remotes';

export interface Run {
  /** null until sync.start has answered. */
  job: string | null;
  /** A dry run: previews, writes and sends nothing. */
  preview: boolean;
  mode: Mode;
  progress: SyncJob | null;
  cancelling: boolean;
  /** The sync found the plan changed since the preview: this dry run shows the fresh one. */
  changed: boolean;
  /** Start a fresh preview when this (cancelled) one ends: the dialog was opened again meanwhile. */
  restart: boolean;
}

export type Outcome =
  | { at: 'preview'; mode: Mode; result: SyncResult; changed: boolean }
  | { at: 'done'; mode: Mode; result: SyncResult }
  | { at: 'failed'; mode: Mode; preview: boolean; error: SyncFailure }
  | { at: 'cancelled'; mode: Mode; preview: boolean; message: string };

export interface SyncState {
  status: SyncStatus | null;
  statusError: string | null;
  /** The remote the planner chose, when the plan has several (kept in localStorage). */
  chosen: string | null;
  /** The last answer of the tenant to a probe (or why there was none). */
  probe: ProbeResult | null;
  probing: boolean;
  /** The Sync dialog's tab; null while it is closed. */
  tab: Tab | null;
  run: Run | null;
  outcome: Outcome | null;
  /** Counts changes to remotes and conflicts, so the dialog's lists load again. */
  tick: number;
}

export interface SyncActions {
  refresh(): Promise<void>;
  probeNow(force?: boolean): Promise<void>;
  open(tab?: Tab): void;
  close(): void;
  setTab(tab: Tab): void;
  choose(remote: string): void;
  /** A dry run (the preview), in the dialog. */
  preview(mode?: Mode): Promise<void>;
  /** The sync itself: pushes only what `expect` (a preview_id) previewed. */
  sync(mode: Mode, expect: string | null): Promise<void>;
  cancel(): Promise<void>;
  /** After a remote was added, changed or removed. */
  remotesChanged(): Promise<void>;
  /** After a conflict was resolved: the plan may have changed, and the preview with it. */
  resolved(): Promise<void>;
}

export type SyncStore = SyncState & SyncActions;
export type SyncStoreApi = StoreApi<SyncStore>;

const CHOSEN_KEY = 'fluxplan.sync.remote';
const STATUS_EVERY_MS = 5_000;
const PROBE_EVERY_MS = 120_000;
/** A burst of focus events probes once. */
const PROBE_GAP_MS = 3_000;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function loadChosen(): string | null {
  try {
    return window.localStorage.getItem(CHOSEN_KEY);
  } catch {
    return null;
  }
}

function saveChosen(name: string | null): void {
  try {
    if (name) window.localStorage.setItem(CHOSEN_KEY, name);
    else window.localStorage.removeItem(CHOSEN_KEY);
  } catch {
    // private mode: the choice lasts as long as the window
  }
}

export function failureOf(e: unknown): SyncFailure {
  if (e instanceof ApiError) return { code: e.code, message: e.message, reason: typeof e.details.reason === 'string' ? e.details.reason : null };
  return { code: 'INTERNAL', message: errorMessage(e), reason: null };
}

/** Polls a sync job until it ends, reporting each status. */
async function follow(api: Api, job: string, onStatus?: (s: SyncJob) => void): Promise<SyncJob> {
  let delay = 80;
  for (;;) {
    const s = await api.call('sync.job', { job });
    onStatus?.(s);
    if (s.state !== 'running') return s;
    await sleep(delay);
    delay = Math.min(400, Math.round(delay * 1.4));
  }
}

export function createSyncStore(app: AppStore): SyncStoreApi {
  const api = app.getState().api;
  let refreshing: Promise<void> | null = null;
  let again = false;
  let probedOnce = false;
  let lastProbe = 0;

  return createStore<SyncStore>()((set, get) => {
    const remote = () => get().status?.remote ?? null;

    const fetchStatus = async (): Promise<void> => {
      const chosen = get().chosen;
      let s: SyncStatus;
      try {
        s = await api.call('sync.status', chosen ? { remote: chosen } : {});
      } catch (e) {
        if (chosen && e instanceof ApiError && e.code === 'NOT_FOUND') {
          // The chosen remote is gone (removed here or from the command line): back to the default.
          saveChosen(null);
          set({ chosen: null });
          return fetchStatus();
        }
        set({ statusError: errorMessage(e) });
        return;
      }
      if (s.remote === null && s.remotes.length > 0) {
        // Several remotes and none chosen yet: the first, until the planner picks another.
        set({ chosen: s.remotes[0]! });
        return fetchStatus();
      }
      set({ status: s, statusError: null });
      // The dialog opened before the status was known, or its remote changed: preview now.
      const cur = get();
      if (cur.tab === 'sync' && s.remote && !cur.run && !cur.outcome) void get().preview();
      if (s.remote && !probedOnce) {
        probedOnce = true;
        void get().probeNow(true);
      }
    };

    /** Runs one sync job for the dialog, to its end. */
    const runJob = async (preview: boolean, mode: Mode, expect: string | null, changed: boolean): Promise<void> => {
      if (get().run) return;
      const name = remote();
      if (!name) return;
      set({ run: { job: null, preview, mode, progress: null, cancelling: false, changed, restart: false } });
      const args: MethodArgs<'sync.start'> = {
        remote: name,
        dry_run: preview,
        replace_local: mode === 'replace',
        merge: mode === 'merge',
        ...(expect ? { expect_preview: expect } : {}),
      };
      let job: string;
      try {
        job = (await api.call('sync.start', args)).job;
      } catch (e) {
        set({ run: null, outcome: { at: 'failed', mode, preview, error: failureOf(e) } });
        return;
      }
      set({ run: { ...get().run!, job } });
      if (get().run!.cancelling) void api.call('sync.cancel', { job }).catch(() => undefined);
      let end: SyncJob;
      try {
        end = await follow(api, job, (s) => {
          const r = get().run;
          if (r?.job === job) set({ run: { ...r, progress: s } });
        });
      } catch (e) {
        set({ run: null, outcome: { at: 'failed', mode, preview, error: failureOf(e) } });
        return;
      }
      const run = get().run;
      set({ run: null });
      if (end.state === 'done' && end.result) {
        const result = end.result;
        set({ probe: null });
        if (!preview && result.status === 'preview_changed') {
          // Something changed since the preview the planner saw: nothing was sent; show the fresh one.
          set({ outcome: null });
          await get().refresh();
          return runJob(true, mode, null, true);
        }
        set({ outcome: preview ? { at: 'preview', mode, result, changed } : { at: 'done', mode, result } });
        if (!preview && get().tab === null) {
          app.getState().toast(result.conflicts ? 'error' : 'ok', result.conflicts ? `Synced with ${name}: ${result.conflicts} conflict(s) to resolve` : `Synced with ${name}: pushed ${result.pushed}, pulled ${result.pulled} change(s)`);
        }
      } else if (end.state === 'cancelled') {
        set({ outcome: { at: 'cancelled', mode, preview, message: end.error?.message ?? 'The sync was cancelled' } });
      } else {
        const error = end.error ?? { code: 'INTERNAL', message: 'the sync failed without saying why', reason: null };
        set({ outcome: { at: 'failed', mode, preview, error } });
        if (!preview && get().tab === null) app.getState().toast('error', error.message);
      }
      if (!preview) {
        // Pulled changes are in the plan now (even a cancelled sync may have applied a pull).
        const a = app.getState();
        await Promise.all([a.refresh(), a.refreshCatalog()]);
      }
      // Another remote was chosen meanwhile: this outcome is not about it.
      if (remote() !== name) set({ outcome: null });
      set({ tick: get().tick + 1 });
      await get().refresh();
      if (run?.restart && get().tab === 'sync') await runJob(true, 'sync', null, false);
    };

    return {
      status: null,
      statusError: null,
      chosen: loadChosen(),
      probe: null,
      probing: false,
      tab: null,
      run: null,
      outcome: null,
      tick: 0,

      refresh() {
        if (refreshing) {
          again = true;
          return refreshing;
        }
        refreshing = (async () => {
          do {
            again = false;
            await fetchStatus();
          } while (again);
        })().finally(() => {
          refreshing = null;
        });
        return refreshing;
      },

      async probeNow(force = false) {
        const name = remote();
        if (!name || get().probing || get().run) return;
        if (!force && Date.now() - lastProbe < PROBE_GAP_MS) return;
        lastProbe = Date.now();
        set({ probing: true });
        try {
          set({ probe: await api.call('sync.probe', { remote: name }) });
        } catch (e) {
          const f = failureOf(e);
          set({
            probe: { remote: name, url: get().status?.url ?? '', online: false, tenant_version: null, version: null, behind: null, error: f.message, reason: f.reason, checked_at: new Date().toISOString() },
          });
        } finally {
          set({ probing: false });
          await get().refresh();
        }
      },

      open(tab = 'sync') {
        set({ tab });
        const s = get();
        if (tab !== 'sync' || !s.status?.remote) return;
        if (!s.run) void get().preview();
        else if (s.run.preview && s.run.cancelling) set({ run: { ...s.run, restart: true } });
      },

      close() {
        const r = get().run;
        // A preview nobody looks at is stopped; a sync goes on in the background (the status bar shows it).
        if (r?.preview) void get().cancel();
        set({ tab: null });
      },

      setTab(tab) {
        set({ tab });
        const s = get();
        if (tab === 'sync' && s.status?.remote && !s.run && !s.outcome) void get().preview();
      },

      choose(name) {
        if (get().run?.preview) void get().cancel();
        saveChosen(name);
        set({ chosen: name, probe: null, outcome: null });
        void get().refresh().then(() => get().probeNow(true));
      },

      preview(mode = 'sync') {
        return runJob(true, mode, null, false);
      },

      sync(mode, expect) {
        return runJob(false, mode, expect, false);
      },

      async cancel() {
        const r = get().run;
        if (!r || r.cancelling) return;
        set({ run: { ...r, cancelling: true } });
        if (r.job) await api.call('sync.cancel', { job: r.job }).catch(() => undefined);
      },

      async remotesChanged() {
        set({ tick: get().tick + 1, probe: null, outcome: null });
        await get().refresh();
        const s = get();
        if (s.tab === 'sync' && s.status?.remote && !s.run) void get().preview();
        else void get().probeNow(true);
      },

      async resolved() {
        const a = app.getState();
        set({ tick: get().tick + 1 });
        await Promise.all([a.refresh(), a.refreshCatalog(), get().refresh()]);
        // The preview the dialog shows is stale now: run it again.
        if (!get().run && get().outcome) void get().preview(get().outcome!.mode === 'replace' ? 'sync' : get().outcome!.mode);
      },
    };
  });
}

/** Keeps the status fresh and the tenant probed, for as long as the app runs. */
function useMonitor(sync: SyncStoreApi, app: AppStore): void {
  useEffect(() => {
    const st = sync.getState();
    void st.refresh();
    const status = setInterval(() => void st.refresh(), STATUS_EVERY_MS);
    const probe = setInterval(() => void st.probeNow(true), PROBE_EVERY_MS);
    // Every local change (the store fetches plan.info anew after each one) may add pending work.
    const unsubscribe = app.subscribe((s, prev) => {
      if (s.info !== prev.info) void st.refresh();
    });
    const wake = () => void st.probeNow();
    window.addEventListener('focus', wake);
    window.addEventListener('online', wake);
    window.addEventListener('offline', wake);
    return () => {
      clearInterval(status);
      clearInterval(probe);
      unsubscribe();
      window.removeEventListener('focus', wake);
      window.removeEventListener('online', wake);
      window.removeEventListener('offline', wake);
    };
  }, [sync, app]);
}

const SyncContext = createContext<SyncStoreApi | null>(null);

export function SyncProvider({ children }: { children: ReactNode }) {
  const app = useAppStore();
  const [sync] = useState(() => createSyncStore(app));
  useMonitor(sync, app);
  return <SyncContext.Provider value={sync}>{children}</SyncContext.Provider>;
}

export function useSyncStore(): SyncStoreApi {
  const s = useContext(SyncContext);
  if (!s) throw new Error('SyncProvider is missing');
  return s;
}

export function useSync<T>(selector: (s: SyncStore) => T): T {
  return useStore(useSyncStore(), selector);
}
