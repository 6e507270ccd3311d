import { describe, expect, it } from 'vitest';
import { ReceivedBatches } from '../../electron/services/import/receivedBatches';

const file = (name: string, bytes = 10) => ({ display: name, bytes: new Uint8Array(bytes) });

describe('received files gathered into import batches', () => {
  it('hands full batches to workers, and the rest when the download ends', async () => {
    const batches = new ReceivedBatches();
    for (let index = 0; index < 20; index += 1) expect(batches.add(file(`f${index}`))).toBeUndefined();
    batches.end();
    const sizes: number[] = [];
    for (let batch = await batches.next(); batch; batch = await batches.next()) sizes.push(batch.length);
    expect(sizes).toEqual([16, 4]);
    expect(await batches.next()).toBeNull();
  });

  it('gives an idle worker a partial batch after a short wait instead of waiting to fill it', async () => {
    const batches = new ReceivedBatches();
    const taken = batches.next();
    expect(batches.add(file('only'))).toBeUndefined();
    expect((await taken)?.map((received) => received.display)).toEqual(['only']);
  });

  it('holds the sender back while too many bytes wait, and lets it go once a worker takes them', async () => {
    const batches = new ReceivedBatches();
    let wait: Promise<void> | undefined;
    let added = 0;
    while (!wait) {
      wait = batches.add(file(`big${added}`, 8 * 1024 * 1024));
      added += 1;
    }
    expect(added * 8).toBeGreaterThan(96);
    let released = false;
    void wait.then(() => (released = true));
    await new Promise((resolve) => setTimeout(resolve, 10));
    expect(released).toBe(false);
    await batches.next();
    await new Promise((resolve) => setTimeout(resolve, 0));
    expect(released).toBe(true);
  });

  it('refuses files once the import has stopped, and frees a waiting sender', async () => {
    const batches = new ReceivedBatches();
    let wait: Promise<void> | undefined;
    while (!wait) wait = batches.add(file('big', 8 * 1024 * 1024));
    batches.close();
    await wait;
    expect(() => batches.add(file('late'))).toThrow(/import of the download stopped/);
    expect(await batches.next()).toBeNull();
  });

  it('gives each file an ArrayBuffer of its own, so it can move to the worker without a copy', async () => {
    const batches = new ReceivedBatches();
    const shared = new Uint8Array(100);
    expect(batches.add({ display: 'slice', bytes: shared.subarray(10, 20) })).toBeUndefined();
    batches.end();
    const [received] = (await batches.next()) ?? [];
    expect(received?.bytes.byteLength).toBe(10);
    expect(received?.bytes.buffer.byteLength).toBe(10);
    expect(received?.bytes.buffer).not.toBe(shared.buffer);
  });
});
