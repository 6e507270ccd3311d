/**
 * The two ways the renderer reaches main. Both move opaque JSON; validation against the
 * contract happens in WorkstationClient (renderer side) and in main's ApiRouter.
 */
import { mapConcurrently } from '../../shared/concurrency';
import { BRIDGE_GLOBAL, type WorkstationBridge } from '../../shared/bridge';

export type ConnectionState = 'connecting' | 'connected' | 'disconnected';

/** A file dropped onto the window, with its path inside the dropped folder ("CD/DCMDT/D0000001"). */
export interface DroppedFile {
  file: File;
  relativePath: string;
}

export interface Transport {
  readonly kind: 'ipc' | 'http';
  request(name: string, input: unknown): Promise<unknown>;
  /**
   * Starts importing dropped files; resolves to the envelope of the request that started it.
   * Electron hands their paths to main; the browser host receives them over HTTP first.
   */
  importDropped(files: DroppedFile[], onUploaded: (done: number, total: number) => void): Promise<unknown>;
  subscribe(listener: (event: unknown) => void): () => void;
  onConnectionChange(listener: (state: ConnectionState) => void): () => void;
}

/** Electron: the preload's bridge. The IPC channel cannot drop, so it is always connected. */
export function ipcTransport(bridge: WorkstationBridge): Transport {
  return {
    kind: 'ipc',
    request: (name, input) => bridge.request(name, input),
    importDropped: (files) => bridge.importFiles(files.map((dropped) => dropped.file)),
    subscribe: (listener) => bridge.subscribe(listener),
    onConnectionChange(listener) {
      listener('connected');
      return () => undefined;
    },
  };
}

/**
 * Browser host: POST /api/request/<name> for requests, server-sent events on /api/events.
 * Authentication is the HttpOnly session cookie the host set when the page was opened, so the
 * page's scripts never hold the token.
 */
export function httpTransport(): Transport {
  const connectionListeners = new Set<(state: ConnectionState) => void>();
  let state: ConnectionState = 'connecting';
  const setState = (next: ConnectionState) => {
    state = next;
    for (const listener of connectionListeners) listener(next);
  };

  const UPLOADS_AT_ONCE = 4;

  const transport: Transport = {
    kind: 'http',
    async importDropped(files, onUploaded) {
      const begun = (await transport.request('import.beginUpload', {})) as { ok: boolean; value?: { uploadId: string } };
      if (!begun.ok || !begun.value) return begun;
      const { uploadId } = begun.value;
      let done = 0;
      await mapConcurrently(files, UPLOADS_AT_ONCE, async (dropped) => {
        const response = await fetch(`/api/upload/${uploadId}/${encodeURIComponent(dropped.relativePath)}`, { method: 'PUT', body: dropped.file, credentials: 'same-origin' });
        // 507: the library's disk has no room, and the answer says so in words.
        if (response.status === 507) throw new Error(`${dropped.relativePath} could not be sent to the workstation: ${(await response.text()).trim()}`);
        if (!response.ok) throw new Error(`${dropped.relativePath} could not be sent to the workstation (${response.status})`);
        onUploaded(++done, files.length);
      });
      return transport.request('import.finishUpload', { uploadId });
    },
    async request(name, input) {
      let response: Response;
      try {
        response = await fetch(`/api/request/${encodeURIComponent(name)}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify(input ?? {}),
          credentials: 'same-origin',
        });
      } catch {
        setState('disconnected');
        return { ok: false, error: { code: 'internal', message: 'The workstation host cannot be reached. Is it still running?' } };
      }
      if (response.status === 401) {
        return { ok: false, error: { code: 'forbidden', message: 'The workstation host refused this page: open the address it printed at start-up.' } };
      }
      return (await response.json()) as unknown;
    },
    subscribe(listener) {
      // EventSource reconnects by itself (the host sends `retry: 2000`).
      const source = new EventSource('/api/events');
      source.onopen = () => setState('connected');
      source.onerror = () => setState('disconnected');
      source.onmessage = (message: MessageEvent<string>) => listener(JSON.parse(message.data) as unknown);
      return () => source.close();
    },
    onConnectionChange(listener) {
      connectionListeners.add(listener);
      listener(state);
      return () => connectionListeners.delete(listener);
    },
  };
  return transport;
}

export function detectTransport(): Transport {
  const bridge = (window as unknown as Record<string, unknown>)[BRIDGE_GLOBAL] as WorkstationBridge | undefined;
  return bridge ? ipcTransport(bridge) : httpTransport();
}
