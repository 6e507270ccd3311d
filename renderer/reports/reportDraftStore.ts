/**
 * The open study's report in this window: the stored parts, the one part being written (the
 * report until it is signed, then an open addendum), and its autosave.
 *
 * Autosave: a save goes out 300 ms after the last keystroke, and at least every 900 ms while
 * typing goes on, so at most about a second of typing is ever only in the window. Saves go one
 * at a time, each naming the revision it was edited from; if another window saved in between,
 * the answer is a conflict and the person chooses (nothing is overwritten silently). Every
 * keystroke is also kept in localStorage until saved (draftBackup.ts).
 */
import { create } from 'zustand';
import type { ReportContent, ReportPart, ReportStatus, Settings, StudyReport } from '../../shared/api';
import type { WorkstationClient } from '../api/workstationClient';
import { messageOf } from '../app/format';
import { useStudyList } from '../library/studyListStore';
import { dropUnsaved, keepUnsaved, unsavedFor } from './draftBackup';

export type ReportField = 'findings' | 'impression' | 'recommendations';

const SAVE_DELAY_MS = 300;
const MAX_UNSAVED_MS = 900;
const RETRY_MS = 1000;
const PANEL_KEY = 'lumen.report.panel';

/** This window, as the server's history and conflict checks know it. */
export const EDITOR_ID = crypto.randomUUID();

export const EMPTY_CONTENT: ReportContent = { findings: '', impression: '', recommendations: '', severity: '', templateId: '' };

export interface Draft {
  partId: string;
  sequence: number;
  content: ReportContent;
  /** The stored revision this text was edited from (0: not saved yet). */
  baseRevision: number;
  /** When the first change not yet saved was made (ms), or null when all is saved. */
  dirtySince: number | null;
  /** Restored text is saved once as the window that typed it (see UnsavedDraft.editor); then as this window. */
  editor?: string;
}

interface ReportState {
  studyUid: string | null;
  report: StudyReport | null;
  draft: Draft | null;
  saving: boolean;
  savedAt: string | null;
  error: string | null;
  /** The stored part another window saved, while this window's text differs. */
  conflict: ReportPart | null;
  notice: string | null;
  settings: Settings | null;
  /** Where text from the measurement list goes: the last report field the cursor was in. */
  focus: { field: ReportField; start: number; end: number } | null;
  /** The panel beside the images is shown (a per-workstation choice, kept across restarts). */
  panelOpen: boolean;
  togglePanel: () => void;
  load: (client: WorkstationClient, studyInstanceUid: string) => Promise<void>;
  clear: () => void;
  edit: (client: WorkstationClient, changes: Partial<ReportContent>) => void;
  flush: (client: WorkstationClient) => Promise<void>;
  resolveConflict: (client: WorkstationClient, choice: 'theirs' | 'mine') => Promise<void>;
  sign: (client: WorkstationClient) => Promise<void>;
  addAddendum: (client: WorkstationClient) => Promise<void>;
  exportSr: (client: WorkstationClient, partId: string) => Promise<void>;
  saveSettings: (client: WorkstationClient, changes: Partial<Settings>) => Promise<void>;
  setFocus: (focus: ReportState['focus']) => void;
  insertText: (client: WorkstationClient, text: string) => void;
}

let timer: ReturnType<typeof setTimeout> | null = null;
let inFlight: Promise<void> | null = null;

function cancelTimer(): void {
  if (timer) clearTimeout(timer);
  timer = null;
}

/** The part this window writes in: the unsigned one, or a new report when there is none. */
function draftFor(report: StudyReport): Draft | null {
  const open = report.parts.find((part) => part.signedAt === null);
  if (open) {
    const { findings, impression, recommendations, severity, templateId } = open;
    return { partId: open.id, sequence: open.sequence, content: { findings, impression, recommendations, severity, templateId }, baseRevision: open.revision, dirtySince: null };
  }
  if (report.parts.length === 0) return { partId: crypto.randomUUID(), sequence: 0, content: EMPTY_CONTENT, baseRevision: 0, dirtySince: null };
  return null;
}

function sameContent(a: ReportContent, b: ReportContent): boolean {
  return a.findings === b.findings && a.impression === b.impression && a.recommendations === b.recommendations && a.severity === b.severity && a.templateId === b.templateId;
}

function contentOf(part: ReportPart): ReportContent {
  return { findings: part.findings, impression: part.impression, recommendations: part.recommendations, severity: part.severity, templateId: part.templateId };
}

function withPart(report: StudyReport, part: ReportPart, status: ReportStatus): StudyReport {
  const parts = report.parts.some((candidate) => candidate.id === part.id) ? report.parts.map((candidate) => (candidate.id === part.id ? part : candidate)) : [...report.parts, part];
  return { ...report, status, parts: parts.sort((a, b) => a.sequence - b.sequence) };
}

/** The study list shows each study's report status: keep the open study's row current. */
function showStatusInList(studyInstanceUid: string, status: ReportStatus): void {
  useStudyList.setState((state) => ({ studies: state.studies.map((study) => (study.studyInstanceUid === studyInstanceUid ? { ...study, reportStatus: status } : study)) }));
}

export const useReport = create<ReportState>((set, get) => {
  function schedule(client: WorkstationClient, delay: number): void {
    cancelTimer();
    timer = setTimeout(() => {
      timer = null;
      void get().flush(client);
    }, delay);
  }

  async function saveOnce(client: WorkstationClient): Promise<void> {
    const { studyUid, draft, conflict } = get();
    if (!studyUid || !draft || draft.dirtySince === null || conflict) return;
    const sent = draft.content;
    set({ saving: true });
    try {
      const answer = await client.request('reports.saveDraft', { studyInstanceUid: studyUid, partId: draft.partId, baseRevision: draft.baseRevision, editor: draft.editor ?? EDITOR_ID, content: sent, force: false });
      const now = get();
      if (now.studyUid !== studyUid || now.draft?.partId !== draft.partId) return;
      if (answer.outcome === 'conflict') {
        set({ conflict: answer.current, saving: false, error: null });
        return;
      }
      const unchanged = sameContent(now.draft.content, sent);
      if (unchanged) dropUnsaved(studyUid);
      // Typed while this save was out: still unsaved, now based on the revision just made.
      else keepUnsaved(studyUid, { partId: draft.partId, baseRevision: answer.part.revision, editor: EDITOR_ID, content: now.draft.content, at: new Date().toISOString() });
      set({
        report: withPart(now.report ?? { studyInstanceUid: studyUid, status: answer.status, parts: [], elsewhere: [] }, answer.part, answer.status),
        draft: { ...now.draft, baseRevision: answer.part.revision, dirtySince: unchanged ? null : now.draft.dirtySince, editor: undefined },
        savedAt: answer.part.updatedAt,
        saving: false,
        error: null,
      });
      showStatusInList(studyUid, answer.status);
      if (!unchanged) schedule(client, SAVE_DELAY_MS);
    } catch (error) {
      if (get().studyUid !== studyUid) return;
      // Kept in the window (and localStorage); tried again until the library answers.
      set({ saving: false, error: `Not saved yet — ${messageOf(error)}. Retrying…` });
      schedule(client, RETRY_MS);
    }
  }

  return {
    studyUid: null,
    report: null,
    draft: null,
    saving: false,
    savedAt: null,
    error: null,
    conflict: null,
    notice: null,
    settings: null,
    focus: null,
    panelOpen: localStorage.getItem(PANEL_KEY) !== 'closed',
    togglePanel() {
      const panelOpen = !get().panelOpen;
      localStorage.setItem(PANEL_KEY, panelOpen ? 'open' : 'closed');
      set({ panelOpen });
    },

    async load(client, studyInstanceUid) {
      cancelTimer();
      set({ studyUid: studyInstanceUid, report: null, draft: null, saving: false, savedAt: null, error: null, conflict: null, notice: null, focus: null });
      const [report, settings] = await Promise.all([client.request('reports.get', { studyInstanceUid }), client.request('settings.get', {})]);
      if (get().studyUid !== studyInstanceUid) return;
      let draft = draftFor(report);
      let conflict: ReportPart | null = null;
      let notice: string | null = null;
      const unsaved = unsavedFor(studyInstanceUid);
      const stored = report.parts.find((part) => part.id === unsaved?.partId) ?? null;
      if (unsaved && draft && (unsaved.partId === draft.partId || (draft.baseRevision === 0 && report.parts.length === 0))) {
        if (stored && sameContent(contentOf(stored), unsaved.content)) {
          dropUnsaved(studyInstanceUid);
        } else {
          // Text typed here that never reached the library: back in the editor, saved again.
          draft = { ...draft, partId: unsaved.partId, content: unsaved.content, baseRevision: stored ? unsaved.baseRevision : 0, dirtySince: Date.now(), editor: unsaved.editor };
          // Without the typing window's identity (an older copy) a newer stored revision can only be shown as a conflict;
          // with it, the library tells: that window's own lost save, or another window's.
          if (stored && unsaved.baseRevision !== stored.revision && unsaved.editor === undefined) conflict = stored;
          notice = 'Text typed before the window closed was not saved then; it is back and being saved.';
        }
      } else if (unsaved && !draft) {
        // The part was signed meanwhile (elsewhere): the unsaved text cannot go into it.
        notice = 'Text typed before the window closed could not be kept: the report was signed meanwhile. Add an addendum if it is still needed.';
        dropUnsaved(studyInstanceUid);
      }
      set({ report, settings, draft, conflict, notice, savedAt: report.parts.find((part) => part.id === draft?.partId)?.updatedAt ?? null });
      if (draft?.dirtySince !== null && draft && !conflict) void get().flush(client);
    },

    clear() {
      cancelTimer();
      set({ studyUid: null, report: null, draft: null, saving: false, savedAt: null, error: null, conflict: null, notice: null, focus: null });
    },

    edit(client, changes) {
      const { studyUid, draft } = get();
      if (!studyUid || !draft) return;
      const content = { ...draft.content, ...changes };
      const dirtySince = draft.dirtySince ?? Date.now();
      set({ draft: { ...draft, content, dirtySince } });
      keepUnsaved(studyUid, { partId: draft.partId, baseRevision: draft.baseRevision, editor: draft.editor ?? EDITOR_ID, content, at: new Date().toISOString() });
      schedule(client, Math.max(0, Math.min(SAVE_DELAY_MS, dirtySince + MAX_UNSAVED_MS - Date.now())));
    },

    async flush(client) {
      cancelTimer();
      // One save at a time; a flush during a save waits for it, then saves what is left.
      while (inFlight) await inFlight;
      const draft = get().draft;
      if (!draft || draft.dirtySince === null) return;
      inFlight = saveOnce(client).finally(() => {
        inFlight = null;
      });
      await inFlight;
    },

    async resolveConflict(client, choice) {
      const { studyUid, draft, conflict } = get();
      if (!studyUid || !draft || !conflict) return;
      if (choice === 'theirs') {
        dropUnsaved(studyUid);
        set({ conflict: null, draft: { ...draft, content: contentOf(conflict), baseRevision: conflict.revision, dirtySince: null }, savedAt: conflict.updatedAt });
        return;
      }
      // Keep mine: saved over theirs, knowingly (their text stays in the version history).
      try {
        const answer = await client.request('reports.saveDraft', { studyInstanceUid: studyUid, partId: draft.partId, baseRevision: conflict.revision, editor: EDITOR_ID, content: draft.content, force: true });
        if (answer.outcome === 'saved') {
          dropUnsaved(studyUid);
          set((state) => ({
            conflict: null,
            report: state.report ? withPart(state.report, answer.part, answer.status) : state.report,
            draft: state.draft ? { ...state.draft, baseRevision: answer.part.revision, dirtySince: sameContent(state.draft.content, draft.content) ? null : state.draft.dirtySince } : null,
            savedAt: answer.part.updatedAt,
            error: null,
          }));
        } else {
          set({ conflict: answer.current });
        }
      } catch (error) {
        set({ error: messageOf(error) });
      }
    },

    async sign(client) {
      await get().flush(client);
      const { studyUid, draft } = get();
      if (!studyUid || !draft) return;
      if (draft.dirtySince !== null || get().conflict) {
        set({ error: 'The report is not saved yet; sign once it is.' });
        return;
      }
      try {
        const { report, srError } = await client.request('reports.sign', { studyInstanceUid: studyUid, partId: draft.partId, revision: draft.baseRevision });
        dropUnsaved(studyUid);
        set({ report, draft: draftFor(report), error: srError ? `Signed. ${srError}` : null, notice: null });
        showStatusInList(studyUid, report.status);
      } catch (error) {
        set({ error: messageOf(error) });
      }
    },

    async addAddendum(client) {
      const studyUid = get().studyUid;
      if (!studyUid) return;
      try {
        const report = await client.request('reports.addAddendum', { studyInstanceUid: studyUid });
        set({ report, draft: draftFor(report), error: null });
      } catch (error) {
        set({ error: messageOf(error) });
      }
    },

    async exportSr(client, partId) {
      const studyUid = get().studyUid;
      if (!studyUid) return;
      try {
        set({ report: await client.request('reports.exportSr', { studyInstanceUid: studyUid, partId }), error: null });
      } catch (error) {
        set({ error: messageOf(error) });
      }
    },

    async saveSettings(client, changes) {
      try {
        set({ settings: await client.request('settings.set', changes) });
      } catch (error) {
        set({ error: messageOf(error) });
      }
    },

    setFocus: (focus) => set({ focus }),

    insertText(client, text) {
      const { draft, focus } = get();
      if (!draft) return;
      const field = focus?.field ?? 'findings';
      const current = draft.content[field];
      const start = focus?.field === field ? Math.min(focus.start, current.length) : current.length;
      const end = focus?.field === field ? Math.min(focus.end, current.length) : current.length;
      const before = current.slice(0, start);
      const spacer = before && !/\s$/.test(before) ? ' ' : '';
      const inserted = `${spacer}${text}`;
      get().edit(client, { [field]: before + inserted + current.slice(end) });
      set({ focus: { field, start: start + inserted.length, end: start + inserted.length } });
    },
  };
});
