/**
 * The zoomable address map on React Flow. React Flow pans and zooms with a CSS transform during a
 * gesture (cheap, smooth frames); when the gesture settles, the zoom is folded into the camera's x scale
 * and the map is laid out again at zoom 1 (semantic zoom: deeper levels open, labels stay readable).
 */
import { Background, BackgroundVariant, Panel, ReactFlow, useReactFlow, type Node, type Viewport as RfViewport } from '@xyflow/react';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useApp, useAppStore } from '../context';
import { adjacent } from '../cidr';
import { fitCamera } from '../store';
import { WORLD, fracAt, layout, worldX, type Camera, type Viewport } from './layout';
import { nodeTypes, type MapNodeData } from './nodes';

const MAX_SCALE = 1e11;

function sameItem(a: MapNodeData['item'], b: MapNodeData['item']): boolean {
  if (a.kind !== b.kind || a.tier !== b.tier || a.depth !== b.depth) return false;
  if (a.kind === 'subnet' && b.kind === 'subnet') return a.node === b.node && a.open === b.open && a.loading === b.loading && a.stick === b.stick && Math.round(a.width) === Math.round(b.width);
  if (a.kind === 'run' && b.kind === 'run') return a.members.length === b.members.length && a.members.every((m, i) => m === b.members[i]) && Math.round(a.width) === Math.round(b.width);
  return false;
}

function sameData(a: MapNodeData, b: MapNodeData): boolean {
  return a.selected === b.selected && a.error === b.error && a.highlight === b.highlight && a.toggle === b.toggle && sameItem(a.item, b.item);
}

function rebase(camera: Camera, vp: RfViewport, width: number, height: number, minS: number): { camera: Camera; vp: RfViewport } {
  const cx = width / 2;
  const cy = height / 2;
  const frac = fracAt((cx - vp.x) / vp.zoom, camera);
  const s = Math.min(MAX_SCALE, Math.max(minS, camera.s * vp.zoom));
  const worldCy = (cy - vp.y) / vp.zoom;
  return { camera: { s, origin: frac }, vp: { x: cx, y: cy - worldCy, zoom: 1 } };
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

  const settle = useCallback(
    (vp: RfViewport) => {
      const st = store.getState();
      const { width, height } = st.canvas;
      const drift = Math.abs(vp.x - width / 2) > width * 1.5;
      if (vp.zoom === 1 && !drift) {
        // A pan: lay out again only when the view left most of the laid-out margin (labels re-stick then too).
        setView((v) => (Math.abs(vp.x - v.x) > v.width * 0.25 || Math.abs(vp.y - v.y) > v.height * 0.5 ? { ...v, x: vp.x, y: vp.y, zoom: 1 } : v));
        return;
      }
      const next = rebase(st.camera, vp, width, height, minS);
      live.current = next.vp;
      st.setCamera(next.camera);
      void rf.setViewport(next.vp);
      setView((v) => ({ ...v, ...next.vp }));
    },
    [rf, store, minS],
  );

  // Re-lay out during a gesture only when the view leaves the laid-out margin or the zoom changes a lot.
  const onMove = useCallback(
    (_: unknown, vp: RfViewport) => {
      live.current = vp;
      if (frame.current) return;
      frame.current = requestAnimationFrame(() => {
        frame.current = 0;
        const cur = live.current;
        setView((v) => {
          const ratio = cur.zoom / v.zoom;
          const moved = Math.abs(cur.x - v.x) > v.width * 0.4 || Math.abs(cur.y - v.y) > v.height * 0.6;
          if (!moved && ratio > 0.7 && ratio < 1.45) return v;
          return { ...v, x: cur.x, y: cur.y, zoom: cur.zoom };
        });
      });
    },
    [],
  );

  const onMoveEnd = useCallback((_: unknown, vp: RfViewport) => settle(vp), [settle]);

  // Fly-to and fit requests from the store.
  const lastSeq = useRef(0);
  useEffect(() => {
    if (!request || request.seq === lastSeq.current) return;
    lastSeq.current = request.seq;
    const st = store.getState();
    const apply = () => {
      st.setCamera(request.camera);
      const vp = { x: request.x, y: request.y, zoom: 1 };
      live.current = vp;
      void rf.setViewport(vp);
      setView((v) => ({ ...v, ...vp }));
    };
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
  }, [request, rf, store]);

  const onNodeClick = useCallback(
    (_: unknown, node: Node) => {
      const data = node.data as MapNodeData;
      const st = store.getState();
      if (data.item.kind === 'run') {
        // Open a run of free blocks: zoom so that it fills most of the width.
        const px = data.item.width;
        const vp = live.current;
        const centerWorld = node.position.x + (node.width ?? 0) / 2;
        const target = Math.min(MAX_SCALE, st.camera.s * ((st.canvas.width * 0.8) / Math.max(px, 1)));
        const origin = fracAt(centerWorld, st.camera);
        st.setCamera({ s: target, origin });
        const next = { x: st.canvas.width / 2, y: vp.y, zoom: 1 };
        live.current = next;
        void rf.setViewport(next);
        setView((v) => ({ ...v, ...next }));
        return;
      }
      st.select(node.id);
      st.clearError(node.id);
    },
    [rf, store],
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
        minZoom={0.02}
        maxZoom={64}
        onMove={onMove}
        onMoveEnd={onMoveEnd}
        onNodeClick={onNodeClick}
        onNodeDoubleClick={onNodeDoubleClick}
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
          <button type="button" title="Zoom in (+)" aria-label="Zoom in" onClick={() => void rf.zoomIn({ duration: 180 })}>+</button>
          <button type="button" title="Zoom out (−)" aria-label="Zoom out" onClick={() => void rf.zoomOut({ duration: 180 })}>−</button>
          <button type="button" title="Fit (0)" aria-label="Fit" onClick={() => store.getState().fit()}>⤢</button>
        </Panel>
      </ReactFlow>
    </div>
  );
}

export { WORLD };
