/** Types for scripts/build-web.mjs, imported by the browser tests and the UI benchmark. */
export function buildRenderer(options?: { force?: boolean; outDir?: string }): Promise<boolean>;
export function buildWebHost(): Promise<void>;
