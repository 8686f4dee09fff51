import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';

// The dashboard lives in web/ whatever directory the launcher runs from.
const root = fileURLToPath(new URL('.', import.meta.url));

export default defineConfig({
  root,
  envDir: root,
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: false },
  // The launcher passes --port; 5173 is only the default.
  server: { host: '127.0.0.1', port: 5173 },
  preview: { host: '127.0.0.1', port: 4173 },
});
