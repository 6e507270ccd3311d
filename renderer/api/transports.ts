/**
 * The two ways the renderer reaches main. Both move opaque JSON; validation against the
 * contract happens in WorkstationClient (renderer side) and in main's ApiRouter.
 */
import { BRIDGE_GLOBAL, type WorkstationBridge } from '../../shared/bridge';

export type ConnectionState = 'connecting' | 'connected' | 'disconnected';

export interface Transport {
  readonly kind: 'ipc' | 'http';
  request(name: string, input: unknown): Promise<unknown>;
  subscribe(listener: (event: unknown) => void): () => void;
  onConnectionChange(listener: (state: ConnectionState) => void): () => void;
}

/** Electron: the preload's bridge. The IPC channel cannot drop, so it is always connected. */
export function ipcTransport(bridge: WorkstationBridge): Transport {
  return {
    kind: 'ipc',
    request: (name, input) => bridge.request(name, input),
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

  return {
    kind: 'http',
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
}

export function detectTransport(): Transport {
  const bridge = (window as unknown as Record<string, unknown>)[BRIDGE_GLOBAL] as WorkstationBridge | undefined;
  return bridge ? ipcTransport(bridge) : httpTransport();
}
