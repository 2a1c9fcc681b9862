/**
 * Pieces of the request path that are the same for every HTTP API this app calls (Tripletex,
 * Mystore): query strings, zod issue paths, network error codes. API-specific rules (auth,
 * envelopes, error bodies) stay in each client.
 */

export type QueryValue = string | number | boolean | null | undefined | readonly (string | number)[];
export type Query = Readonly<Record<string, QueryValue>>;

/**
 * Network error codes after which the request certainly never reached the server, so even a
 * write did not happen. Any other network failure leaves a write's outcome unknown.
 */
export const NOT_SENT_NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EHOSTUNREACH', 'UND_ERR_CONNECT_TIMEOUT',
]);

/**
 * Query string: undefined/null dropped, lists comma-separated (Tripletex "in" filters, JSON:API
 * `fields[type]=a,b` and `include=a,b`). Spaces go as %20, not the form-style '+' URLSearchParams
 * writes: every server decodes %20, while not every server reads '+' in a query as a space.
 */
export function toSearchParams(query: Query): string {
  const params = new URLSearchParams();
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined || value === null) continue;
    params.set(name, Array.isArray(value) ? value.join(',') : String(value));
  }
  return params.toString().replace(/\+/g, '%20');
}

/** A zod issue path as text: `data[3].attributes.value`. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  return path.reduce<string>((out, key) => (typeof key === 'number' ? `${out}[${key}]` : out ? `${out}.${String(key)}` : String(key)), '');
}

/** The first string `code` along an error's cause chain (undici puts it on `cause`). */
export function networkErrorCode(error: unknown): string | undefined {
  for (let current: unknown = error, depth = 0; current && depth < 4; depth += 1) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** `throw` as an expression, so a function returning `never` can end a typed branch. */
export function throwError(error: Error): never {
  throw error;
}

/**
 * `promise`, unless `signal` fires first: then rejects with `cancelled()`. The promise itself is
 * not stopped (a pacer sleep, another caller's shared session create); its outcome is dropped.
 */
export function untilAborted<T>(promise: Promise<T>, signal: AbortSignal | undefined, cancelled: () => Error): Promise<T> {
  if (!signal) return promise;
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(cancelled());
    if (signal.aborted) onAbort();
    else signal.addEventListener('abort', onAbort, { once: true });
    void promise.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (error: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(error);
      },
    );
  });
}

/** An abort reason as text for messages and logs: a CancelledFailure's message is the cancel reason (e.g. WORKER_SHUTDOWN). */
export function describeReason(reason: unknown): string {
  if (reason instanceof Error) return reason.message || reason.name;
  return reason === undefined ? 'aborted' : String(reason);
}
