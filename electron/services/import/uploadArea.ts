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
  /** Uploads given up (the library's disk is full), with why: their later files get the same answer. */
  private readonly refused = new Map<string, string>();

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

  /** Gives an upload up: its files so far are removed, and its later files are refused with `reason`. */
  async refuse(uploadId: string, reason: string): Promise<void> {
    if (!this.open.has(uploadId)) return;
    this.refused.set(uploadId, reason);
    await this.remove(uploadId);
  }

  /**
   * A file of a given-up upload that was already on its way when the upload was given up has
   * now landed: the upload's folder goes again. True if the upload was given up.
   */
  async discardIfRefused(uploadId: string): Promise<boolean> {
    if (!this.refused.has(uploadId)) return false;
    await rm(path.join(this.root, uploadId), { recursive: true, force: true });
    return true;
  }

  /** Why an upload was given up, or null. */
  refusalOf(uploadId: string): string | null {
    return this.refused.get(uploadId) ?? null;
  }

  async remove(uploadId: string): Promise<void> {
    this.open.delete(uploadId);
    await rm(path.join(this.root, uploadId), { recursive: true, force: true });
  }
}
