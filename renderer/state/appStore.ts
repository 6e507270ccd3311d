/** App-wide state: what main told us about itself, the library counts, the connection. */
import { create } from 'zustand';
import type { AppInfo, LibraryStats } from '../../shared/api';
import type { ConnectionState } from '../api/transports';

interface AppState {
  info: AppInfo | null;
  stats: LibraryStats | null;
  connection: ConnectionState;
  /** A problem the person should see (e.g. main refused a request). */
  problem: string | null;
  setInfo: (info: AppInfo) => void;
  setStats: (stats: LibraryStats) => void;
  setConnection: (connection: ConnectionState) => void;
  setProblem: (problem: string | null) => void;
}

export const useAppStore = create<AppState>((set) => ({
  info: null,
  stats: null,
  connection: 'connecting',
  problem: null,
  setInfo: (info) => set({ info }),
  setStats: (stats) => set({ stats }),
  setConnection: (connection) => set({ connection }),
  setProblem: (problem) => set({ problem }),
}));
