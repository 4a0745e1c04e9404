/**
 * Detection reports the distinct status words of the file for the import wizard's "Status words" panel:
 * every row is read for them (not only the sample), spellings that compare the same count as one word,
 * and each carries its built-in meaning and what it means with a profile and overrides applied.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { detectFile } from '../electron/import/detect';
import { detection } from '../shared/import/schema';
import { csvFile, xlsxFile, type Env } from './support/import';
import { freshPlan, tempDir } from './support/plan';

let env: Env;
afterEach(() => env?.plan.close());

describe('status words in detection', () => {
  it('lists every distinct status word of the file with its rows, built-in meaning, target and source', async () => {
    env = freshPlan();
    const rows = ['Prefix,Status,Notes'];
    for (let i = 0; i < 30; i++) rows.push(`10.0.${i}.0/24,${i % 2 ? 'Active' : 'active'},row ${i}`);
    // Past the ten sample rows: still found.
    rows.push('10.1.0.0/24,in use,late', "10.1.1.0/24,'=deprecated,guarded", '10.1.2.0/24,,empty', '10.1.3.0/24,  IN USE ,again');
    const file = csvFile(tempDir(), 's.csv', rows);

    const d = await detectFile(env.plan, { file });
    expect(() => detection.parse(d)).not.toThrow();
    expect(d.sheets[0]!.sample).toHaveLength(10);
    expect(d.status_words).toEqual([
      { value: 'active', rows: 30, builtin: 'active', target: 'active', source: 'vocabulary' },
      { value: 'in use', rows: 2, builtin: null, target: null, source: 'unknown' },
      // Read as the import reads it: the formula guard dropped, compared without punctuation.
      { value: '=deprecated', rows: 1, builtin: 'parked', target: 'parked', source: 'vocabulary' },
    ]);

    const o = await detectFile(env.plan, { file, statuses: { 'In Use': 'allocated', active: 'reserved' } });
    expect(o.status_words.slice(0, 2)).toEqual([
      { value: 'active', rows: 30, builtin: 'active', target: 'reserved', source: 'override' },
      { value: 'in use', rows: 2, builtin: null, target: 'allocated', source: 'override' },
    ]);

    env.call('import.profile.save', { name: 'site', mapping: { Notes: 'description' }, statuses: { 'in use': 'parked' } });
    const p = await detectFile(env.plan, { file, profile: 'site' });
    expect(p.status_words[1]).toEqual({ value: 'in use', rows: 2, builtin: null, target: 'parked', source: 'profile' });
    expect(p.sheets[0]!.columns.find((c) => c.header === 'Notes')).toMatchObject({ field: 'description', source: 'profile' });
    // An override wins over the profile.
    const both = await detectFile(env.plan, { file, profile: 'site', statuses: ['in use=free'] });
    expect(both.status_words[1]).toMatchObject({ target: 'free', source: 'override' });
  });

  it('reads the status column a mapping names, adds up every sheet, and lists none without a status column', async () => {
    env = freshPlan();
    const dir = tempDir();
    const file = await xlsxFile(dir, 'book.xlsx', {
      one: [['cidr', 'condition'], ['10.0.0.0/24', 'spare'], ['10.0.1.0/24', 'container']],
      two: [['cidr', 'condition'], ['10.1.0.0/24', 'Spare']],
    });
    // "condition" is no status header until the planner maps it.
    const mapped = await detectFile(env.plan, { file, mapping: { condition: 'status' } });
    expect(mapped.status_words).toEqual([
      { value: 'spare', rows: 2, builtin: null, target: null, source: 'unknown' },
      { value: 'container', rows: 1, builtin: 'container', target: 'container', source: 'vocabulary' },
    ]);
    const one = await detectFile(env.plan, { file, sheet: 'two', mapping: { condition: 'status' } });
    expect(one.status_words).toEqual([{ value: 'Spare', rows: 1, builtin: null, target: null, source: 'unknown' }]);

    const plain = csvFile(dir, 'plain.csv', ['prefix,description', '10.0.0.0/24,a', '10.0.1.0/24,b']);
    expect((await detectFile(env.plan, { file: plain })).status_words).toEqual([]);
  });
});
