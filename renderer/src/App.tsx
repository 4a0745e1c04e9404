/** The window: title bar with space, family, search and undo; navigation; the map or a screen; inspector; status bar. */
import { ReactFlowProvider } from '@xyflow/react';
import { useEffect, useRef } from 'react';
import { useApp, useAppStore } from './context';
import { MapCanvas, ZOOM_STEP } from './map/MapCanvas';
import { DialogHost } from './ui/Dialogs';
import { Inspector } from './ui/Inspector';
import { Search, type SearchHandle } from './ui/Search';
import { JournalView, LocationsView, VlansView } from './views/CatalogViews';
import { LogView } from './views/provisioning/LogView';
import { ProductsView } from './views/provisioning/ProductsView';
import { ServicesView } from './views/provisioning/ServicesView';
import { RdnsView } from './views/rdns/RdnsView';
import { usePendingTotal } from './views/rdns/usePending';
import { ExportDialog } from './views/import/ExportDialog';
import { ImportWizard } from './views/import/ImportWizard';
import { SyncDialog } from './views/sync/SyncDialog';
import { SyncIndicator } from './views/sync/SyncIndicator';
import { SyncProvider, useSyncStore } from './views/sync/syncStore';
import { TableView } from './views/TableView';
import { TransitView } from './views/transit/TransitView';
import type { View } from './store';

/** The rail, in groups: the tree; provisioning; billing and DNS; the catalog and history. */
const NAV: Array<Array<{ view: View; label: string; icon: string }>> = [
  [
    { view: 'map', label: 'Map', icon: '◧' },
    { view: 'table', label: 'Table', icon: '☰' },
  ],
  [
    { view: 'services', label: 'Services', icon: '⚙' },
    { view: 'products', label: 'Products', icon: '▦' },
    { view: 'log', label: 'Log', icon: '≣' },
  ],
  [
    { view: 'transit', label: 'Transit', icon: '∿' },
    { view: 'rdns', label: 'rDNS', icon: '⇄' },
  ],
  [
    { view: 'locations', label: 'Locations', icon: '⌂' },
    { view: 'vlans', label: 'VLANs', icon: '⋮⋮' },
    { view: 'journal', label: 'Journal', icon: '↺' },
  ],
];

function Rail() {
  const store = useAppStore();
  const view = useApp((s) => s.view);
  const pending = usePendingTotal();
  return (
    <nav className="rail" aria-label="Screens">
      {NAV.map((group, g) => (
        <div key={g} className="rail-group">
          {group.map((n) => (
            <button key={n.view} type="button" className={view === n.view ? 'on' : ''} aria-current={view === n.view ? 'page' : undefined} onClick={() => store.getState().setView(n.view)}>
              <span className="ico" aria-hidden>{n.icon}</span>
              <span className="lbl">{n.label}</span>
              {n.view === 'rdns' && pending > 0 && (
                <span className="badge" title={`${pending} PTR change${pending === 1 ? '' : 's'} waiting to be pushed`} data-testid="rdns-pending-badge">{pending > 999 ? '999+' : pending}</span>
              )}
            </button>
          ))}
        </div>
      ))}
    </nav>
  );
}

function editable(el: Element | null): boolean {
  if (!el) return false;
  const tag = el.tagName;
  return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || (el as HTMLElement).isContentEditable;
}

function TopBar({ search }: { search: React.RefObject<SearchHandle | null> }) {
  const store = useAppStore();
  const spaces = useApp((s) => s.spaces);
  const space = useApp((s) => s.space);
  const family = useApp((s) => s.family);
  const info = useApp((s) => s.info);
  const view = useApp((s) => s.view);
  const mode = useApp((s) => s.mode);
  const busy = useApp((s) => s.busy);
  const st = store.getState();
  return (
    <header className="topbar">
      <div className="brand">
        <span className="logo" aria-hidden>
          <svg viewBox="0 0 24 24" width="20" height="20"><path d="M3 5h18v4H3zM3 11h8v4H3zM13 11h8v4h-8zM3 17h4v3H3zM9 17h2v3H9z" fill="currentColor" /></svg>
        </span>
        <span className="name">FluxPlan</span>
      </div>
      <label className="space-select">
        <span>Space</span>
        <select value={space} onChange={(e) => void st.setSpace(e.target.value)} aria-label="Address space">
          {spaces.map((s) => (
            <option key={s.id} value={s.name}>{s.name}</option>
          ))}
        </select>
      </label>
      {(view === 'map') && (
        <div className="segmented" role="tablist" aria-label="Address family">
          <button type="button" role="tab" aria-selected={family === 4} className={family === 4 ? 'on' : ''} onClick={() => void st.setFamily(4)}>IPv4</button>
          <button type="button" role="tab" aria-selected={family === 6} className={family === 6 ? 'on' : ''} onClick={() => void st.setFamily(6)}>IPv6</button>
        </div>
      )}
      <Search ref={search} />
      <div className="top-actions">
        {view === 'map' && (
          <div className="segmented small" aria-label="Width scale">
            <button type="button" className={mode === 'log' ? 'on' : ''} title="Widths grow with the log of block size: small blocks stay readable" onClick={() => st.setMode('log')}>Readable</button>
            <button type="button" className={mode === 'linear' ? 'on' : ''} title="Widths proportional to block size" onClick={() => st.setMode('linear')}>Proportional</button>
          </div>
        )}
        {!window.fluxplanShell && (
          <>
            <button type="button" className="icon-btn text" title="Import a spreadsheet (CSV, XLSX)" onClick={() => st.openWizard('import')}>Import…</button>
            <button type="button" className="icon-btn text" title="Export subnets and IP records (CSV, XLSX)" onClick={() => st.openWizard('export')}>Export…</button>
          </>
        )}
        <button type="button" className="primary" onClick={() => st.openDialog({ kind: 'add', cidr: null })}>+ Subnet</button>
        <button type="button" className="icon-btn" aria-label="Undo" title={info?.undo ? `Undo ${info.undo} (Ctrl+Z)` : 'Nothing to undo'} disabled={!info?.undo || busy} onClick={() => void st.undo()}>↶</button>
        <button type="button" className="icon-btn" aria-label="Redo" title={info?.redo ? `Redo ${info.redo} (Shift+Ctrl+Z)` : 'Nothing to redo'} disabled={!info?.redo || busy} onClick={() => void st.redo()}>↷</button>
      </div>
    </header>
  );
}

function Breadcrumb() {
  const store = useAppStore();
  const focusPath = useApp((s) => s.focusPath);
  const family = useApp((s) => s.family);
  const space = useApp((s) => s.space);
  return (
    <nav className="breadcrumb" aria-label="Zoomed into">
      <button type="button" className={focusPath.length ? 'crumb' : 'crumb current'} onClick={() => void store.getState().focusOn(null)}>
        {space} · IPv{family}
      </button>
      {focusPath.map((c, i) => (
        <span key={c} className="crumb-wrap">
          <span className="sep">›</span>
          <button type="button" className={i === focusPath.length - 1 ? 'crumb current mono' : 'crumb mono'} onClick={() => void store.getState().focusOn(c)}>{c}</button>
        </span>
      ))}
    </nav>
  );
}

function Legend() {
  return (
    <div className="legend" aria-label="Legend">
      <span><i className="st-allocated" />allocated</span>
      <span><i className="st-free" />free</span>
      <span><i className="st-parked" />parked</span>
      <span><i className="st-held" />in parked space</span>
      <span><i className="st-subdivided" />subdivided</span>
      <span><i className="st-pool" />IP pool</span>
      <span><i className="st-carved" />carved</span>
    </div>
  );
}

function EmptyState() {
  const store = useAppStore();
  const info = useApp((s) => s.info);
  const family = useApp((s) => s.family);
  const st = store.getState();
  const planEmpty = info?.subnets === 0;
  return (
    <div className="empty-state" data-testid="empty-state">
      <div className="empty-card">
        <div className="empty-art" aria-hidden>
          <span className="b1" /><span className="b2" /><span className="b3" /><span className="b4" /><span className="b5" />
        </div>
        <h1>{planEmpty ? 'Your plan is empty' : `No IPv${family} space in ${st.space} yet`}</h1>
        <p className="muted">
          {planEmpty
            ? 'Add the blocks you own and carve them like a budget, or look around a demo plan first.'
            : `Add an IPv${family} block to this space to see it on the map.`}
        </p>
        <div className="empty-actions">
          {planEmpty && (
            <button
              type="button"
              className="primary big"
              onClick={() =>
                void st.mutate('plan.demo', {}, { ok: (r) => `Loaded the demo plan (${r.subnets} subnets)` }).then(async (r) => {
                  if (r) {
                    await st.setFamily(4);
                    await st.loadRoots();
                  }
                })
              }
            >
              Load the demo plan
            </button>
          )}
          <button type="button" className={planEmpty ? 'big' : 'primary big'} onClick={() => st.openDialog({ kind: 'add', cidr: null })}>Add a subnet</button>
          {planEmpty && (
            <button type="button" className="big" onClick={() => st.openWizard('import')}>Import a spreadsheet</button>
          )}
        </div>
      </div>
    </div>
  );
}

function MapScreen() {
  const roots = useApp((s) => s.roots);
  const ready = useApp((s) => s.ready);
  const rootsTotal = useApp((s) => s.rootsTotal);
  if (ready && roots.length === 0) return <EmptyState />;
  return (
    <div className="map-screen">
      <Breadcrumb />
      <MapCanvas />
      <Legend />
      {rootsTotal > roots.length && <div className="more-roots">{rootsTotal - roots.length} more roots not shown; search to reach them</div>}
    </div>
  );
}

function StatusBar() {
  const info = useApp((s) => s.info);
  const api = useApp((s) => s.api);
  const busy = useApp((s) => s.busy);
  return (
    <footer className="statusbar">
      <span className={busy ? 'dot busy' : 'dot ok'} />
      <span>{busy ? 'Saving…' : 'Saved'}</span>
      <span className="sep">|</span>
      <span>{info ? `${info.subnets.toLocaleString('en')} subnets · ${info.ips.toLocaleString('en')} IP records · ${info.locations} locations` : ''}</span>
      <span className="sep">|</span>
      <SyncIndicator />
      <span className="grow" />
      <span className="muted mono" title={info?.file}>{info?.file}</span>
      <span className="sep">|</span>
      <span className="muted">{api.transport === 'ipc' ? 'desktop' : 'browser host · 127.0.0.1'}</span>
    </footer>
  );
}

function Toasts() {
  const toasts = useApp((s) => s.toasts);
  const store = useAppStore();
  return (
    <div className="toasts" aria-live="polite">
      {toasts.map((t) => (
        <div key={t.id} className={`toast ${t.kind}`} role={t.kind === 'error' ? 'alert' : 'status'} onClick={() => store.getState().dismiss(t.id)}>
          {t.text}
        </div>
      ))}
    </div>
  );
}

function Shell() {
  const store = useAppStore();
  const view = useApp((s) => s.view);
  const ready = useApp((s) => s.ready);
  const fatal = useApp((s) => s.fatal);
  const info = useApp((s) => s.info);
  const wizard = useApp((s) => s.wizard);
  const search = useRef<SearchHandle>(null);
  const sync = useSyncStore();
  const desktop = !!window.fluxplanShell;

  useEffect(() => {
    void store.getState().init();
  }, [store]);

  useEffect(() => {
    document.title = info?.undo ? `FluxPlan — ${store.getState().space}` : 'FluxPlan';
  }, [info, store]);

  // Menu commands from the desktop shell (Undo/Redo items, View menu).
  useEffect(() => {
    if (!window.fluxplanShell) return;
    return window.fluxplanShell.onMenu((cmd) => {
      const st = store.getState();
      if (cmd === 'undo' || cmd === 'redo') {
        // In a text field the menu edits the text, as everywhere else.
        if (editable(document.activeElement)) document.execCommand(cmd);
        else void (cmd === 'undo' ? st.undo() : st.redo());
      } else if (cmd === 'find') search.current?.focus();
      else if (cmd === 'import' || cmd === 'export') {
        if (!st.dialog) st.openWizard(cmd);
      } else if (cmd === 'sync') {
        if (!st.dialog && !st.wizard) sync.getState().open('sync');
      } else if (cmd === 'demo') void st.mutate('plan.demo', {}, { ok: (r) => `Loaded the demo plan (${r.subnets} subnets)` });
      else if (cmd === 'zoom-in') st.mapControl?.zoomBy(ZOOM_STEP);
      else if (cmd === 'zoom-out') st.mapControl?.zoomBy(1 / ZOOM_STEP);
      else if (cmd === 'fit') st.fit();
      else if (cmd.startsWith('view:')) st.setView(cmd.slice(5) as View);
    });
  }, [store, sync]);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const st = store.getState();
      const mod = e.ctrlKey || e.metaKey;
      // A dialog owns the keyboard: the store's, or a screen's own (any modal on screen).
      if (st.dialog || document.querySelector('.scrim')) return;
      const inField = editable(document.activeElement);
      if (mod && (e.key === 'z' || e.key === 'Z' || e.key === 'y') && !inField && !desktop) {
        e.preventDefault();
        if (e.key === 'y' || e.shiftKey) void st.redo();
        else void st.undo();
        return;
      }
      if (mod && e.shiftKey && (e.key === 'y' || e.key === 'Y') && !desktop) {
        // The desktop's File menu carries the same accelerator.
        e.preventDefault();
        sync.getState().open('sync');
        return;
      }
      if (mod && e.key === 'k') {
        e.preventDefault();
        search.current?.focus();
        return;
      }
      if (inField || mod || e.altKey) return;
      if (e.key === '/') {
        e.preventDefault();
        search.current?.focus();
      } else if (st.view === 'map') {
        if (e.key === '+' || e.key === '=') st.mapControl?.zoomBy(ZOOM_STEP);
        else if (e.key === '-' || e.key === '_') st.mapControl?.zoomBy(1 / ZOOM_STEP);
        else if (e.key === '0') st.fit();
        else if (e.key === 'Escape') st.select(null);
        else if (e.key === 'Enter' && st.selected) void st.focusOn(st.selected);
        else if (e.key === 'Backspace') void st.focusUp();
        else if (e.key.startsWith('Arrow')) {
          const step = 120;
          e.preventDefault();
          st.mapControl?.pan(e.key === 'ArrowLeft' ? step : e.key === 'ArrowRight' ? -step : 0, e.key === 'ArrowUp' ? step : e.key === 'ArrowDown' ? -step : 0);
        }
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [store, desktop, sync]);

  if (fatal) {
    return (
      <div className="fatal">
        <h1>FluxPlan cannot open the plan</h1>
        <p>{fatal}</p>
      </div>
    );
  }

  return (
    <div className={ready ? 'app' : 'app loading'}>
      <TopBar search={search} />
      <Rail />
      <main className="content">
        {view === 'map' && <MapScreen />}
        {view === 'table' && <TableView />}
        {view === 'services' && <ServicesView />}
        {view === 'products' && <ProductsView />}
        {view === 'log' && <LogView />}
        {view === 'transit' && <TransitView />}
        {view === 'rdns' && <RdnsView />}
        {view === 'locations' && <LocationsView />}
        {view === 'vlans' && <VlansView />}
        {view === 'journal' && <JournalView />}
      </main>
      {(view === 'map' || view === 'table') && <Inspector />}
      <StatusBar />
      <DialogHost />
      {wizard === 'import' && <ImportWizard />}
      {wizard === 'export' && <ExportDialog />}
      <SyncDialog />
      <Toasts />
    </div>
  );
}

export function App() {
  return (
    <ReactFlowProvider>
      <SyncProvider>
        <Shell />
      </SyncProvider>
    </ReactFlowProvider>
  );
}
