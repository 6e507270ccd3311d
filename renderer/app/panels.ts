/**
 * The import and sync panels share the space over the viewer, one at a time: the one asked for
 * last is shown (an import's summary arriving counts as asking), the other waits behind it (App
 * leaves the import panel out while the sync panel is open).
 */
import { useImport } from '../import/importStore';
import { useSync } from '../sync/syncStore';

export function showImportPanel(): void {
  useSync.getState().openPanel(null);
  useImport.getState().setOpen(true);
}
