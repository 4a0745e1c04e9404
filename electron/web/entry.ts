/** Bundled to out/web/fluxplan-web.mjs by scripts/web.mjs. */
import { runWeb } from './cli';

void runWeb(process.argv.slice(2));
