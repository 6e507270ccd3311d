/**
 * The window's own copy of report text not yet saved, kept in localStorage on every keystroke
 * and dropped once the library has it. If the workstation's service dies (or the window is
 * closed) with text in flight, the next load finds it here and offers it back; the library
 * remains the record.
 */
import type { ReportContent } from '../../shared/api';

export interface UnsavedDraft {
  partId: string;
  /** The stored revision the text was edited from. */
  baseRevision: number;
  /**
   * The window that typed it (its EDITOR_ID). A window restoring the text saves it once as that
   * window: if the library's newer revision is that window's own save whose answer was lost (the
   * service killed mid-save), it is no conflict; if another window saved, it still is one.
   */
  editor?: string;
  content: ReportContent;
  at: string;
}

const keyFor = (studyInstanceUid: string) => `lumen.report.unsaved.${studyInstanceUid}`;

export function keepUnsaved(studyInstanceUid: string, draft: UnsavedDraft): void {
  try {
    localStorage.setItem(keyFor(studyInstanceUid), JSON.stringify(draft));
  } catch {
    // Storage full or disabled: the autosave to the library still runs.
  }
}

export function unsavedFor(studyInstanceUid: string): UnsavedDraft | null {
  try {
    const raw = localStorage.getItem(keyFor(studyInstanceUid));
    if (!raw) return null;
    const parsed = JSON.parse(raw) as Partial<UnsavedDraft>;
    if (typeof parsed.partId !== 'string' || typeof parsed.baseRevision !== 'number' || typeof parsed.content !== 'object' || parsed.content === null) return null;
    if (parsed.editor !== undefined && typeof parsed.editor !== 'string') return null;
    return parsed as UnsavedDraft;
  } catch {
    return null;
  }
}

export function dropUnsaved(studyInstanceUid: string): void {
  try {
    localStorage.removeItem(keyFor(studyInstanceUid));
  } catch {
    // Nothing to drop.
  }
}
