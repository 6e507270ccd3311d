/**
 * Where server passwords and tokens are kept: never in the database or the logs. The Electron
 * shell passes a store backed by the OS keychain (safeStorage); without it (the browser host,
 * the CLI) they are kept in a file only this user can read, and the settings say so.
 * Runs in: the main process (Node).
 */
import { existsSync, readFileSync } from 'node:fs';
import { rename, writeFile } from 'node:fs/promises';
import path from 'node:path';

export interface SecretStore {
  /** 'os-keychain' when the OS protects the secrets, 'user-file' when only file permissions do. */
  readonly kind: 'os-keychain' | 'user-file';
  get(key: string): string | null;
  set(key: string, secret: string): Promise<void>;
  delete(key: string): Promise<void>;
}

/** Secrets as a JSON object in one file, written atomically with mode 0600. */
export class FileSecretStore implements SecretStore {
  readonly kind: SecretStore['kind'];
  private secrets: Record<string, string>;

  /**
   * `seal`/`unseal` turn a secret into what is written and back (the shell passes safeStorage's
   * encryption; the default keeps the text as it is, protected by the file's mode only).
   */
  constructor(
    private readonly file: string,
    private readonly seal: (secret: string) => string = (secret) => secret,
    private readonly unseal: (stored: string) => string = (stored) => stored,
    kind: SecretStore['kind'] = 'user-file',
  ) {
    this.kind = kind;
    this.secrets = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, string>) : {};
  }

  get(key: string): string | null {
    const stored = this.secrets[key];
    return stored === undefined ? null : this.unseal(stored);
  }

  async set(key: string, secret: string): Promise<void> {
    this.secrets = { ...this.secrets, [key]: this.seal(secret) };
    await this.save();
  }

  async delete(key: string): Promise<void> {
    this.secrets = Object.fromEntries(Object.entries(this.secrets).filter(([name]) => name !== key));
    await this.save();
  }

  private async save(): Promise<void> {
    const temporary = path.join(path.dirname(this.file), `.${path.basename(this.file)}.tmp`);
    await writeFile(temporary, JSON.stringify(this.secrets), { mode: 0o600 });
    await rename(temporary, this.file);
  }
}
