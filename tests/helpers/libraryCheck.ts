/** What a library on disk must be after any stop (a kill, a full disk): sound, rows and files one to one. */
import { existsSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { expect } from 'vitest';
import { instanceFilePath } from '../../electron/services/instanceFiles';

export function filesUnder(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? filesUnder(full) : [full];
  });
}

/**
 * A sound database whose instance rows and files match one to one, with no journalled or
 * staged file left over.
 * @returns the SOP Instance UIDs the library holds
 */
export function checkLibrary(dataDir: string): Set<string> {
  const db = new Database(path.join(dataDir, 'library.sqlite'), { readonly: true });
  expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
  expect(db.pragma('foreign_key_check')).toEqual([]);
  expect(db.prepare('SELECT COUNT(*) FROM pending_files').pluck().get()).toBe(0);
  const uids = db.prepare<[], string>('SELECT sop_instance_uid FROM instances').pluck().all();
  const counted = db.prepare<[], number>('SELECT COALESCE(SUM(instance_count), 0) FROM studies').pluck().get();
  db.close();
  expect(counted).toBe(uids.length);
  const instancesDir = path.join(dataDir, 'instances');
  const expectedFiles = uids.map((uid) => instanceFilePath(instancesDir, uid)).sort();
  expect(filesUnder(instancesDir).sort()).toEqual(expectedFiles);
  expect(filesUnder(path.join(dataDir, 'incoming'))).toEqual([]);
  return new Set(uids);
}
