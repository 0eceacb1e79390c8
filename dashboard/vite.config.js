// The dashboard is a static page: `npm run build` writes it to dist/ with relative paths, so
// any static file server (scripts/run-dev.sh uses `vite preview`) can serve it from any folder.
import { defineConfig } from 'vite';

export default defineConfig({
  base: './',
  build: { outDir: 'dist', target: 'es2022', chunkSizeWarningLimit: 2048 },
  preview: { host: '127.0.0.1', strictPort: true },
  server: { host: '127.0.0.1' },
});
