import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const projectRoot = fileURLToPath(new URL('../../', import.meta.url));

/** The team's DICOM corpus (../shared/dicom beside the project), or DICOM_CORPUS. */
export const corpusDir = path.resolve(process.env['DICOM_CORPUS'] ?? path.join(projectRoot, '..', 'shared', 'dicom'));

/** Where tests leave screenshots and other evidence (not committed). */
export const artifactsDir = path.join(projectRoot, 'test-artifacts');

export function builtFile(relative: string): string {
  const file = path.join(projectRoot, 'dist', relative);
  if (!existsSync(file)) throw new Error(`${file} is missing: run "npm run build" first (npm test does)`);
  return file;
}
