/** Services, with the customers and devices they belong to: three lists behind tabs. */
import { useEffect, useState } from 'react';
import './provisioning.css';
import { useApp } from '../../context';
import { Tabs } from '../../ui/Tabs';
import { useQuery } from '../../ui/useQuery';
import { CustomerList } from './CustomerList';
import { DeviceList } from './DeviceList';
import { ServiceList } from './ServiceList';

type Tab = 'services' | 'customers' | 'devices';

export function ServicesView() {
  const picked = useApp((s) => s.picked.services);
  const customers = useApp((s) => s.customers);
  const [tab, setTab] = useState<Tab>('services');
  const services = useQuery('service.list', {});
  const devices = useQuery('device.list', {});
  useEffect(() => {
    if (picked) setTab('services');
  }, [picked]);
  return (
    <div className="screen tabbed" data-testid="services-view">
      <header className="screen-head">
        <h1>Services</h1>
        <p className="muted">Provision a service to allocate its product's rules at its device's location; cancel to release them.</p>
      </header>
      <Tabs
        label="Lists"
        value={tab}
        onChange={setTab}
        tabs={[
          { id: 'services', label: 'Services', count: services.data?.services.length ?? null },
          { id: 'customers', label: 'Customers', count: customers.length },
          { id: 'devices', label: 'Devices', count: devices.data?.devices.length ?? null },
        ]}
      />
      <div className="tab-body">
        {tab === 'services' && <ServiceList services={services.data?.services ?? []} devices={devices.data?.devices ?? []} picked={picked ?? null} />}
        {tab === 'customers' && <CustomerList services={services.data?.services ?? []} />}
        {tab === 'devices' && <DeviceList devices={devices.data?.devices ?? []} services={services.data?.services ?? []} />}
      </div>
    </div>
  );
}
