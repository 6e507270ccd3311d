/**
 * The renderer's one client for main: typed requests and events from shared/api.ts over
 * whichever transport this window has. Answers are checked against the contract, so a
 * mismatch between the two sides shows up as a clear error instead of undefined fields.
 */
import {
  type ApiError,
  ApiResultEnvelope,
  type RequestInput,
  type RequestName,
  type RequestOutput,
  requests,
  WorkstationEvent,
} from '../../shared/api';
import { type ConnectionState, detectTransport, type DroppedFile, type Transport } from './transports';

export class ApiRequestError extends Error {
  constructor(
    readonly request: RequestName,
    readonly code: ApiError['code'],
    message: string,
  ) {
    super(message);
  }
}

export class WorkstationClient {
  constructor(private readonly transport: Transport) {}

  get transportKind(): Transport['kind'] {
    return this.transport.kind;
  }

  async request<N extends RequestName>(name: N, input: RequestInput<N>): Promise<RequestOutput<N>> {
    return this.unwrap(name, await this.transport.request(name, input));
  }

  /** Imports files dropped onto the window, however this window reaches main. */
  async importDropped(files: DroppedFile[], onUploaded: (done: number, total: number) => void): Promise<RequestOutput<'import.start'>> {
    return this.unwrap('import.start', await this.transport.importDropped(files, onUploaded));
  }

  private unwrap<N extends RequestName>(name: N, answer: unknown): RequestOutput<N> {
    const envelope = ApiResultEnvelope.safeParse(answer);
    if (!envelope.success) throw new ApiRequestError(name, 'internal', `${name}: the answer was not understood`);
    if (!envelope.data.ok) throw new ApiRequestError(name, envelope.data.error.code, envelope.data.error.message);
    const output = requests[name].output.safeParse(envelope.data.value);
    if (!output.success) throw new ApiRequestError(name, 'internal', `${name}: the answer does not match the contract`);
    return output.data as RequestOutput<N>;
  }

  subscribe(listener: (event: WorkstationEvent) => void): () => void {
    return this.transport.subscribe((raw) => {
      const event = WorkstationEvent.safeParse(raw);
      if (event.success) listener(event.data as WorkstationEvent);
      else console.warn('ignored an event that does not match the contract');
    });
  }

  onConnectionChange(listener: (state: ConnectionState) => void): () => void {
    return this.transport.onConnectionChange(listener);
  }
}

export function createWorkstationClient(): WorkstationClient {
  return new WorkstationClient(detectTransport());
}
