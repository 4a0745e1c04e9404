/** SOA and NS for exported zone files and for zones FluxPlan creates at a provider. */
import { useEffect, useState, type FormEvent } from 'react';
import type { RdnsSettings } from '../../../../shared/rdns';
import { useAppStore } from '../../context';
import { useQuery } from '../../ui/useQuery';

type Timer = 'ttl' | 'refresh' | 'retry' | 'expire' | 'minimum';
const TIMERS: Timer[] = ['ttl', 'refresh', 'retry', 'expire', 'minimum'];

export function SettingsPanel() {
  const store = useAppStore();
  const q = useQuery('rdns.settings.get', {});
  const [s, setS] = useState<RdnsSettings | null>(null);
  const [ns, setNs] = useState('');
  useEffect(() => {
    if (q.data) {
      setS(q.data.settings);
      setNs(q.data.settings.ns.join('\n'));
    }
  }, [q.data]);
  if (!s) return <div className="hint pad">Loading…</div>;
  const save = async (e: FormEvent) => {
    e.preventDefault();
    await store.getState().mutate(
      'rdns.settings.set',
      { ns: ns.split(/[\s,]+/).filter(Boolean), soa_mname: s.soa_mname || null, soa_rname: s.soa_rname || null, ...Object.fromEntries(TIMERS.map((k) => [k, s[k]])) },
      { ok: () => 'Saved the zone settings' },
    );
  };
  return (
    <form className="settings-form" onSubmit={save} aria-label="Zone settings">
      <div className="field">
        <label htmlFor="rdns-ns">Name servers</label>
        <textarea id="rdns-ns" className="mono" rows={3} value={ns} onChange={(e) => setNs(e.target.value)} placeholder={'ns1.example.net\nns2.example.net'} />
      </div>
      <div className="grid2">
        <div className="field">
          <label htmlFor="rdns-mname">SOA primary (MNAME)</label>
          <input id="rdns-mname" className="mono" value={s.soa_mname ?? ''} onChange={(e) => setS({ ...s, soa_mname: e.target.value })} placeholder="the first name server" />
        </div>
        <div className="field">
          <label htmlFor="rdns-rname">SOA contact (RNAME)</label>
          <input id="rdns-rname" className="mono" value={s.soa_rname ?? ''} onChange={(e) => setS({ ...s, soa_rname: e.target.value })} placeholder="hostmaster@example.net" />
        </div>
      </div>
      <div className="timers">
        {TIMERS.map((k) => (
          <div className="field" key={k}>
            <label htmlFor={`rdns-${k}`}>{k.toUpperCase()} (s)</label>
            <input id={`rdns-${k}`} inputMode="numeric" value={s[k]} onChange={(e) => setS({ ...s, [k]: Number(e.target.value.replace(/\D/g, '')) || 0 })} />
          </div>
        ))}
      </div>
      <div><button type="submit" className="primary">Save settings</button></div>
    </form>
  );
}
