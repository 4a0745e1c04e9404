// Records the checksum of every new migration in migrations/checksums.json. Existing entries are
// never rewritten: once a migration has shipped it is applied on planners' machines, so editing it
// would fork their schemas. The test suite compares the files against this lock.
import { createHash } from 'node:crypto';
import { readFileSync, readdirSync, writeFileSync, existsSync } from 'node:fs';

const LOCK = 'migrations/checksums.json';
const lock = existsSync(LOCK) ? JSON.parse(readFileSync(LOCK, 'utf8')) : {};
let added = 0;
for (const file of readdirSync('migrations').filter((f) => f.endsWith('.sql')).sort()) {
  const sum = createHash('sha256').update(readFileSync(`migrations/${file}`)).digest('hex');
  if (!(file in lock)) {
    lock[file] = sum;
    added++;
  } else if (lock[file] !== sum) {
    console.error(`migrations/${file} changed after it was locked; add a new migration instead of editing it`);
    process.exit(1);
  }
}
writeFileSync(LOCK, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`${added} new migration(s) locked`);
