/**
 * The library's disk filling up, on a real small disk (a 40 MB tmpfs in a private mount
 * namespace).
 * - An import stops with a clear reason before the disk is full to the last byte, keeps what it
 *   imported, names no file as broken, counts what it did not reach, and leaves a sound library.
 *   Given room, the same import again takes exactly the rest.
 * - A copy the kernel refuses for want of space stops its batch as the disk's error.
 * - A disk filled to the last byte by something else: the library does not open, and says why
 *   (not "disk I/O error"); with room again it opens, nothing lost.
 * - A report draft saved on a disk something else has filled is refused with that reason (not
 *   "failed, see the log"), and saved once there is room.
 * - A report signed on a disk filled into its reserve is still written as its SR.
 * - A study download from Orthanc stops the same way: its transfer waits with that reason, what
 *   arrived stays, a report draft can still be saved, and once space is freed the download
 *   finishes by itself.
 */
import { randomUUID } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, rmSync, statfsSync, writeFileSync, writeSync } from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { corpusPath, ctAndCdFolders, ctAndCdUids, readManifest } from '../helpers/corpus';
import { callHost, callHostValue } from '../helpers/hostEvents';
import { type HostProcess, startHostProcess } from '../helpers/hostProcess';
import { startOrthanc } from '../helpers/orthanc';
import { until } from '../helpers/until';
import type { ImportJson } from '../helpers/cli';
import { checkLibrary } from '../helpers/libraryCheck';
import { builtFile, projectRoot } from '../helpers/paths';
import { onSmallDisk, withSmallDisk } from '../helpers/smallDisk';
import { makeTempDir } from '../helpers/tempDir';

const sources = ctAndCdFolders();
const expectedUids = ctAndCdUids();

type ImportOutput = ImportJson & { notImported?: number };

describe('the library’s disk filling up', () => {
  let temp: ReturnType<typeof makeTempDir>;
  beforeAll(() => {
    temp = makeTempDir('disk-full');
  });
  afterAll(() => temp.remove());

  it('stops with the reason, keeps what it took, and a second import with room takes exactly the rest', async () => {
    const out = temp.dir;
    const disk = path.join(out, 'disk');
    const script = `
      mkdir -p "$DISK/lib"
      cli() { "$NODE" "$CLI" "$@"; }
      cli import ${sources.map((source) => `'${source}'`).join(' ')} --data-dir "$DISK/lib" --json > "$OUT/first.json" && echo 0 > "$OUT/first.code" || echo $? > "$OUT/first.code"
      df -k "$DISK" | tail -1 > "$OUT/first.df"
      # The next start (a search) finishes any clean-up, as after a crash.
      cli search --data-dir "$DISK/lib" --json > /dev/null
      cp -a "$DISK/lib" "$OUT/after-full"
      resize_disk 300
      cli import ${sources.map((source) => `'${source}'`).join(' ')} --data-dir "$DISK/lib" --json > "$OUT/second.json"
      cp -a "$DISK/lib" "$OUT/final"
    `;
    mkdirSync(disk);
    const run = await withSmallDisk(disk, 40, script, { NODE: process.execPath, CLI: builtFile('node/cli.mjs'), OUT: out });
    expect(run.stderr.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('{"at"'))).toEqual([]);
    expect(run.code).toBe(0);

    const first = JSON.parse(readFileSync(path.join(out, 'first.json'), 'utf8')) as ImportOutput;
    expect(readFileSync(path.join(out, 'first.code'), 'utf8').trim()).toBe('1');
    expect(first.error).toMatch(/^the disk holding the library is full: [\d.]+ MB free, the next files need [\d.]+ MB, and 2\.1 MB is kept free for the database and report drafts$/);
    // Some of it went in; no file is blamed for the disk (the skipped are the usual two texts, if reached).
    expect(first.imported).toBeGreaterThan(0);
    expect(first.imported).toBeLessThan(201);
    for (const skipped of first.skipped) expect(skipped.reason).toMatch(/^not DICOM/);
    // Every file found is accounted for: taken, skipped, or not reached.
    expect(first.imported + first.alreadyPresent + first.skipped.length + (first.notImported ?? 0)).toBe(203);
    expect(first.notImported).toBeGreaterThan(0);
    // The reserve was kept: the disk was not filled to the last byte (2 MB of 40 MiB kept free).
    const freeKb = Number(readFileSync(path.join(out, 'first.df'), 'utf8').trim().split(/\s+/)[3]);
    expect(freeKb).toBeGreaterThanOrEqual(2 * 1024);

    const afterFull = checkLibrary(path.join(out, 'after-full'));
    expect(afterFull.size).toBe(first.imported);
    for (const uid of afterFull) expect(expectedUids.has(uid)).toBe(true);

    const second = JSON.parse(readFileSync(path.join(out, 'second.json'), 'utf8')) as ImportOutput;
    expect(second.error).toBeUndefined();
    expect(second.notImported).toBeUndefined();
    expect(second.alreadyPresent).toBe(first.imported);
    expect(second.imported).toBe(201 - first.imported);
    expect(checkLibrary(path.join(out, 'final'))).toEqual(expectedUids);
  });

  it('a copy that runs out of disk stops the batch as the disk’s error, blaming no file and leaving nothing staged', async () => {
    // Past the import's own check (two batches at once on a nearly full disk), the kernel's
    // ENOSPC must not read as 134 unreadable files.
    const disk = path.join(temp.dir, 'stage-disk');
    mkdirSync(disk);
    const fixture = path.join(projectRoot, 'tests/integration/fixtures/stageOnto.ts');
    const run = await withSmallDisk(disk, 40, `mkdir "$DISK/incoming"; "$NODE" --import tsx "$FIXTURE" "$SOURCE" "$DISK/incoming"`, {
      NODE: process.execPath,
      FIXTURE: fixture,
      SOURCE: corpusPath('ct-series/pancreas-ct-cbct-seg'),
    });
    expect(run.stderr).toBe('');
    const result = JSON.parse(run.stdout) as { items: number; outcome: { error?: { code?: string; message: string } }; leftInStaging: number };
    expect(result.items).toBe(134);
    expect(result.outcome.error?.code).toBe('ENOSPC');
    expect(result.outcome.error?.message).toMatch(/^ENOSPC: no space left on device/);
    expect(result.leftInStaging).toBe(0);
  });

  it('a disk filled to the last byte by something else is named as such at start, and the library opens once there is room', async () => {
    const disk = path.join(temp.dir, 'filled-disk');
    mkdirSync(disk);
    const scout = corpusPath('mr-series/cptac-sar-ax-scout');
    const run = await withSmallDisk(
      disk,
      20,
      `
      cli() { "$NODE" "$CLI" "$@"; }
      cli import '${scout}' --data-dir "$DISK/lib" --json > /dev/null
      # Something else fills the disk (dd stops at ENOSPC).
      dd if=/dev/zero of="$DISK/filler" bs=1M 2> /dev/null || true
      cli search --data-dir "$DISK/lib" --json > "$OUT/full.out" 2> "$OUT/full.err" && echo 0 > "$OUT/full.code" || echo $? > "$OUT/full.code"
      rm "$DISK/filler"
      cli search --data-dir "$DISK/lib" --json > "$OUT/room.json"
    `,
      { NODE: process.execPath, CLI: builtFile('node/cli.mjs'), OUT: temp.dir },
    );
    expect(run.stderr.split('\n').filter((line) => line.trim() !== '' && !line.startsWith('{"at"'))).toEqual([]);
    expect(run.code).toBe(0);
    expect(readFileSync(path.join(temp.dir, 'full.code'), 'utf8').trim()).toBe('1');
    expect(readFileSync(path.join(temp.dir, 'full.err'), 'utf8')).toContain(
      'Lumen Workstation CLI failed: The disk holding the library is full (0.0 MB free): the library cannot be opened until some space is freed there (a few MB, for the database’s working files). Nothing in the library was changed.',
    );
    const page = JSON.parse(readFileSync(path.join(temp.dir, 'room.json'), 'utf8')) as { total: number; studies: Array<{ instanceCount: number }> };
    expect(page.total).toBe(1);
    expect(page.studies[0]?.instanceCount).toBe(3);
  });

  it('a draft saved while something else has filled the disk is refused with that reason, and saves once there is room', async () => {
    const disk = path.join(temp.dir, 'draft-disk');
    mkdirSync(disk);
    const host = await startHostProcess(path.join(disk, 'library'), [], 30_000, onSmallDisk(disk, 40));
    try {
      await callHostValue(host, 'import.start', { paths: [corpusPath('mr-series/cptac-sar-ax-scout')] });
      await until('the scout imported', () => callHostValue<{ instances: number }>(host, 'library.stats', {}), (stats) => stats.instances === 3, 30_000);
      const study = (await callHostValue<{ studies: Array<{ studyInstanceUid: string }> }>(host, 'library.searchStudies', {})).studies[0]?.studyInstanceUid;
      // The host's disk, as the host sees it (its own mount namespace), filled to the last byte.
      const filler = `/proc/${host.child.pid}/root${disk}/filler`;
      const chunk = Buffer.alloc(1024 * 1024);
      const handle = openSync(filler, 'w');
      try {
        for (;;) writeSync(handle, chunk);
      } catch (error) {
        expect((error as NodeJS.ErrnoException).code).toBe('ENOSPC');
      } finally {
        closeSync(handle);
      }
      const draft = { studyInstanceUid: study, partId: randomUUID(), baseRevision: 0, editor: randomUUID(), content: { findings: 'Written on a full disk.', impression: '', recommendations: '', severity: '', templateId: '' } };
      const refused = await callHost(host, 'reports.saveDraft', draft);
      expect(refused).toEqual({ ok: false, error: { code: 'library-disk', message: 'the disk holding the library is full (nothing saved before is lost; try again once that is fixed)' } });
      // Reading goes on.
      expect((await callHostValue<{ total: number }>(host, 'library.searchStudies', {})).total).toBe(1);
      rmSync(filler);
      expect(await callHostValue<{ outcome: string }>(host, 'reports.saveDraft', draft)).toMatchObject({ outcome: 'saved' });
    } finally {
      await host.stop();
    }
  });

  it('a report signed on a disk filled into its reserve is still written as its SR: the reserve is kept for it', async () => {
    const disk = path.join(temp.dir, 'reserve-disk');
    mkdirSync(disk);
    const host = await startHostProcess(path.join(disk, 'library'), [], 30_000, onSmallDisk(disk, 40));
    try {
      await callHostValue(host, 'settings.set', { radiologistName: 'Roe^Jane^^Dr.', institutionName: 'Lumen Test Hospital' });
      await callHostValue(host, 'import.start', { paths: [corpusPath('mr-series/cptac-sar-ax-scout')] });
      await until('the scout imported', () => callHostValue<{ instances: number }>(host, 'library.stats', {}), (stats) => stats.instances === 3, 30_000);
      const study = (await callHostValue<{ studies: Array<{ studyInstanceUid: string }> }>(host, 'library.searchStudies', {})).studies[0]?.studyInstanceUid;
      // Something else takes the disk down to 1 MB free, inside the 2.1 MB reserve: imports would stop.
      const hostView = `/proc/${host.child.pid}/root${disk}`;
      const { bavail, bsize } = statfsSync(hostView);
      writeFileSync(path.join(hostView, 'filler'), Buffer.alloc(bavail * bsize - 1024 * 1024));
      const partId = randomUUID();
      const content = { findings: 'No fracture.', impression: 'Normal forearm.', recommendations: '', severity: '', templateId: '' };
      const saved = await callHostValue<{ outcome: string; part: { revision: number } }>(host, 'reports.saveDraft', { studyInstanceUid: study, partId, baseRevision: 0, editor: randomUUID(), content });
      expect(saved.outcome).toBe('saved');
      const signed = await callHostValue<{ srError: string | null; report: { status: string; parts: Array<{ srSopInstanceUid: string | null }> } }>(host, 'reports.sign', { studyInstanceUid: study, partId, revision: saved.part.revision });
      expect(signed.srError).toBeNull();
      expect(signed.report.status).toBe('final');
      expect(signed.report.parts[0]?.srSopInstanceUid).toMatch(/^2\.25\.\d+$/);
      expect((await callHostValue<{ instances: number }>(host, 'library.stats', {})).instances).toBe(4);
    } finally {
      await host.stop();
    }
  });

  it('a study download stops with the reason, waits for room (drafts can still be saved), and finishes by itself once space is freed', async () => {
    const orthanc = await startOrthanc();
    let host: HostProcess | null = null;
    try {
      const ct = corpusPath('ct-series/pancreas-ct-cbct-seg');
      const files = readdirSync(ct).filter((name) => name.endsWith('.dcm'));
      expect(files).toHaveLength(134);
      for (const name of files) {
        const response = await fetch(`${orthanc.baseUrl}/instances`, { method: 'POST', body: readFileSync(path.join(ct, name)) });
        expect(response.ok).toBe(true);
      }
      const study = readManifest().find((file) => file.file.startsWith('ct-series/pancreas-ct-cbct-seg/'))?.study_uid;
      if (!study) throw new Error('the CT series is not in the manifest');

      // A 120 MB disk (6.3 MB of it the reserve) with 60 MiB taken by something else: the CT's
      // 71 MB do not fit until that is removed.
      const disk = path.join(temp.dir, 'host-disk');
      mkdirSync(disk);
      host = await startHostProcess(path.join(disk, 'library'), [], 30_000, onSmallDisk(disk, 120));
      const running = host;
      const filler = `/proc/${running.child.pid}/root${disk}/filler`;
      writeFileSync(filler, Buffer.alloc(60 * 1024 * 1024));
      await callHostValue(running, 'servers.save', { name: 'Archive', baseUrl: orthanc.dicomWebUrl, auth: 'none', isDefault: true });
      await callHostValue(running, 'sync.download', { studyInstanceUids: [study] });

      type Groups = { groups: Array<{ direction: string; state: string; problems: Array<{ reason: string; count: number; refused: boolean }> }> };
      const groups = await until(
        'the download to stop for want of room',
        () => callHostValue<Groups>(running, 'sync.transferGroups', {}),
        (found) => found.groups[0]?.problems.length === 1,
        60_000,
      );
      const [line] = groups.groups;
      expect(line?.direction).toBe('download');
      // Waiting, not refused: nothing is wrong with the transfer.
      expect(line?.state).toBe('waiting');
      expect(line?.problems[0]).toMatchObject({ count: 1, refused: false });
      expect(line?.problems[0]?.reason).toMatch(/^the downloaded files could not be kept: the disk holding the library is full: [\d.]+ MB free, .* \(tried again once there is room\)$/);
      expect(await callHostValue<{ parked: number }>(running, 'sync.status', {})).toMatchObject({ parked: 0 });

      // What arrived whole stays; the disk keeps its reserve, so the radiologist can still write.
      const stats = await callHostValue<{ instances: number }>(running, 'library.stats', {});
      expect(stats.instances).toBeGreaterThan(0);
      expect(stats.instances).toBeLessThan(134);
      const saved = await callHostValue<{ outcome: string }>(running, 'reports.saveDraft', {
        studyInstanceUid: study,
        partId: randomUUID(),
        baseRevision: 0,
        editor: randomUUID(),
        content: { findings: 'Written while the disk was full.', impression: '', recommendations: '', severity: '', templateId: '' },
      });
      expect(saved.outcome).toBe('saved');

      // Space is freed: the download finishes by itself, each instance once.
      rmSync(filler);
      await until('the rest of the study arriving by itself', () => callHostValue<{ instances: number }>(running, 'library.stats', {}), (now) => now.instances === 134, 90_000);
      await until(
        'the queue drained',
        () => callHostValue<{ pending: number; running: number; parked: number }>(running, 'sync.status', {}),
        (now) => now.pending === 0 && now.running === 0,
        30_000,
      );
      expect(await callHostValue<{ parked: number }>(running, 'sync.status', {})).toMatchObject({ parked: 0 });
    } finally {
      await host?.stop();
      await orthanc.stop();
    }
  });
});
