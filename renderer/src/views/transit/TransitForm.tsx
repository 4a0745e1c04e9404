/** Adds transit billing to a service, or changes it: every field of the definition, checked live with the shared schema. */
import { useMemo, useState, type FormEvent, type ReactNode } from 'react';
import { BILLING_MODELS, DIRECTIONS, MISSING_POLICIES, transitDefinition, type BillingModel } from '../../../../shared/billing/model';
import { useAppStore } from '../../context';
import { ErrorLine, Modal } from '../../ui/Modal';
import { useQuery } from '../../ui/useQuery';
import { MODEL_LABEL } from './format';
import { NEW_DRAFT, definitionOf, draftOf, problemsOf, type Draft } from './definition';
import { TierEditor } from './TierEditor';
import type { TransitItem } from './types';

const FEE_LABEL: Record<BillingModel, string> = { percentile: 'Port fee per cycle', commit_burst: 'Commit charge per cycle', transfer: 'Port fee per cycle', flat: 'Price per cycle' };
const MODEL_HINT: Record<BillingModel, string> = {
  percentile: '95th percentile of the cycle; what lies above the commit is billed by the tiers.',
  commit_burst: 'The commit is always charged; bursting above it is billed by the tiers.',
  transfer: 'Total GB in the cycle, less the included pool, billed by the tiers.',
  flat: 'The fixed price every cycle, whatever the traffic.',
};
const ZONES: string[] = typeof Intl.supportedValuesOf === 'function' ? ['UTC', ...Intl.supportedValuesOf('timeZone')] : ['UTC'];

function F({ label, problems, hint, children, wide }: { label: string; problems?: string[] | undefined; hint?: ReactNode; children: ReactNode; wide?: boolean }) {
  return (
    <label className={wide ? 'field span2' : 'field'}>
      <span className="field-label">{label}</span>
      {children}
      {problems?.map((p, i) => <span key={i} className="field-error">{p}</span>)}
      {hint && !problems?.length ? <span className="hint">{hint}</span> : null}
    </label>
  );
}

export function TransitForm({ transit, onClose }: { transit: TransitItem | null; onClose: (service?: string) => void }) {
  const store = useAppStore();
  const services = useQuery('service.list', transit ? null : {}).data?.services ?? [];
  const taken = useQuery('transit.list', transit ? null : {}).data?.services.map((s) => s.service) ?? [];
  const [service, setService] = useState('');
  const [d, setD] = useState<Draft>(transit ? draftOf(transit) : NEW_DRAFT);
  const [error, setError] = useState<string | null>(null);
  // Problems show beside a field once it was edited (all of them after a first try to save).
  const [touched, setTouched] = useState<Set<string>>(new Set(transit ? Object.keys(NEW_DRAFT) : []));
  const problems = useMemo(() => problemsOf(d), [d]);
  const set = <K extends keyof Draft>(k: K, v: Draft[K]) => {
    setD((x) => ({ ...x, [k]: v }));
    setTouched((t) => (t.has(k) ? t : new Set([...t, k])));
  };
  const free = services.filter((s) => !taken.includes(s.service) && s.status !== 'cancelled');
  const rated = d.model === 'percentile' || d.model === 'commit_burst';
  const unit = d.model === 'transfer' ? 'GB' : 'Mbps';
  const p = (k: string) => (touched.has(k) ? problems.get(k) : undefined);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (problems.size) return setTouched(new Set(['', ...Object.keys(NEW_DRAFT)]));
    // problemsOf found nothing: the schema's own output is what the engine takes.
    const def = transitDefinition.parse(definitionOf(d));
    const st = store.getState();
    const r = transit
      ? await st.mutate('transit.set', { service: transit.service, ...def }, { ok: () => `Saved transit billing of ${transit.service}`, onError: setError })
      : await st.mutate('transit.add', { service, ...def }, { ok: () => `${service} is billed for transit (${MODEL_LABEL[d.model]})`, onError: setError });
    if (r) onClose(transit?.service ?? service);
  };
  return (
    <Modal title={transit ? `Transit billing · ${transit.service}` : 'Bill a service for IP transit'} onClose={() => onClose()} testid="transit-form" wide>
      <form onSubmit={submit} className="transit-form">
        {!transit && (
          <F label="Service" hint={free.length ? 'a service of the plan without transit billing' : 'every service has transit billing already; add one on the Services screen'}>
            <select name="service" value={service} onChange={(e) => setService(e.target.value)} aria-label="Service">
              <option value="">choose…</option>
              {free.map((s) => <option key={s.id} value={s.service}>{s.service}{s.customer ? ` · ${s.customer}` : ''}</option>)}
            </select>
          </F>
        )}
        <div className="field">
          <span className="field-label">Billing model</span>
          <div className="seg-light" role="radiogroup" aria-label="Billing model">
            {BILLING_MODELS.map((m) => (
              <button key={m} type="button" role="radio" aria-checked={d.model === m} className={d.model === m ? 'on' : ''} onClick={() => set('model', m)}>{MODEL_LABEL[m]}</button>
            ))}
          </div>
          <span className="hint">{MODEL_HINT[d.model]}</span>
        </div>
        <div className="form-grid">
          <F label="Port" problems={p('port')}><input name="port" value={d.port} onChange={(e) => set('port', e.target.value)} placeholder="fra-edge1 xe-0/0/1" /></F>
          <F label="Port speed (Mbps)" problems={p('port_speed')} hint="rates above it are bad samples"><input name="port_speed" inputMode="decimal" value={d.port_speed} onChange={(e) => set('port_speed', e.target.value)} placeholder="1000" /></F>
          {rated && <F label="Commit (Mbps)" problems={p('commit')}><input name="commit" inputMode="decimal" value={d.commit} onChange={(e) => set('commit', e.target.value)} placeholder="100" /></F>}
          {d.model === 'transfer' && <F label="Included (GB)" problems={p('included')}><input name="included" inputMode="decimal" value={d.included} onChange={(e) => set('included', e.target.value)} placeholder="1000" /></F>}
          <F label={FEE_LABEL[d.model]} problems={p('fee')}><input name="fee" inputMode="decimal" value={d.fee} onChange={(e) => set('fee', e.target.value)} placeholder="0" /></F>
        </div>
        {d.model !== 'flat' && (
          <div className="field">
            <span className="field-label">Overage tiers</span>
            <TierEditor bands={d.tiers} unit={unit} onChange={(t) => set('tiers', t)} />
            {p('tiers')?.map((m, i) => <span key={i} className="field-error">{m}</span>)}
            {p('tier_mode')?.map((m, i) => <span key={i} className="field-error">{m}</span>)}
            <div className="seg-light" role="radiogroup" aria-label="Tier mode">
              <button type="button" role="radio" aria-checked={d.tier_mode === 'graduated'} className={d.tier_mode === 'graduated' ? 'on' : ''} onClick={() => set('tier_mode', 'graduated')}>graduated: each band at its rate</button>
              <button type="button" role="radio" aria-checked={d.tier_mode === 'volume'} className={d.tier_mode === 'volume' ? 'on' : ''} onClick={() => set('tier_mode', 'volume')}>volume: the band reached prices all</button>
            </div>
          </div>
        )}
        <div className="form-grid">
          <F label="Direction" problems={p('direction')}>
            <select name="direction" value={d.direction} onChange={(e) => set('direction', e.target.value as Draft['direction'])}>
              <option value="">the global setting</option>
              {DIRECTIONS.map((x) => <option key={x} value={x}>{x}</option>)}
            </select>
          </F>
          <F label="Missing samples" problems={p('missing')}>
            <select name="missing" value={d.missing} onChange={(e) => set('missing', e.target.value as Draft['missing'])}>
              {MISSING_POLICIES.map((x) => <option key={x} value={x}>{x}</option>)}
            </select>
          </F>
          <F label="Unit base" problems={p('base')}>
            <select name="base" value={d.base} onChange={(e) => set('base', Number(e.target.value) as 1000 | 1024)}>
              <option value={1000}>1000 (SI)</option>
              <option value={1024}>1024</option>
            </select>
          </F>
          <F label="Overage rounding" problems={p('rounding')}>
            <select name="rounding" value={d.rounding} onChange={(e) => set('rounding', e.target.value as Draft['rounding'])}>
              <option value="none">none</option>
              <option value="up">up to a whole unit</option>
            </select>
          </F>
          <F label="Cycle starts on day" problems={p('anchor_day')}><input name="anchor_day" inputMode="numeric" value={d.anchor_day} onChange={(e) => set('anchor_day', e.target.value)} /></F>
          <F label="Billing time zone" problems={p('tz')}>
            <input name="tz" list="tz-list" value={d.tz} onChange={(e) => set('tz', e.target.value)} />
          </F>
          <F label="Contract start" problems={p('start')} hint="optional; cuts cycles are pro-rated"><input name="start" type="date" value={d.start.slice(0, 10)} onChange={(e) => set('start', e.target.value)} /></F>
          <F label="Contract end" problems={p('end')} hint="optional"><input name="end" type="date" value={d.end.slice(0, 10)} onChange={(e) => set('end', e.target.value)} /></F>
        </div>
        <datalist id="tz-list">{ZONES.map((z) => <option key={z} value={z} />)}</datalist>
        {[...problems.keys()].some((k) => touched.has(k)) && (
          <div className="validation bad small" data-testid="transit-problems">{[...problems.entries()].filter(([k]) => touched.has(k)).map(([k, v]) => `${k || 'definition'}: ${v.join('; ')}`).join(' · ')}</div>
        )}
        <ErrorLine text={error} />
        <footer>
          <button type="button" onClick={() => onClose()}>Cancel</button>
          <button type="submit" className="primary" disabled={!transit && !service}>{transit ? 'Save' : 'Add transit billing'}</button>
        </footer>
      </form>
    </Modal>
  );
}
