/**
 * Where a user's library lives: `library.sqlite` and the DICOM files.
 *
 * Order of precedence: the `--data-dir` flag, then the LUMEN_DATA_DIR environment variable,
 * then the per-user default of the platform. The Electron shell, the browser host and the CLI
 * all use this one function, so all three open the same library for the same user.
 */
import { mkdirSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const DATA_DIR_ENV = 'LUMEN_DATA_DIR';
const APP_FOLDER = 'Lumen Workstation';

export function defaultDataDirectory(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env, home: string = os.homedir()): string {
  switch (platform) {
    case 'win32':
      return path.win32.join(env['APPDATA'] ?? path.win32.join(home, 'AppData', 'Roaming'), APP_FOLDER);
    case 'darwin':
      return path.posix.join(home, 'Library', 'Application Support', APP_FOLDER);
    default:
      return path.posix.join(env['XDG_DATA_HOME'] || path.posix.join(home, '.local', 'share'), 'lumen-workstation');
  }
}

export function resolveDataDirectory(flag: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  const chosen = flag ?? env[DATA_DIR_ENV] ?? defaultDataDirectory(process.platform, env);
  return path.resolve(chosen);
}

/** The data directory's layout. Only the main side knows these paths. */
export function dataDirectoryLayout(root: string) {
  return {
    root,
    databaseFile: path.join(root, 'library.sqlite'),
    /** DICOM files as received, never re-encoded (see instanceFiles.ts). */
    instancesDir: path.join(root, 'instances'),
    /** Files being imported, before they are renamed into instances/ (emptied at every start). */
    stagingDir: path.join(root, 'incoming'),
    /** Files dropped onto the browser host's page, until they are imported. */
    uploadsDir: path.join(root, 'uploads'),
  };
}

/** Creates the directory (private to the user: it holds patient data) and returns its layout. */
export function prepareDataDirectory(root: string) {
  const layout = dataDirectoryLayout(root);
  mkdirSync(layout.instancesDir, { recursive: true, mode: 0o700 });
  return layout;
}

/** The data directory as shown to the person: with the home folder abbreviated. */
export function displayDataDirectory(root: string, home: string = os.homedir()): string {
  return root === home || root.startsWith(home + path.sep) ? `~${root.slice(home.length)}` : root;
}

/**
 * The value of `--data-dir DIR` or `--data-dir=DIR` in a raw argument list. For the Electron
 * shell, whose argv also carries Chromium's switches, so a strict parser would refuse it.
 */
export function dataDirectoryFlag(argv: readonly string[]): string | undefined {
  for (let i = 0; i < argv.length; i += 1) {
    const arg = argv[i];
    if (arg === '--data-dir') return argv[i + 1];
    if (arg?.startsWith('--data-dir=')) return arg.slice('--data-dir='.length);
  }
  return undefined;
}
