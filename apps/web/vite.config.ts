import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// `npm run dev -w apps/web` proxies the API and gateway to a server on :8080 (`npm start`).
export default defineConfig({
  plugins: [react()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 1000 },
  server: {
    proxy: {
      '/api': 'http://localhost:8080',
      '/gateway': { target: 'ws://localhost:8080', ws: true },
    },
  },
});
