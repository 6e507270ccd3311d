/**
 * A series' files fetched in one streamed request (shared/instanceBundle.ts), handed to the
 * image loader as each arrives. In Chromium a request costs ~3–5 ms of its own whatever its
 * size, so 134 slices one by one took 450–860 ms against 150–250 ms as one answer.
 * A file the bundle does not bring (not in the library, or the answer broke off) is fetched on
 * its own by the loader's usual request, so the error the person sees is that file's.
 */
import { BundleReader } from '../../../shared/instanceBundle';


/** One file on its own, as the loader would fetch it (the fallback). */
async function fetchAlone(url: string): Promise<ArrayBuffer> {
  const response = await fetch(url, { credentials: 'same-origin' });
  if (!response.ok) throw new Error(`the file could not be fetched (HTTP ${response.status})`);
  return response.arrayBuffer();
}

export class InstanceBundle {
  /** Each file's bytes (or null: not brought), by URL, until the loader takes them. */
  private readonly files = new Map<string, Promise<ArrayBuffer | null>>();
  /** How to settle each file not yet arrived, by URL. */
  private readonly arrivals = new Map<string, (file: ArrayBuffer | null) => void>();
  private readonly controller = new AbortController();

  /**
   * @param bundleUrl where to POST (ViewerStudy.bundleUrl)
   * @param files the files wanted, in the order wanted: their loader URL and SOP Instance UID
   */
  constructor(bundleUrl: string, files: ReadonlyArray<{ url: string; sopInstanceUid: string }>) {
    const urlByUid = new Map(files.map((file) => [file.sopInstanceUid, file.url]));
    for (const file of files) this.files.set(file.url, new Promise((resolve) => this.arrivals.set(file.url, resolve)));
    void this.receive(bundleUrl, [...urlByUid.keys()], urlByUid);
  }

  private async receive(bundleUrl: string, uids: string[], urlByUid: Map<string, string>): Promise<void> {
    const settle = (uid: string, file: ArrayBuffer | null) => {
      const url = urlByUid.get(uid);
      if (url === undefined) return;
      this.arrivals.get(url)?.(file);
      this.arrivals.delete(url);
    };
    try {
      const response = await fetch(bundleUrl, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ uids }), signal: this.controller.signal, credentials: 'same-origin' });
      if (!response.ok || !response.body) throw new Error(`bundle answered ${response.status}`);
      const reader = new BundleReader(settle);
      const stream = response.body.getReader();
      for (;;) {
        const { done, value } = await stream.read();
        if (done) break;
        reader.push(value);
      }
    } catch {
      // Cancelled, or broken off: whatever did not come is fetched alone (below).
    } finally {
      for (const arrive of this.arrivals.values()) arrive(null);
      this.arrivals.clear();
    }
  }

  /**
   * The image loader's request function (cornerstone-wado-image-loader's `loader` option): the
   * file from the bundle when it brought it, else fetched alone.
   */
  readonly loader = async (url: string): Promise<ArrayBuffer> => {
    const pending = this.files.get(url);
    // Handed out once: the loader keeps the parsed file, so the bundle lets go of its bytes.
    this.files.delete(url);
    const file = pending ? await pending : null;
    return file ?? fetchAlone(url);
  };

  /** Stops the download (another series, or the viewport closed); waiting files are fetched alone if still wanted. */
  cancel(): void {
    this.controller.abort();
  }
}
