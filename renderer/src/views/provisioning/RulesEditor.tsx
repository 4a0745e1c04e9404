/**
 * The rules editor: mode, then the rules as a form or as JSON (one draft behind both), checked live
 * with the shared ipam_config schema. Every problem is listed with where it is, and shown beside its field.
 */
import { useState } from 'react';
import { Tabs } from '../../ui/Tabs';
import { JsonEditor } from './JsonEditor';
import { RuleCard } from './RuleCard';
import { addRule, asObject, formCanShow, moveRule, problemsAt, removeRule, setRuleField, type Checked, type Json } from './rules';

export function RulesEditor({ draft, checked, syntax, onDraft, onSyntax }: { draft: Json; checked: Checked; syntax: string | null; onDraft: (d: Json) => void; onSyntax: (e: string | null) => void }) {
  const [tab, setTab] = useState<'form' | 'json'>('form');
  const d = asObject(draft);
  const rules = Array.isArray(d.rules) ? d.rules : [];
  const modeProblems = problemsAt(checked.problems, ['mode']);
  return (
    <div className="rules-editor">
      <div className="rules-top">
        <div className="field">
          <label>Mode</label>
          <div className="seg-light" role="radiogroup" aria-label="Mode">
            {(['full', 'disabled'] as const).map((m) => (
              <button key={m} type="button" role="radio" aria-checked={d.mode === m} className={d.mode === m ? 'on' : ''} disabled={tab === 'json'} onClick={() => onDraft({ ...d, mode: m })}>
                {m === 'full' ? 'Allocate on provision' : 'Disabled'}
              </button>
            ))}
          </div>
          {modeProblems.map((p, i) => <div key={i} className="field-error">{p.message}</div>)}
        </div>
        <Tabs label="Editor" value={tab} onChange={(t) => { onSyntax(null); setTab(t); }} tabs={[{ id: 'form', label: 'Form' }, { id: 'json', label: 'JSON' }]} />
      </div>
      {tab === 'json' ? (
        <JsonEditor value={draft} onValue={onDraft} onSyntax={onSyntax} />
      ) : !formCanShow(draft) ? (
        <div className="hint pad">The JSON has a shape the form cannot show; fix it in the JSON tab.</div>
      ) : (
        <div className="rules-list">
          {d.mode === 'disabled' && <div className="note">Disabled: provisioning a service of this product allocates nothing (and logs that it skipped). The rules are kept.</div>}
          {rules.map((r, i) => (
            <RuleCard
              key={i}
              index={i}
              count={rules.length}
              rule={r}
              problems={checked.problems}
              onField={(k, v) => onDraft(setRuleField(draft, i, k, v))}
              onMove={(by) => onDraft(moveRule(draft, i, by))}
              onRemove={() => onDraft(removeRule(draft, i))}
            />
          ))}
          {rules.length === 0 && <div className="hint pad">No rules: provisioning allocates nothing.</div>}
          <button type="button" className="add-rule" onClick={() => onDraft(addRule(draft))}>+ Add rule</button>
        </div>
      )}
      <div className={syntax || !checked.ok ? 'validation bad' : 'validation ok'} data-testid="validation" aria-live="polite">
        {syntax ? (
          <div>{syntax}</div>
        ) : checked.ok ? (
          <div>✓ Valid ipam_config · {checked.config.rules.length} rule{checked.config.rules.length === 1 ? '' : 's'}, fulfilled in this order</div>
        ) : (
          <>
            <div className="validation-title">{checked.problems.length} problem{checked.problems.length === 1 ? '' : 's'}</div>
            <ul>
              {checked.problems.map((p, i) => (
                <li key={i}><span className="mono">{p.where || 'ipam_config'}</span>: {p.message}</li>
              ))}
            </ul>
          </>
        )}
      </div>
    </div>
  );
}
