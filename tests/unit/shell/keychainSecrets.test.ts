import { readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import { keychainSecretStore } from '../../../electron/shell/keychainSecrets';
import { makeTempDir } from '../../helpers/tempDir';
import { safeStorage } from './fakeElectron';

vi.mock('electron', async () => await import('./fakeElectron'));

describe('server secrets in the Electron shell', () => {
  const temp = makeTempDir('keychain');
  afterEach(() => {
    safeStorage.available = true;
  });
  afterAll(() => temp.remove());

  it('are sealed by safeStorage before they reach the disk, and read back', async () => {
    const store = keychainSecretStore(temp.dir);
    expect(store.kind).toBe('os-keychain');
    await store.set('server-1', 'correct horse battery staple');
    const file = path.join(temp.dir, 'secrets.keychain.json');
    expect(readFileSync(file, 'utf8')).not.toContain('correct horse');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(keychainSecretStore(temp.dir).get('server-1')).toBe('correct horse battery staple');
    await store.delete('server-1');
    expect(keychainSecretStore(temp.dir).get('server-1')).toBeNull();
  });

  it('fall back to the user-only file, saying so, where the OS keychain is not available', () => {
    safeStorage.available = false;
    expect(keychainSecretStore(temp.dir).kind).toBe('user-file');
  });
});
