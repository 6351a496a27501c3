// Vite builds web/ into web/dist, which `dermaplan serve --web web/dist` serves at /.
// `npm run dev` proxies /api to DERMAPLAN_API (default: the mock server, http://127.0.0.1:8089).
import { defineConfig } from 'vite';

export default defineConfig({
  base: '/',
  build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', sourcemap: false },
  server: {
    host: '127.0.0.1',
    proxy: { '/api': process.env.DERMAPLAN_API ?? 'http://127.0.0.1:8089' },
  },
  test: { include: ['src/**/*.test.ts'], environment: 'node' },
});
