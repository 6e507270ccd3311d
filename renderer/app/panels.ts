/**
 * The import and sync panels share the space over the viewer, one at a time: the one asked for
 * last is shown (an import's summary arriving counts as asking), the other waits behind it (App
 * leaves the import panel out while the sync panel is open).
 */
import type { WorkstationClient } from '../api/workstationClient';
import { useImport } from '../import/importStore';
import { useStudyList } from '../library/studyListStore';
import { useSync } from '../sync/syncStore';
import { useViewer } from '../viewer/viewerStore';

export function showImportPanel(): void {
  useSync.getState().openPanel(null);
  useImport.getState().setOpen(true);
}

/**
 * From a panel straight into the viewer (the import summary's studies, a transfers line): the
 * panels make way, the study is selected in the list and opened.
 */
export function openStudyFromPanel(client: WorkstationClient, studyInstanceUid: string): void {
  useSync.getState().openPanel(null);
  useImport.getState().dismiss();
  useStudyList.getState().select(studyInstanceUid);
  void useViewer.getState().openStudy(client, studyInstanceUid);
}
