/** Servers and the transfer queue: the store's side (see migrations/0007-sync.ts). */
import type { ServerSummary, SyncStatus, Transfer, TransferGroupKey, TransferState, ValidatedInput } from '../../../shared/api';
import type { LibraryDatabase } from './database';

interface ServerRow {
  id: string;
  name: string;
  base_url: string;
  auth: ServerSummary['auth'];
  username: string;
  is_default: number;
  auto_upload: number;
  auto_download_days: number;
  auto_download_priors: number;
  last_success_at: string | null;
  trusted_certificate: string | null;
}

export type StoredServer = Omit<ServerSummary, 'hasSecret' | 'trustedCertificate'> & {
  /** A certificate trusted for this server (PEM), or null. Main shows its details, never the PEM. */
  trustedCertificatePem: string | null;
};

function toServer(row: ServerRow): StoredServer {
  return {
    id: row.id,
    name: row.name,
    baseUrl: row.base_url,
    auth: row.auth,
    username: row.username,
    isDefault: row.is_default === 1,
    autoUpload: row.auto_upload === 1,
    autoDownloadDays: row.auto_download_days,
    autoDownloadPriors: row.auto_download_priors,
    lastSuccessAt: row.last_success_at,
    trustedCertificatePem: row.trusted_certificate,
  };
}

function originOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url;
  }
}

export function listServers(db: LibraryDatabase): StoredServer[] {
  return db.prepare<[], ServerRow>('SELECT * FROM servers ORDER BY is_default DESC, name').all().map(toServer);
}

export function getServer(db: LibraryDatabase, id: string | undefined): StoredServer | null {
  const row = id
    ? db.prepare<[string], ServerRow>('SELECT * FROM servers WHERE id = ?').get(id)
    : db.prepare<[], ServerRow>('SELECT * FROM servers ORDER BY is_default DESC, created_at LIMIT 1').get();
  return row ? toServer(row) : null;
}

/** Creates or updates a server; the first one, or one marked default, becomes the default. */
export function saveServer(db: LibraryDatabase, id: string, input: ValidatedInput<'servers.save'>, now: string): StoredServer {
  return db.transaction((): StoredServer => {
    const count = db.prepare<[], { n: number }>('SELECT COUNT(*) AS n FROM servers').get()?.n ?? 0;
    const isDefault = input.isDefault || count === 0 || (count === 1 && getServer(db, id) !== null);
    if (isDefault) db.prepare('UPDATE servers SET is_default = 0').run();
    // A certificate was trusted for that host and port; another address starts with none.
    const before = getServer(db, id);
    if (before && originOf(before.baseUrl) !== originOf(input.baseUrl)) setTrustedCertificate(db, id, null);
    db.prepare<[string, string, string, string, string, number, number, number, number, string]>(
      `INSERT INTO servers (id, name, base_url, auth, username, is_default, auto_upload, auto_download_days, auto_download_priors, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, base_url = excluded.base_url, auth = excluded.auth, username = excluded.username,
         is_default = excluded.is_default, auto_upload = excluded.auto_upload, auto_download_days = excluded.auto_download_days,
         auto_download_priors = excluded.auto_download_priors`,
    ).run(id, input.name, input.baseUrl.replace(/\/+$/, ''), input.auth, input.username, isDefault ? 1 : 0, input.autoUpload ? 1 : 0, input.autoDownloadDays, input.autoDownloadPriors, now);
    const saved = getServer(db, id);
    if (!saved) throw new Error('server vanished inside its own transaction');
    return saved;
  })();
}

export function deleteServer(db: LibraryDatabase, id: string): boolean {
  return db.transaction((): boolean => {
    const deleted = db.prepare<[string]>('DELETE FROM servers WHERE id = ?').run(id).changes > 0;
    // Someone must be the default while any server is left.
    if (deleted && !db.prepare('SELECT 1 FROM servers WHERE is_default = 1').get()) {
      db.prepare('UPDATE servers SET is_default = 1 WHERE id = (SELECT id FROM servers ORDER BY created_at LIMIT 1)').run();
    }
    return deleted;
  })();
}

/** Trusts a certificate (PEM) for one server, or forgets it (null). */
export function setTrustedCertificate(db: LibraryDatabase, id: string, pem: string | null): boolean {
  return db.prepare<[string | null, string]>('UPDATE servers SET trusted_certificate = ? WHERE id = ?').run(pem, id).changes > 0;
}

export function markServerReached(db: LibraryDatabase, id: string, now: string): void {
  db.prepare<[string, string]>('UPDATE servers SET last_success_at = ? WHERE id = ?').run(now, id);
}

/** What a server's QIDO-RS answer says a study is (dates as DICOM writes them, YYYYMMDD). */
export interface RemoteStudyLabel {
  patientName: string;
  patientId: string;
  studyDate: string;
  studyDescription: string;
  modalities: string[];
}

export interface QueuedInstance {
  sopInstanceUid: string;
  studyInstanceUid: string;
  seriesInstanceUid: string;
}

/**
 * Queues transfers; an instance already queued (or done) for that server and direction is not
 * queued again — except a download marked done whose instance has since left the library (the
 * study was deleted here): that is fetched again.
 */
export function enqueueTransfers(db: LibraryDatabase, serverId: string, direction: Transfer['direction'], instances: readonly QueuedInstance[], now: string): { queued: number; alreadyQueued: number } {
  return db.transaction(() => {
    const insert = db.prepare<[string, string, string, string, string, string, string, string]>(
      `INSERT INTO transfers (server_id, direction, sop_instance_uid, study_uid, series_uid, state, next_attempt_at, created_at, updated_at)
       VALUES (?, ?, ?, ?, ?, 'pending', ?, ?, ?) ON CONFLICT (server_id, direction, sop_instance_uid) DO NOTHING`,
    );
    const again = db.prepare<[string, string, string, string]>(
      `UPDATE transfers SET state = 'pending', attempts = 0, last_error = NULL, next_attempt_at = ?, updated_at = ?
       WHERE server_id = ? AND direction = 'download' AND sop_instance_uid = ? AND state = 'done'
         AND NOT EXISTS (SELECT 1 FROM instances WHERE instances.sop_instance_uid = transfers.sop_instance_uid)`,
    );
    let queued = 0;
    for (const instance of instances) {
      const added = insert.run(serverId, direction, instance.sopInstanceUid, instance.studyInstanceUid, instance.seriesInstanceUid, now, now, now).changes;
      queued += added > 0 || direction !== 'download' ? added : again.run(now, now, serverId, instance.sopInstanceUid).changes;
    }
    return { queued, alreadyQueued: instances.length - queued };
  })();
}

/**
 * Queues the download of a whole study (one row, keyed by its Study Instance UID). Asking again
 * while it waits or was refused puts it back in line now; one running is left alone.
 * @returns whether the study is now queued (false: it is being downloaded already)
 */
export function enqueueStudyDownload(db: LibraryDatabase, serverId: string, studyInstanceUid: string, expected: number, label: RemoteStudyLabel, now: string): boolean {
  // What the server holds: the study counts as incomplete here until that many have arrived.
  // What it said the study is names the download in the transfers list before any of it is here.
  db.prepare<[string, number, string, string, string, string, string, string, string]>(
    `INSERT OR REPLACE INTO study_expected_instances (study_uid, expected, server_id, recorded_at, patient_name, patient_id, study_date, study_description, modalities)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
  ).run(studyInstanceUid, expected, serverId, now, label.patientName, label.patientId, label.studyDate, label.studyDescription, label.modalities.join('\\'));
  const changes = db
    .prepare<[string, string, string, number, string, string, string, string]>(
      `INSERT INTO transfers (server_id, direction, scope, sop_instance_uid, study_uid, series_uid, expected, state, next_attempt_at, created_at, updated_at)
       VALUES (?, 'download', 'study', ?, ?, '', ?, 'pending', ?, ?, ?)
       ON CONFLICT (server_id, direction, sop_instance_uid) DO UPDATE SET state = 'pending', attempts = 0, last_error = NULL, expected = excluded.expected, next_attempt_at = ?, updated_at = excluded.updated_at
       WHERE transfers.state <> 'running'`,
    )
    .run(serverId, studyInstanceUid, studyInstanceUid, expected, now, now, now, now).changes;
  return changes > 0;
}

/** Instances a study download brought: each gets its row, done (the record that it came from there). */
export function recordDownloadedInstances(db: LibraryDatabase, serverId: string, instances: readonly QueuedInstance[], now: string): void {
  db.transaction(() => {
    const upsert = db.prepare<[string, string, string, string, string, string, string]>(
      `INSERT INTO transfers (server_id, direction, sop_instance_uid, study_uid, series_uid, state, attempts, next_attempt_at, created_at, updated_at)
       VALUES (?, 'download', ?, ?, ?, 'done', 1, ?, ?, ?)
       ON CONFLICT (server_id, direction, sop_instance_uid) DO UPDATE SET state = 'done', last_error = NULL, updated_at = excluded.updated_at`,
    );
    for (const instance of instances) upsert.run(serverId, instance.sopInstanceUid, instance.studyInstanceUid, instance.seriesInstanceUid, now, now, now);
  })();
}

/** How many instances of a study the library holds. */
export function studyInstanceCount(db: LibraryDatabase, studyInstanceUid: string): number {
  return (
    db
      .prepare<[string], { n: number }>('SELECT COUNT(*) AS n FROM instances JOIN series ON series.id = instances.series_ref JOIN studies ON studies.id = series.study_ref WHERE studies.study_uid = ?')
      .get(studyInstanceUid)?.n ?? 0
  );
}

interface TransferRow {
  id: number;
  server_id: string;
  direction: Transfer['direction'];
  scope: Transfer['scope'];
  expected: number | null;
  sop_instance_uid: string;
  study_uid: string;
  series_uid: string;
  state: TransferState;
  attempts: number;
  next_attempt_at: string;
  last_error: string | null;
  updated_at: string;
}

export interface ClaimedTransfer extends Transfer {
  seriesInstanceUid: string;
}

function toTransfer(row: TransferRow): Transfer {
  return {
    id: row.id,
    serverId: row.server_id,
    direction: row.direction,
    scope: row.scope,
    expected: row.expected,
    sopInstanceUid: row.sop_instance_uid,
    studyInstanceUid: row.study_uid,
    state: row.state,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    lastError: row.last_error,
    updatedAt: row.updated_at,
  };
}

/**
 * Takes the oldest due transfer and, to batch them, more due ones of the same server, direction
 * and study, up to the direction's batch size; marks them running. Empty when nothing is due.
 * A whole-study download is a batch of its own.
 */
export function claimDueTransfers(db: LibraryDatabase, batchSizes: Readonly<Record<Transfer['direction'], number>>, now: string): ClaimedTransfer[] {
  return db.transaction((): ClaimedTransfer[] => {
    const first = db.prepare<[string], TransferRow>("SELECT * FROM transfers WHERE state = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, id LIMIT 1").get(now);
    if (!first) return [];
    const rows = first.scope === 'study' ? [first] : db
      .prepare<[string, string, string, string, number], TransferRow>(
        `SELECT * FROM transfers WHERE state = 'pending' AND next_attempt_at <= ? AND server_id = ? AND direction = ? AND study_uid = ? AND scope = 'instance' ORDER BY id LIMIT ?`,
      )
      .all(now, first.server_id, first.direction, first.study_uid, batchSizes[first.direction]);
    const mark = db.prepare<[string, number]>("UPDATE transfers SET state = 'running', updated_at = ? WHERE id = ?");
    for (const row of rows) mark.run(now, row.id);
    return rows.map((row) => ({ ...toTransfer({ ...row, state: 'running' }), seriesInstanceUid: row.series_uid }));
  })();
}

export type TransferOutcome = { id: number; result: 'done' } | { id: number; result: 'retry'; error: string; nextAttemptAt: string } | { id: number; result: 'parked'; error: string };

export function finishTransfers(db: LibraryDatabase, outcomes: readonly TransferOutcome[], now: string): void {
  db.transaction(() => {
    const done = db.prepare<[string, number]>("UPDATE transfers SET state = 'done', attempts = attempts + 1, last_error = NULL, updated_at = ? WHERE id = ?");
    const retry = db.prepare<[string, string, string, number]>("UPDATE transfers SET state = 'pending', attempts = attempts + 1, last_error = ?, next_attempt_at = ?, updated_at = ? WHERE id = ?");
    const park = db.prepare<[string, string, number]>("UPDATE transfers SET state = 'parked', attempts = attempts + 1, last_error = ?, updated_at = ? WHERE id = ?");
    for (const outcome of outcomes) {
      if (outcome.result === 'done') done.run(now, outcome.id);
      else if (outcome.result === 'retry') retry.run(outcome.error, outcome.nextAttemptAt, now, outcome.id);
      else park.run(outcome.error, now, outcome.id);
    }
  })();
}

/** After a crash: what was running had not finished, so it is pending again. */
export function resetRunningTransfers(db: LibraryDatabase, now: string): number {
  return db.prepare<[string]>("UPDATE transfers SET state = 'pending', updated_at = ? WHERE state = 'running'").run(now).changes;
}

export function retryTransfers(db: LibraryDatabase, ids: readonly number[] | undefined, now: string): number {
  if (ids === undefined) return db.prepare<[string, string]>("UPDATE transfers SET state = 'pending', next_attempt_at = ?, updated_at = ? WHERE state = 'parked'").run(now, now).changes;
  const retry = db.prepare<[string, string, number]>("UPDATE transfers SET state = 'pending', next_attempt_at = ?, updated_at = ? WHERE id = ? AND state IN ('parked', 'pending')");
  return db.transaction(() => ids.reduce((sum, id) => sum + retry.run(now, now, id).changes, 0))();
}

export interface CancelledTransfer {
  id: number;
  /** What it was doing: a running one is stopped by the engine. */
  state: TransferState;
  direction: Transfer['direction'];
}

/**
 * Takes transfers out of the queue (waiting, refused or running; a done row is the record of
 * what arrived or went, and stays). A whole-study download takes with it the study's instance
 * downloads still waiting. What already arrived or went stays where it is.
 */
export function cancelTransfers(db: LibraryDatabase, ids: readonly number[]): CancelledTransfer[] {
  return db.transaction((): CancelledTransfer[] => {
    const find = db.prepare<[number], { id: number; state: TransferState; direction: Transfer['direction']; scope: Transfer['scope']; server_id: string; study_uid: string }>(
      "SELECT id, state, direction, scope, server_id, study_uid FROM transfers WHERE id = ? AND state IN ('pending', 'running', 'parked')",
    );
    const remove = db.prepare<[number]>('DELETE FROM transfers WHERE id = ?');
    const waitingOfStudy = db.prepare<[string, string], { id: number; state: TransferState; direction: Transfer['direction'] }>(
      "SELECT id, state, direction FROM transfers WHERE server_id = ? AND direction = 'download' AND scope = 'instance' AND study_uid = ? AND state IN ('pending', 'parked')",
    );
    const cancelled = new Map<number, CancelledTransfer>();
    for (const id of ids) {
      const row = find.get(id);
      if (!row || cancelled.has(row.id)) continue;
      const rows = [row, ...(row.scope === 'study' ? waitingOfStudy.all(row.server_id, row.study_uid) : [])];
      for (const { id: rowId, state, direction } of rows) {
        remove.run(rowId);
        cancelled.set(rowId, { id: rowId, state, direction });
      }
    }
    return [...cancelled.values()];
  })();
}

/**
 * Removes up to `max` done transfers last changed before `before` (the queue's record is kept
 * for a while, not for ever); waiting, running and refused ones always stay.
 * @returns how many were removed
 */
export function pruneDoneTransfers(db: LibraryDatabase, before: string, max: number): number {
  return db
    .prepare<[string, number]>("DELETE FROM transfers WHERE id IN (SELECT id FROM transfers WHERE updated_at < ? AND state = 'done' LIMIT ?)")
    .run(before, max).changes;
}

/** Of these studies on a server, those its automatic download has not taken yet. */
export function unseenAutoDownloads(db: LibraryDatabase, serverId: string, studyInstanceUids: readonly string[]): string[] {
  const seen = db.prepare<[string, string], { n: number }>('SELECT 1 AS n FROM auto_downloads WHERE server_id = ? AND study_uid = ?');
  return studyInstanceUids.filter((uid) => seen.get(serverId, uid) === undefined);
}

/** The automatic download took this study (queued it, or found it here): never again by itself. */
export function markAutoDownloaded(db: LibraryDatabase, serverId: string, studyInstanceUid: string, now: string): void {
  db.prepare<[string, string, string]>('INSERT INTO auto_downloads (server_id, study_uid, seen_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING').run(serverId, studyInstanceUid, now);
}

/** Everything parked for one server goes back in line (its certificate was just trusted). */
export function retryParkedTransfersOf(db: LibraryDatabase, serverId: string, now: string): number {
  return db.prepare<[string, string, string]>("UPDATE transfers SET state = 'pending', attempts = 0, next_attempt_at = ?, updated_at = ? WHERE state = 'parked' AND server_id = ?").run(now, now, serverId).changes;
}

/** Transfers, newest first: all, or those in one state, of one line of the transfers list, or both. */
export function listTransfers(db: LibraryDatabase, state: TransferState | undefined, group: TransferGroupKey | undefined, limit: number): Transfer[] {
  const where: string[] = [];
  const values: Array<string | number> = [];
  if (state) {
    where.push('state = ?');
    values.push(state);
  }
  if (group) {
    where.push('server_id = ? AND direction = ? AND study_uid = ?');
    values.push(group.serverId, group.direction, group.studyInstanceUid);
  }
  const rows = db
    .prepare<Array<string | number>, TransferRow>(`SELECT * FROM transfers ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY updated_at DESC, id DESC LIMIT ?`)
    .all(...values, limit);
  return rows.map(toTransfer);
}

export function transferCounts(db: LibraryDatabase): Pick<SyncStatus, 'pending' | 'running' | 'parked'> & { nextDueAt: string | null; lastError: string | null } {
  // Open rows only, through the state index: the done ones (millions, kept 90 days) are never
  // read, and this runs on every status the window is sent, several a second while a study streams in.
  const counts = Object.fromEntries(
    db.prepare<[], { state: string; n: number }>("SELECT state, COUNT(*) AS n FROM transfers WHERE state IN ('pending', 'running', 'parked') GROUP BY state").all().map((row) => [row.state, row.n]),
  );
  const nextDueAt = db.prepare<[], { at: string | null }>("SELECT MIN(next_attempt_at) AS at FROM transfers WHERE state = 'pending'").get()?.at ?? null;
  const lastError =
    db
      .prepare<[], { last_error: string }>(
        "SELECT last_error FROM transfers INDEXED BY transfers_due WHERE state IN ('pending', 'running', 'parked') AND last_error IS NOT NULL ORDER BY updated_at DESC LIMIT 1",
      )
      .get()?.last_error ?? null;
  return { pending: counts['pending'] ?? 0, running: counts['running'] ?? 0, parked: counts['parked'] ?? 0, nextDueAt, lastError };
}

/** How many instances of each of these studies the library holds (absent: none). */
export function cachedInstanceCounts(db: LibraryDatabase, studyInstanceUids: readonly string[]): Record<string, number> {
  const count = db.prepare<[string], { instance_count: number }>('SELECT instance_count FROM studies WHERE study_uid = ?');
  const counts: Record<string, number> = {};
  for (const uid of studyInstanceUids) {
    const here = count.get(uid)?.instance_count ?? 0;
    if (here > 0) counts[uid] = here;
  }
  return counts;
}
