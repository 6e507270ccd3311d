/** The native "Export to folder…" dialog. Only a folder the person chose reaches main's exporter. */
import { BrowserWindow, dialog } from 'electron';

export async function chooseExportFolder(): Promise<string | null> {
  const options: Electron.OpenDialogOptions = {
    title: 'Export as a DICOM disc into a folder (an empty one, a blank USB stick or CD folder)',
    buttonLabel: 'Export here',
    properties: ['openDirectory', 'createDirectory'],
  };
  const parent = BrowserWindow.getFocusedWindow();
  const result = parent ? await dialog.showOpenDialog(parent, options) : await dialog.showOpenDialog(options);
  return result.canceled || result.filePaths.length === 0 ? null : (result.filePaths[0] ?? null);
}
