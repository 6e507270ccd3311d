// Builds the main side (Electron shell, preload, browser host, launcher, workers) into dist/node/.
// Bundled so that each entry is one file Electron or Node can load, with the native and the
// Electron modules left external. The preload is CommonJS: sandboxed preloads cannot be ESM.
import { build } from 'esbuild';

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  sourcemap: true,
  logLevel: 'warning',
  external: ['electron', 'better-sqlite3'],
  outdir: 'dist/node',
};

await build({
  ...common,
  format: 'esm',
  entryPoints: {
    main: 'electron/shell/main.ts',
    host: 'electron/host/main.ts',
    start: 'electron/launcher/start.ts',
    cli: 'electron/cli/main.ts',
    storeWorker: 'electron/services/store/storeWorker.ts',
    importWorker: 'electron/services/import/importWorker.ts',
    reportWorker: 'electron/services/reports/reportWorker.ts',
    exportWorker: 'electron/services/export/exportWorker.ts',
  },
  outExtension: { '.js': '.mjs' },
  // Bundled CommonJS code may call require(); give ESM output a real one.
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
});

await build({
  ...common,
  format: 'cjs',
  entryPoints: { preload: 'electron/shell/preload.ts' },
  outExtension: { '.js': '.cjs' },
});
