/** One allocation rule in the form: what it allocates, how many, from where, and its problems beside the fields. */
import { useId } from 'react';
import { asObject, listOf, numberOf, problemsAt, PURPOSES, textOf, type Json, type Problem } from './rules';
import { DraftInput } from './DraftInput';

interface Props {
  index: number;
  count: number;
  rule: Json;
  problems: Problem[];
  onField: (key: string, value: Json) => void;
  onMove: (by: -1 | 1) => void;
  onRemove: () => void;
}

function FieldErrors({ problems }: { problems: Problem[] }) {
  if (!problems.length) return null;
  return (
    <div className="field-error" role="alert">
      {problems.map((p, i) => (
        <div key={i}>{p.message}</div>
      ))}
    </div>
  );
}

export function RuleCard({ index, count, rule, problems, onField, onMove, onRemove }: Props) {
  const id = useId();
  const r = asObject(rule);
  const at = (key: string) => problemsAt(problems, ['rules', index, key], true);
  // Problems of the rule itself (unknown keys), not of one field.
  const own = problemsAt(problems, ['rules', index]);
  const isSubnet = r.type === 'subnet';
  const bad = problemsAt(problems, ['rules', index], true).length > 0;
  return (
    <div className={bad ? 'rule-card invalid' : 'rule-card'} data-testid={`rule-${index + 1}`} aria-label={`Rule ${index + 1}`} role="group">
      <div className="rule-head">
        <span className="rule-no">{index + 1}</span>
        <div className="seg-light" role="radiogroup" aria-label={`Rule ${index + 1} type`}>
          {(['ip', 'subnet'] as const).map((t) => (
            <button key={t} type="button" role="radio" aria-checked={r.type === t} className={r.type === t ? 'on' : ''} onClick={() => onField('type', t)}>
              {t === 'ip' ? 'IP address' : 'Subnet'}
            </button>
          ))}
        </div>
        <div className="seg-light" role="radiogroup" aria-label={`Rule ${index + 1} family`}>
          {([4, 6] as const).map((f) => (
            <button key={f} type="button" role="radio" aria-checked={r.family === f} className={r.family === f ? 'on' : ''} onClick={() => onField('family', f)}>
              IPv{f}
            </button>
          ))}
        </div>
        <span className="grow" />
        <button type="button" className="icon" title="Move up" aria-label={`Move rule ${index + 1} up`} disabled={index === 0} onClick={() => onMove(-1)}>↑</button>
        <button type="button" className="icon" title="Move down" aria-label={`Move rule ${index + 1} down`} disabled={index === count - 1} onClick={() => onMove(1)}>↓</button>
        <button type="button" className="icon danger" title="Remove this rule" aria-label={`Remove rule ${index + 1}`} onClick={onRemove}>×</button>
      </div>
      <div className="rule-grid">
        <div className="field">
          <label htmlFor={`${id}-count`}>Count</label>
          <DraftInput id={`${id}-count`} name="count" inputMode="numeric" value={r.count} parse={numberOf} format={textOf} onValue={(v) => onField('count', v)} placeholder="1" invalid={at('count').length > 0} />
          <FieldErrors problems={at('count')} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-prefix`}>Prefix length</label>
          <DraftInput
            id={`${id}-prefix`}
            name="prefix_length"
            inputMode="numeric"
            value={r.prefix_length}
            parse={numberOf}
            format={textOf}
            onValue={(v) => onField('prefix_length', v)}
            placeholder={isSubnet ? (r.family === 6 ? '64' : '29') : 'subnets only'}
            disabled={!isSubnet && r.prefix_length === undefined}
            invalid={at('prefix_length').length > 0}
          />
          <FieldErrors problems={at('prefix_length')} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-purpose`}>Purpose</label>
          <DraftInput id={`${id}-purpose`} name="purpose" list={`${id}-purposes`} value={r.purpose} parse={(t) => (t.trim() ? t.trim() : undefined)} format={textOf} onValue={(v) => onField('purpose', v)} placeholder="primary, additional…" invalid={at('purpose').length > 0} />
          <datalist id={`${id}-purposes`}>{PURPOSES.map((p) => <option key={p} value={p} />)}</datalist>
          <FieldErrors problems={at('purpose')} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-vlans`}>VLANs</label>
          <DraftInput id={`${id}-vlans`} name="vlans" value={r.vlans} parse={(t) => listOf(t, true)} format={textOf} onValue={(v) => onField('vlans', v)} placeholder="any; e.g. 102, 110" invalid={at('vlans').length > 0} />
          <FieldErrors problems={at('vlans')} />
        </div>
        <div className="field span2">
          <label htmlFor={`${id}-pools`}>Pools</label>
          <DraftInput
            id={`${id}-pools`}
            name="pools"
            className="mono"
            value={r.pools}
            parse={(t) => listOf(t, false)}
            format={textOf}
            onValue={(v) => onField('pools', v)}
            placeholder={isSubnet ? 'any carving space at the location; e.g. 203.0.113.0/24' : 'any IP pool at the location; e.g. 203.0.113.0/28'}
            invalid={at('pools').length > 0}
          />
          <FieldErrors problems={at('pools')} />
        </div>
      </div>
      <FieldErrors problems={[...own, ...at('type'), ...at('family')]} />
    </div>
  );
}
