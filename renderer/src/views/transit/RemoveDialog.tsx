/** Removing a transit definition: its samples go first (bulk data, not undoable), then the definition (undoable). */
import { useState } from 'react';
import { errorMessage } from '../../api';
import { useAppStore } from '../../context';
import { ErrorLine, Modal } from '../../ui/Modal';
import type { TransitItem } from './types';

export function RemoveDialog({ item, onClose }: { item: TransitItem; onClose: () => void }) {
  const store = useAppStore();
  const [error, setError] = useState<string | null>(null);
  const n = item.samples.count;
  const run = async () => {
    try {
      if (n) await store.getState().api.call('transit.samples.clear', { service: item.service });
    } catch (e) {
      return setError(errorMessage(e));
    }
    const r = await store.getState().mutate('transit.remove', { service: item.service }, { ok: () => `Removed transit billing from ${item.service}`, onError: setError });
    if (r) onClose();
  };
  return (
    <Modal title={`Remove transit billing from ${item.service}`} onClose={onClose} testid="transit-remove-dialog">
      <div className="modal-body">
        <p>The service stays; its transit definition goes (undoable).</p>
        {n > 0 && <div className="note warn">Its {n.toLocaleString('en')} samples are deleted first. Samples are not journaled: undo cannot bring them back.</div>}
        <ErrorLine text={error} />
        <footer>
          <button type="button" onClick={onClose}>Keep</button>
          <button type="button" className="danger solid" onClick={() => void run()}>{n ? 'Delete samples and remove' : 'Remove'}</button>
        </footer>
      </div>
    </Modal>
  );
}
