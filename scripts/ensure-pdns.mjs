// The reverse DNS tests push to a real PowerDNS Authoritative server: Debian's pdns-server with the
// SQLite backend (pdns-backend-sqlite3). Installs both with apt-get when missing and we may (root);
// otherwise says what to install. The tests start and stop the server themselves.
import { execSync } from 'node:child_process';
import { existsSync, rmSync, writeFileSync } from 'node:fs';

const SERVER = process.env.FLUXPLAN_PDNS_SERVER || '/usr/sbin/pdns_server';
const SCHEMAS = ['/usr/share/pdns-backend-sqlite3/schema/schema.sqlite3.sql', '/usr/share/doc/pdns-backend-sqlite3/schema.sqlite3.sql'];
const BACKENDS = ['/usr/lib/x86_64-linux-gnu/pdns/libgsqlite3backend.so', '/usr/lib/aarch64-linux-gnu/pdns/libgsqlite3backend.so', '/usr/lib/pdns/libgsqlite3backend.so'];

const ready = () => existsSync(SERVER) && SCHEMAS.some((f) => existsSync(f)) && BACKENDS.some((f) => existsSync(f));

if (!ready()) {
  const root = typeof process.getuid === 'function' && process.getuid() === 0;
  if (!root || !existsSync('/usr/bin/apt-get')) {
    console.error(
      `The reverse DNS tests need PowerDNS with its SQLite backend (${SERVER} and the gsqlite3 schema). ` +
        'Install them (Debian/Ubuntu: sudo apt-get install -y pdns-server pdns-backend-sqlite3) or set FLUXPLAN_PDNS_SERVER.',
    );
    process.exit(1);
  }
  console.log('Installing Debian pdns-server and pdns-backend-sqlite3 for the reverse DNS tests...');
  // A policy-rc.d that says no keeps the package's own service (port 53 on every address) from
  // starting: the tests run their own server on loopback.
  const POLICY = '/usr/sbin/policy-rc.d';
  const ownPolicy = !existsSync(POLICY);
  if (ownPolicy) writeFileSync(POLICY, '#!/bin/sh\nexit 101\n', { mode: 0o755 });
  try {
    execSync('apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq pdns-server pdns-backend-sqlite3', { stdio: 'inherit', shell: '/bin/bash' });
  } finally {
    if (ownPolicy) rmSync(POLICY, { force: true });
  }
  if (!ready()) {
    console.error(`pdns-server was installed but ${SERVER} or the gsqlite3 schema is still missing; set FLUXPLAN_PDNS_SERVER to the pdns_server binary.`);
    process.exit(1);
  }
}
