/**
 * Browser host start-up: from spawning `node dist/node/host.mjs` to its first answered API
 * request — process start, store worker, migrations of a new library, HTTP listen. Anchored on
 * a bare Node HTTP server measured the same way in the same run, which is the floor any Node
 * host pays. Also the API round trip (library.stats over HTTP, through validation and the store
 * worker) against the bare server's round trip, and the host's resident memory when idle.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { builtFile } from '../../helpers/paths';
import { makeTempDir } from '../../helpers/tempDir';
import { type BenchResult, median, percentile, round } from '../benchResult';

const RUNS = 7;
const ROUND_TRIPS = 300;

const bareServer = `
const server = require('node:http').createServer((request, response) => {
  response.writeHead(200, { 'Content-Type': 'application/json' });
  response.end('{"ok":true,"value":{}}');
});
server.listen(0, '127.0.0.1', () => process.stdout.write('HOST READY http://127.0.0.1:' + server.address().port + '/?token=none\\n'));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
`;

interface Started {
  child: ChildProcess;
  origin: string;
  token: string;
  startedAt: number;
}

function start(args: string[]): Promise<Started> {
  const startedAt = performance.now();
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'ignore'] });
  return new Promise((resolve, reject) => {
    let out = '';
    child.once('exit', (code) => reject(new Error(`exited with ${code} before ready`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /HOST READY (\S+)/.exec(out);
      if (!match?.[1]) return;
      const url = new URL(match[1]);
      resolve({ child, origin: url.origin, token: url.searchParams.get('token') ?? '', startedAt });
    });
  });
}

function apiCall(started: Started): Promise<Response> {
  return fetch(`${started.origin}/api/request/library.stats`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${started.token}` },
    body: '{}',
  });
}

async function stop(started: Started): Promise<void> {
  started.child.removeAllListeners('exit');
  const exited = new Promise((resolve) => started.child.once('exit', resolve));
  started.child.kill('SIGTERM');
  await exited;
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? NaN);
  return kb / 1024;
}

interface Sample {
  startups: number[];
  roundTrips: number[];
  rss: number;
}

async function sampleOnce(args: string[], sample: Sample, withRoundTrips: boolean): Promise<void> {
  const started = await start(args);
  const response = await apiCall(started);
  if (!response.ok) throw new Error(`first request answered ${response.status}`);
  await response.arrayBuffer();
  sample.startups.push(performance.now() - started.startedAt);
  if (withRoundTrips) {
    for (let i = 0; i < ROUND_TRIPS; i += 1) {
      const before = performance.now();
      await (await apiCall(started)).arrayBuffer();
      sample.roundTrips.push(performance.now() - before);
    }
    sample.rss = rssMb(started.child.pid ?? 0);
  }
  await stop(started);
}

export async function run(): Promise<BenchResult[]> {
  const temp = makeTempDir('bench-host');
  try {
    const host = builtFile('node/host.mjs');
    const oursSample: Sample = { startups: [], roundTrips: [], rss: NaN };
    const bareSample: Sample = { startups: [], roundTrips: [], rss: NaN };
    // Ours and the anchor take turns, so both see the same machine load.
    for (let run = 0; run < RUNS; run += 1) {
      const last = run === RUNS - 1;
      await sampleOnce([host, '--data-dir', `${temp.dir}/library-${run}`], oursSample, last);
      await sampleOnce(['-e', bareServer], bareSample, last);
    }
    const summary = (sample: Sample) => ({ startup: median(sample.startups), roundTripP95: percentile(sample.roundTrips, 95), rss: sample.rss });
    const ours = summary(oursSample);
    const bare = summary(bareSample);
    return [
      {
        name: 'host.startupMs',
        value: round(ours.startup, 1),
        unit: 'ms',
        anchor: 'node http server start-up',
        ratio: round(ours.startup / bare.startup),
        note: `median of ${RUNS} cold starts on a new library (spawn → first answered API request); anchor ${round(bare.startup, 1)} ms`,
      },
      {
        name: 'host.apiRoundTripP95Ms',
        value: round(ours.roundTripP95, 3),
        unit: 'ms',
        anchor: 'node http server round trip',
        ratio: round(ours.roundTripP95 / bare.roundTripP95),
        note: `p95 of ${ROUND_TRIPS} sequential library.stats requests; anchor ${round(bare.roundTripP95, 3)} ms`,
      },
      { name: 'host.idleRssMb', value: round(ours.rss, 1), unit: 'MB', anchor: 'node http server RSS', ratio: round(ours.rss / bare.rss), note: `anchor ${round(bare.rss, 1)} MB` },
    ];
  } finally {
    temp.remove();
  }
}
