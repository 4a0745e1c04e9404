/**
 * The renderer's build, shared by electron-vite (desktop) and the browser host's build (scripts/web.mjs,
 * tests, the UI benchmark). Relative asset paths so it loads from app:// and from the loopback host alike.
 */
import react from '@vitejs/plugin-react';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  base: './',
  plugins: [react()],
  build: {
    outDir: fileURLToPath(new URL('../out/renderer', import.meta.url)),
    emptyOutDir: true,
    chunkSizeWarningLimit: 2000,
    minify: true,
    target: 'chrome120',
  },
  logLevel: 'warn',
});
