/**
 * Provision with a rehearsal first: the engine's dry run shows what would be released and allocated
 * (or which rule would fail) before anything changes; then the real run, in one transaction.
 */
import { useEffect, useState } from 'react';
import { errorMessage } from '../../api';
import { useAppStore } from '../../context';
import { ErrorLine, Modal } from '../../ui/Modal';
import type { Device, Preview, Service } from './types';

function PreviewTable({ preview }: { preview: Preview }) {
  return (
    <table className="mini preview-table" data-testid="provision-preview">
      <thead>
        <tr><th>Rule</th><th>Allocates</th><th>From</th><th>VLAN</th><th>How</th></tr>
      </thead>
      <tbody>
        {preview.allocations.map((a, i) => (
          <tr key={i}>
            <td className="muted">#{a.rule + 1}{a.purpose ? ` · ${a.purpose}` : ''}</td>
            <td className="mono strong">{a.address ?? a.cidr}</td>
            <td className="mono muted">{a.pool ?? '—'}</td>
            <td>{a.vlan ?? '—'}</td>
            <td>{a.strategy ? <span className={`pill strat-${a.strategy}`}>{a.strategy}</span> : <span className="muted">next free</span>}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function ProvisionDialog({ service, devices, onClose }: { service: Service; devices: Device[]; onClose: () => void }) {
  const store = useAppStore();
  const [preview, setPreview] = useState<Preview | null>(null);
  const [failure, setFailure] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [running, setRunning] = useState(false);
  const device = devices.find((d) => d.name === service.device);
  useEffect(() => {
    let live = true;
    store.getState().api
      .call('service.provision', { id: service.service, dry_run: true })
      .then((r) => live && setPreview(r))
      .catch((e: unknown) => live && setFailure(errorMessage(e)));
    return () => {
      live = false;
    };
  }, [service.service, store]);
  const run = async () => {
    setRunning(true);
    const r = await store.getState().mutate('service.provision', { id: service.service }, {
      ok: (x) => (x.status === 'skipped' ? `${x.service}: the product is disabled, nothing allocated` : `Provisioned ${x.service}: ${x.allocations.map((a) => a.address ?? a.cidr).join(', ') || 'nothing to allocate'}`),
      onError: setError,
    });
    setRunning(false);
    if (r) onClose();
  };
  const wiped = preview ? [...preview.wiped.subnets, ...preview.wiped.ips] : [];
  return (
    <Modal title={`${service.status === 'active' ? 'Re-provision' : 'Provision'} ${service.service}`} subtitle={`${service.product ?? 'no product'} · ${service.device ?? 'no device'}${device?.location ? ` at ${device.location}` : ''}`} onClose={onClose} testid="provision-dialog" wide>
      <div className="modal-body">
        <div className="preview">
          <div className="preview-title">Dry run · nothing changes yet</div>
          {!preview && !failure && <div className="hint">asking the engine…</div>}
          {failure && (
            <div className="dry-fail" role="alert" data-testid="provision-failure">
              <strong>Provisioning would fail.</strong> {failure}
              <div className="hint">Nothing would be allocated: the whole provision rolls back. Running it anyway records the failure in the log.</div>
            </div>
          )}
          {preview?.status === 'skipped' && <div className="note">The product's ipam_config is disabled: nothing would be allocated (the skip is logged).</div>}
          {wiped.length > 0 && (
            <div className="note warn">
              Re-provisioning first releases what {service.device} holds: <span className="mono">{wiped.join(', ')}</span> (management addresses stay).
            </div>
          )}
          {preview && preview.status === 'provisioned' && (preview.allocations.length ? <PreviewTable preview={preview} /> : <div className="hint">The product has no rules: nothing to allocate.</div>)}
        </div>
        <ErrorLine text={error} />
        <footer>
          <button type="button" onClick={onClose}>Close</button>
          {failure ? (
            <button type="button" className="danger" disabled={running} onClick={() => void run()}>Run it anyway</button>
          ) : (
            <button type="button" className="primary" disabled={!preview || running} onClick={() => void run()}>
              {preview?.status === 'skipped' ? 'Provision (nothing to allocate)' : `Provision${preview ? ` · ${preview.allocations.length} allocation${preview.allocations.length === 1 ? '' : 's'}` : ''}`}
            </button>
          )}
        </footer>
      </div>
    </Modal>
  );
}
