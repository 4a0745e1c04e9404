/**
 * An input over one JSON value of the draft: the planner's text stays as typed ("102," while typing a
 * list), the draft gets the parsed value, and an outside change (the JSON view, another product) shows anew.
 */
import { useEffect, useState, type InputHTMLAttributes } from 'react';
import type { Json } from './rules';

type Props = Omit<InputHTMLAttributes<HTMLInputElement>, 'value' | 'onChange'> & {
  value: Json;
  parse: (text: string) => Json;
  format: (value: Json) => string;
  onValue: (value: Json) => void;
  invalid?: boolean;
};

export function DraftInput({ value, parse, format, onValue, invalid, className, ...rest }: Props) {
  const [text, setText] = useState(() => format(value));
  useEffect(() => {
    if (JSON.stringify(parse(text)) !== JSON.stringify(value)) setText(format(value));
    // Only an outside change of the value re-formats the text.
  }, [value]);
  return (
    <input
      {...rest}
      className={[className, invalid ? 'invalid' : ''].filter(Boolean).join(' ') || undefined}
      aria-invalid={invalid || undefined}
      value={text}
      onChange={(e) => {
        setText(e.target.value);
        onValue(parse(e.target.value));
      }}
    />
  );
}
