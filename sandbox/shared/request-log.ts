// One JSON line per API request of a sandbox (the Tripletex contract tests validate every line
// against the spec). Secrets are masked: the query parameters and body keys each sandbox names
// (at any depth of a body); the Authorization header is never logged. Written synchronously so
// that a committed write is on disk even when the connection is then cut (commitThenDrop).
import { closeSync, mkdirSync, openSync, writeSync } from 'node:fs';
import { dirname } from 'node:path';

export interface RequestLogLine {
  time: string;
  method: string;
  path: string;
  query: Record<string, string>;
  requestBody: unknown;
  status: number | null;
  responseBody: unknown;
  fault?: string;
}

export interface RequestLogOptions {
  /** Query parameters whose value is replaced by "***". */
  secretQueryKeys?: Iterable<string>;
  /** Body keys (any depth) whose string value is replaced by "***". */
  secretBodyKeys?: Iterable<string>;
}

export const MASK = '***';

export function maskQuery(query: Record<string, string>, secret: ReadonlySet<string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(query)) out[k] = secret.has(k) ? MASK : v;
  return out;
}

export function maskBody(body: unknown, secret: ReadonlySet<string>): unknown {
  if (Array.isArray(body)) return body.map((b) => maskBody(b, secret));
  if (body === null || typeof body !== 'object') return body;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) out[k] = secret.has(k) && typeof v === 'string' ? MASK : maskBody(v, secret);
  return out;
}

export class RequestLog {
  private fd: number | null = null;
  private readonly secretQuery: ReadonlySet<string>;
  private readonly secretBody: ReadonlySet<string>;

  constructor(path: string | undefined, options: RequestLogOptions = {}) {
    this.secretQuery = new Set(options.secretQueryKeys ?? []);
    this.secretBody = new Set(options.secretBodyKeys ?? []);
    if (path) {
      mkdirSync(dirname(path), { recursive: true });
      this.fd = openSync(path, 'a');
    }
  }

  write(line: RequestLogLine): void {
    if (this.fd === null) return;
    const masked = {
      ...line,
      query: maskQuery(line.query, this.secretQuery),
      requestBody: maskBody(line.requestBody, this.secretBody),
      responseBody: maskBody(line.responseBody, this.secretBody),
    };
    writeSync(this.fd, JSON.stringify(masked) + '\n');
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
