import { defineConfig } from 'vite';

// The renderer bundle. `base: './'` keeps asset URLs relative so the same build serves from the
// HTTP host (http://127.0.0.1:PORT/) and from Electron's scan://app/ protocol.
export default defineConfig({
  root: 'renderer',
  base: './',
  build: { outDir: '../dist/renderer', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 2000 },
  logLevel: 'warn',
});
