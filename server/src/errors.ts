/**
 * API errors, shaped like the ClearML server's errors.conf catalogue (clearml-api.md §1.3):
 * the capitalised default text, then the extra message in parentheses, then `: k=v, ...` details.
 */
export class ServerError extends Error {
  constructor(
    readonly code: number,
    readonly subcode: number,
    message: string,
    readonly errorData: Record<string, unknown> = {}
  ) {
    super(message)
    this.name = 'ServerError'
  }
}

function format(base: string, extra?: string, details?: Record<string, unknown>): string {
  let msg = base.charAt(0).toUpperCase() + base.slice(1)
  if (extra) msg += ` (${extra})`
  const entries = Object.entries(details ?? {})
  if (entries.length) msg += ': ' + entries.map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`).join(', ')
  return msg
}

function kind(code: number, subcode: number, base: string) {
  return (extra?: string, details?: Record<string, unknown>) =>
    new ServerError(code, subcode, format(base, extra, details), details ?? {})
}

export const errors = {
  badRequest: kind(400, 0, 'bad request'),
  invalidHeaders: kind(400, 5, 'invalid headers'),
  impersonationError: kind(400, 6, 'impersonation error'),
  invalidId: kind(400, 10, 'invalid object id'),
  missingRequiredFields: kind(400, 11, 'missing required fields'),
  validation: kind(400, 12, 'validation error'),
  fieldsValue: kind(400, 16, 'invalid value for fields'),
  invalidAccessKey: kind(400, 75, 'access key not found for user'),
  invalidUser: kind(400, 300, 'invalid user'),
  invalidUserId: kind(400, 301, 'invalid user id'),
  invalidPreferencesUpdate: kind(400, 305, 'invalid preferences update'),
  badAuthType: kind(401, 10, 'unauthorized (bad authentication header type)'),
  noCredentials: kind(401, 20, 'unauthorized (missing credentials)'),
  badCredentials: kind(401, 21, 'unauthorized (malformed credentials)'),
  invalidCredentials: kind(401, 22, 'unauthorized (invalid credentials)'),
  invalidToken: kind(401, 30, 'invalid token'),
  roleNotAllowed: kind(403, 20, 'forbidden (not allowed for role)'),
  payloadTooLarge: kind(413, 0, 'request entity too large'),
  unsupportedMediaType: kind(415, 0, 'unsupported media type'),
  general: kind(500, 0, 'general error'),
  unavailable: kind(503, 0, 'service unavailable'),
  endpointNotFound: (name: string, version: string) =>
    new ServerError(404, 0, `Unable to find endpoint for name ${name} and version ${version}`)
}
