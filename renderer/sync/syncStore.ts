/** Sync as the window shows it: the queue's status (pushed by main), and the sync panel. */
import { create } from 'zustand';
import type { SyncStatus } from '../../shared/api';

export type SyncTab = 'servers' | 'remote' | 'transfers';

interface SyncState {
  status: SyncStatus | null;
  /** Servers are configured (the status bar says "not configured" otherwise). */
  configured: boolean | null;
  panel: SyncTab | null;
  setStatus: (status: SyncStatus) => void;
  setConfigured: (configured: boolean) => void;
  openPanel: (tab: SyncTab | null) => void;
}

export const useSync = create<SyncState>((set) => ({
  status: null,
  configured: null,
  panel: null,
  setStatus: (status) => set({ status }),
  setConfigured: (configured) => set({ configured }),
  openPanel: (panel) => set({ panel }),
}));
