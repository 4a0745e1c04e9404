/**
 * The address map's layout: an icicle of the prefix tree. A row per display level; a node sits under its
 * parent, inside the parent's span, in address order, and its width grows with its block size (log scale by
 * default, proportional on request). Long runs of free leaves share one compact slot.
 *
 * Semantic zoom: the camera scales the x axis only (`s`); a subdivided node opens its children once it is
 * wide enough on screen, and only nodes that are visible and at least a few pixels wide are emitted, so the
 * number of mounted nodes stays bounded whatever the plan holds. Pure functions: no React, no DOM.
 */
import type { MethodResult } from '../../../shared/api/contract';

export type BrowseNode = MethodResult<'tree.children'>['nodes'][number];
export type ScaleMode = 'log' | 'linear';
export type Tier = 'xl' | 'l' | 'm' | 's' | 'xs';

/** World units across the focus at camera scale 1. */
export const WORLD = 1000;
export const ROW_H = 66;
export const ROW_PITCH = 90;
/** A subdivided node opens (and loads) its children from this on-screen width. */
export const EXPAND_PX = 170;
/** A run of free blocks is drawn as its members once each would get this much width: room for its label (".160/27"). */
export const PIECE_PX = 64;
/** Nodes narrower than this on screen are not mounted; their parent's bar already shows them. */
export const MIN_PX = 3;
/** Hard bound on mounted map nodes, whatever the plan holds. */
export const MAX_NODES = 500;

export interface Camera {
  /** Horizontal scale: the focus spans WORLD * s world units. */
  s: number;
  /** The focus fraction drawn at world x = 0 (kept near the view so coordinates stay small). */
  origin: number;
}

export interface Viewport {
  x: number;
  y: number;
  zoom: number;
  width: number;
  height: number;
}

export interface TreeData {
  nodes: ReadonlyMap<string, BrowseNode>;
  kids: ReadonlyMap<string, readonly string[]>;
  collapsed: ReadonlySet<string>;
}

export type MapItem =
  | {
      kind: 'subnet'; id: string; node: BrowseNode; tier: Tier; depth: number; open: boolean; loading: boolean; width: number; stick: number;
      /** The prefix length of the block it is drawn under (null on the top row): what its label may leave out. */
      parentLen: number | null;
    }
  | { kind: 'run'; id: string; members: BrowseNode[]; tier: Tier; depth: number; width: number; total: number; largest: number };

export interface PlacedItem {
  id: string;
  x: number;
  y: number;
  width: number;
  height: number;
  item: MapItem;
}

export interface LayoutResult {
  placed: PlacedItem[];
  /** Subdivided nodes that are open on screen but whose children are not loaded yet. */
  wanted: string[];
  /** Focus fraction spans of every node reached (mounted or not), for hit tests and fly-to. */
  spans: Map<string, { a: number; b: number; depth: number }>;
  /** How many nodes were left out to respect MAX_NODES. */
  dropped: number;
}

export function hostBits(n: Pick<BrowseNode, 'ip_version' | 'prefix_length'>): number {
  return (n.ip_version === 4 ? 32 : 128) - n.prefix_length;
}

/** Free leaf with nothing of its own: what runs are made of. */
export function isPlainFree(n: BrowseNode): boolean {
  return n.is_free && !n.description && !n.location && n.vlan === null && !n.customer && !n.service && !n.device && n.stats.ips === 0;
}

function weightOfBits(bits: number, mode: ScaleMode): number {
  return mode === 'log' ? bits + 2 : Math.pow(2, bits);
}

/** log2 of the summed sizes of blocks given by host bits. */
function log2Sum(bits: number[]): number {
  const max = Math.max(...bits);
  let sum = 0;
  for (const b of bits) sum += Math.pow(2, b - max);
  return max + Math.log2(sum);
}

type Slot = { kind: 'node'; cidr: string; weight: number } | { kind: 'run'; members: string[]; weight: number } | { kind: 'gap'; weight: number };

/** The slots of a row under one parent: nodes in address order, runs of plain free leaves folded into one slot. */
export function slotsOf(cidrs: readonly string[], data: TreeData, mode: ScaleMode): Slot[] {
  const slots: Slot[] = [];
  let run: string[] = [];
  const flush = () => {
    if (run.length === 1) slots.push({ kind: 'node', cidr: run[0]!, weight: weightOfBits(hostBits(data.nodes.get(run[0]!)!), mode) });
    else if (run.length > 1) {
      const bits = run.map((c) => hostBits(data.nodes.get(c)!));
      slots.push({ kind: 'run', members: run, weight: mode === 'log' ? log2Sum(bits) + 2 : bits.reduce((s, b) => s + Math.pow(2, b), 0) });
    }
    run = [];
  };
  for (const c of cidrs) {
    const n = data.nodes.get(c);
    if (!n) continue;
    if (isPlainFree(n)) {
      run.push(c);
      continue;
    }
    flush();
    slots.push({ kind: 'node', cidr: c, weight: weightOfBits(hostBits(n), mode) });
  }
  flush();
  return slots;
}

/** Roots of a family side by side; a thin gap marks address space between them that the plan does not hold. */
export function rootSlots(roots: readonly string[], data: TreeData, mode: ScaleMode, adjacent: (a: string, b: string) => boolean): Slot[] {
  const slots: Slot[] = [];
  const weights = roots.map((c) => (data.nodes.get(c) ? weightOfBits(hostBits(data.nodes.get(c)!), mode) : 0));
  const total = weights.reduce((s, w) => s + w, 0) || 1;
  roots.forEach((c, i) => {
    if (i > 0 && !adjacent(roots[i - 1]!, c)) slots.push({ kind: 'gap', weight: total * 0.012 });
    slots.push({ kind: 'node', cidr: c, weight: weights[i]! });
  });
  return slots;
}

function spread<T extends { weight: number }>(a: number, b: number, slots: T[]): Array<{ slot: T; a: number; b: number }> {
  const total = slots.reduce((s, x) => s + x.weight, 0) || 1;
  let at = a;
  return slots.map((slot) => {
    const w = ((b - a) * slot.weight) / total;
    const out = { slot, a: at, b: at + w };
    at += w;
    return out;
  });
}

export function tierOf(px: number): Tier {
  if (px >= 230) return 'xl';
  if (px >= 130) return 'l';
  if (px >= 56) return 'm';
  if (px >= 16) return 's';
  return 'xs';
}

export interface LayoutInput {
  data: TreeData;
  /** The top row: the focus alone, or the roots of the family. */
  top: readonly string[];
  focused: boolean;
  camera: Camera;
  view: Viewport;
  mode: ScaleMode;
  loading: ReadonlySet<string>;
  adjacent: (a: string, b: string) => boolean;
}

export function worldX(frac: number, camera: Camera): number {
  return (frac - camera.origin) * WORLD * camera.s;
}

export function fracAt(worldXValue: number, camera: Camera): number {
  return camera.origin + worldXValue / (WORLD * camera.s);
}

/**
 * Breadth first from the top row, so that when MAX_NODES bites it is the deepest, smallest detail that waits.
 * Subtrees entirely outside the view (plus an overscan of half a screen each side) are not visited.
 */
export function layout(input: LayoutInput): LayoutResult {
  const { data, camera, view, mode } = input;
  const pxPerFrac = WORLD * camera.s * view.zoom;
  const worldLeft = (-view.x) / view.zoom;
  const worldRight = (view.width - view.x) / view.zoom;
  const over = (worldRight - worldLeft) * 0.5;
  const visLeft = fracAt(worldLeft - over, camera);
  const visRight = fracAt(worldRight + over, camera);
  const worldTop = (-view.y) / view.zoom - ROW_PITCH * 2;
  const worldBottom = (view.height - view.y) / view.zoom + ROW_PITCH * 2;

  const placed: PlacedItem[] = [];
  const wanted: string[] = [];
  const spans = new Map<string, { a: number; b: number; depth: number }>();
  let dropped = 0;

  type Task = { slots: Slot[]; a: number; b: number; depth: number; parentLen: number | null };
  const queue: Task[] = [];
  const top = input.focused
    ? input.top.map((c) => ({ kind: 'node' as const, cidr: c, weight: 1 }))
    : rootSlots(input.top, data, mode, input.adjacent);
  queue.push({ slots: top, a: 0, b: 1, depth: 0, parentLen: null });

  const emit = (p: PlacedItem) => {
    if (placed.length >= MAX_NODES) {
      dropped++;
      return;
    }
    placed.push(p);
  };

  for (let qi = 0; qi < queue.length; qi++) {
    const task = queue[qi]!;
    const y = task.depth * ROW_PITCH;
    const rowVisible = y + ROW_H >= worldTop && y <= worldBottom;
    for (const { slot, a, b } of spread(task.a, task.b, task.slots)) {
      if (slot.kind === 'gap') continue;
      if (b < visLeft || a > visRight) {
        if (slot.kind === 'node') spans.set(slot.cidr, { a, b, depth: task.depth });
        continue;
      }
      const px = (b - a) * pxPerFrac;
      const x0 = worldX(a, camera);
      const w = (b - a) * WORLD * camera.s;
      const gap = px > 8 ? 2 / view.zoom : 0;
      if (slot.kind === 'run') {
        const members = slot.members.map((c) => data.nodes.get(c)!);
        if (px / members.length >= PIECE_PX) {
          // Wide enough: the members take their own slots inside the run's span.
          queue.push({ slots: members.map((m) => ({ kind: 'node' as const, cidr: m.cidr, weight: weightOfBits(hostBits(m), mode) })), a, b, depth: task.depth, parentLen: task.parentLen });
          continue;
        }
        for (const m of members) spans.set(m.cidr, { a, b, depth: task.depth });
        if (!rowVisible || px < MIN_PX) continue;
        const bits = members.map(hostBits);
        emit({
          id: `run:${members[0]!.cidr}`,
          x: x0,
          y,
          width: Math.max(w - gap, 0.5 / view.zoom),
          height: ROW_H,
          item: {
            kind: 'run', id: `run:${members[0]!.cidr}`, members, tier: tierOf(px), depth: task.depth, width: px,
            total: Math.pow(2, log2Sum(bits)), largest: Math.min(...members.map((m) => m.prefix_length)),
          },
        });
        continue;
      }
      const node = data.nodes.get(slot.cidr);
      if (!node) continue;
      spans.set(slot.cidr, { a, b, depth: task.depth });
      const subdivided = node.allocation_status === 'subdivided';
      const wide = px >= EXPAND_PX && !data.collapsed.has(node.cidr);
      const kids = data.kids.get(node.cidr);
      const open = subdivided && wide && !!kids && kids.length > 0;
      if (subdivided && wide && !kids && !input.loading.has(node.cidr)) wanted.push(node.cidr);
      if (rowVisible && px >= MIN_PX) {
        emit({
          id: node.cidr,
          x: x0,
          y,
          width: Math.max(w - gap, 0.5 / view.zoom),
          height: ROW_H,
          item: {
            kind: 'subnet', id: node.cidr, node, tier: tierOf(px), depth: task.depth, open, loading: input.loading.has(node.cidr), width: px,
            // A node cut by the view's left edge keeps its label in view while it has room for it (screen pixels, stepped to limit re-renders).
            stick: x0 < worldLeft ? Math.max(0, Math.round(Math.min((worldLeft - x0) * view.zoom, px - 140) / 20) * 20) : 0,
            parentLen: task.parentLen,
          },
        });
      }
      if (open) queue.push({ slots: slotsOf(kids!, data, mode), a, b, depth: task.depth + 1, parentLen: node.prefix_length });
    }
  }
  return { placed, wanted, spans, dropped };
}

/**
 * The focus fraction span of a node given its display path (top row first), without laying out the rest:
 * what fly-to needs before the node is on screen.
 */
export function spanAlong(path: readonly string[], top: readonly string[], focused: boolean, data: TreeData, mode: ScaleMode, adjacent: (a: string, b: string) => boolean): { a: number; b: number; depth: number } | null {
  if (!path.length) return null;
  let slots: Slot[] = focused ? top.map((c) => ({ kind: 'node' as const, cidr: c, weight: 1 })) : rootSlots(top, data, mode, adjacent);
  let a = 0, b = 1;
  for (let depth = 0; depth < path.length; depth++) {
    const want = path[depth]!;
    let found: { a: number; b: number } | null = null;
    for (const s of spread(a, b, slots)) {
      if (s.slot.kind === 'node' && s.slot.cidr === want) found = s;
      else if (s.slot.kind === 'run' && s.slot.members.includes(want)) {
        const inner = spread(s.a, s.b, s.slot.members.map((m) => ({ cidr: m, weight: weightOfBits(hostBits(data.nodes.get(m)!), mode) })));
        const hit = inner.find((x) => x.slot.cidr === want)!;
        found = { a: hit.a, b: hit.b };
      }
      if (found) break;
    }
    if (!found) return null;
    ({ a, b } = found);
    if (depth === path.length - 1) return { a, b, depth };
    const kids = data.kids.get(want);
    if (!kids) return null;
    slots = slotsOf(kids, data, mode);
  }
  return null;
}
