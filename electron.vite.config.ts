/**
 * electron-vite builds the desktop app into out/: main (with the engine and job workers as further entries),
 * the sandboxed preload (one CommonJS file, dependencies bundled in), and the renderer (renderer/vite.config.ts).
 * better-sqlite3 stays external: electron-builder unpacks it from asar and rebuilds it for Electron when packaging.
 */
import { resolve } from 'node:path';
import { defineConfig } from 'electron-vite';
import renderer from './renderer/vite.config';

export default defineConfig({
  main: {
    build: {
      outDir: 'out/main',
      rollupOptions: {
        input: {
          index: resolve('electron/main/index.ts'),
          'engine-worker': resolve('electron/main/engine-worker.ts'),
          'job-worker': resolve('electron/jobs/worker.ts'),
        },
        output: { format: 'es', entryFileNames: '[name].js' },
      },
    },
  },
  preload: {
    build: {
      outDir: 'out/preload',
      externalizeDeps: false,
      rollupOptions: {
        input: { index: resolve('electron/preload/index.ts') },
        external: ['electron'],
        output: { format: 'cjs', entryFileNames: '[name].cjs', codeSplitting: false },
      },
    },
  },
  renderer: {
    ...renderer,
    root: resolve('renderer'),
    build: { ...renderer.build, outDir: resolve('out/renderer'), rollupOptions: { input: resolve('renderer/index.html') } },
  },
});
