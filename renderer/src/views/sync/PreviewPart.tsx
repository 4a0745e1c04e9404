/** One side of a sync in plan terms: a sentence, the subnets, allocations, addresses and catalog rows it touches, and the tree diff. */
import type { ReactNode } from 'react';
import { partSentence, plural, type PreviewPart as Part } from './format';

function Group({ title, count, children }: { title: string; count: number; children: ReactNode }) {
  if (!count) return null;
  return (
    <div className="sync-group">
      <div className="sync-group-title">{title} <span className="tab-count">{count.toLocaleString('en')}</span></div>
      {children}
    </div>
  );
}

function Chips({ items, kind }: { items: string[]; kind: 'c' | 'd' | 'm' }) {
  return (
    <ul className={`sync-chips ${kind}`}>
      {items.map((s) => <li key={s} className="mono">{s}</li>)}
    </ul>
  );
}

const lineKind = (l: string) => (l.startsWith('+') ? 'c' : l.startsWith('-') ? 'd' : 'm');

/** "~ 10.0.0.0/24 free -> subdivided": the sign, then the text, the arrow drawn. */
function TreeLine({ line }: { line: string }) {
  const sign = line.slice(0, 1);
  const rest = line.slice(2);
  const [from, to] = rest.split(' -> ');
  return (
    <li className={lineKind(line)}>
      <span className="sign">{sign}</span>
      {to === undefined ? <span>{rest}</span> : <span>{from} <span className="arrow">→</span> {to}</span>}
    </li>
  );
}

export function PreviewPart({ part, side, done }: { part: Part; side: 'pull' | 'push'; done: boolean }) {
  const c = part.counts;
  return (
    <section className={`sync-part ${side}${part.changes ? '' : ' empty'}`} data-testid={`sync-${side}`} aria-label={side === 'pull' ? 'From the tenant' : 'To the tenant'}>
      <header>
        <span className="sync-part-icon" aria-hidden>{side === 'pull' ? '↓' : '↑'}</span>
        <h3>{side === 'pull' ? 'From the tenant' : 'To the tenant'}</h3>
        <span className="muted small">{side === 'pull' ? 'applied to this plan' : 'sent as one changeset'}</span>
      </header>
      <p className="sync-sentence">{partSentence(part, side, done)}</p>
      {part.changes > 0 && (
        <div className="sync-groups">
          <Group title="Subnets created" count={c.subnets_created}><Chips items={part.subnets_created} kind="c" /></Group>
          <Group title="Subnets deleted" count={c.subnets_deleted}><Chips items={part.subnets_deleted} kind="d" /></Group>
          <Group title="Allocations" count={c.allocations}>
            <table className="sync-allocs">
              <tbody>
                {part.allocations.map((a) => (
                  <tr key={a.subnet}>
                    <td className="mono strong">{a.subnet}</td>
                    <td className="from">{a.from}</td>
                    <td className="arrow">→</td>
                    <td className="to">{a.to}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Group>
          <Group title="IP addresses allocated" count={c.ips_allocated}><Chips items={part.ips_allocated} kind="c" /></Group>
          <Group title="IP addresses released" count={c.ips_released}><Chips items={part.ips_released} kind="d" /></Group>
          <Group title="IP records changed" count={c.ips_changed}><Chips items={part.ips_changed} kind="m" /></Group>
          <Group title="Catalog" count={c.catalog}><Chips items={part.catalog} kind="m" /></Group>
          {part.tree.length > 0 && (
            <details className="sync-tree-wrap" open={part.tree.length <= 40}>
              <summary>Tree diff · {plural(part.tree.length, 'line')}</summary>
              <ul className="sync-tree mono" data-testid={`sync-${side}-tree`}>
                {part.tree.map((l, i) => <TreeLine key={i} line={l} />)}
              </ul>
            </details>
          )}
          {part.truncated && <div className="hint">Each list shows its first 500 entries; the counts are exact.</div>}
        </div>
      )}
    </section>
  );
}
