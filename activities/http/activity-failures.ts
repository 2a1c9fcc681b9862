/**
 * How an activity that calls an HTTP API reports a failure to Temporal, the part that is the same
 * for every API: a cancellation (the activity was cancelled, the worker is shutting down) must
 * reach Temporal as a CancelledFailure, never as a business error, so the attempt is retried
 * (or cancelled) rather than failed for good. What happens then is explained where each API's
 * failures are mapped (activities/tripletex/to-application-failure.ts).
 */
import { CancelledFailure } from '@temporalio/common';

/** A client's own "the call was aborted" error, seen through what Temporal needs of it. */
export interface ClientCancellation {
  /** The signal's reason: the SDK's CancelledFailure ('WORKER_SHUTDOWN', …) when Temporal cancelled. */
  reason: unknown;
  message: string;
  /** Non-secret details for the failure (method, masked path, outcomeUnknown). */
  details: unknown;
}

/**
 * The CancelledFailure to throw for `error`, or undefined when it is not a cancellation. A
 * CancelledFailure passes through; a bare AbortError becomes one; a client's own cancelled error
 * (`cancellation`) becomes one with the SDK's reason as its message.
 */
export function asCancelledFailure(error: unknown, cancellation?: ClientCancellation): CancelledFailure | undefined {
  if (error instanceof CancelledFailure) return error;
  if (error instanceof Error && error.name === 'AbortError') return new CancelledFailure(error.message || 'AbortError');
  if (!cancellation) return undefined;
  const message = cancellation.reason instanceof CancelledFailure ? cancellation.reason.message : cancellation.message;
  return new CancelledFailure(message, [cancellation.details]);
}

/** Runs an activity body and rethrows what it throws as `toFailure` maps it. */
export async function rethrowingAs<T>(fn: () => Promise<T>, toFailure: (error: unknown) => Error): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw toFailure(error);
  }
}
