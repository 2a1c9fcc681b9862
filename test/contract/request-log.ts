/**
 * Validates a Tripletex sandbox request log (one JSON line per /v2 request, see
 * sandbox/tripletex/request-log.ts) against the real OpenAPI spec: every request against its
 * operation's parameters and body schema, every response against its response schema (ApiError
 * for errors). Returns the violations, one string each, naming the file line.
 */
import { readFile } from 'node:fs/promises';
import { validateRequest, validateResponse } from '../support/openapi-contract';

interface LogLine {
  method: string;
  path: string;
  query?: Record<string, string>;
  requestBody?: unknown;
  status: number | null;
  responseBody?: unknown;
  fault?: string;
}

/** Requests that are deliberately wrong in the tests (the sandbox must answer them like Tripletex). */
export interface ValidateRequestLogOptions {
  /** Skip request validation for lines whose response status is in this list (default: 4xx requests are still checked only for responses). */
  checkRequestsOfErrorResponses?: boolean;
}

export async function validateRequestLog(logPath: string, options: ValidateRequestLogOptions = {}): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(logPath, 'utf8');
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'ENOENT' ? [] : [`${logPath}: ${(e as Error).message}`];
  }
  const violations: string[] = [];
  text.split('\n').forEach((raw, index) => {
    if (raw.trim() === '') return;
    const where = `${logPath}:${index + 1}`;
    let line: LogLine;
    try {
      line = JSON.parse(raw) as LogLine;
    } catch {
      violations.push(`${where}: not JSON`);
      return;
    }
    // A request the sandbox refused (4xx) may be wrong on purpose (a test of the error path);
    // its response must still be a proper ApiError. Requests that succeeded must match the spec.
    const refused = line.status !== null && line.status >= 400 && line.status < 500;
    const resetBeforeRead = line.fault === 'resetBeforeWrite';
    if (!resetBeforeRead && (!refused || options.checkRequestsOfErrorResponses)) {
      for (const v of validateRequest({ method: line.method, path: line.path, query: line.query ?? {}, body: line.requestBody })) {
        violations.push(`${where}: ${v}`);
      }
    }
    if (line.status !== null) {
      for (const v of validateResponse({ method: line.method, path: line.path, status: line.status, body: line.responseBody })) {
        violations.push(`${where}: ${v}`);
      }
    }
  });
  return violations;
}
