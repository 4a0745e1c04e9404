/**
 * The renderer's state (zustand): what is loaded of the tree, the camera, the selection, and the actions,
 * each of which goes through the API. After a change the loaded parts of the tree are fetched again.
 */
import { create } from 'zustand';
import type { MethodArgs, MethodName, MethodResult } from '../../shared/api/contract';
import { ApiError, errorMessage, type Api } from './api';
import { adjacent, contains, prefix } from './cidr';
import { ROW_PITCH, WORLD, spanAlong, type BrowseNode, type Camera, type ScaleMode, type TreeData } from './map/layout';

export type View = 'map' | 'table' | 'services' | 'products' | 'log' | 'transit' | 'rdns' | 'locations' | 'vlans' | 'journal';
export type Family = 4 | 6;
type Info = MethodResult<'plan.info'>;
type Location = MethodResult<'location.list'>['locations'][number];
type Vlan = MethodResult<'vlan.list'>['vlans'][number];
type Customer = MethodResult<'customer.list'>['customers'][number];
type Space = MethodResult<'space.list'>['spaces'][number];

export interface Toast {
  id: number;
  kind: 'ok' | 'error' | 'info';
  text: string;
}

export interface Highlight {
  cidr: string;
  note: string;
  at: number;
}

export interface Dialog {
  kind: 'split' | 'allocate' | 'add' | 'edit' | 'delete' | 'allocate-chosen' | 'allocate-ip';
  cidr: string | null;
  /** allocate-ip: the address picked (a cell of the address grid). */
  address?: string;
}

export interface ViewportRequest {
  camera: Camera;
  x: number;
  y: number;
  /** World y of the row the request centres on, to animate towards it. */
  rowY: number;
  animate: boolean;
  seq: number;
}

/** What the map offers the toolbar, the menu and the keyboard (registered by the map while it is on screen). */
export interface MapControl {
  /** Zooms by a factor around the centre of the map. */
  zoomBy(factor: number): void;
  /** Pans by screen pixels. */
  pan(dx: number, dy: number): void;
  /** How wide a block is on screen right now (its displayed pieces' span for a block the map folds), or null when it is not in view. */
  onScreen(cidr: string): number | null;
}

export interface State extends TreeData {
  api: Api;
  ready: boolean;
  fatal: string | null;
  info: Info | null;
  spaces: Space[];
  locations: Location[];
  vlans: Vlan[];
  customers: Customer[];

  view: View;
  /** What a screen should show when it opens (a service, a product, a transit service), set by open(). */
  picked: Partial<Record<View, string>>;
  space: string;
  family: Family;
  mode: ScaleMode;

  roots: string[];
  rootsTotal: number;
  /** Counts every change to the loaded tree, so the map knows to lay out again. */
  version: number;
  loading: Set<string>;

  focus: string | null;
  /** The display path from a root down to the focus (inclusive). */
  focusPath: string[];
  camera: Camera;
  canvas: { width: number; height: number };
  /** A camera and viewport the map should apply (fly-to, fit), animated when the map can. */
  viewportRequest: ViewportRequest | null;
  mapControl: MapControl | null;

  selected: string | null;
  highlight: Highlight | null;
  nodeErrors: Map<string, string>;
  toasts: Toast[];
  dialog: Dialog | null;
  /** The spreadsheet import wizard or the export dialog (File menu, empty state). */
  wizard: 'import' | 'export' | null;
  busy: boolean;
}

export interface Actions {
  init(): Promise<void>;
  setView(view: View): void;
  /** Switches to a screen with one of its items selected (a link from another screen). */
  open(view: View, item: string): void;
  setSpace(space: string): Promise<void>;
  setFamily(family: Family): Promise<void>;
  setMode(mode: ScaleMode): void;
  loadRoots(): Promise<void>;
  loadKids(cidr: string): Promise<void>;
  loadMany(cidrs: string[]): Promise<void>;
  setCamera(camera: Camera): void;
  setCanvas(width: number, height: number): void;
  setMapControl(control: MapControl | null): void;
  fit(): void;
  select(cidr: string | null): void;
  focusOn(cidr: string | null): Promise<void>;
  focusUp(): Promise<void>;
  toggleCollapsed(cidr: string): void;
  /** Moves the map to a block, selects and highlights it; `minPx`: at least this wide on screen (a split's pieces). */
  flyTo(cidr: string, space?: string, minPx?: number): Promise<void>;
  /** Selects and highlights a block after an action; the view stays when the block is already in view (at least `minPx` wide). */
  reveal(cidr: string, note?: string, minPx?: number): Promise<void>;
  refresh(): Promise<void>;
  refreshCatalog(): Promise<void>;
  /** Runs one API change; on success refreshes the tree, on refusal shows the engine's message beside the node. */
  mutate<M extends MethodName>(
    method: M,
    args: MethodArgs<M>,
    opts?: {
      cidr?: string | null;
      ok?: (r: MethodResult<M>) => string;
      select?: (r: MethodResult<M>) => string | null;
      highlight?: (r: MethodResult<M>) => Highlight | null;
      /** A refusal's message, for a dialog to show beside its form (the toast is shown too). */
      onError?: (message: string) => void;
    },
  ): Promise<MethodResult<M> | null>;
  undo(): Promise<void>;
  redo(): Promise<void>;
  toast(kind: Toast['kind'], text: string): void;
  dismiss(id: number): void;
  openDialog(dialog: Dialog | null): void;
  openWizard(wizard: 'import' | 'export' | null): void;
  clearError(cidr: string): void;
}

export type Store = State & Actions;

/**
 * Display children asked of the engine per block: carved-only rows beyond this fold into aggregates,
 * which open in turn as the map zooms. Few and wide, each level a row of its own: a /8 of /16s reads as
 * eight labelled blocks, then eight more under each, instead of 64 unlabelled slivers.
 */
const DISPLAY_CHILDREN = 8;

let toastSeq = 0;
let viewportSeq = 0;

function merge<K, V>(m: ReadonlyMap<K, V>, entries: Iterable<[K, V]>): Map<K, V> {
  const out = new Map(m);
  for (const [k, v] of entries) out.set(k, v);
  return out;
}

export function fitCamera(width: number): Camera {
  return { s: Math.max(0.05, (width - 64) / WORLD), origin: 0.5 };
}

export const createStore = (api: Api) =>
  create<Store>()((set, get) => {
    const inflight = new Map<string, Promise<void>>();
    /**
     * Answers arriving within one frame are applied in one state update (one layout), however many
     * subtrees a zoom opened at once.
     */
    let pending: Array<{ parent: string; nodes: BrowseNode[] | null; space: string }> = [];
    let flushing: Promise<void> | null = null;
    const queue = (item: { parent: string; nodes: BrowseNode[] | null; space: string }): Promise<void> => {
      pending.push(item);
      flushing ??= new Promise<void>((resolve) =>
        setTimeout(() => {
          const batch = pending;
          pending = [];
          flushing = null;
          const s = get();
          const nodes = new Map(s.nodes);
          const kids = new Map(s.kids);
          const loading = new Set(s.loading);
          for (const b of batch) {
            loading.delete(b.parent);
            if (b.space !== s.space || !b.nodes) continue;
            for (const n of b.nodes) nodes.set(n.cidr, n);
            kids.set(b.parent, b.nodes.map((n) => n.cidr));
          }
          set({ nodes, kids, loading, version: s.version + 1 });
          resolve();
        }, 12),
      );
      return flushing;
    };
    /** One tree.children call; concurrent askers for the same node share it (see loadKids). */
    const fetchKids = async (cidr: string): Promise<void> => {
      const s = get();
      set({ loading: new Set([...s.loading, cidr]) });
      const space = s.space;
      let nodes: BrowseNode[] | null = null;
      try {
        nodes = (await api.call('tree.children', { space, cidr, limit: DISPLAY_CHILDREN })).nodes;
      } catch (e) {
        if (e instanceof ApiError && e.code === 'NOT_FOUND') nodes = [];
        else get().toast('error', errorMessage(e));
      }
      await queue({ parent: cidr, nodes, space });
    };

    const resetTree = (): Partial<State> => ({
      nodes: new Map(),
      kids: new Map(),
      collapsed: new Set(),
      roots: [],
      rootsTotal: 0,
      focus: null,
      focusPath: [],
      selected: null,
      nodeErrors: new Map(),
      loading: new Set(),
      camera: fitCamera(get().canvas.width),
      version: get().version + 1,
    });

    const requestViewport = (camera: Camera, x: number, y: number, rowY: number, animate: boolean) =>
      set({ viewportRequest: { camera, x, y, rowY, animate, seq: ++viewportSeq } });

    const pathTo = async (target: string): Promise<string[] | null> => {
      const s = get();
      let root = s.roots.find((r) => contains(r, target));
      if (!root) {
        const got = await api.call('subnet.get', { space: s.space, cidr: target });
        const top = got.ancestors.length ? got.ancestors[got.ancestors.length - 1]!.cidr : got.subnet.cidr;
        if (!get().nodes.has(top)) {
          const page = await api.call('tree.children', { space: s.space, family: prefix(top).version, limit: 1000 });
          const hit = page.nodes.find((n) => n.cidr === top);
          if (!hit) return null;
          const cur = get();
          const roots = [...new Set([...cur.roots, top])].sort((a, b) => (prefix(a).net < prefix(b).net ? -1 : 1));
          set({ nodes: merge(cur.nodes, [[top, hit]]), roots, version: cur.version + 1 });
        }
        root = top;
      }
      const path = [root];
      let cur = root;
      while (cur !== target) {
        if (!get().kids.has(cur)) await get().loadKids(cur);
        const kids = get().kids.get(cur) ?? [];
        const next = kids.find((k) => contains(k, target));
        if (!next) break;
        path.push(next);
        cur = next;
      }
      return path;
    };

    return {
      api,
      ready: false,
      fatal: null,
      info: null,
      spaces: [],
      locations: [],
      vlans: [],
      customers: [],
      view: 'map',
      picked: {},
      space: 'global',
      family: 4,
      mode: 'log',
      nodes: new Map(),
      kids: new Map(),
      collapsed: new Set(),
      roots: [],
      rootsTotal: 0,
      version: 0,
      loading: new Set(),
      focus: null,
      focusPath: [],
      camera: { s: 1, origin: 0.5 },
      canvas: { width: 1200, height: 700 },
      viewportRequest: null,
      mapControl: null,
      selected: null,
      highlight: null,
      nodeErrors: new Map(),
      toasts: [],
      dialog: null,
      wizard: null,
      busy: false,

      async init() {
        try {
          const [info] = await Promise.all([api.call('plan.info'), get().refreshCatalog(), get().loadRoots()]);
          set({ info, ready: true });
          // Start on the family that has something, IPv4 first.
          if (get().roots.length === 0 && info.subnets > 0) await get().setFamily(6);
        } catch (e) {
          set({ fatal: errorMessage(e), ready: true });
        }
      },

      setView(view) {
        set({ view });
      },

      open(view, item) {
        set({ view, picked: { ...get().picked, [view]: item } });
      },

      async setSpace(space) {
        if (space === get().space) return;
        set({ space, ...resetTree() });
        await get().loadRoots();
      },

      async setFamily(family) {
        if (family === get().family) return;
        set({ family, ...resetTree() });
        await get().loadRoots();
      },

      setMode(mode) {
        set({ mode, version: get().version + 1 });
      },

      async loadRoots() {
        const { space, family } = get();
        const page = await api.call('tree.children', { space, family, limit: 400 });
        if (get().space !== space || get().family !== family) return;
        const s = get();
        set({
          roots: page.nodes.map((n) => n.cidr),
          rootsTotal: page.total,
          nodes: merge(s.nodes, page.nodes.map((n) => [n.cidr, n] as [string, BrowseNode])),
          version: s.version + 1,
        });
      },

      loadKids(cidr) {
        const key = `${get().space} ${cidr}`;
        let p = inflight.get(key);
        if (!p) {
          p = fetchKids(cidr).finally(() => inflight.delete(key));
          inflight.set(key, p);
        }
        return p;
      },

      async loadMany(cidrs) {
        await Promise.all(cidrs.slice(0, 12).map((c) => get().loadKids(c)));
      },

      setCamera(camera) {
        set({ camera });
      },

      setCanvas(width, height) {
        const first = get().canvas.width === 1200 && get().canvas.height === 700;
        set({ canvas: { width, height } });
        if (first) get().fit();
      },

      setMapControl(mapControl) {
        set({ mapControl });
      },

      fit() {
        const { canvas } = get();
        requestViewport(fitCamera(canvas.width), canvas.width / 2, 28, 0, false);
      },

      select(cidr) {
        set({ selected: cidr });
      },

      async focusOn(cidr) {
        if (cidr === null) {
          set({ focus: null, focusPath: [], version: get().version + 1 });
          get().fit();
          return;
        }
        const path = await pathTo(cidr);
        if (!path) return;
        // A block the map folds (carved-only) is not a display node: zoom into the nearest one above it.
        const target = path[path.length - 1]!;
        if (!get().kids.has(target) && get().nodes.get(target)?.allocation_status === 'subdivided') await get().loadKids(target);
        set({ focus: target, focusPath: path, version: get().version + 1 });
        get().fit();
      },

      async focusUp() {
        const { focusPath } = get();
        if (focusPath.length <= 1) return get().focusOn(null);
        return get().focusOn(focusPath[focusPath.length - 2]!);
      },

      toggleCollapsed(cidr) {
        const c = new Set(get().collapsed);
        if (c.has(cidr)) c.delete(cidr);
        else c.add(cidr);
        set({ collapsed: c, version: get().version + 1 });
      },

      async flyTo(cidr, space, minPx) {
        if (space && space !== get().space) await get().setSpace(space);
        const family = prefix(cidr).version;
        if (family !== get().family) await get().setFamily(family);
        const found = await pathTo(cidr);
        if (!found) {
          get().toast('error', `${cidr} is not on the map of ${get().space}`);
          return;
        }
        // A block the map folds (a carved-only row) is framed by the displayed pieces it holds.
        let path = found;
        let pieces: string[] = [cidr];
        if (found[found.length - 1] !== cidr) {
          const inside = (get().kids.get(found[found.length - 1]!) ?? []).filter((k) => contains(cidr, k));
          if (!inside.length) {
            get().toast('error', `${cidr} is not on the map of ${get().space}`);
            return;
          }
          pieces = inside;
          path = [...found, inside[0]!];
        }
        // Focus two display levels above the target, so it lands with its parent and siblings in view.
        const focusIdx = path.length > 3 ? path.length - 3 : -1;
        const focus = focusIdx >= 0 ? path[focusIdx]! : null;
        const focusPath = focusIdx >= 0 ? path.slice(0, focusIdx + 1) : [];
        const rel = focusIdx >= 0 ? path.slice(focusIdx) : path;
        const collapsed = new Set(get().collapsed);
        for (const p of path) collapsed.delete(p);
        const focusChanged = focus !== get().focus;
        const prev = get().highlight;
        const highlight = prev && prev.cidr === cidr && Date.now() - prev.at < 4000 ? prev : { cidr, note: '', at: Date.now() };
        set({ focus, focusPath, collapsed, selected: cidr, highlight, view: 'map', version: get().version + 1 });
        const s = get();
        const along = (last: string) => spanAlong([...rel.slice(0, -1), last], focus ? [focus] : s.roots, !!focus, s, s.mode, adjacent);
        const first = along(pieces[0]!);
        const end = along(pieces[pieces.length - 1]!) ?? first;
        const { width, height } = s.canvas;
        if (!first || !end) {
          get().fit();
          return;
        }
        const span = { a: first.a, b: end.b, depth: first.depth };
        const frac = span.b - span.a;
        const sFit = fitCamera(width).s;
        // The target takes about a third of the width (more when asked), and its parent is wide enough to show its children.
        const share = Math.min(0.9, Math.max(0.34, (minPx ?? 0) / width));
        const cam: Camera = { s: Math.max(sFit, Math.min((width * share) / (frac * WORLD), 1e9)), origin: (span.a + span.b) / 2 };
        const rowY = span.depth * ROW_PITCH;
        requestViewport(cam, width / 2, Math.min(28, height * 0.42 - rowY), rowY, !focusChanged);
      },

      async reveal(cidr, note = '', minPx = 0) {
        set({ selected: cidr, highlight: { cidr, note, at: Date.now() }, version: get().version + 1 });
        // Let the map lay out what the action changed (and load the children it opened) before asking where the block is.
        for (let i = 0; i < 3; i++) await new Promise((r) => requestAnimationFrame(r));
        await Promise.all([...get().loading].map((c) => get().loadKids(c)));
        await new Promise((r) => requestAnimationFrame(r));
        const px = get().mapControl?.onScreen(cidr);
        if (get().view === 'map' && px !== null && px !== undefined && px >= minPx) return;
        await get().flyTo(cidr, undefined, minPx);
      },

      async refresh() {
        const s = get();
        const space = s.space;
        // The most recently opened subtrees (and the path to the focus) are fetched again; older ones reload when seen.
        const recent = [...s.kids.keys()].slice(-60);
        const parents = [...new Set([...s.focusPath, ...recent])].filter((p) => s.kids.has(p));
        try {
          const [info, roots, ...lists] = await Promise.all([
            api.call('plan.info'),
            api.call('tree.children', { space, family: s.family, limit: 400 }),
            ...parents.map((p) =>
              api.call('tree.children', { space, cidr: p, limit: DISPLAY_CHILDREN }).catch((e: unknown) => {
                if (e instanceof ApiError && e.code === 'NOT_FOUND') return null;
                throw e;
              }),
            ),
          ]);
          if (get().space !== space) return;
          const nodes = new Map<string, BrowseNode>();
          const kids = new Map<string, string[]>();
          for (const n of roots.nodes) nodes.set(n.cidr, n);
          for (const page of lists) if (page) for (const n of page.nodes) nodes.set(n.cidr, n);
          lists.forEach((page, i) => {
            const p = parents[i]!;
            if (!page || !nodes.has(p) || nodes.get(p)!.allocation_status !== 'subdivided') return;
            kids.set(p, page.nodes.map((n) => n.cidr));
          });
          const cur = get();
          const focusGone = cur.focus !== null && !nodes.has(cur.focus);
          set({
            info,
            nodes,
            kids,
            roots: roots.nodes.map((n) => n.cidr),
            rootsTotal: roots.total,
            selected: cur.selected && nodes.has(cur.selected) ? cur.selected : cur.selected && cur.selected.includes('/') ? cur.selected : null,
            focus: focusGone ? null : cur.focus,
            focusPath: focusGone ? [] : cur.focusPath.filter((c) => nodes.has(c)),
            version: cur.version + 1,
          });
        } catch (e) {
          get().toast('error', errorMessage(e));
        }
      },

      async refreshCatalog() {
        const [spaces, locations, vlans, customers] = await Promise.all([
          api.call('space.list'),
          api.call('location.list'),
          api.call('vlan.list', {}),
          api.call('customer.list'),
        ]);
        set({ spaces: spaces.spaces, locations: locations.locations, vlans: vlans.vlans, customers: customers.customers });
      },

      async mutate(method, args, opts = {}) {
        const cidr = opts.cidr ?? null;
        if (cidr) get().clearError(cidr);
        set({ busy: true });
        try {
          const result = await api.call(method, args);
          await Promise.all([get().refresh(), get().refreshCatalog()]);
          const sel = opts.select?.(result);
          if (sel !== undefined) set({ selected: sel });
          const hl = opts.highlight?.(result);
          if (hl) set({ highlight: hl });
          if (opts.ok) get().toast('ok', opts.ok(result));
          return result;
        } catch (e) {
          const message = errorMessage(e);
          if (cidr) set({ nodeErrors: merge(get().nodeErrors, [[cidr, message]]), version: get().version + 1 });
          get().toast('error', message);
          opts.onError?.(message);
          return null;
        } finally {
          set({ busy: false });
        }
      },

      async undo() {
        await get().mutate('journal.undo', {}, { ok: (r) => `Undid: ${r.undone.label}` });
      },

      async redo() {
        await get().mutate('journal.redo', {}, { ok: (r) => `Redid: ${r.redone.label}` });
      },

      toast(kind, text) {
        const id = ++toastSeq;
        set({ toasts: [...get().toasts.slice(-2), { id, kind, text }] });
        setTimeout(() => get().dismiss(id), kind === 'error' ? 7000 : 3500);
      },

      dismiss(id) {
        set({ toasts: get().toasts.filter((t) => t.id !== id) });
      },

      openWizard(wizard) {
        set({ wizard });
      },

      openDialog(dialog) {
        set({ dialog });
      },

      clearError(cidr) {
        if (!get().nodeErrors.has(cidr)) return;
        const m = new Map(get().nodeErrors);
        m.delete(cidr);
        set({ nodeErrors: m, version: get().version + 1 });
      },
    };
  });

export type AppStore = ReturnType<typeof createStore>;
