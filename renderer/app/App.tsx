import { useEffect } from 'react';
import type { WorkstationClient } from '../api/workstationClient';
import { StudyList } from '../library/StudyList';
import { useAppStore } from '../state/appStore';
import { ViewerArea } from '../viewer/ViewerArea';
import { StatusBar } from './StatusBar';
import { useRegionCycling } from './useRegionCycling';

export function App({ client }: { client: WorkstationClient }) {
  const { setInfo, setStats, setConnection, setProblem } = useAppStore.getState();
  useRegionCycling();

  useEffect(() => {
    client.request('app.info', {}).then(setInfo, (error: unknown) => setProblem(error instanceof Error ? error.message : String(error)));
    const stopEvents = client.subscribe((event) => {
      if (event.name === 'library.changed') setStats(event.payload);
    });
    const stopConnection = client.onConnectionChange(setConnection);
    return () => {
      stopEvents();
      stopConnection();
    };
  }, [client, setInfo, setStats, setConnection, setProblem]);

  return (
    <div className="app">
      <StudyList />
      <ViewerArea />
      <StatusBar />
    </div>
  );
}
