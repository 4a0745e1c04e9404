/** Reverse DNS: what waits to be pushed per provider, the providers, the zones and their settings; pattern fill and push. */
import { useState } from 'react';
import './rdns.css';
import { Tabs } from '../../ui/Tabs';
import { useQuery } from '../../ui/useQuery';
import { PatternDialog } from './PatternDialog';
import { PendingCards } from './PendingCards';
import { ProviderList } from './ProviderList';
import { PushDialog } from './PushDialog';
import { SettingsPanel } from './SettingsPanel';
import { usePending } from './usePending';
import { ZonesPanel } from './ZonesPanel';

type Tab = 'providers' | 'zones' | 'settings';

export function RdnsView() {
  const [tab, setTab] = useState<Tab>('providers');
  const [push, setPush] = useState<string | null | false>(false);
  const [pattern, setPattern] = useState(false);
  const providers = useQuery('rdns.provider.list', {});
  const pending = usePending();
  const list = providers.data?.providers ?? [];
  const pend = pending.data?.providers ?? [];
  const total = pend.reduce((n, p) => n + p.pending, 0);
  const remote = list.filter((p) => p.type !== 'internal');
  return (
    <div className="screen tabbed" data-testid="rdns-view">
      <header className="screen-head">
        <h1>Reverse DNS</h1>
        <div className="head-actions">
          <button type="button" onClick={() => setPattern(true)}>Fill from a pattern…</button>
          <button type="button" className="primary" disabled={!remote.length} onClick={() => setPush(null)} title={remote.length ? undefined : 'Add a PowerDNS or Cloudflare provider first'}>
            Push{total ? ` ${total} change${total === 1 ? '' : 's'}` : ''}…
          </button>
        </div>
        <p className="muted">Plan PTR names offline (in the inspector, the address table, or by pattern), then push the difference to PowerDNS or Cloudflare.</p>
      </header>
      <PendingCards pending={pend} onPush={(p) => setPush(p)} />
      <Tabs
        label="rDNS"
        value={tab}
        onChange={setTab}
        tabs={[
          { id: 'providers', label: 'Providers', count: list.length },
          { id: 'zones', label: 'Zones' },
          { id: 'settings', label: 'Zone settings' },
        ]}
      />
      <div className="tab-body">
        {tab === 'providers' && <ProviderList providers={list} pending={pend} onPush={(p) => setPush(p)} />}
        {tab === 'zones' && <ZonesPanel providers={list} />}
        {tab === 'settings' && <SettingsPanel />}
      </div>
      {push !== false && <PushDialog provider={push} onClose={() => setPush(false)} />}
      {pattern && <PatternDialog cidr="" onClose={() => setPattern(false)} />}
    </div>
  );
}
