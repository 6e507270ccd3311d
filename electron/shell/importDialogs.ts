/** The native "Import folder…" / "Import files…" dialogs. Only paths the person chose reach main's importer. */
import { BrowserWindow, dialog } from 'electron';

export async function chooseImportPaths(kind: 'folder' | 'files'): Promise<string[] | null> {
  const options: Electron.OpenDialogOptions = {
    title: kind === 'folder' ? 'Import a folder or disc' : 'Import DICOM files',
    buttonLabel: 'Import',
    properties: kind === 'folder' ? ['openDirectory'] : ['openFile', 'multiSelections'],
  };
  const parent = BrowserWindow.getFocusedWindow();
  const result = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options);
  return result.canceled || result.filePaths.length === 0 ? null : result.filePaths;
}
