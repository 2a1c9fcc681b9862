// One JSON line per /v2 request (the contract tests validate every line against the spec).
// Tokens are masked everywhere: consumer/employee tokens in the query, session tokens in
// bodies; the Authorization header is never logged. Written synchronously so that a committed
// write is on disk even when the connection is then cut (commitThenDrop).
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

const MASK = '***';
const SECRET_QUERY = new Set(['consumerToken', 'employeeToken', 'token']);
const SECRET_KEYS = new Set(['token', 'encryptionKey', 'consumerToken', 'employeeToken', 'sessionToken']);

export function maskQuery(query: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(query)) out[k] = SECRET_QUERY.has(k) ? MASK : v;
  return out;
}

export function maskBody(body: unknown): unknown {
  if (Array.isArray(body)) return body.map(maskBody);
  if (body === null || typeof body !== 'object') return body;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(body)) out[k] = SECRET_KEYS.has(k) && typeof v === 'string' ? MASK : maskBody(v);
  return out;
}

export class RequestLog {
  private fd: number | null = null;

  constructor(path: string | undefined) {
    if (path) {
      mkdirSync(dirname(path), { recursive: true });
      this.fd = openSync(path, 'a');
    }
  }

  write(line: RequestLogLine): void {
    if (this.fd === null) return;
    const masked = { ...line, query: maskQuery(line.query), requestBody: maskBody(line.requestBody), responseBody: maskBody(line.responseBody) };
    writeSync(this.fd, JSON.stringify(masked) + '\n');
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }
}
