/**
 * Where the browser host puts files dropped onto its page before importing them: one folder per
 * drop under `<data>/uploads/`, removed once imported (and all of them at every start). A drop
 * keeps its folder structure, so a dropped CD is still read through its DICOMDIR.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, rm } from 'node:fs/promises';
import path from 'node:path';

export class UploadArea {
  private readonly open = new Set<string>();

  constructor(readonly root: string) {}

  async clear(): Promise<void> {
    await rm(this.root, { recursive: true, force: true });
  }

  async begin(): Promise<string> {
    const id = randomUUID();
    await mkdir(path.join(this.root, id), { recursive: true, mode: 0o700 });
    this.open.add(id);
    return id;
  }

  /** Where an uploaded file goes, or null when the upload is unknown or the path would leave it. */
  pathFor(uploadId: string, relativePath: string): string | null {
    if (!this.open.has(uploadId)) return null;
    const parts = relativePath.split('/');
    if (parts.length === 0 || parts.some((part) => part === '' || part === '.' || part === '..' || /[\0\\]/.test(part))) return null;
    return path.join(this.root, uploadId, ...parts);
  }

  /** Closes an upload for writing and returns its folder. */
  finish(uploadId: string): string | null {
    if (!this.open.delete(uploadId)) return null;
    return path.join(this.root, uploadId);
  }

  async remove(uploadId: string): Promise<void> {
    this.open.delete(uploadId);
    await rm(path.join(this.root, uploadId), { recursive: true, force: true });
  }
}
