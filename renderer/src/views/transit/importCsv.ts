/**
 * A samples CSV imported in steps the planner can watch: the whole file is checked first with a dry run
 * (one bad row refuses the whole file, naming its line, as the engine does), then written in chunks of
 * rows, each one call and one transaction. Samples are stored raw; rates are derived at bill time, so a
 * chunk boundary changes nothing.
 */
import type { MethodResult } from '../../../../shared/api/contract';
import type { SampleKind } from '../../../../shared/billing/model';
import type { Api } from '../../api';

export const CHUNK_ROWS = 2000;

export type Imported = MethodResult<'transit.samples.import'>;

export interface Progress {
  stage: 'checking' | 'writing' | 'done';
  rows: number;
  done: number;
}

export function splitCsv(text: string): { header: string; rows: string[] } {
  const lines = text.split(/\r?\n/);
  const header = lines[0] ?? '';
  return { header, rows: lines.slice(1).filter((l) => l.trim() !== '') };
}

export async function importSamples(api: Api, args: { service: string; text: string; name: string; kind: SampleKind }, onProgress: (p: Progress) => void): Promise<Imported> {
  const { header, rows } = splitCsv(args.text);
  onProgress({ stage: 'checking', rows: rows.length, done: 0 });
  const checked = await api.call('transit.samples.import', { service: args.service, csv: args.text, name: args.name, kind: args.kind, dry_run: true });
  // The dry run read the whole file: its bad rows (with their lines) and rows without a rate stand.
  const total: Imported = { ...checked, inserted: 0, replaced: 0, dry_run: false };
  for (let at = 0; at < rows.length; at += CHUNK_ROWS) {
    const part = rows.slice(at, at + CHUNK_ROWS);
    const r = await api.call('transit.samples.import', { service: args.service, csv: [header, ...part].join('\n'), name: args.name, kind: args.kind });
    total.inserted += r.inserted;
    total.replaced += r.replaced;
    onProgress({ stage: 'writing', rows: rows.length, done: Math.min(rows.length, at + part.length) });
  }
  onProgress({ stage: 'done', rows: rows.length, done: rows.length });
  return total;
}
