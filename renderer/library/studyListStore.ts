/** The study list's filters, the page of results, and which study is selected. */
import { create } from 'zustand';
import type { StudyDetail, StudyQuery, StudySummary } from '../../shared/api';

export type StudyFilters = Pick<StudyQuery, 'patientName' | 'patientId' | 'accession' | 'dateFrom' | 'dateTo' | 'modality' | 'description' | 'reportStatus'>;
export type SortKey = NonNullable<StudyQuery['sort']>;

export const PAGE_SIZE = 50;

interface StudyListState {
  filters: StudyFilters;
  sort: SortKey;
  direction: 'asc' | 'desc';
  offset: number;
  total: number;
  studies: StudySummary[];
  loading: boolean;
  error: string | null;
  selectedUid: string | null;
  detail: StudyDetail | null;
  setFilter: (name: keyof StudyFilters, value: string) => void;
  clearFilters: () => void;
  setSort: (sort: SortKey) => void;
  setOffset: (offset: number) => void;
  setResults: (total: number, studies: StudySummary[]) => void;
  setLoading: (loading: boolean) => void;
  setError: (error: string | null) => void;
  select: (uid: string | null) => void;
  setDetail: (detail: StudyDetail | null) => void;
}

export const useStudyList = create<StudyListState>((set) => ({
  filters: {},
  sort: 'date',
  direction: 'desc',
  offset: 0,
  total: 0,
  studies: [],
  loading: false,
  error: null,
  selectedUid: null,
  detail: null,
  setFilter: (name, value) => set((state) => ({ filters: { ...state.filters, [name]: value.trim() === '' ? undefined : value }, offset: 0 })),
  clearFilters: () => set({ filters: {}, offset: 0 }),
  // Choosing the same column again flips the direction, as in every table people know.
  setSort: (sort) => set((state) => ({ sort, direction: state.sort === sort && state.direction === 'desc' ? 'asc' : 'desc', offset: 0 })),
  setOffset: (offset) => set({ offset }),
  setResults: (total, studies) => set({ total, studies, loading: false, error: null }),
  setLoading: (loading) => set({ loading }),
  setError: (error) => set({ error, loading: false }),
  // Selecting the study already selected keeps its detail: dropping it would leave the panel on
  // "Loading…", since nothing asks for it again.
  select: (uid) => set((state) => (state.selectedUid === uid ? {} : { selectedUid: uid, detail: null })),
  setDetail: (detail) => set({ detail }),
}));
