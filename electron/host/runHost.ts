/**
 * Starts the services and the browser host on them; used by `npm run host` and by `npm start`
 * when Electron cannot start.
 */
import { fileURLToPath } from 'node:url';
import { startWorkstationServices } from '../services/workstationServices';
import { type RunningHost, startHostServer } from './hostServer';

export interface HostRun {
  host: RunningHost;
  stop(): Promise<void>;
}

/** The built renderer, beside the bundle in dist/ (dist/node/host.mjs → dist/renderer/). */
export function defaultRendererDir(): string {
  return fileURLToPath(new URL('../renderer/', import.meta.url));
}

export async function runHost(options: { dataDirectory: string; port: number; rendererDir?: string }): Promise<HostRun> {
  const services = await startWorkstationServices({ dataDirectory: options.dataDirectory, mode: 'host', acceptUploads: true });
  try {
    const host = await startHostServer({ services, port: options.port, rendererDir: options.rendererDir ?? defaultRendererDir() });
    return {
      host,
      async stop() {
        await host.close();
        await services.close();
      },
    };
  } catch (error) {
    await services.close();
    throw error;
  }
}
