import { defineConfig, defaultClientConditions } from 'vite';

// Built for the path the reference server mounts it at; assets are content-hashed so they can be cached for good.
export default defineConfig({
  base: '/ui/',
  resolve: { conditions: ['@switchyard/source', ...defaultClientConditions] },
  esbuild: { jsx: 'automatic', jsxImportSource: 'preact' },
  build: { target: 'es2022', outDir: 'dist', emptyOutDir: true, sourcemap: true, reportCompressedSize: true },
  server: {
    // `pnpm dev` proxies the API to a server started separately (default port 3000).
    proxy: Object.fromEntries(['/api', '/v1', '/rest'].map((p) => [p, { target: process.env.SWITCHYARD_URL ?? 'http://127.0.0.1:3000', changeOrigin: true }])),
  },
});
