/**
 * `npm run tenant -- --port PORT --db FILE --token TOKEN [...]`: the tenant emulator, for tests and
 * local staging. It serves the sync protocol v1 over a plan file of its own.
 */
import { parseArgs } from 'node:util';
import { EMULATOR_NOTICE, startTenant, type TenantOptions } from './server';

const HELP = `Usage: npm run tenant -- --port PORT --db FILE --token TOKEN [options]

${EMULATOR_NOTICE}.
It serves the FluxPlan sync protocol v1 (docs/sync-protocol.md) over its own plan file.

  --port PORT               port to listen on (0: any free port; the banner names it)
  --db FILE                 the tenant's plan file (created when missing)
  --token TOKEN             the bearer token clients must send (or --token-file FILE)
  --host ADDRESS            address to listen on (default 127.0.0.1)
  --tls-cert FILE --tls-key FILE
                            serve https with this certificate and key (PEM)
  --drop-after-commit N     commit the Nth changeset POST, then cut the connection without answering
  --stall-after-commit N    commit the Nth changeset POST, then never answer it (the client times out)
  --fail-before-commit N    answer the Nth changeset POST with 500 without committing it
  --throttle N              answer the Nth changeset POST with 429 and Retry-After: 1
  --delay-ms MS             wait MS milliseconds before every answer
  --quiet                   print only the banner
`;

function fail(message: string): never {
  process.stderr.write(`tenant: ${message}\n\n${HELP}`);
  process.exit(2);
}

function positiveInt(text: string | undefined, name: string): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text)) fail(`--${name} takes a whole number, got "${text}"`);
  return Number(text);
}

async function main(): Promise<void> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      args: process.argv.slice(2),
      options: {
        port: { type: 'string' }, db: { type: 'string' }, token: { type: 'string' }, 'token-file': { type: 'string' }, host: { type: 'string' },
        'tls-cert': { type: 'string' }, 'tls-key': { type: 'string' },
        'drop-after-commit': { type: 'string' }, 'stall-after-commit': { type: 'string' }, 'fail-before-commit': { type: 'string' }, throttle: { type: 'string' }, 'delay-ms': { type: 'string' },
        quiet: { type: 'boolean' }, help: { type: 'boolean' },
      },
      strict: true,
    }));
  } catch (e) {
    fail((e as Error).message);
  }
  if (values.help) {
    process.stdout.write(HELP);
    return;
  }
  const db = values.db as string | undefined;
  if (!db) fail('--db FILE is required');
  let token = values.token as string | undefined;
  if (values['token-file']) {
    const { readFileSync } = await import('node:fs');
    token = readFileSync(values['token-file'] as string, 'utf8').split(/\r?\n/)[0]!.trim();
  }
  if (!token) fail('--token TOKEN (or --token-file FILE) is required');
  if (!!values['tls-cert'] !== !!values['tls-key']) fail('--tls-cert and --tls-key go together');
  const quiet = !!values.quiet;
  const options: TenantOptions = {
    db,
    token,
    port: positiveInt(values.port as string | undefined, 'port') ?? 0,
    host: (values.host as string | undefined) ?? '127.0.0.1',
    dropAfterCommit: positiveInt(values['drop-after-commit'] as string | undefined, 'drop-after-commit'),
    stallAfterCommit: positiveInt(values['stall-after-commit'] as string | undefined, 'stall-after-commit'),
    failBeforeCommit: positiveInt(values['fail-before-commit'] as string | undefined, 'fail-before-commit'),
    throttle: positiveInt(values.throttle as string | undefined, 'throttle'),
    delayMs: positiveInt(values['delay-ms'] as string | undefined, 'delay-ms'),
    tlsCert: values['tls-cert'] as string | undefined,
    tlsKey: values['tls-key'] as string | undefined,
    log: quiet ? undefined : (line) => process.stdout.write(`${new Date().toISOString()} ${line}\n`),
  };
  const server = await startTenant(options);
  const faults = [
    options.dropAfterCommit && `--drop-after-commit ${options.dropAfterCommit}`,
    options.stallAfterCommit && `--stall-after-commit ${options.stallAfterCommit}`,
    options.failBeforeCommit && `--fail-before-commit ${options.failBeforeCommit}`,
    options.throttle && `--throttle ${options.throttle}`,
    options.delayMs && `--delay-ms ${options.delayMs}`,
  ].filter(Boolean);
  process.stdout.write(`${EMULATOR_NOTICE}.\n`);
  process.stdout.write(`Plan ${db}, tenant ${server.tenant.id}, version ${server.tenant.version()}${faults.length ? `; faults: ${faults.join(', ')}` : ''}\n`);
  process.stdout.write(`Listening on ${server.url}\n`);
  const stop = () => {
    void server.close().then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((e: unknown) => {
  process.stderr.write(`tenant: ${(e as Error).message ?? String(e)}\n`);
  process.exit(1);
});
