import type { ApiErrorCode } from '../../shared/api';

/** An error whose message is meant for the person at the workstation (passed to the renderer as is). */
export class UserFacingError extends Error {
  constructor(
    readonly code: Exclude<ApiErrorCode, 'internal'>,
    message: string,
  ) {
    super(message);
  }
}
