/**
 * Server secrets sealed with Electron's safeStorage (the OS keychain: Keychain, DPAPI,
 * libsecret/kwallet) before they reach the disk. Where safeStorage cannot encrypt (no keyring
 * on a Linux session), the services fall back to the user-only file and say so in settings.
 * Runs in: the Electron main process.
 */
import path from 'node:path';
import { safeStorage } from 'electron';
import { FileSecretStore, type SecretStore } from '../services/sync/secretStore';

export function keychainSecretStore(dataDirectory: string): SecretStore {
  if (!safeStorage.isEncryptionAvailable()) return new FileSecretStore(path.join(dataDirectory, 'secrets.json'));
  return new FileSecretStore(
    path.join(dataDirectory, 'secrets.keychain.json'),
    (secret) => safeStorage.encryptString(secret).toString('base64'),
    (sealed) => safeStorage.decryptString(Buffer.from(sealed, 'base64')),
    'os-keychain',
  );
}
