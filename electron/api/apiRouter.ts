/**
 * The one gate every renderer request passes through, whatever carried it (Electron IPC or the
 * browser host's HTTP API): the name must be in the contract and the input must match its
 * schema before a handler runs. Handlers receive validated, typed input.
 */
import {
  type ApiResult,
  isRequestName,
  type RequestName,
  type RequestOutput,
  requests,
  type ValidatedInput,
} from '../../shared/api';
import { describeError, log } from '../logging/log';
import { libraryDiskProblem } from '../services/diskSpace';
import { UserFacingError } from '../services/userFacingError';

export { UserFacingError };

export type RequestHandlers = {
  [N in RequestName]: (input: ValidatedInput<N>) => Promise<RequestOutput<N>> | RequestOutput<N>;
};

export interface ApiRouter {
  handle(name: unknown, input: unknown): Promise<ApiResult<unknown>>;
}

export function createApiRouter(handlers: RequestHandlers): ApiRouter {
  return {
    async handle(name, input) {
      if (!isRequestName(name)) {
        return { ok: false, error: { code: 'unknown-request', message: `"${String(name).slice(0, 64)}" is not a request of this workstation` } };
      }
      const parsed = requests[name].input.safeParse(input ?? {});
      if (!parsed.success) {
        const where = parsed.error.issues
          .slice(0, 5)
          .map((issue) => `${issue.path.join('.') || '(input)'}: ${issue.message}`)
          .join('; ');
        return { ok: false, error: { code: 'invalid-input', message: `${name}: ${where}` } };
      }
      try {
        const handler = handlers[name] as (input: unknown) => unknown;
        return { ok: true, value: await handler(parsed.data) };
      } catch (error) {
        if (error instanceof UserFacingError) return { ok: false, error: { code: error.code, message: error.message } };
        log.error('api.request-failed', { request: name, ...describeError(error) });
        // A full or read-only library disk is the person's to fix: said, not hidden in the log.
        const disk = libraryDiskProblem(error);
        if (disk !== null) return { ok: false, error: { code: 'library-disk', message: `${disk} (nothing saved before is lost; try again once that is fixed)` } };
        return { ok: false, error: { code: 'internal', message: `${name} failed; the details are in the workstation's log` } };
      }
    },
  };
}
