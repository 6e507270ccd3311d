/**
 * Typed request/response calls into a worker thread.
 *
 * Heavy or blocking work (SQL, DICOM parsing, hashing, file copies) runs in `worker_threads` so
 * the main event loop stays responsive. The worker serves an object of plain functions; the
 * main side calls them by name and gets promises back. Errors cross as name + message, so the
 * caller can still tell a DatabaseTooNewError from a disk error.
 */
import { type MessagePort, Worker } from 'node:worker_threads';
import { errorCode } from '../errorCode';

// `never[]` parameters make every function assignable here while keeping their own signatures.
export type WorkerApi = { [method: string]: (...args: never[]) => unknown };

interface CallMessage {
  id: number;
  method: string;
  args: unknown[];
}

/** An error as it crosses the thread boundary; `code` keeps Node's errno code (ENOSPC, EIO…). */
interface SerialisedError {
  name: string;
  message: string;
  code?: string;
}

type ReplyMessage = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: SerialisedError };

/** Sent once by the worker when it is ready to take calls, or why it could not start. */
type LifecycleMessage = { lifecycle: 'ready' } | { lifecycle: 'failed'; error: SerialisedError };

export class WorkerCallError extends Error {
  readonly code: string | undefined;
  constructor(serialised: SerialisedError) {
    super(serialised.message);
    this.name = serialised.name;
    this.code = serialised.code;
  }
}

function serialiseError(error: unknown): SerialisedError {
  if (!(error instanceof Error)) return { name: 'Error', message: String(error) };
  const code = errorCode(error);
  return { name: error.name, message: error.message, ...(code !== null ? { code } : {}) };
}

/** Worker side: answer calls on `port` with the functions of `api`. */
export function serveWorkerApi(port: MessagePort, api: WorkerApi): void {
  port.on('message', (message: CallMessage) => {
    const method = Object.hasOwn(api, message.method) ? api[message.method] : undefined;
    // Synchronous and asynchronous methods alike: the reply waits for a returned promise.
    new Promise((resolve) => {
      if (!method) throw new Error(`the worker has no method "${message.method}"`);
      resolve(method(...(message.args as never[])));
    }).then(
      (value) => port.postMessage({ id: message.id, ok: true, value } satisfies ReplyMessage),
      (error: unknown) => port.postMessage({ id: message.id, ok: false, error: serialiseError(error) } satisfies ReplyMessage),
    );
  });
  port.postMessage({ lifecycle: 'ready' } satisfies LifecycleMessage);
}

/** Worker side: report that start-up failed (the main side's `start` rejects with it). */
export function reportWorkerStartFailure(port: MessagePort, error: unknown): void {
  port.postMessage({ lifecycle: 'failed', error: serialiseError(error) } satisfies LifecycleMessage);
}

type Method<Api extends WorkerApi, M extends keyof Api> = Api[M] extends (...args: infer A) => infer R
  ? (...args: A) => Promise<Awaited<R>>
  : never;

/** Main side: a started worker whose functions can be called by name. */
export class WorkerClient<Api extends WorkerApi> {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private exitError: Error | null = null;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (message: ReplyMessage | LifecycleMessage) => {
      if ('lifecycle' in message) return;
      const call = this.pending.get(message.id);
      if (!call) return;
      this.pending.delete(message.id);
      if (message.ok) call.resolve(message.value);
      else call.reject(new WorkerCallError(message.error));
    });
    const failAll = (error: Error) => {
      this.exitError = error;
      for (const call of this.pending.values()) call.reject(error);
      this.pending.clear();
    };
    worker.on('error', (error) => failAll(new Error(`worker crashed: ${error.message}`)));
    worker.on('exit', (code) => failAll(new Error(`worker stopped (exit code ${code})`)));
  }

  /** Starts the worker and resolves once it reports ready (rejects with its start-up error). */
  static start<Api extends WorkerApi>(script: URL, workerData: unknown): Promise<WorkerClient<Api>> {
    const worker = new Worker(script, { workerData });
    return new Promise((resolve, reject) => {
      const onExit = (code: number) => reject(new Error(`worker exited during start-up (exit code ${code})`));
      worker.once('error', reject);
      worker.once('exit', onExit);
      worker.once('message', (message: LifecycleMessage) => {
        worker.off('error', reject);
        worker.off('exit', onExit);
        if (message.lifecycle === 'ready') resolve(new WorkerClient<Api>(worker));
        else {
          void worker.terminate();
          reject(new WorkerCallError(message.error));
        }
      });
    });
  }

  call<M extends keyof Api & string>(method: M, ...args: Parameters<Method<Api, M>>): ReturnType<Method<Api, M>> {
    return this.send(method, args, []);
  }

  /**
   * As `call`, but the given ArrayBuffers move to the worker instead of being copied (they are
   * unusable here afterwards): for megabytes of received instances.
   */
  callTransferring<M extends keyof Api & string>(method: M, transfer: ArrayBuffer[], ...args: Parameters<Method<Api, M>>): ReturnType<Method<Api, M>> {
    return this.send(method, args, transfer);
  }

  private send<M extends keyof Api & string>(method: M, args: unknown[], transfer: ArrayBuffer[]): ReturnType<Method<Api, M>> {
    const promise = new Promise((resolve, reject) => {
      if (this.exitError) {
        reject(this.exitError);
        return;
      }
      const id = this.nextId++;
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ id, method, args } satisfies CallMessage, transfer);
    });
    return promise as ReturnType<Method<Api, M>>;
  }

  async terminate(): Promise<void> {
    await this.worker.terminate();
  }
}
