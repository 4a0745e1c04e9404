/** The ipam_config as JSON text: what the planner types is parsed on every keystroke; the form follows when it parses. */
import { useEffect, useState } from 'react';
import type { Json } from './rules';

export function JsonEditor({ value, onValue, onSyntax }: { value: Json; onValue: (v: Json) => void; onSyntax: (error: string | null) => void }) {
  const [text, setText] = useState(() => JSON.stringify(value, null, 2));
  useEffect(() => {
    let same = false;
    try {
      same = JSON.stringify(JSON.parse(text)) === JSON.stringify(value);
    } catch {
      same = false;
    }
    if (!same) {
      setText(JSON.stringify(value, null, 2));
      onSyntax(null);
    }
    // Only an outside change of the value re-formats the text.
  }, [value]);
  return (
    <textarea
      className="json-editor mono"
      aria-label="ipam_config JSON"
      spellCheck={false}
      value={text}
      onChange={(e) => {
        setText(e.target.value);
        try {
          onValue(JSON.parse(e.target.value) as Json);
          onSyntax(null);
        } catch (err) {
          onSyntax(`JSON: ${err instanceof Error ? err.message : String(err)}`);
        }
      }}
    />
  );
}
