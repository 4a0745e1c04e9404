/**
 * Once before the whole suite: the CLI bundle and the job worker built from the sources under test, so
 * that every test running bin/fluxplan (or starting the job worker from dist/) runs today's code, and no
 * test file rebuilds them while others use them.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';

export default function setup(): void {
  execFileSync(process.execPath, ['scripts/build-cli.mjs'], { cwd: join(__dirname, '..', '..'), stdio: 'inherit' });
}
