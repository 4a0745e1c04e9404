/**
 * The zoomable address map on React Flow. Zoom is the map's own (semantic, along the address axis):
 * a wheel notch, a pinch, the +/− buttons and keys scale the camera's x around the pointer (or the
 * centre), so the block under the pointer stays under it and the rows never move up or down; the map
 * is laid out again at once, so deeper levels open and labels stay readable. React Flow only pans
 * (drag, arrow keys), with a CSS transform during the gesture.
 */
import { Background, BackgroundVariant, Panel, ReactFlow, useReactFlow, type Node, type Viewport as RfViewport } from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useApp, useAppStore } from '../context';
import { adjacent, contains } from '../cidr';
import { fitCamera } from '../store';
import { ROW_H, ROW_PITCH, WORLD, fracAt, layout, worldX, type Camera, type Viewport } from './layout';
import { HoverCard, type Hover } from './HoverCard';
import { nodeTypes, type MapNodeData } from './nodes';

const MAX_SCALE = 1e11;
/** One press of + or −. */
export const ZOOM_STEP = 1.6;

function sameItem(a: MapNodeData['item'], b: MapNodeData['item']): boolean {
  if (a.kind !== b.kind || a.tier !== b.tier || a.depth !== b.depth) return false;
  if (a.kind === 'subnet' && b.kind === 'subnet') return a.node === b.node && a.open === b.open && a.loading === b.loading && a.stick === b.stick && Math.round(a.width) === Math.round(b.width);
  if (a.kind === 'run' && b.kind === 'run') return a.members.length === b.members.length && a.members.every((m, i) => m === b.members[i]) && Math.round(a.width) === Math.round(b.width);
  return false;
}

function sameData(a: MapNodeData, b: MapNodeData): boolean {
  return a.selected === b.selected && a.error === b.error && a.highlight === b.highlight && a.toggle === b.toggle && sameItem(a.item, b.item);
}

/** The camera after zooming by `factor` around screen x `px`: the address under `px` stays under it. */
export function zoomAround(camera: Camera, vpX: number, px: number, factor: number, minS: number): { camera: Camera; x: number } {
  const frac = fracAt(px - vpX, camera);
  const s = Math.min(MAX_SCALE, Math.max(minS, camera.s * factor));
  return { camera: { s, origin: frac }, x: px };
}

/** Wheel travel to a zoom factor: a mouse notch (~100 px) is about 1.25x; a pinch (ctrl+wheel) is finer-grained and faster. */
function wheelFactor(e: WheelEvent): number {
  const dy = e.deltaMode === 1 ? e.deltaY * 33 : e.deltaMode === 2 ? e.deltaY * 800 : e.deltaY;
  return Math.exp(-dy * (e.ctrlKey ? 0.01 : 0.0022));
}

export function MapCanvas() {
  const store = useAppStore();
  const rf = useReactFlow();
  const version = useApp((s) => s.version);
  const camera = useApp((s) => s.camera);
  const mode = useApp((s) => s.mode);
  const focus = useApp((s) => s.focus);
  const roots = useApp((s) => s.roots);
  const selected = useApp((s) => s.selected);
  const highlight = useApp((s) => s.highlight);
  const nodeErrors = useApp((s) => s.nodeErrors);
  const request = useApp((s) => s.viewportRequest);
  const canvas = useApp((s) => s.canvas);
  const wrap = useRef<HTMLDivElement>(null);
  const [view, setView] = useState<Viewport>({ x: canvas.width / 2, y: 28, zoom: 1, width: canvas.width, height: canvas.height });
  const live = useRef<RfViewport>({ x: view.x, y: view.y, zoom: 1 });
  const [hover, setHover] = useState<Hover | null>(null);
  const frame = useRef(0);

  // Canvas size.
  useEffect(() => {
    const el = wrap.current;
    if (!el) return;
    const ro = new ResizeObserver(() => {
      const r = el.getBoundingClientRect();
      if (r.width > 0 && r.height > 0) {
        store.getState().setCanvas(Math.round(r.width), Math.round(r.height));
        setView((v) => ({ ...v, width: r.width, height: r.height }));
      }
    });
    ro.observe(el);
    return () => ro.disconnect();
  }, [store]);

  const s = store.getState();
  const result = useMemo(
    () =>
      layout({
        data: { nodes: s.nodes, kids: s.kids, collapsed: s.collapsed },
        top: focus ? [focus] : roots,
        focused: !!focus,
        camera,
        view,
        mode,
        loading: s.loading,
        adjacent,
      }),
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [version, camera, view, mode, focus, roots],
  );

  useEffect(() => {
    if (result.wanted.length) void store.getState().loadMany(result.wanted);
  }, [result, store]);
  const laidOut = useRef(result);
  laidOut.current = result;

  const toggle = useCallback((cidr: string) => store.getState().toggleCollapsed(cidr), [store]);
  const hlText = highlight && Date.now() - highlight.at < 8000 ? highlight : null;
  // Node objects are reused while nothing they show changed, so React Flow skips them on the next render.
  const cache = useRef(new Map<string, Node<MapNodeData>>());
  const nodes: Node<MapNodeData>[] = useMemo(() => {
    const prev = cache.current;
    const next = new Map<string, Node<MapNodeData>>();
    const out = result.placed.map((p) => {
      const isSubnet = p.item.kind === 'subnet';
      const data: MapNodeData = {
        item: p.item,
        selected: isSubnet && p.id === selected,
        error: isSubnet ? nodeErrors.get(p.id) ?? null : null,
        highlight: hlText && hlText.cidr === p.id ? hlText.note || ' ' : null,
        toggle,
      };
      const old = prev.get(p.id);
      if (old && old.position.x === p.x && old.position.y === p.y && old.width === p.width && sameData(old.data, data)) {
        next.set(p.id, old);
        return old;
      }
      const node: Node<MapNodeData> = {
        id: p.id,
        type: p.item.kind,
        position: { x: p.x, y: p.y },
        width: p.width,
        height: p.height,
        draggable: false,
        selectable: false,
        connectable: false,
        focusable: false,
        // An error note hangs below its node: lift it over the row beneath.
        zIndex: data.error ? 1000 : data.selected ? 10 : 0,
        data,
      };
      next.set(p.id, node);
      return node;
    });
    cache.current = next;
    return out;
  }, [result, selected, nodeErrors, hlText, toggle]);

  const minS = fitCamera(canvas.width).s * 0.35;

  /** Puts the camera and the viewport in place at once (zoom 1: the camera carries the scale). */
  const place = useCallback(
    (camera: Camera, vp: RfViewport) => {
      live.current = vp;
      store.getState().setCamera(camera);
      void rf.setViewport(vp);
      setView((v) => ({ ...v, ...vp }));
      setHover(null);
    },
    [rf, store],
  );

  const hoverAt = useCallback((e: React.MouseEvent, node: Node) => {
    const r = wrap.current?.getBoundingClientRect();
    if (r) setHover({ item: (node.data as MapNodeData).item, x: e.clientX - r.left, y: e.clientY - r.top });
  }, []);

  const settle = useCallback((vp: RfViewport) => {
    // A pan: lay out again only when the view left most of the laid-out margin (labels re-stick then too).
    setView((v) => (Math.abs(vp.x - v.x) > v.width * 0.25 || Math.abs(vp.y - v.y) > v.height * 0.5 ? { ...v, x: vp.x, y: vp.y, zoom: 1 } : v));
  }, []);

  // Zoom steps that arrive within one frame (a fast wheel, a pinch) are applied together.
  const pendingZoom = useRef<{ px: number; factor: number } | null>(null);
  const zoomAt = useCallback(
    (px: number, factor: number) => {
      const p = pendingZoom.current;
      pendingZoom.current = { px, factor: (p?.factor ?? 1) * factor };
      if (frame.current) return;
      frame.current = requestAnimationFrame(() => {
        frame.current = 0;
        const z = pendingZoom.current!;
        pendingZoom.current = null;
        const cur = live.current;
        const next = zoomAround(store.getState().camera, cur.x, z.px, z.factor, minS);
        place(next.camera, { x: next.x, y: cur.y, zoom: 1 });
      });
    },
    [minS, place, store],
  );

  // The map's controls for the toolbar, the menu and the keyboard.
  useEffect(() => {
    store.getState().setMapControl({
      zoomBy: (factor) => zoomAt(store.getState().canvas.width / 2, factor),
      pan: (dx, dy) => {
        const cur = live.current;
        void rf.setViewport({ x: cur.x + dx, y: cur.y + dy, zoom: 1 }, { duration: 120 }).then(() => settle(rf.getViewport()));
        live.current = { x: cur.x + dx, y: cur.y + dy, zoom: 1 };
      },
      onScreen: (cidr) => {
        const { spans } = laidOut.current;
        let span = spans.get(cidr) ?? null;
        if (!span) {
          // Folded on the map: the span of the displayed pieces it holds.
          for (const [c, sp] of spans) {
            if (!contains(cidr, c)) continue;
            span = span ? { a: Math.min(span.a, sp.a), b: Math.max(span.b, sp.b), depth: Math.min(span.depth, sp.depth) } : sp;
          }
        }
        if (!span) return null;
        const st = store.getState();
        const vp = live.current;
        const x0 = worldX(span.a, st.camera) * vp.zoom + vp.x;
        const x1 = worldX(span.b, st.camera) * vp.zoom + vp.x;
        const y = span.depth * ROW_PITCH * vp.zoom + vp.y;
        const inView = x0 >= -4 && x1 <= st.canvas.width + 4 && y >= 0 && y + ROW_H <= st.canvas.height;
        return inView ? x1 - x0 : null;
      },
    });
    return () => store.getState().setMapControl(null);
  }, [rf, settle, store, zoomAt]);

  // The wheel zooms around the pointer; a horizontal swipe (or shift+wheel) pans along the addresses.
  useEffect(() => {
    const el = wrap.current;
    if (!el) return;
    const onWheel = (e: WheelEvent) => {
      e.preventDefault();
      const r = el.getBoundingClientRect();
      const sideways = e.shiftKey ? e.deltaY || e.deltaX : Math.abs(e.deltaX) > Math.abs(e.deltaY) ? e.deltaX : 0;
      if (sideways && !e.ctrlKey) {
        const cur = live.current;
        const vp = { x: cur.x - sideways, y: cur.y, zoom: 1 };
        live.current = vp;
        void rf.setViewport(vp);
        settle(vp);
        return;
      }
      zoomAt(e.clientX - r.left, wheelFactor(e));
    };
    el.addEventListener('wheel', onWheel, { passive: false });
    return () => el.removeEventListener('wheel', onWheel);
  }, [rf, settle, zoomAt]);

  const onMove = useCallback((_: unknown, vp: RfViewport) => {
    live.current = vp;
  }, []);

  const onMoveEnd = useCallback((_: unknown, vp: RfViewport) => settle(vp), [settle]);

  // Fly-to and fit requests from the store.
  const lastSeq = useRef(0);
  useEffect(() => {
    if (!request || request.seq === lastSeq.current) return;
    lastSeq.current = request.seq;
    const st = store.getState();
    const apply = () => place(request.camera, { x: request.x, y: request.y, zoom: 1 });
    const ratio = request.camera.s / st.camera.s;
    if (!request.animate || ratio > 256 || ratio < 1 / 256) {
      apply();
      return;
    }
    // Animate in the current camera's world, then land exactly on the requested camera.
    const zoom = ratio;
    const wx = worldX(request.camera.origin, st.camera);
    const x = st.canvas.width / 2 - wx * zoom;
    const y = request.rowY + request.y - request.rowY * zoom;
    void rf.setViewport({ x, y, zoom }, { duration: 520 }).then(apply);
  }, [request, rf, store, place]);

  const onNodeClick = useCallback(
    (_: unknown, node: Node) => {
      const data = node.data as MapNodeData;
      const st = store.getState();
      if (data.item.kind === 'run') {
        // Open a run of free blocks: zoom so that it fills most of the width.
        const px = data.item.width;
        const centerWorld = node.position.x + (node.width ?? 0) / 2;
        const target = Math.min(MAX_SCALE, st.camera.s * ((st.canvas.width * 0.8) / Math.max(px, 1)));
        place({ s: target, origin: fracAt(centerWorld, st.camera) }, { x: st.canvas.width / 2, y: live.current.y, zoom: 1 });
        return;
      }
      st.select(node.id);
      st.clearError(node.id);
    },
    [place, store],
  );

  const onNodeDoubleClick = useCallback(
    (_: unknown, node: Node) => {
      const data = node.data as MapNodeData;
      if (data.item.kind === 'subnet' && data.item.node.allocation_status === 'subdivided') void store.getState().focusOn(node.id);
    },
    [store],
  );

  return (
    <div className="map" ref={wrap} data-testid="map" data-mounted={result.placed.length} data-dropped={result.dropped}>
      <ReactFlow
        nodes={nodes}
        edges={[]}
        nodeTypes={nodeTypes}
        defaultViewport={{ x: canvas.width / 2, y: 28, zoom: 1 }}
        // Only fly-to animates React Flow's own zoom; every user zoom goes through the camera (zoomAt).
        minZoom={1 / 512}
        maxZoom={512}
        zoomOnScroll={false}
        zoomOnPinch={false}
        panOnScroll={false}
        onMove={onMove}
        onMoveEnd={onMoveEnd}
        onNodeClick={onNodeClick}
        onNodeDoubleClick={onNodeDoubleClick}
        onNodeMouseEnter={hoverAt}
        onNodeMouseMove={hoverAt}
        onNodeMouseLeave={() => setHover(null)}
        onPaneClick={() => store.getState().select(null)}
        zoomOnDoubleClick={false}
        nodesDraggable={false}
        nodesConnectable={false}
        elementsSelectable={false}
        nodesFocusable={false}
        edgesFocusable={false}
        disableKeyboardA11y
        proOptions={{ hideAttribution: true }}
        translateExtent={[[-1e9, -4000], [1e9, 1e5]]}
      >
        <Background variant={BackgroundVariant.Dots} gap={24} size={1} color="var(--grid)" />
        <Panel position="bottom-right" className="zoombar">
          <button type="button" title="Zoom in (+)" aria-label="Zoom in" onClick={() => zoomAt(canvas.width / 2, ZOOM_STEP)}>+</button>
          <button type="button" title="Zoom out (−)" aria-label="Zoom out" onClick={() => zoomAt(canvas.width / 2, 1 / ZOOM_STEP)}>−</button>
          <button type="button" title="Fit (0)" aria-label="Fit" onClick={() => store.getState().fit()}>⤢</button>
        </Panel>
      </ReactFlow>
      {hover && <HoverCard hover={hover} width={view.width} height={view.height} />}
    </div>
  );
}

export { WORLD };
