/**
 * The composition root of the main side: opens the data directory and the store, and wires
 * every request of the contract to a service. The Electron shell and the browser host both
 * start exactly this, so what the tests exercise through the host is what Electron runs.
 */
import os from 'node:os';
import type { AppMode } from '../../shared/api';
import { type ApiRouter, createApiRouter } from '../api/apiRouter';
import { log } from '../logging/log';
import { APP_NAME, APP_VERSION } from './appIdentity';
import { displayDataDirectory, prepareDataDirectory } from './dataDirectory';
import { type EventListener, EventHub } from './eventHub';
import type { NewAuditEntry } from './store/auditLog';
import { type StoreClient, startStore } from './store/storeClient';

export interface WorkstationServices {
  readonly router: ApiRouter;
  readonly layout: ReturnType<typeof prepareDataDirectory>;
  /** Subscribes to events; the listener first receives the current library counts. */
  subscribe(listener: EventListener): Promise<() => void>;
  audit(entry: Omit<NewAuditEntry, 'actor'>): Promise<void>;
  close(): Promise<void>;
}

export interface ServicesOptions {
  dataDirectory: string;
  mode: AppMode;
}

function currentActor(): string {
  try {
    return os.userInfo().username;
  } catch {
    return 'unknown';
  }
}

export async function startWorkstationServices(options: ServicesOptions): Promise<WorkstationServices> {
  const layout = prepareDataDirectory(options.dataDirectory);
  const store: StoreClient = await startStore(layout.databaseFile);
  const events = new EventHub();
  const actor = currentActor();

  const audit = async (entry: Omit<NewAuditEntry, 'actor'>): Promise<void> => {
    const written = await store.call('appendAudit', { ...entry, actor });
    events.emit('audit.appended', { id: written.id, action: written.action, at: written.at });
  };

  const router = createApiRouter({
    'app.info': async () => ({
      name: APP_NAME,
      version: APP_VERSION,
      mode: options.mode,
      dataDirectory: displayDataDirectory(layout.root),
      schemaVersion: await store.call('schemaVersion'),
      platform: process.platform,
    }),
    'library.stats': () => store.call('libraryStats'),
    'audit.query': (query) => store.call('queryAudit', query),
  });

  await audit({ action: 'app.start', detail: { mode: options.mode, version: APP_VERSION } });
  log.info('services.started', { mode: options.mode, schemaVersion: await store.call('schemaVersion') });

  return {
    router,
    layout,
    async subscribe(listener) {
      listener({ name: 'library.changed', payload: await store.call('libraryStats') });
      return events.subscribe(listener);
    },
    audit,
    async close() {
      await audit({ action: 'app.stop', detail: { mode: options.mode } });
      await store.close();
      log.info('services.stopped', { mode: options.mode });
    },
  };
}
