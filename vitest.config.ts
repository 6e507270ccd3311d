import { defineConfig } from 'vitest/config';

// Four suites, all with real parts except the Electron module in tests/unit/shell:
//   unit        — pure logic, and the shell against tests/unit/shell/fakeElectron.ts
//   integration — real SQLite files, the built host as a child process, real Orthanc
//   e2e         — Debian's Chromium driven by playwright-core through the built host
//   fidelity    — every corpus image rendered by the viewer in Chromium, compared with DCMTK
export default defineConfig({
  test: {
    projects: [
      { test: { name: 'unit', include: ['tests/unit/**/*.test.ts'] } },
      { test: { name: 'integration', include: ['tests/integration/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 120_000 } },
      { test: { name: 'e2e', include: ['tests/e2e/**/*.test.ts'], testTimeout: 120_000, hookTimeout: 120_000, fileParallelism: false } },
      // Every corpus image rendered in Chromium vs DCMTK (also `npm run test:fidelity`).
      { test: { name: 'fidelity', include: ['tests/fidelity/**/*.test.ts'], testTimeout: 900_000, hookTimeout: 120_000 } },
    ],
  },
});
