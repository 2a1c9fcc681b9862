// Tripletex's error envelope (spec `ApiError`, brief §2). Every failing /v2 response is built
// here so that the shape, the internal codes and the Norwegian messages stay in one place.
export interface ValidationMessage {
  field: string | null;
  message: string;
  path?: string | null;
  rootId?: number | null;
}

export interface ApiErrorBody {
  status: number;
  code: number;
  message: string;
  link: string;
  developerMessage: string | null;
  validationMessages: ValidationMessage[] | null;
  requestId: string;
}

const LINK = 'https://tripletex.no/v2-docs/';

/** Thrown by handlers; the server turns it into an ApiError body with the request's id. */
export class SandboxHttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
    readonly developerMessage: string | null = null,
    readonly validationMessages: ValidationMessage[] | null = null,
    /** Extra response headers (e.g. rate-limit headers on 429). */
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }

  toBody(requestId: string): ApiErrorBody {
    return {
      status: this.status,
      code: this.code,
      message: this.message,
      link: LINK,
      developerMessage: this.developerMessage,
      validationMessages: this.validationMessages,
      requestId,
    };
  }
}

/** UUID-shaped but derived from the request's sequence number: the sandbox stays deterministic. */
export function newRequestId(sequence: number): string {
  return `00000000-0000-4000-8000-${sequence.toString(16).padStart(12, '0')}`;
}

// --- the errors the sandbox raises, named after when they happen ---

/** 422/18000 "Validering feilet." with one or more field messages (brief §2 real body). */
export function validationError(messages: ValidationMessage[]): SandboxHttpError {
  return new SandboxHttpError(422, 18000, 'Validering feilet.', 'VALIDATION_ERROR',
    messages.map((m) => ({ path: m.path ?? null, rootId: m.rootId ?? null, field: m.field, message: m.message })));
}

/** 422 for a missing required query parameter (brief §2: "also returns 422"); spec code 21000 Param. */
export function missingQueryParam(name: string): SandboxHttpError {
  return new SandboxHttpError(422, 21000, 'Validering feilet.', 'PARAM_ERROR',
    [{ field: `arg:${name}`, message: 'Kan ikke være null.', path: null, rootId: null }]);
}

/** 422 for a query parameter that does not parse (e.g. a date or number). */
export function invalidQueryParam(name: string, value: string): SandboxHttpError {
  return new SandboxHttpError(422, 21000, 'Validering feilet.', 'PARAM_ERROR',
    [{ field: `arg:${name}`, message: `Ugyldig verdi: ${value}`, path: null, rootId: null }]);
}

/** 401/3000, body as captured by rubynor/tripletex_ruby_client (brief §1). */
export function unauthorized(developerMessage: string): SandboxHttpError {
  return new SandboxHttpError(401, 3000, 'Unauthorized', developerMessage);
}

/** 403/9000 "Security Exception": missing entitlement or module (brief §1, spec code list). */
export function forbidden(developerMessage: string): SandboxHttpError {
  return new SandboxHttpError(403, 9000, 'You do not have permission to access this feature.', developerMessage);
}

/** 404/6000. */
export function notFound(what: string): SandboxHttpError {
  return new SandboxHttpError(404, 6000, 'Objektet finnes ikke.', `${what} not found`);
}

/**
 * 409/8000 RevisionException: a write carried a `version` older than the stored one (brief §2:
 * "Tripletex rejects the write when someone changed the object since your GET"). The wording is
 * modelled, not observed.
 */
export function revisionConflict(what: string, sent: number, current: number): SandboxHttpError {
  return new SandboxHttpError(409, 8000, 'Objektet er endret av en annen bruker. Hent det på nytt og prøv igjen.',
    `RevisionException: ${what} version ${sent} is stale (current ${current})`);
}

/** 400/4000 on a `fields` expression naming a field the model lacks (brief §2, [AINM]). */
export function illegalField(field: string, model: string): SandboxHttpError {
  // Wording modelled on the real message ("Illegal field in fields filter"); exact text uncertain.
  return new SandboxHttpError(400, 4000, `Illegal field in fields filter: ${field}. ${field} does not match a field in the model: ${model}`,
    'ILLEGAL_FIELD');
}

/** 422/16000 "Mapping" when a JSON body has a field the model lacks ([AINM]: `project` on an order line gave 422). */
export function mappingError(field: string, model: string): SandboxHttpError {
  return new SandboxHttpError(422, 16000, 'Validering feilet.', 'MAPPING_ERROR',
    [{ field, message: `Feltet eksisterer ikke i objektet ${model}.`, path: null, rootId: null }]);
}

/** 422/22000 when the body is not JSON at all. */
export function invalidJson(detail: string): SandboxHttpError {
  return new SandboxHttpError(422, 22000, 'Validering feilet.', `INVALID_JSON: ${detail}`);
}

export function internalError(status = 500): SandboxHttpError {
  return new SandboxHttpError(status, 1000, status === 503 ? 'Service Unavailable' : 'En uventet feil oppstod.', 'INTERNAL_ERROR');
}

export function tooManyRequests(headers: Record<string, string>): SandboxHttpError {
  // The spec lists no internal code for 429; 0 is used. Headers lack Reset (issue #103), see rate-limit.ts.
  return new SandboxHttpError(429, 0, 'Too Many Requests', 'Rate limit exceeded', null, headers);
}
