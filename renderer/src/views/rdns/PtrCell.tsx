/** An address's PTR name, edited in place: Enter saves (rdns.set), Escape leaves it; an empty name clears it. */
import { useState } from 'react';
import { errorMessage } from '../../api';
import { useAppStore } from '../../context';

export function PtrCell({ space, address, rdns, pushedAt }: { space: string; address: string; rdns: string | null; pushedAt: string | null }) {
  const store = useAppStore();
  const [editing, setEditing] = useState(false);
  const [value, setValue] = useState(rdns ?? '');
  const [error, setError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const save = async () => {
    const name = value.trim();
    if (name === (rdns ?? '')) return setEditing(false);
    setSaving(true);
    try {
      // Called directly so that a refused name stays beside the field; the store refreshes after.
      const r = await store.getState().api.call('rdns.set', { space, address, name });
      setEditing(false);
      setError(null);
      store.getState().toast('ok', r.rdns ? `${address} → ${r.rdns}` : `Cleared the PTR of ${address}`);
      await store.getState().refresh();
    } catch (e) {
      setError(errorMessage(e));
    } finally {
      setSaving(false);
    }
  };
  if (editing) {
    return (
      <span className="ptr-edit">
        <input
          autoFocus
          className={error ? 'mono invalid' : 'mono'}
          aria-label={`PTR of ${address}`}
          value={value}
          disabled={saving}
          placeholder="host.example.net (empty clears)"
          onChange={(e) => {
            setValue(e.target.value);
            setError(null);
          }}
          onKeyDown={(e) => {
            if (e.key === 'Enter') void save();
            if (e.key === 'Escape') {
              e.stopPropagation();
              setEditing(false);
              setError(null);
            }
          }}
          onBlur={() => !error && !saving && value.trim() === (rdns ?? '') && setEditing(false)}
        />
        {error && <span className="field-error" role="alert">{error}</span>}
      </span>
    );
  }
  return (
    <button
      type="button"
      className={rdns ? 'ptr mono' : 'ptr none'}
      aria-label={`Edit the PTR of ${address}`}
      title={rdns ? `${rdns}${pushedAt ? ` · pushed ${new Date(pushedAt).toLocaleString()}` : ' · not pushed yet'} · click to edit` : 'Set a PTR name'}
      onClick={(e) => {
        e.stopPropagation();
        setValue(rdns ?? '');
        setEditing(true);
      }}
    >
      {rdns ?? 'set PTR'}
    </button>
  );
}
