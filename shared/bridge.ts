/**
 * What the Electron preload exposes to the renderer as `window.workstation`.
 *
 * Deliberately generic (Signal's two-channel style): one channel for requests, one for events.
 * The preload does no validation of its own — main validates every request against
 * shared/api.ts and checks which frame sent it.
 */
export const IPC_CHANNELS = {
  request: 'workstation:request',
  event: 'workstation:event',
  /** Sent by the preload when the page starts listening for events. */
  subscribe: 'workstation:subscribe',
} as const;

export interface WorkstationBridge {
  request(name: string, input: unknown): Promise<unknown>;
  /** Returns a function that stops the subscription. */
  subscribe(listener: (event: unknown) => void): () => void;
  /**
   * Imports files dropped onto the window. The preload turns them into paths and hands those to
   * main itself, so the page never learns where the files are.
   */
  importFiles(files: File[]): Promise<unknown>;
}

/** The name under which the bridge appears on `window`. */
export const BRIDGE_GLOBAL = 'workstation';
