/** What went wrong with a tenant operation; each edge maps the kind to its own vocabulary (Connect code, HTTP status, exit code). */
export type TenantErrorKind = 'invalid_argument' | 'not_found' | 'already_exists';

export class TenantError extends Error {
  override name = 'TenantError';

  constructor(
    readonly kind: TenantErrorKind,
    message: string,
  ) {
    super(message);
  }
}

export const invalid = (message: string) => new TenantError('invalid_argument', message);
export const notFound = (message: string) => new TenantError('not_found', message);
