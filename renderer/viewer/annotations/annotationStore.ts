/**
 * The open study's annotations and key images as the library has them, the drawing tool in use,
 * and the text prompt the arrow tool opens. Every change is saved as it is made.
 */
import { create } from 'zustand';
import type { AnnotationInput, AnnotationTool, KeyImage, StoredAnnotation } from '../../../shared/api';
import type { WorkstationClient } from '../../api/workstationClient';
import { messageOf } from '../../app/format';

interface TextPrompt {
  initial: string;
  resolve: (text: string | null) => void;
}

interface AnnotationState {
  studyUid: string | null;
  annotations: StoredAnnotation[];
  keyImages: KeyImage[];
  /** The last save or delete that failed, for the person to see. */
  error: string | null;
  drawingTool: AnnotationTool | null;
  textPrompt: TextPrompt | null;
  load(client: WorkstationClient, studyInstanceUid: string): Promise<StoredAnnotation[]>;
  clear(): void;
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
  error: null,
  drawingTool: null,
  textPrompt: null,

  async load(client, studyInstanceUid) {
    set({ studyUid: studyInstanceUid, annotations: [], keyImages: [], error: null });
    const loaded = await client.request('annotations.list', { studyInstanceUid });
    if (get().studyUid !== studyInstanceUid) return [];
    set({ annotations: loaded.annotations, keyImages: loaded.keyImages });
    return loaded.annotations;
  },
  clear: () => set({ studyUid: null, annotations: [], keyImages: [], error: null, drawingTool: null }),

  async save(client, input) {
    try {
      const saved = await client.request('annotations.save', input);
      if (get().studyUid !== saved.studyInstanceUid) return;
      set((state) => {
        const others = state.annotations.filter((a) => a.id !== saved.id);
        return { annotations: [...others, saved].sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.id.localeCompare(b.id)), error: null };
      });
    } catch (error) {
      set({ error: `The measurement was not saved: ${messageOf(error)}` });
    }
  },
  async remove(client, id) {
    try {
      await client.request('annotations.delete', { id });
      set((state) => ({ annotations: state.annotations.filter((a) => a.id !== id), error: null }));
    } catch (error) {
      set({ error: `The measurement was not deleted: ${messageOf(error)}` });
    }
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
