// npm run web [-- --port N --db FILE]: builds what the browser host needs, then serves the plan on
// 127.0.0.1 and prints http://127.0.0.1:PORT/?token=TOKEN.
import { buildRenderer, buildWebHost } from './build-web.mjs';

await buildRenderer();
await buildWebHost();
await import(new URL('../out/web/fluxplan-web.mjs', import.meta.url).href);
