// `npm run db:generate -- --name NAME`: drizzle-kit writes the next migration from electron/db/schema.ts,
// then its checksum is locked (see lock-migrations.mjs). Arguments go to drizzle-kit.
import { execFileSync } from 'node:child_process';

const run = (cmd, args) => execFileSync(cmd, args, { stdio: 'inherit' });
run(process.execPath, ['node_modules/drizzle-kit/bin.cjs', 'generate', ...process.argv.slice(2)]);
run(process.execPath, ['scripts/lock-migrations.mjs']);
