import { createHash } from 'node:crypto';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const DIR = join(__dirname, '..', 'migrations');

describe('migrations', () => {
  it('are append-only: every SQL file matches its locked checksum, and every file is locked', () => {
    const lock = JSON.parse(readFileSync(join(DIR, 'checksums.json'), 'utf8')) as Record<string, string>;
    const files = readdirSync(DIR).filter((f) => f.endsWith('.sql')).sort();
    expect(Object.keys(lock).sort(), 'run `npm run db:generate` (it locks new migrations)').toEqual(files);
    for (const file of files) {
      const sum = createHash('sha256').update(readFileSync(join(DIR, file))).digest('hex');
      expect(sum, `${file} was edited after it was locked; add a new migration instead`).toBe(lock[file]);
    }
  });

  it('are listed in drizzle\'s journal in order', () => {
    const journal = JSON.parse(readFileSync(join(DIR, 'meta', '_journal.json'), 'utf8')) as { entries: Array<{ tag: string; when: number }> };
    const tags = journal.entries.map((e) => `${e.tag}.sql`);
    expect(tags).toEqual(readdirSync(DIR).filter((f) => f.endsWith('.sql')).sort());
    const times = journal.entries.map((e) => e.when);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });
});
