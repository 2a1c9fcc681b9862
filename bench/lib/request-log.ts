/**
 * Reads a sandbox's request log (sandbox/shared/request-log.ts: one JSON line per API request,
 * written synchronously as it is answered) as it grows, so a benchmark can see each invoice the
 * moment Tripletex created it, with the sandbox's own timestamp, without asking the sandbox.
 */
import { closeSync, existsSync, openSync, readSync } from 'node:fs';

export interface LoggedRequest {
  /** Epoch ms of the answer (the sandbox clock is this machine's). */
  atMs: number;
  method: string;
  path: string;
  status: number | null;
  requestBody: unknown;
  fault?: string;
}

export class RequestLogReader {
  private fd: number | undefined;
  private offset = 0;
  private rest = '';
  private readonly buffer = Buffer.alloc(1 << 20);

  constructor(private readonly file: string) {}

  /** The requests logged since the last call. */
  readNew(): LoggedRequest[] {
    if (this.fd === undefined) {
      if (!existsSync(this.file)) return [];
      this.fd = openSync(this.file, 'r');
    }
    const out: LoggedRequest[] = [];
    for (;;) {
      const read = readSync(this.fd, this.buffer, 0, this.buffer.length, this.offset);
      if (read <= 0) break;
      this.offset += read;
      const text = this.rest + this.buffer.toString('utf8', 0, read);
      const lines = text.split('\n');
      this.rest = lines.pop() ?? '';
      for (const line of lines) {
        if (line.trim() === '') continue;
        const parsed = JSON.parse(line) as { time: string; method: string; path: string; status: number | null; requestBody: unknown; fault?: string };
        out.push({ atMs: Date.parse(parsed.time), method: parsed.method, path: parsed.path, status: parsed.status, requestBody: parsed.requestBody, ...(parsed.fault ? { fault: parsed.fault } : {}) });
      }
    }
    return out;
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/** The order reference (`mystore:<shop>:<order>`) of a logged `POST /v2/invoice` that succeeded, else undefined. */
export function createdInvoiceReference(request: LoggedRequest): string | undefined {
  if (request.method !== 'POST' || request.path !== '/v2/invoice' || request.status === null || request.status >= 300) return undefined;
  const orders = (request.requestBody as { orders?: Array<{ reference?: unknown }> } | null)?.orders;
  const reference = orders?.[0]?.reference;
  return typeof reference === 'string' ? reference : undefined;
}

/**
 * Follows the Tripletex request log and records when each order's invoice was created. `wait`
 * resolves once every reference asked for has one (or the deadline passes).
 */
export class InvoiceWatcher {
  private readonly reader: RequestLogReader;
  /** reference → epoch ms of its first successful POST /invoice. */
  readonly createdAt = new Map<string, number>();
  /** Invoices created for a reference that already had one (exactly-once says 0). */
  duplicates = 0;

  constructor(file: string) {
    this.reader = new RequestLogReader(file);
  }

  poll(): void {
    for (const request of this.reader.readNew()) {
      const reference = createdInvoiceReference(request);
      if (reference === undefined) continue;
      if (this.createdAt.has(reference)) this.duplicates += 1;
      else this.createdAt.set(reference, request.atMs);
    }
  }

  async wait(references: readonly string[], timeoutMs: number, onProgress?: (done: number) => void, intervalMs = 100): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    let lastDone = -1;
    for (;;) {
      this.poll();
      const done = references.filter((reference) => this.createdAt.has(reference)).length;
      if (done !== lastDone) onProgress?.(done);
      lastDone = done;
      if (done === references.length) return true;
      if (Date.now() > deadline) return false;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }

  close(): void {
    this.reader.close();
  }
}

/** The reference a transfer writes on the order of its invoice (domain/invoice-draft.ts). */
export { tripletexOrderReference as invoiceReference } from '../../domain/invoice-draft';
