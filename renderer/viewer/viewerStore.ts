/** The viewer's state: the open study, the layout, which series each viewport shows, settings. */
import { create } from 'zustand';
import type { RemoteStudy, StudySummary, ViewerSeries, ViewerStudy } from '../../shared/api';
import type { WorkstationClient } from '../api/workstationClient';
import { messageOf } from '../app/format';
import { DEFAULT_KEY_BINDINGS, DEFAULT_MOUSE_BINDINGS, type KeyBinding, type MouseBindings } from './bindings';
import type { ViewportSnapshot } from './cornerstone/stackViewport';
import { type ReformatSeries, releaseVolume, withSlab } from './cornerstone/mprImages';
import { REFORMAT, type SlabMode } from './volumeGeometry';
import { unlinkStacks } from './linkedScrolling';
import type { Vector3 } from './orientation';

export type Layout = '1x1' | '1x2' | '1x3' | '2x2';

export const LAYOUTS: Readonly<Record<Layout, { columns: number; rows: number; label: string }>> = {
  '1x1': { columns: 1, rows: 1, label: '1 × 1' },
  '1x2': { columns: 2, rows: 1, label: '1 × 2' },
  '1x3': { columns: 3, rows: 1, label: '1 × 3' },
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

/** A series as a viewport shows it, with the study it belongs to (the one read, or the prior). */
export interface SeriesInView {
  series: ViewerSeries;
  study: ViewerStudy;
  isComparison: boolean;
}

/** Finds a series in the study being read, else in the prior opened beside it. */
export function findSeries(state: Pick<ViewerState, 'study' | 'comparison'>, seriesInstanceUid: string | null): SeriesInView | null {
  if (!seriesInstanceUid) return null;
  for (const [study, isComparison] of [
    [state.study, false],
    [state.comparison, true],
  ] as const) {
    const series = study?.series.find((candidate) => candidate.seriesInstanceUid === seriesInstanceUid);
    if (study && series) return { series, study, isComparison };
  }
  return null;
}

/**
 * The prior's series to put beside the one being read: the same modality and description
 * ("AX T2" beside "AX T2"), else the same modality and body part, else the same modality,
 * else its first series with images.
 */
export function matchingSeries(candidates: ViewerSeries[], shown: ViewerSeries | null): ViewerSeries | null {
  const viewable = candidates.filter((series) => series.instances.some((instance) => instance.frames > 0));
  if (!shown) return viewable[0] ?? null;
  const same = (a: string, b: string) => a.trim().toUpperCase() === b.trim().toUpperCase();
  const sameModality = viewable.filter((series) => series.modality === shown.modality);
  return (
    sameModality.find((series) => series.description !== '' && same(series.description, shown.description)) ??
    sameModality.find((series) => series.bodyPart !== '' && same(series.bodyPart, shown.bodyPart)) ??
    sameModality[0] ??
    viewable[0] ??
    null
  );
}

/** The patient's studies on the default server not wholly here; `queued`: those asked for here, downloading. */
export interface ServerPriorList {
  server: { id: string; name: string };
  studies: RemoteStudy[];
  queued: string[];
}

interface ViewerState {
  study: ViewerStudy | null;
  /** The same patient's other studies in the library, newest first (null while asked for). */
  priors: StudySummary[] | null;
  /** Null while asked for, or when no server is set up. */
  serverPriors: ServerPriorList | null;
  /** Why the server could not be asked (offline, refused…); the library's priors still show. */
  serverPriorsError: string | null;
  /** A prior opened beside the study being read, its series in the strip and the viewports. */
  comparison: ViewerStudy | null;
  openingComparison: string | null;
  comparisonError: string | null;
  opening: string | null;
  error: string | null;
  layout: Layout;
  /** Series UID per viewport slot (always MAX_VIEWPORTS long; hidden slots keep theirs). */
  viewportSeries: Array<string | null>;
  active: number;
  snapshots: Array<ViewportSnapshot | null>;
  overlaysVisible: boolean;
  /** The active viewport's slice drawn where it cuts the other viewports' images (ReferenceLines.tsx); remembered. */
  referenceLines: boolean;
  setReferenceLines(shown: boolean): void;
  /**
   * Per viewport slot, the reformat (MPR) it shows of its series instead of the acquired slices:
   * the plane's name and its images (cornerstone/mprImages.ts); null for the acquired slices.
   */
  reformats: Array<ReformatSeries | null>;
  /** The series reformatted, and its three reformats without a slab (across rows, across columns, the acquired plane). */
  mpr: { seriesInstanceUid: string; reformats: ReformatSeries[] } | null;
  /** The slab the reformats are made with: millimetres (0: none) and how its images combine. */
  slab: { thicknessMm: number; mode: SlabMode };
  /** Shows the acquired series with its two reformats beside it, 1 × 3. */
  openMpr(seriesInstanceUid: string, reformats: ReformatSeries[]): void;
  /**
   * Makes the MPR's images with a slab (0 mm: none). With one, the first viewport shows the
   * acquired plane made from the volume too, so all three show the same slab.
   */
  setSlab(thicknessMm: number, mode: SlabMode): void;
  /** Back to the acquired slices, one viewport. */
  closeMpr(): void;
  /** The point picked with Shift+click (crossReference.ts), marked in each viewport of its frame of reference. */
  crossPoint: CrossPoint | null;
  setCrossPoint(point: CrossPoint | null): void;
  /** The viewports scroll together (linkedScrolling.ts); undone when what they show changes. */
  linked: boolean;
  setLinked(linked: boolean): void;
  /** The study list folded away while reading, to give the images the whole window. */
  studyListHidden: boolean;
  helpOpen: boolean;
  keyBindings: readonly KeyBinding[];
  mouseBindings: MouseBindings;
  openStudy(client: WorkstationClient, studyInstanceUid: string): Promise<void>;
  closeStudy(): void;
  /** Asks the library for the priors again (a download brought one in). */
  refreshPriors(client: WorkstationClient): Promise<void>;
  /** Queues a prior on the server for download; it joins the library's priors as it arrives. */
  downloadPrior(client: WorkstationClient, studyInstanceUid: string): Promise<void>;
  /** Opens a prior beside the study: in the second viewport (1 × 2 when the layout has one). */
  openComparison(client: WorkstationClient, studyInstanceUid: string): Promise<void>;
  /** Closes the prior: its viewports show the study's series again. */
  closeComparison(): void;
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

const NO_SLAB_CHOICE = { thicknessMm: 0, mode: 'mip' } as const satisfies { thicknessMm: number; mode: SlabMode };

const noReformats = (): Array<ReformatSeries | null> => Array.from({ length: MAX_VIEWPORTS }, () => null);

/** A point in the patient, in millimetres of its frame of reference. */
export interface CrossPoint {
  position: Vector3;
  frameOfReferenceUid: string;
}

const MOUSE_BINDINGS_KEY = 'lumen.viewer.mouseBindings';
/** The layout last chosen for each modality: the next study of that modality opens in it. */
const LAYOUT_BY_MODALITY_KEY = 'lumen.viewer.layoutByModality';
const REFERENCE_LINES_KEY = 'lumen.viewer.referenceLines';

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

/** The modality a study is read as: its first series with images (not a report or key-object note). */
function readingModality(study: ViewerStudy | null): string {
  return viewableSeries(study)[0]?.modality ?? '';
}

function storedLayouts(): Partial<Record<string, Layout>> {
  try {
    const stored = JSON.parse(globalThis.localStorage?.getItem(LAYOUT_BY_MODALITY_KEY) ?? '{}') as unknown;
    if (!stored || typeof stored !== 'object') return {};
    return Object.fromEntries(Object.entries(stored).filter((entry): entry is [string, Layout] => typeof entry[1] === 'string' && entry[1] in LAYOUTS));
  } catch {
    // Unreadable settings: every study opens 1 × 1.
    return {};
  }
}

/**
 * The layout a study opens in (a simple hanging protocol, learnt from the reader): the one last
 * chosen for its modality, else 1 × 1. The first viewports show its first series in order.
 */
function layoutToOpen(study: ViewerStudy): Layout {
  return storedLayouts()[readingModality(study)] ?? '1x1';
}

function fillSlots(series: ViewerSeries[]): Array<string | null> {
  return Array.from({ length: MAX_VIEWPORTS }, (_, i) => series[i]?.seriesInstanceUid ?? series[0]?.seriesInstanceUid ?? null);
}

const noComparison = { comparison: null, openingComparison: null, comparisonError: null } as const;
const noPriors = { priors: null, serverPriors: null, serverPriorsError: null } as const;

export const useViewer = create<ViewerState>((set, get) => ({
  study: null,
  ...noPriors,
  ...noComparison,
  opening: null,
  error: null,
  layout: '1x1',
  viewportSeries: Array.from({ length: MAX_VIEWPORTS }, () => null),
  active: 0,
  snapshots: Array.from({ length: MAX_VIEWPORTS }, () => null),
  overlaysVisible: true,
  // Shown unless turned off once: every reading workstation draws them.
  referenceLines: globalThis.localStorage?.getItem(REFERENCE_LINES_KEY) !== 'off',
  setReferenceLines: (referenceLines) => {
    localStorage.setItem(REFERENCE_LINES_KEY, referenceLines ? 'on' : 'off');
    set({ referenceLines });
  },
  reformats: noReformats(),
  mpr: null,
  slab: NO_SLAB_CHOICE,
  openMpr: (seriesInstanceUid, reformats) =>
    set((state) => ({
      layout: '1x3',
      active: 0,
      mpr: { seriesInstanceUid, reformats },
      slab: NO_SLAB_CHOICE,
      viewportSeries: state.viewportSeries.map((uid, slot) => (slot < 3 ? seriesInstanceUid : uid)),
      // The acquired slices first, then the reformats across rows and across columns.
      reformats: noReformats().map((_, slot) => (slot === 1 ? (reformats[REFORMAT.acrossRows] ?? null) : slot === 2 ? (reformats[REFORMAT.acrossColumns] ?? null) : null)),
    })),
  setSlab: (thicknessMm, mode) =>
    set((state) => {
      const { mpr } = state;
      if (!mpr) return {};
      const reformats = state.reformats.map((shown, slot) => {
        if (state.viewportSeries[slot] !== mpr.seriesInstanceUid) return shown;
        // The first viewport: the acquired slices without a slab, the acquired plane from the volume with one.
        if (slot === 0 && (shown === null || shown.reformat === REFORMAT.acquiredPlane)) {
          const acquiredPlane = mpr.reformats[REFORMAT.acquiredPlane];
          return thicknessMm > 0 && acquiredPlane ? withSlab(acquiredPlane, thicknessMm, mode) : null;
        }
        return shown ? (withSlab(shown, thicknessMm, mode) ?? shown) : shown;
      });
      return { slab: { thicknessMm, mode }, reformats };
    }),
  closeMpr: () => {
    releaseVolume();
    set({ layout: '1x1', active: 0, reformats: noReformats(), mpr: null, slab: NO_SLAB_CHOICE });
  },
  crossPoint: null,
  setCrossPoint: (crossPoint) => set({ crossPoint }),
  linked: false,
  setLinked: (linked) => {
    if (!linked) unlinkStacks();
    set({ linked });
  },
  studyListHidden: false,
  helpOpen: false,
  keyBindings: DEFAULT_KEY_BINDINGS,
  mouseBindings: storedMouseBindings(),

  async openStudy(client, studyInstanceUid) {
    set({ opening: studyInstanceUid, error: null });
    try {
      const study = await client.request('viewer.openStudy', { studyInstanceUid });
      if (get().opening !== studyInstanceUid) return;
      releaseVolume();
      set({ study, ...noPriors, ...noComparison, crossPoint: null, reformats: noReformats(), mpr: null, slab: NO_SLAB_CHOICE, layout: layoutToOpen(study), opening: null, viewportSeries: fillSlots(viewableSeries(study)), active: 0, snapshots: Array.from({ length: MAX_VIEWPORTS }, () => null) });
    } catch (error) {
      if (get().opening === studyInstanceUid) set({ opening: null, error: messageOf(error) });
      return;
    }
    await get().refreshPriors(client);
    // The server's answer comes after the library's, which is shown meanwhile.
    try {
      const { server, studies } = await client.request('sync.serverPriors', { studyInstanceUid });
      if (get().study?.study.studyInstanceUid === studyInstanceUid) set({ serverPriors: server ? { server, studies, queued: [] } : null });
    } catch (error) {
      if (get().study?.study.studyInstanceUid === studyInstanceUid) set({ serverPriorsError: messageOf(error) });
    }
  },
  async refreshPriors(client) {
    const studyInstanceUid = get().study?.study.studyInstanceUid;
    if (!studyInstanceUid) return;
    try {
      const { studies } = await client.request('library.priorStudies', { studyInstanceUid });
      if (get().study?.study.studyInstanceUid === studyInstanceUid) set({ priors: studies });
    } catch {
      // Deleted meanwhile, or the host went away: no priors are offered.
      if (get().study?.study.studyInstanceUid === studyInstanceUid) set({ priors: [] });
    }
  },
  async downloadPrior(client, studyInstanceUid) {
    const listed = get().serverPriors;
    if (!listed) return;
    try {
      await client.request('sync.download', { studyInstanceUids: [studyInstanceUid], serverId: listed.server.id });
      const now = get().serverPriors;
      if (now) set({ serverPriors: { ...now, queued: [...now.queued, studyInstanceUid] }, serverPriorsError: null });
    } catch (error) {
      set({ serverPriorsError: messageOf(error) });
    }
  },
  closeStudy: () => {
    releaseVolume();
    set({ study: null, ...noPriors, ...noComparison, crossPoint: null, reformats: noReformats(), mpr: null, slab: NO_SLAB_CHOICE, studyListHidden: false, viewportSeries: Array.from({ length: MAX_VIEWPORTS }, () => null), snapshots: Array.from({ length: MAX_VIEWPORTS }, () => null) });
  },
  async openComparison(client, studyInstanceUid) {
    const reading = get().study?.study.studyInstanceUid;
    if (!reading || studyInstanceUid === reading) return;
    set({ openingComparison: studyInstanceUid, comparisonError: null });
    let comparison: ViewerStudy;
    try {
      comparison = await client.request('viewer.openStudy', { studyInstanceUid });
    } catch (error) {
      if (get().openingComparison === studyInstanceUid) set({ openingComparison: null, comparisonError: `The prior could not be opened: ${messageOf(error)}` });
      return;
    }
    const state = get();
    if (state.openingComparison !== studyInstanceUid || state.study?.study.studyInstanceUid !== reading) return;
    // The prior goes beside what the first viewport shows; the study being read keeps the first.
    const layout = state.layout === '1x1' ? '1x2' : state.layout;
    const shown = findSeries(state, state.viewportSeries[0] ?? null);
    const match = matchingSeries(comparison.series, shown && !shown.isComparison ? shown.series : null);
    const viewportSeries = state.viewportSeries.map((uid) => (findSeries(state, uid)?.isComparison ? null : uid));
    // Series of a prior closed before this one go back to the study's own.
    const own = fillSlots(viewableSeries(state.study));
    for (let slot = 0; slot < MAX_VIEWPORTS; slot += 1) viewportSeries[slot] ??= own[slot] ?? null;
    if (match) viewportSeries[1] = match.seriesInstanceUid;
    // The prior's viewport shows its acquired slices.
    const reformats = state.reformats.map((reformat, slot) => (match && slot === 1 ? null : reformat));
    set({ comparison, openingComparison: null, layout, viewportSeries, reformats, active: match ? 1 : state.active });
  },
  closeComparison: () =>
    set((state) => {
      const own = fillSlots(viewableSeries(state.study));
      const viewportSeries = state.viewportSeries.map((uid, slot) => (findSeries(state, uid)?.isComparison ? (own[slot] ?? null) : uid));
      return { ...noComparison, viewportSeries };
    }),
  setLayout: (layout) =>
    set((state) => {
      // Chosen by the reader for this study: the next study of its modality opens so.
      const modality = readingModality(state.study);
      if (modality) globalThis.localStorage?.setItem(LAYOUT_BY_MODALITY_KEY, JSON.stringify({ ...storedLayouts(), [modality]: layout }));
      return { layout, active: Math.min(state.active, viewportCount(layout) - 1) };
    }),
  jump: null,
  showSeries: (slot, seriesInstanceUid, imageId) =>
    set((state) => {
      const viewportSeries = [...state.viewportSeries];
      viewportSeries[slot] = seriesInstanceUid;
      // A series put in a viewport shows its acquired slices.
      const reformats = state.reformats.map((reformat, index) => (index === slot ? null : reformat));
      return { viewportSeries, reformats, active: slot, jump: imageId ? { slot, imageId, seq: (state.jump?.seq ?? 0) + 1 } : state.jump };
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

/**
 * Linked scrolling keeps offsets between what the viewports show: once a viewport shows another
 * series, or the layout changes (a study opened, a prior opened or closed), they no longer hold.
 */
useViewer.subscribe((state, previous) => {
  if (!state.linked) return;
  if (state.layout !== previous.layout || state.viewportSeries.some((uid, slot) => uid !== previous.viewportSeries[slot])) state.setLinked(false);
});
