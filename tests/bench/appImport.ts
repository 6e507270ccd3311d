/**
 * An import as a technician does it: in the app already open (the browser host, once it has
 * finished starting), from the request to the last commit as the import reports it.
 */
import type { ImportSummary } from '../../shared/api';
import { callHost, openEvents } from '../helpers/hostEvents';
import { startHostProcess } from '../helpers/hostProcess';
import { untilIdle } from './benchProcess';

export async function importInRunningApp(dataDir: string, paths: string[], expected: number): Promise<number> {
  const host = await startHostProcess(dataDir);
  try {
    await untilIdle(host.child.pid ?? -1);
    const events = await openEvents(host);
    const started = await callHost(host, 'import.start', { paths });
    if (!started.ok) throw new Error(`import.start: ${started.error?.message ?? 'refused'}`);
    const summary = (await events.next((event) => event.name === 'import.finished', 600_000)).payload as ImportSummary;
    await events.close();
    if (summary.imported !== expected) throw new Error(`the app imported ${summary.imported} of ${expected} files`);
    return summary.seconds;
  } finally {
    await host.stop();
  }
}
