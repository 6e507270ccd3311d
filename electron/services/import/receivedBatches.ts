/**
 * Files received from a server, gathered into import batches as they arrive: a batch goes to an
 * import worker when it is full, when the download ends, or — when a worker is idle — after a
 * short wait for more (a slow link still makes steady progress; a fast one fills batches). The sender is held back while too many bytes wait,
 * so a study of gigabytes never sits in memory whole.
 * Runs in: the main process (Node).
 */
import type { ReceivedFeed } from './importJob';
import type { ReceivedFile } from './importTypes';

const BATCH_FILES = 16;
const BATCH_BYTES = 16 * 1024 * 1024;
/** A partial batch goes out after this long rather than wait for more. */
const BATCH_WAIT_MS = 50;
/** Bytes received but not yet taken by a worker, above which the sender waits. */
const HIGH_WATER_BYTES = 96 * 1024 * 1024;

/**
 * The bytes in an ArrayBuffer of their own, so it can move to the import worker without a copy.
 * (Buffer.concat gives that for all but tiny parts, which it cuts from Node's shared pool.)
 */
function ownsItsBuffer(bytes: Uint8Array): bytes is Uint8Array<ArrayBuffer> {
  return bytes.buffer instanceof ArrayBuffer && bytes.byteOffset === 0 && bytes.buffer.byteLength === bytes.byteLength;
}

function ownBuffer(bytes: Uint8Array): Uint8Array<ArrayBuffer> {
  return ownsItsBuffer(bytes) ? bytes : new Uint8Array(bytes);
}

/** The ArrayBuffers of a batch, to transfer with it. */
export function transferList(batch: readonly ReceivedFile[]): ArrayBuffer[] {
  return batch.flatMap((file) => (ownsItsBuffer(file.bytes) ? [file.bytes.buffer] : []));
}

export class ReceivedBatches implements ReceivedFeed {
  private readonly ready: ReceivedFile[][] = [];
  private current: ReceivedFile[] = [];
  private currentBytes = 0;
  private waitingBytes = 0;
  private ended = false;
  /** The import stopped (finished, failed): nothing more is taken. */
  private closed = false;
  private timer: ReturnType<typeof setTimeout> | null = null;
  /** Workers waiting for a batch. */
  private readonly takers: Array<(batch: ReceivedFile[] | null) => void> = [];
  /** The sender waiting for room. */
  private readonly room: Array<() => void> = [];

  /** Adds a file; returns a promise when the sender should wait before the next one. */
  add(file: ReceivedFile): Promise<void> | undefined {
    if (this.closed) throw new Error('the import of the download stopped before the download ended');
    if (this.ended) throw new Error('no more files can be added: the download has ended');
    this.current.push({ display: file.display, bytes: ownBuffer(file.bytes) });
    this.currentBytes += file.bytes.byteLength;
    this.waitingBytes += file.bytes.byteLength;
    if (this.current.length >= BATCH_FILES || this.currentBytes >= BATCH_BYTES) this.closeBatch();
    else this.armTimer();
    if (this.waitingBytes <= HIGH_WATER_BYTES) return undefined;
    return new Promise((resolve) => this.room.push(resolve));
  }

  /** No more files: what is gathered goes out, then the workers are told there is no more. */
  end(): void {
    this.ended = true;
    this.closeBatch();
    this.hand();
  }

  /** The import is over: whatever waits is dropped and a waiting sender is let go (to fail). */
  close(): void {
    this.closed = true;
    this.ended = true;
    if (this.timer) clearTimeout(this.timer);
    this.ready.length = 0;
    this.current = [];
    this.waitingBytes = 0;
    this.hand();
  }

  next(): Promise<ReceivedFile[] | null> {
    const promise = new Promise<ReceivedFile[] | null>((resolve) => this.takers.push(resolve));
    this.hand();
    return promise;
  }

  /** A worker is idle and a partial batch is gathering: it goes out shortly, full or not. */
  private armTimer(): void {
    if (this.timer || this.takers.length === 0 || this.current.length === 0) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.closeBatch();
    }, BATCH_WAIT_MS);
  }

  private closeBatch(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.current.length === 0) return;
    this.ready.push(this.current);
    this.current = [];
    this.currentBytes = 0;
    this.hand();
  }

  private hand(): void {
    while (this.takers.length > 0 && (this.ready.length > 0 || this.ended)) {
      const batch = this.ready.shift() ?? null;
      if (batch) this.waitingBytes -= batch.reduce((sum, file) => sum + file.bytes.byteLength, 0);
      this.takers.shift()?.(batch);
    }
    this.armTimer();
    if (this.waitingBytes <= HIGH_WATER_BYTES) for (const resume of this.room.splice(0)) resume();
  }
}
