/**
 * Fan-out of workstation events to every connected renderer (Electron windows, host streams).
 * Payloads are checked against shared/api.ts when emitted, so a service cannot push something
 * the renderer's types do not describe.
 */
import { type EventName, type EventPayload, events, type WorkstationEvent } from '../../shared/api';

export type EventListener = (event: WorkstationEvent) => void;

export class EventHub {
  private readonly listeners = new Set<EventListener>();

  emit<N extends EventName>(name: N, payload: EventPayload<N>): void {
    const event = { name, payload: events[name].parse(payload) } as WorkstationEvent;
    for (const listener of this.listeners) listener(event);
  }

  subscribe(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
