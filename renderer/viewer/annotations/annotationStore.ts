/**
 * The open study's annotations and key images as the library has them, the drawing tool in use,
 * and the text prompt the arrow tool opens. Every change is saved as it is made.
 */
import { create } from 'zustand';
import type { AnnotationInput, AnnotationTool, KeyImage, SrDocument, StoredAnnotation } from '../../../shared/api';
import type { WorkstationClient } from '../../api/workstationClient';
import { messageOf } from '../../app/format';

interface TextPrompt {
  initial: string;
  resolve: (text: string | null) => void;
}

/** One change, as the library saw it: what was there before and after (null: nothing). */
export interface AnnotationChange {
  before: StoredAnnotation | null;
  after: StoredAnnotation | null;
}

/** How many changes Undo can go back. */
const HISTORY_LIMIT = 100;

interface AnnotationState {
  studyUid: string | null;
  annotations: StoredAnnotation[];
  keyImages: KeyImage[];
  /** The study's DICOM SRs and the measurements they carry (read-only). */
  srDocuments: SrDocument[];
  /** The last save or delete that failed, for the person to see. */
  error: string | null;
  drawingTool: AnnotationTool | null;
  textPrompt: TextPrompt | null;
  /** Changes made in this study, for Undo (newest last), and those undone, for Redo. */
  undoStack: AnnotationChange[];
  redoStack: AnnotationChange[];
  /** Saves `input` without recording it for Undo (Undo and Redo themselves). */
  put(client: WorkstationClient, input: AnnotationInput): Promise<StoredAnnotation | null>;
  takeUndo(): AnnotationChange | null;
  takeRedo(): AnnotationChange | null;
  load(client: WorkstationClient, studyInstanceUid: string): Promise<StoredAnnotation[]>;
  clear(): void;
  /** Lists the study's SRs again (after one was written), leaving the annotations as they are. */
  refreshSrDocuments(client: WorkstationClient): Promise<void>;
  save(client: WorkstationClient, input: AnnotationInput): Promise<void>;
  remove(client: WorkstationClient, id: string): Promise<void>;
  setKeyImage(client: WorkstationClient, image: KeyImage, key: boolean): Promise<void>;
  setDrawingTool(tool: AnnotationTool | null): void;
  askText(initial: string): Promise<string | null>;
  answerText(text: string | null): void;
}

export const useAnnotations = create<AnnotationState>((set, get) => ({
  studyUid: null,
  annotations: [],
  keyImages: [],
  srDocuments: [],
  error: null,
  drawingTool: null,
  textPrompt: null,
  undoStack: [],
  redoStack: [],

  async load(client, studyInstanceUid) {
    set({ studyUid: studyInstanceUid, annotations: [], keyImages: [], srDocuments: [], error: null, undoStack: [], redoStack: [] });
    const loaded = await client.request('annotations.list', { studyInstanceUid });
    if (get().studyUid !== studyInstanceUid) return [];
    // Annotations made while the list was on its way are kept (they are saved already, or being saved).
    set((state) => {
      const stored = new Set(loaded.annotations.map((annotation) => annotation.id));
      const keyStored = new Set(loaded.keyImages.map((key) => `${key.sopInstanceUid}#${key.frame}`));
      return {
        annotations: [...loaded.annotations, ...state.annotations.filter((annotation) => !stored.has(annotation.id))],
        keyImages: [...loaded.keyImages, ...state.keyImages.filter((key) => !keyStored.has(`${key.sopInstanceUid}#${key.frame}`))],
        srDocuments: loaded.srDocuments,
      };
    });
    return loaded.annotations;
  },
  clear: () => set({ studyUid: null, annotations: [], keyImages: [], srDocuments: [], error: null, drawingTool: null, undoStack: [], redoStack: [] }),
  async refreshSrDocuments(client) {
    const studyInstanceUid = get().studyUid;
    if (!studyInstanceUid) return;
    const loaded = await client.request('annotations.list', { studyInstanceUid });
    if (get().studyUid === studyInstanceUid) set({ srDocuments: loaded.srDocuments });
  },

  async put(client, input) {
    try {
      const saved = await client.request('annotations.save', input);
      if (get().studyUid !== saved.studyInstanceUid) return null;
      set((state) => {
        const others = state.annotations.filter((a) => a.id !== saved.id);
        return { annotations: [...others, saved].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id)), error: null };
      });
      return saved;
    } catch (error) {
      set({ error: `The measurement was not saved: ${messageOf(error)}` });
      return null;
    }
  },
  async save(client, input) {
    const before = get().annotations.find((a) => a.id === input.id) ?? null;
    const after = await get().put(client, input);
    if (after) set((state) => ({ undoStack: [...state.undoStack, { before, after }].slice(-HISTORY_LIMIT), redoStack: [] }));
  },
  async remove(client, id) {
    const before = get().annotations.find((a) => a.id === id) ?? null;
    try {
      await client.request('annotations.delete', { id });
      set((state) => ({
        annotations: state.annotations.filter((a) => a.id !== id),
        error: null,
        undoStack: before ? [...state.undoStack, { before, after: null }].slice(-HISTORY_LIMIT) : state.undoStack,
        redoStack: before ? [] : state.redoStack,
      }));
    } catch (error) {
      set({ error: `The measurement was not deleted: ${messageOf(error)}` });
    }
  },
  takeUndo: () => {
    const change = get().undoStack.at(-1) ?? null;
    if (change) set((state) => ({ undoStack: state.undoStack.slice(0, -1), redoStack: [...state.redoStack, change] }));
    return change;
  },
  takeRedo: () => {
    const change = get().redoStack.at(-1) ?? null;
    if (change) set((state) => ({ redoStack: state.redoStack.slice(0, -1), undoStack: [...state.undoStack, change] }));
    return change;
  },
  async setKeyImage(client, image, key) {
    const studyInstanceUid = get().studyUid;
    if (!studyInstanceUid) return;
    try {
      await client.request('keyImages.set', { studyInstanceUid, sopInstanceUid: image.sopInstanceUid, frame: image.frame, key });
      set((state) => {
        const others = state.keyImages.filter((k) => k.sopInstanceUid !== image.sopInstanceUid || k.frame !== image.frame);
        return { keyImages: key ? [...others, image] : others, error: null };
      });
    } catch (error) {
      set({ error: `The key image flag was not saved: ${messageOf(error)}` });
    }
  },
  setDrawingTool: (drawingTool) => set({ drawingTool }),
  askText: (initial) =>
    new Promise((resolve) => {
      get().textPrompt?.resolve(null);
      set({ textPrompt: { initial, resolve } });
    }),
  answerText: (text) => {
    get().textPrompt?.resolve(text);
    set({ textPrompt: null });
  },
}));
