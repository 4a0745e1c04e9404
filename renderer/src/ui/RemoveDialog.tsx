/**
 * The confirm step of every catalog removal: names the row, runs one remove method, and shows the
 * engine's refusal (what still refers to the row, and what to do) as it comes. Nothing changes until
 * the planner confirms; a removal is one undoable step.
 */
import { useState, type ReactNode } from 'react';
import type { MethodArgs, MethodName, MethodResult } from '../../../shared/api/contract';
import { useAppStore } from '../context';
import { ErrorLine, Modal } from './Modal';

export function RemoveDialog<M extends MethodName>({
  title,
  subtitle,
  children,
  method,
  args,
  done,
  onClose,
  onRemoved,
  testid = 'remove-dialog',
}: {
  title: string;
  subtitle?: string;
  children?: ReactNode;
  method: M;
  args: MethodArgs<M>;
  /** The toast on success. */
  done: string;
  onClose: () => void;
  onRemoved?: (r: MethodResult<M>) => void;
  testid?: string;
}) {
  const store = useAppStore();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const run = async () => {
    setBusy(true);
    setError(null);
    const r = await store.getState().mutate(method, args, { ok: () => done, onError: setError });
    setBusy(false);
    if (r) {
      onRemoved?.(r);
      onClose();
    }
  };
  return (
    <Modal title={title} subtitle={subtitle} onClose={onClose} testid={testid}>
      <div className="modal-body">
        {children}
        <p className="muted small">Nothing else in the plan changes. While anything still refers to it, the removal is refused and the reason shown here. Undo brings it back.</p>
        <ErrorLine text={error} />
        <footer>
          <button type="button" onClick={onClose}>Keep</button>
          <button type="button" className="danger solid" disabled={busy} onClick={() => void run()}>Remove</button>
        </footer>
      </div>
    </Modal>
  );
}
