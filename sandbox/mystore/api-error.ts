// Mystore's JSON:API error envelope (confirmed shape, brief §1.5):
// {"errors":[{"title":"…","status":"403","detail":"…"}]}, status as a string.

export interface ErrorObject { title: string; status: string; detail?: string }

/** Thrown by handlers; the server turns it into the error document. */
export class MystoreHttpError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string | undefined,
    readonly headers: Record<string, string> = {},
  ) {
    super(detail ?? title);
  }

  toBody(): { errors: ErrorObject[] } {
    return { errors: [{ title: this.title, status: String(this.status), ...(this.detail !== undefined ? { detail: this.detail } : {}) }] };
  }
}

export const INVALID_TOKEN = 'Token has expired or is invalid';

export const badRequest = (detail: string) => new MystoreHttpError(400, 'Bad Request', detail);
export const notFound = (detail: string) => new MystoreHttpError(404, 'Not Found', detail);
export const invalidToken = () => new MystoreHttpError(403, 'Forbidden', INVALID_TOKEN);
export const missingScope = (scope: string) => new MystoreHttpError(403, 'Forbidden', `Missing scope: ${scope}`);
export const conflict = (detail: string) => new MystoreHttpError(409, 'Conflict', detail);
export const tooManyRequests = (retryAfterSeconds: number) => new MystoreHttpError(429, 'Too Many Requests', undefined, { 'Retry-After': String(retryAfterSeconds) });
export const serverError = (status: 500 | 503) => new MystoreHttpError(status, status === 500 ? 'Internal Server Error' : 'Service Unavailable', undefined);
