/**
 * Sync of the 134-slice CT with a real Orthanc (DICOMweb plugin), side by side in one run with
 * curl doing the same HTTP work by hand:
 *   - prefetch: our queue downloading the study into an empty library (one study-level QIDO for
 *     the count, then the study's one WADO-RS answer streamed into the importer: parsed, written
 *     and fsynced per instance, rows inserted) vs one `curl` of the whole study by WADO-RS
 *     (`transfer-syntax=*`) into one file. curl is timed twice: as it is (its file left in the
 *     page cache, not on disk) and followed by an fdatasync of its file (`sync -d`), the
 *     durable anchor that matches what our download promises — as the import bench's anchor is
 *     `cp -r` + `sync`;
 *   - upload: our queue sending the study (STOW-RS in batches, per-instance results read) vs one
 *     `curl` STOW-RS of a multipart body of the same files built beforehand.
 * Our times run from the request to the queue being drained, in a running host. Orthanc is
 * emptied before every upload, so each run stores the 134 instances anew. Runs alternate; medians.
 * The end is the host's announcement (event stream) that its queue is drained. The download is
 * asked for once the new host has finished starting (its CPU use has gone quiet), as when a
 * person clicks Download in an open app.
 * The CPU time our host and Orthanc used during the prefetch is reported too: on this 2-core
 * machine the three processes share the cores, which is where the gap to curl comes from.
 */
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildMultipartRelated } from '../../../electron/services/sync/multipart';
import { cliImport } from '../../helpers/cli';
import { corpusPath } from '../../helpers/corpus';
import type { WorkstationEvent } from '../../../shared/api';
import { callHostValue, openEvents } from '../../helpers/hostEvents';
import { type HostProcess, startHostProcess } from '../../helpers/hostProcess';
import { type OrthancServer, startOrthanc } from '../../helpers/orthanc';
import { makeTempDir } from '../../helpers/tempDir';
import { type BenchResult, median, round } from '../benchResult';
import { cpuMsOf, timeProcess, timeShell, untilIdle } from '../benchProcess';

const RUNS = 5;
const CT = corpusPath('ct-series/pancreas-ct-cbct-seg');

const call = callHostValue;

/**
 * Seconds from `start()` until the host announces its queue drained, read from its event stream
 * as a window learns it (polling the API would cost the host CPU it needs for the transfer).
 */
async function timeUntilDrained(host: HostProcess, start: () => Promise<unknown>): Promise<number> {
  const events = await openEvents(host);
  try {
    const began = performance.now();
    await start();
    const counts = (event: WorkstationEvent) => (event.name === 'sync.status' ? event.payload : null);
    // The queue is seen busy first, so an announcement from before the request cannot end the wait.
    const busy = (event: WorkstationEvent) => {
      const status = counts(event);
      return status !== null && status.pending + status.running > 0;
    };
    await events.next(busy, 60_000, { dropEarlier: true });
    const idleOrRefused = (event: WorkstationEvent) => {
      const status = counts(event);
      return status !== null && ((status.pending === 0 && status.running === 0) || status.parked > 0);
    };
    const drained = counts(await events.next(idleOrRefused));
    if (drained && drained.parked > 0) throw new Error(`${drained.parked} transfers were refused`);
    return (performance.now() - began) / 1000;
  } finally {
    await events.close();
  }
}

async function emptyOrthanc(orthanc: OrthancServer): Promise<void> {
  for (const id of (await (await fetch(`${orthanc.baseUrl}/patients`)).json()) as string[]) await fetch(`${orthanc.baseUrl}/patients/${id}`, { method: 'DELETE' });
}

async function orthancInstances(orthanc: OrthancServer): Promise<number> {
  return ((await (await fetch(`${orthanc.baseUrl}/statistics`)).json()) as { CountInstances: number }).CountInstances;
}

export async function run(): Promise<BenchResult[]> {
  const temp = makeTempDir('bench-sync');
  const orthanc = await startOrthanc();
  const hosts: HostProcess[] = [];
  try {
    const files = readdirSync(CT)
      .filter((name) => name.endsWith('.dcm'))
      .map((name) => readFileSync(path.join(CT, name)));
    if (files.length !== 134) throw new Error(`expected the 134-slice CT, found ${files.length} files`);
    const { body, contentType } = buildMultipartRelated(files, 'application/dicom');
    const bodyFile = path.join(temp.dir, 'stow-body.bin');
    writeFileSync(bodyFile, body);

    const sourceDir = path.join(temp.dir, 'source');
    await cliImport(sourceDir, [CT]);
    const source = await startHostProcess(sourceDir);
    hosts.push(source);
    const study = (await call<{ studies: Array<{ studyInstanceUid: string }> }>(source, 'library.searchStudies', {})).studies[0]!.studyInstanceUid;

    const upload: number[] = [];
    const curlUpload: number[] = [];
    const prefetch: number[] = [];
    const curlPrefetch: number[] = [];
    const durableCurlPrefetch: number[] = [];
    const hostCpu: number[] = [];
    const orthancCpu: number[] = [];
    for (let run = 0; run < RUNS; run += 1) {
      // Upload: a new server entry each run, so the queue has the study to send again.
      await emptyOrthanc(orthanc);
      const server = await call<{ id: string }>(source, 'servers.save', { name: `Archive ${run}`, baseUrl: orthanc.dicomWebUrl, auth: 'none', isDefault: true });
      upload.push(await timeUntilDrained(source, () => call(source, 'sync.upload', { studyInstanceUid: study, serverId: server.id })));
      if ((await orthancInstances(orthanc)) !== 134) throw new Error('our upload did not store the 134 instances');
      await call(source, 'servers.delete', { id: server.id });

      await emptyOrthanc(orthanc);
      const stow = await timeProcess('curl', ['-sS', '-f', '-o', '/dev/null', '-X', 'POST', '-H', `Content-Type: ${contentType}`, '-H', 'Accept: application/dicom+json', '--data-binary', `@${bodyFile}`, `${orthanc.dicomWebUrl}/studies`]);
      curlUpload.push(stow.seconds);
      if ((await orthancInstances(orthanc)) !== 134) throw new Error('the curl STOW did not store the 134 instances');

      // Prefetch into an empty library, and curl fetching the same study.
      const target = await startHostProcess(path.join(temp.dir, `prefetch-${run}`));
      hosts.push(target);
      await call(target, 'servers.save', { name: 'Archive', baseUrl: orthanc.dicomWebUrl, auth: 'none', isDefault: true });
      // As a person would: the app has finished starting (its workers loaded) before the click.
      await untilIdle(target.child.pid ?? -1);
      const cpuBefore = { host: cpuMsOf(target.child.pid ?? -1), orthanc: cpuMsOf(orthanc.pid) };
      prefetch.push(await timeUntilDrained(target, () => call(target, 'sync.download', { studyInstanceUids: [study] })));
      hostCpu.push(cpuMsOf(target.child.pid ?? -1) - cpuBefore.host);
      orthancCpu.push(cpuMsOf(orthanc.pid) - cpuBefore.orthanc);
      const stats = await call<{ instances: number }>(target, 'library.stats', {});
      if (stats.instances !== 134) throw new Error(`the prefetch brought ${stats.instances} of 134 instances`);
      await target.stop();
      hosts.pop();

      const accept = 'Accept: multipart/related; type="application/dicom"; transfer-syntax=*';
      const wado = await timeProcess('curl', ['-sS', '-f', '-o', path.join(temp.dir, `study-${run}.multipart`), '-H', accept, `${orthanc.dicomWebUrl}/studies/${study}`]);
      curlPrefetch.push(wado.seconds);
      const durableFile = path.join(temp.dir, `study-${run}-durable.multipart`);
      durableCurlPrefetch.push((await timeShell(`curl -sS -f -o '${durableFile}' -H '${accept}' '${orthanc.dicomWebUrl}/studies/${study}' && sync -d '${durableFile}'`)).seconds);
    }
    const ours = { upload: median(upload), prefetch: median(prefetch) };
    const curl = { upload: median(curlUpload), prefetch: median(curlPrefetch), durablePrefetch: median(durableCurlPrefetch) };
    const cpu = `our host used ${Math.round(median(hostCpu))} ms of CPU, Orthanc ${Math.round(median(orthancCpu))} ms (medians)`;
    return [
      {
        name: 'sync.prefetch.ratioToCurl',
        value: round(ours.prefetch / curl.prefetch),
        unit: '×',
        anchor: 'curl WADO-RS of the whole study',
        ratio: round(ours.prefetch / curl.prefetch),
        note: `134-slice CT from Orthanc into an empty library: ours ${round(ours.prefetch, 3)} s vs curl ${round(curl.prefetch, 3)} s (median of ${RUNS}); goal ≤ 1.2. ${cpu}`,
      },
      {
        name: 'sync.prefetch.ratioToDurableCurl',
        value: round(ours.prefetch / curl.durablePrefetch),
        unit: '×',
        anchor: 'curl WADO-RS of the whole study, then fdatasync of its file',
        ratio: round(ours.prefetch / curl.durablePrefetch),
        note: `the same prefetch against curl whose file is on disk when it is timed (curl + sync -d ${round(curl.durablePrefetch, 3)} s, median of ${RUNS}): our download fsyncs every instance before it counts it as kept`,
      },
      {
        name: 'sync.upload.ratioToCurl',
        value: round(ours.upload / curl.upload),
        unit: '×',
        anchor: 'curl STOW-RS of the same files',
        ratio: round(ours.upload / curl.upload),
        note: `134-slice CT to Orthanc: ours ${round(ours.upload, 3)} s vs curl ${round(curl.upload, 3)} s (median of ${RUNS}); goal ≤ 1.2`,
      },
      { name: 'sync.prefetch.seconds', value: round(ours.prefetch, 3), unit: 's', note: 'request to queue drained, 134 instances' },
      { name: 'sync.upload.seconds', value: round(ours.upload, 3), unit: 's', note: 'request to queue drained, 134 instances' },
    ];
  } finally {
    for (const host of hosts) await host.stop();
    await orthanc.stop();
    temp.remove();
  }
}
