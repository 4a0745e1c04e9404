/** The modal frame every dialog uses (Escape and a click outside close it), and the line that shows a refusal. */
import { useEffect, type ReactNode } from 'react';

export function Modal({ title, subtitle, children, onClose, testid, wide }: { title: string; subtitle?: string; children: ReactNode; onClose: () => void; testid: string; wide?: boolean }) {
  useEffect(() => {
    const k = (e: KeyboardEvent) => {
      if (e.key === 'Escape') onClose();
    };
    window.addEventListener('keydown', k);
    return () => window.removeEventListener('keydown', k);
  }, [onClose]);
  return (
    <div className="scrim" onMouseDown={(e) => e.target === e.currentTarget && onClose()}>
      <div className={wide ? 'modal wide' : 'modal'} role="dialog" aria-modal="true" aria-label={title} data-testid={testid}>
        <header>
          <h2>{title}</h2>
          {subtitle && <div className="modal-sub mono">{subtitle}</div>}
          <button type="button" className="icon close" aria-label="Close" onClick={onClose}>×</button>
        </header>
        {children}
      </div>
    </div>
  );
}

export function ErrorLine({ text }: { text: string | null }) {
  return text ? <div className="form-error" role="alert">{text}</div> : null;
}
