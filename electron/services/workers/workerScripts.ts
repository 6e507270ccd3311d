/**
 * Where a worker thread's entry file is.
 *
 * Workers are built by scripts/build-node.mjs into dist/node/ beside the bundles that start
 * them (host, shell, CLI), so a bundle finds them next to itself. Code running from source
 * (vitest) has no such neighbour and uses the same built file, which `npm test` builds first.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export type WorkerScriptName = 'storeWorker' | 'importWorker' | 'reportWorker' | 'exportWorker';

export function workerScriptUrl(name: WorkerScriptName): URL {
  const beside = new URL(`./${name}.mjs`, import.meta.url);
  if (existsSync(beside)) return beside;
  const built = new URL(`../../../dist/node/${name}.mjs`, import.meta.url);
  if (existsSync(built)) return built;
  throw new Error(`worker script ${name}.mjs not found at ${fileURLToPath(built)}: run "npm run build" first`);
}
