/** The import panel: open or not, the running import's progress, the last summary. */
import { create } from 'zustand';
import type { ImportProgress, ImportSummary } from '../../shared/api';

interface ImportState {
  open: boolean;
  progress: ImportProgress | null;
  summary: ImportSummary | null;
  error: string | null;
  /** Files being sent to the browser host (drag and drop), before the import starts. */
  upload: { done: number; total: number } | null;
  setOpen: (open: boolean) => void;
  setProgress: (progress: ImportProgress | null) => void;
  setSummary: (summary: ImportSummary | null) => void;
  setError: (error: string | null) => void;
  setUpload: (upload: { done: number; total: number } | null) => void;
  /** Done with the panel: closed, and a finished import's summary put away (it would keep it on screen). */
  dismiss: () => void;
}

export const useImport = create<ImportState>((set) => ({
  open: false,
  progress: null,
  summary: null,
  error: null,
  upload: null,
  setOpen: (open) => set({ open }),
  setProgress: (progress) => set({ progress }),
  setSummary: (summary) => set({ summary, progress: null }),
  setError: (error) => set({ error }),
  setUpload: (upload) => set({ upload }),
  dismiss: () => set({ open: false, summary: null }),
}));
