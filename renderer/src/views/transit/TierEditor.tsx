/** Overage bands: up to N units at a rate each; the last band is open. */
import type { BandDraft } from './definition';

export function TierEditor({ bands, unit, onChange }: { bands: BandDraft[]; unit: string; onChange: (b: BandDraft[]) => void }) {
  const set = (i: number, k: keyof BandDraft, v: string) => onChange(bands.map((b, j) => (j === i ? { ...b, [k]: v } : b)));
  return (
    <div className="tiers" role="group" aria-label="Overage tiers">
      <div className="tier-row head"><span>Band</span><span>Up to ({unit} of overage)</span><span>Rate per {unit}</span><span /></div>
      {bands.map((b, i) => {
        const last = i === bands.length - 1;
        return (
          <div className="tier-row" key={i}>
            <span className="muted">{i + 1}</span>
            <input aria-label={`Band ${i + 1} up to`} inputMode="decimal" value={last ? '' : b.up_to} disabled={last} placeholder={last ? 'no limit' : 'e.g. 100'} onChange={(e) => set(i, 'up_to', e.target.value)} />
            <input aria-label={`Band ${i + 1} rate`} inputMode="decimal" value={b.rate} placeholder="e.g. 2.50" onChange={(e) => set(i, 'rate', e.target.value)} />
            <button type="button" className="icon" aria-label={`Remove band ${i + 1}`} disabled={bands.length === 1} onClick={() => onChange(bands.filter((_, j) => j !== i))}>×</button>
          </div>
        );
      })}
      <button type="button" className="link add-band" onClick={() => onChange([...bands.slice(0, -1), { up_to: '', rate: '' }, bands[bands.length - 1]!])}>
        + Add a band below the open one
      </button>
    </div>
  );
}
