/** The viewer's state: the open study, the layout, which series each viewport shows, settings. */
import { create } from 'zustand';
import type { ViewerSeries, ViewerStudy } from '../../shared/api';
import type { WorkstationClient } from '../api/workstationClient';
import { messageOf } from '../app/format';
import { DEFAULT_KEY_BINDINGS, DEFAULT_MOUSE_BINDINGS, type KeyBinding, type MouseBindings } from './bindings';
import type { ViewportSnapshot } from './cornerstone/stackViewport';

export type Layout = '1x1' | '1x2' | '2x2';

export const LAYOUTS: Readonly<Record<Layout, { columns: number; rows: number; label: string }>> = {
  '1x1': { columns: 1, rows: 1, label: '1 × 1' },
  '1x2': { columns: 2, rows: 1, label: '1 × 2' },
  '2x2': { columns: 2, rows: 2, label: '2 × 2' },
};

export const MAX_VIEWPORTS = 4;

export function viewportCount(layout: Layout): number {
  return LAYOUTS[layout].columns * LAYOUTS[layout].rows;
}

/** Series that have something to show, in the study's order. */
export function viewableSeries(study: ViewerStudy | null): ViewerSeries[] {
  return (study?.series ?? []).filter((series) => series.instances.some((instance) => instance.frames > 0));
}

interface ViewerState {
  study: ViewerStudy | null;
  opening: string | null;
  error: string | null;
  layout: Layout;
  /** Series UID per viewport slot (always MAX_VIEWPORTS long; hidden slots keep theirs). */
  viewportSeries: Array<string | null>;
  active: number;
  snapshots: Array<ViewportSnapshot | null>;
  overlaysVisible: boolean;
  /** The study list folded away while reading, to give the images the whole window. */
  studyListHidden: boolean;
  helpOpen: boolean;
  keyBindings: readonly KeyBinding[];
  mouseBindings: MouseBindings;
  openStudy(client: WorkstationClient, studyInstanceUid: string): Promise<void>;
  closeStudy(): void;
  setLayout(layout: Layout): void;
  /** Shows a series in a viewport, optionally at a given image (by its image id). */
  showSeries(slot: number, seriesInstanceUid: string, imageId?: string): void;
  /** The image a viewport was asked to jump to; `seq` makes a repeated jump a new one. */
  jump: { slot: number; imageId: string; seq: number } | null;
  setActive(slot: number): void;
  setSnapshot(slot: number, snapshot: ViewportSnapshot | null): void;
  toggleOverlays(): void;
  toggleStudyList(): void;
  setHelpOpen(open: boolean): void;
  setMouseBindings(bindings: MouseBindings): void;
}

const MOUSE_BINDINGS_KEY = 'lumen.viewer.mouseBindings';

function storedMouseBindings(): MouseBindings {
  try {
    const stored = JSON.parse(localStorage.getItem(MOUSE_BINDINGS_KEY) ?? 'null') as unknown;
    if (stored && typeof stored === 'object') {
      const candidate = { ...DEFAULT_MOUSE_BINDINGS, ...(stored as Partial<MouseBindings>) };
      const buttons = new Set(Object.values(candidate));
      if (buttons.size === 3 && [...buttons].every((b) => b === 'left' || b === 'middle' || b === 'right')) return candidate;
    }
  } catch {
    // Unreadable settings fall back to the defaults.
  }
  return DEFAULT_MOUSE_BINDINGS;
}

function fillSlots(series: ViewerSeries[]): Array<string | null> {
  return Array.from({ length: MAX_VIEWPORTS }, (_, i) => series[i]?.seriesInstanceUid ?? series[0]?.seriesInstanceUid ?? null);
}

export const useViewer = create<ViewerState>((set, get) => ({
  study: null,
  opening: null,
  error: null,
  layout: '1x1',
  viewportSeries: Array.from({ length: MAX_VIEWPORTS }, () => null),
  active: 0,
  snapshots: Array.from({ length: MAX_VIEWPORTS }, () => null),
  overlaysVisible: true,
  studyListHidden: false,
  helpOpen: false,
  keyBindings: DEFAULT_KEY_BINDINGS,
  mouseBindings: storedMouseBindings(),

  async openStudy(client, studyInstanceUid) {
    set({ opening: studyInstanceUid, error: null });
    try {
      const study = await client.request('viewer.openStudy', { studyInstanceUid });
      if (get().opening !== studyInstanceUid) return;
      set({ study, opening: null, viewportSeries: fillSlots(viewableSeries(study)), active: 0, snapshots: Array.from({ length: MAX_VIEWPORTS }, () => null) });
    } catch (error) {
      if (get().opening === studyInstanceUid) set({ opening: null, error: messageOf(error) });
    }
  },
  closeStudy: () => set({ study: null, studyListHidden: false, viewportSeries: Array.from({ length: MAX_VIEWPORTS }, () => null), snapshots: Array.from({ length: MAX_VIEWPORTS }, () => null) }),
  setLayout: (layout) => set((state) => ({ layout, active: Math.min(state.active, viewportCount(layout) - 1) })),
  jump: null,
  showSeries: (slot, seriesInstanceUid, imageId) =>
    set((state) => {
      const viewportSeries = [...state.viewportSeries];
      viewportSeries[slot] = seriesInstanceUid;
      return { viewportSeries, active: slot, jump: imageId ? { slot, imageId, seq: (state.jump?.seq ?? 0) + 1 } : state.jump };
    }),
  setActive: (active) => set({ active }),
  setSnapshot: (slot, snapshot) =>
    set((state) => {
      const snapshots = [...state.snapshots];
      snapshots[slot] = snapshot;
      return { snapshots };
    }),
  toggleOverlays: () => set((state) => ({ overlaysVisible: !state.overlaysVisible })),
  toggleStudyList: () => set((state) => ({ studyListHidden: !state.studyListHidden })),
  setHelpOpen: (helpOpen) => set({ helpOpen }),
  setMouseBindings: (mouseBindings) => {
    localStorage.setItem(MOUSE_BINDINGS_KEY, JSON.stringify(mouseBindings));
    set({ mouseBindings });
  },
}));
