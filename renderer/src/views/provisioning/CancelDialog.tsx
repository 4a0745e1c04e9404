/** Cancel a service: lists what it holds (all of it goes back, management addresses stay with the hardware), then service.cancel. */
import { useState } from 'react';
import { useAppStore } from '../../context';
import { ErrorLine, Modal } from '../../ui/Modal';
import { HeldList } from './HeldList';
import type { Service } from './types';
import { useHeld } from './useHeld';

export function CancelDialog({ service, onClose }: { service: Service; onClose: () => void }) {
  const store = useAppStore();
  const { held } = useHeld(service.service);
  const [error, setError] = useState<string | null>(null);
  const run = async () => {
    const r = await store.getState().mutate('service.cancel', { id: service.service }, {
      ok: (x) => `Cancelled ${x.service}: released ${[...x.released.subnets, ...x.released.ips].join(', ') || 'nothing'}`,
      onError: setError,
    });
    if (r) onClose();
  };
  return (
    <Modal title={`Cancel ${service.service}`} subtitle={`${service.customer ?? ''} · ${service.product ?? ''}`} onClose={onClose} testid="cancel-dialog">
      <div className="modal-body">
        <p>Everything linked to the service goes back: blocks become free, addresses are freed. Management addresses stay attached to the hardware.</p>
        <div className="preview">
          <div className="preview-title">Will be released</div>
          {held ? <HeldList held={held} empty="Nothing: the service holds no allocation." /> : <div className="hint">Loading…</div>}
        </div>
        <ErrorLine text={error} />
        <footer>
          <button type="button" onClick={onClose}>Keep it</button>
          <button type="button" className="danger solid" onClick={() => void run()}>Cancel service</button>
        </footer>
      </div>
    </Modal>
  );
}
