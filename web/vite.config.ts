import { fileURLToPath } from 'node:url';
import { defineConfig, loadEnv } from 'vite';

// The dashboard lives in web/ whatever directory the launcher runs from.
const root = fileURLToPath(new URL('.', import.meta.url));

/** The web config a production bundle needs; Vite inlines VITE_* values at build time. */
const PRODUCTION_VARS = ['VITE_FIREBASE_PROJECT_ID', 'VITE_FIREBASE_API_KEY', 'VITE_FIREBASE_AUTH_DOMAIN', 'VITE_ADMIN_URL'] as const;

export default defineConfig(({ command, mode }) => {
  if (command === 'build') {
    const env = { ...loadEnv(mode, root, 'VITE_'), ...process.env };
    const missing = PRODUCTION_VARS.filter((k) => !env[k]);
    if (missing.length > 0 && !env.VITE_FIRESTORE_EMULATOR_HOST) {
      console.warn(
        `web build: ${missing.join(', ')} not set; this bundle talks to the demo project only. Set them (environment or web/.env.production) for a deployable build.`,
      );
    }
  }
  return {
    root,
    envDir: root,
    build: {
      outDir: 'dist',
      emptyOutDir: true,
      target: 'es2022',
      sourcemap: false,
      // Vendor code changes less often than the app: separate files cache separately on Hosting.
      rollupOptions: {
        output: { manualChunks: { firebase: ['firebase/app', 'firebase/auth', 'firebase/firestore'], charts: ['lightweight-charts'] } },
      },
      chunkSizeWarningLimit: 600,
    },
    // The launcher passes --port; 5173 is only the default.
    server: { host: '127.0.0.1', port: 5173 },
    preview: { host: '127.0.0.1', port: 4173 },
  };
});
