/**
 * A TCP relay on 127.0.0.1 in front of a real server that drops the connection part-way through
 * one chosen answer — a link failing mid-download, reproducibly — or stalls it there (the
 * connection held open, nothing more sent: a download caught in the middle, for a kill). Every other exchange passes
 * through untouched. Real sockets both sides: nothing about the client or the server is faked.
 */
import net from 'node:net';

export interface CuttingProxy {
  readonly port: number;
  /** How many answers it has cut (0 or 1). */
  readonly cuts: number;
  close(): Promise<void>;
}

/**
 * @param targetPort where the server listens (on 127.0.0.1)
 * @param cutRequest which request's answer to cut, matched against its request line; only the first match is cut
 * @param afterBytes answer bytes let through before the cut
 * @param mode 'cut' closes the connection there; 'stall' keeps it open and sends nothing more
 */
export function startCuttingProxy(targetPort: number, cutRequest: RegExp, afterBytes: number, mode: 'cut' | 'stall' = 'cut'): Promise<CuttingProxy> {
  let cuts = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1');
    sockets.add(client);
    sockets.add(upstream);
    let cutting = false;
    let passed = 0;
    client.on('data', (chunk: Buffer) => {
      // Request lines are ASCII; a connection kept alive carries several requests.
      if (cuts === 0 && cutRequest.test(chunk.subarray(0, 2048).toString('latin1').split('\r\n')[0] ?? '')) {
        cutting = true;
        cuts = 1;
      }
      upstream.write(chunk);
    });
    // The relay keeps to the reader's pace (pausing the server while the client's buffer is full),
    // so "after N bytes" means N bytes delivered to the client, however slowly it reads: a relay
    // that buffered ahead and then dropped its buffer would deliver a varying, smaller part.
    let stopped = false;
    const relay = (chunk: Buffer) => {
      if (!client.write(chunk) && !stopped) {
        upstream.pause();
        client.once('drain', () => {
          if (!stopped) upstream.resume();
        });
      }
    };
    upstream.on('data', (chunk: Buffer) => {
      if (stopped) return;
      if (!cutting) {
        relay(chunk);
        return;
      }
      const room = afterBytes - passed;
      passed += chunk.length;
      if (room > 0) relay(chunk.subarray(0, room));
      if (passed >= afterBytes) {
        stopped = true;
        upstream.pause();
        // A cut closes the connection once what was let through has left (end, not destroy,
        // which would drop the bytes still queued); the client then sees the answer end early.
        if (mode === 'cut') client.end();
      }
    });
    const end = () => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on('error', end);
    upstream.on('error', end);
    client.on('close', end);
    upstream.on('close', end);
  });
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      resolve({
        port,
        get cuts() {
          return cuts;
        },
        close: () =>
          new Promise<void>((done) => {
            for (const socket of sockets) socket.destroy();
            server.close(() => done());
          }),
      });
    });
  });
}
