import { useEffect } from 'react';
import { ClientContext } from '../api/clientContext';
import type { WorkstationClient } from '../api/workstationClient';
import { droppedFiles } from '../import/droppedFiles';
import { ImportPanel } from '../import/ImportPanel';
import { useImport } from '../import/importStore';
import { StudyList } from '../library/StudyList';
import { useAppStore } from '../state/appStore';
import { SyncPanel } from '../sync/SyncPanel';
import { showImportPanel } from './panels';
import { useSync } from '../sync/syncStore';
import { ReportPanel } from '../reports/ReportPanel';
import { ReportPrintView } from '../reports/ReportPrintView';
import { useReport } from '../reports/reportDraftStore';
import { ViewerArea } from '../viewer/ViewerArea';
import { useViewer } from '../viewer/viewerStore';
import { messageOf } from './format';
import { StatusBar } from './StatusBar';
import { useRegionCycling } from './useRegionCycling';

/** Events from main into the stores; the import panel catches up with a running import. */
function useWorkstationEvents(client: WorkstationClient): void {
  useEffect(() => {
    const app = useAppStore.getState();
    const imports = useImport.getState();
    client.request('app.info', {}).then(app.setInfo, (error: unknown) => app.setProblem(messageOf(error)));
    client.request('import.status', {}).then(({ running }) => {
      if (running) imports.setProgress(running);
    }, () => undefined);
    const sync = useSync.getState();
    client.request('sync.status', {}).then(sync.setStatus, () => undefined);
    client.request('servers.list', {}).then((listed) => sync.setConfigured(listed.servers.length > 0), () => undefined);
    const stopEvents = client.subscribe((event) => {
      if (event.name === 'library.changed') {
        app.setStats(event.payload);
        // A prior being downloaded joins the priors beside the study as it arrives.
        if (useViewer.getState().serverPriors?.queued.length) void useViewer.getState().refreshPriors(client);
      } else if (event.name === 'sync.status') sync.setStatus(event.payload);
      else if (event.name === 'import.progress') {
        imports.setUpload(null);
        if (event.payload.phase === 'discovering' || event.payload.phase === 'importing') imports.setProgress(event.payload);
      } else if (event.name === 'import.finished') {
        imports.setSummary(event.payload);
        showImportPanel();
      }
    });
    const stopConnection = client.onConnectionChange(app.setConnection);
    return () => {
      stopEvents();
      stopConnection();
    };
  }, [client]);
}

/** Ctrl/⌘+O opens the import panel; files and folders dropped anywhere are imported. */
function useImportShortcuts(client: WorkstationClient): void {
  useEffect(() => {
    const imports = useImport.getState();
    const onKeyDown = (event: KeyboardEvent) => {
      if ((event.ctrlKey || event.metaKey) && event.key.toLowerCase() === 'o') {
        event.preventDefault();
        showImportPanel();
      }
    };
    const onDragOver = (event: DragEvent) => {
      if (event.dataTransfer?.types.includes('Files')) event.preventDefault();
    };
    const onDrop = (event: DragEvent) => {
      // Only files from outside; a series dragged within the viewer is not an import.
      if (!event.dataTransfer?.types.includes('Files')) return;
      event.preventDefault();
      const transfer = event.dataTransfer;
      showImportPanel();
      imports.setError(null);
      void droppedFiles(transfer)
        .then((files) => {
          if (files.length === 0) throw new Error('Nothing to import in what was dropped.');
          imports.setUpload({ done: 0, total: files.length });
          return client.importDropped(files, (done, total) => imports.setUpload({ done, total }));
        })
        .catch((error: unknown) => {
          imports.setUpload(null);
          imports.setError(messageOf(error));
        });
    };
    window.addEventListener('keydown', onKeyDown);
    window.addEventListener('dragover', onDragOver);
    window.addEventListener('drop', onDrop);
    return () => {
      window.removeEventListener('keydown', onKeyDown);
      window.removeEventListener('dragover', onDragOver);
      window.removeEventListener('drop', onDrop);
    };
  }, [client]);
}

export function App({ client }: { client: WorkstationClient }) {
  useRegionCycling();
  useWorkstationEvents(client);
  useImportShortcuts(client);
  const studyListHidden = useViewer((state) => state.studyListHidden);
  const reportPanelOpen = useReport((state) => state.panelOpen);
  const studyOpen = useViewer((state) => state.study !== null);
  const reportShown = reportPanelOpen && studyOpen;
  // The sync panel, when open, covers the import panel (see showImportPanel).
  const syncPanelOpen = useSync((state) => state.panel !== null);

  return (
    <ClientContext.Provider value={client}>
      <div className={`app${studyListHidden ? ' study-list-hidden' : ''}${reportShown ? ' report-open' : ''}`}>
        <StudyList />
        <ViewerArea />
        {reportShown && <ReportPanel />}
        {!syncPanelOpen && <ImportPanel />}
        <SyncPanel />
        <StatusBar />
      </div>
      <ReportPrintView />
    </ClientContext.Provider>
  );
}
