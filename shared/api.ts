/**
 * The one contract between the renderer and the main side.
 *
 * Every request the renderer can make and every event it can receive is declared here with a
 * runtime schema. Main validates every input against these schemas before any service sees it
 * (electron/api/apiRouter.ts), whichever transport carried it: Electron IPC or the browser
 * host's HTTP API. The renderer only ever sees the types derived from them.
 */
import { z } from 'zod';

const count = z.number().int().nonnegative();
const isoTimestamp = z.iso.datetime({ offset: true });

/** A request that takes no parameters still takes an (empty) object, so it can grow later. */
const NoInput = z.object({}).strict();

export const AppMode = z.enum(['electron', 'host']);
export type AppMode = z.infer<typeof AppMode>;

export const AppInfo = z.object({
  name: z.string(),
  version: z.string(),
  mode: AppMode,
  /**
   * Where the library lives, for the person to see (status bar, About). It is the user's own
   * setting, not a file reference: DICOM files are always addressed by UID, never by path.
   */
  dataDirectory: z.string(),
  schemaVersion: count,
  platform: z.string(),
});
export type AppInfo = z.infer<typeof AppInfo>;

export const LibraryStats = z.object({
  patients: count,
  studies: count,
  series: count,
  instances: count,
  bytes: count,
});
export type LibraryStats = z.infer<typeof LibraryStats>;

/** Audit actions are dotted lower-case words: `app.start`, `study.view`, `report.sign`. */
export const AuditAction = z.string().regex(/^[a-z][a-z0-9]*(\.[a-z][a-z0-9-]*)+$/, 'an action looks like "study.view"').max(64);

export const AuditQuery = z
  .object({
    action: AuditAction.optional(),
    /** A UID or other identifier the entry is about (never a name). */
    subject: z.string().min(1).max(128).optional(),
    since: isoTimestamp.optional(),
    until: isoTimestamp.optional(),
    /** Page backwards: only entries with an id below this one. */
    beforeId: z.number().int().positive().optional(),
    limit: z.number().int().min(1).max(1000).default(100),
  })
  .strict();
export type AuditQuery = z.input<typeof AuditQuery>;

export const AuditEntry = z.object({
  id: z.number().int().positive(),
  at: isoTimestamp,
  actor: z.string(),
  action: z.string(),
  subject: z.string().nullable(),
  detail: z.record(z.string(), z.unknown()),
});
export type AuditEntry = z.infer<typeof AuditEntry>;

export const AuditPage = z.object({
  entries: z.array(AuditEntry),
  /** Pass as `beforeId` to get the next (older) page; null when this was the last. */
  nextBeforeId: z.number().int().positive().nullable(),
});
export type AuditPage = z.infer<typeof AuditPage>;

interface RequestSpec {
  input: z.ZodType;
  output: z.ZodType;
}

export const requests = {
  'app.info': { input: NoInput, output: AppInfo },
  'library.stats': { input: NoInput, output: LibraryStats },
  'audit.query': { input: AuditQuery, output: AuditPage },
} as const satisfies Record<string, RequestSpec>;

export type RequestName = keyof typeof requests;
/** What the caller passes (defaults not yet applied). */
export type RequestInput<N extends RequestName> = z.input<(typeof requests)[N]['input']>;
/** What the handler receives after validation (defaults applied). */
export type ValidatedInput<N extends RequestName> = z.output<(typeof requests)[N]['input']>;
export type RequestOutput<N extends RequestName> = z.output<(typeof requests)[N]['output']>;

export function isRequestName(name: unknown): name is RequestName {
  return typeof name === 'string' && Object.hasOwn(requests, name);
}

export const events = {
  /** The library's counts changed (also sent once to every new subscriber). */
  'library.changed': LibraryStats,
  /** An audit row was written. Carries no PHI: the id, the action and the time. */
  'audit.appended': z.object({ id: z.number().int().positive(), action: z.string(), at: isoTimestamp }),
} as const satisfies Record<string, z.ZodType>;

export type EventName = keyof typeof events;
export type EventPayload<N extends EventName> = z.infer<(typeof events)[N]>;
export type WorkstationEvent = { [N in EventName]: { name: N; payload: EventPayload<N> } }[EventName];

export const WorkstationEvent = z.union(
  (Object.keys(events) as EventName[]).map((name) => z.object({ name: z.literal(name), payload: events[name] })),
);

export const ApiErrorCode = z.enum([
  /** The request name is not part of this contract. */
  'unknown-request',
  /** The input did not match the request's schema. */
  'invalid-input',
  /** The transport refused the caller (bad token, foreign origin, unknown frame). */
  'forbidden',
  /** The request was valid but cannot be done in the current state (e.g. a signed report). */
  'conflict',
  'not-found',
  /** Anything unexpected; the details are in main's log, not here. */
  'internal',
]);
export type ApiErrorCode = z.infer<typeof ApiErrorCode>;

export const ApiError = z.object({ code: ApiErrorCode, message: z.string() });
export type ApiError = z.infer<typeof ApiError>;

export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ApiError };

export const ApiResultEnvelope = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), value: z.unknown() }),
  z.object({ ok: z.literal(false), error: ApiError }),
]);
