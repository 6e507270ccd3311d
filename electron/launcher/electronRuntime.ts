/**
 * Whether Electron's runtime binary is installed, found without `require('electron')`: from
 * version 45.4 the npm package downloads the binary on first require, which fails (slowly)
 * where nothing may be downloaded. We read the same files its index.js reads instead.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export type ElectronRuntime = { available: true; executable: string } | { available: false; reason: string };

export function findElectronRuntime(env: NodeJS.ProcessEnv = process.env): ElectronRuntime {
  let packageDir: string;
  try {
    packageDir = path.dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return { available: false, reason: 'the electron package is not installed (run npm ci)' };
  }
  const pathFile = path.join(packageDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : undefined;
  const distDir = env['ELECTRON_OVERRIDE_DIST_PATH'] ?? path.join(packageDir, 'dist');
  if (relative === undefined && env['ELECTRON_OVERRIDE_DIST_PATH'] === undefined) {
    return { available: false, reason: `Electron's runtime binary was never downloaded (no ${pathFile})` };
  }
  const executable = path.join(distDir, relative ?? 'electron');
  return existsSync(executable) ? { available: true, executable } : { available: false, reason: `Electron's runtime binary is missing (${executable})` };
}
