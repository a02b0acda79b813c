import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

// The console is served by Bureau itself at `/`; in development, `npm run web:dev` serves it with
// hot reload and sends the API's paths to a Bureau running on :3000.
const api = process.env.BUREAU_URL ?? 'http://localhost:3000'

export default defineConfig({
  root: import.meta.dirname,
  plugins: [react()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    // Hashed file names: served with a year-long immutable cache; the shell is never cached.
    sourcemap: false,
    reportCompressedSize: false,
  },
  server: {
    proxy: Object.fromEntries(
      ['/api', '/files', '/openapi.json', '/docs', '/health', '/ready'].map((path) => [path, api]),
    ),
  },
})
