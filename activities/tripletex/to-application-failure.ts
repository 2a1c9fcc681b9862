/**
 * Turns Tripletex errors into Temporal ApplicationFailures with stable `type` names, so
 * workflows and retry policies decide on names, not classes (DESIGN.md "three kinds of failure").
 * `details` hold only non-secret data: status, code, requestId, masked path, field messages.
 * Never tokens, never request bodies with personal data.
 */
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { TripletexFailureType } from '../../common/failure-types';
import { asCancelledFailure, rethrowingAs } from '../http/activity-failures';
import { MoneyConversionError } from './money';
import { TripletexCancelledError } from './tripletex-client';
import {
  TripletexAuthenticationError, TripletexBadRequestError, TripletexConflictError, TripletexError, TripletexNetworkError,
  TripletexNotFoundError, TripletexPermissionError, TripletexRateLimitError, TripletexResponseError, TripletexServerError,
  TripletexUsageError, TripletexValidationError, isRetryableConflict,
} from './tripletex-errors';

/**
 * The stable `type` names live in common/ (workflows branch on them and may not import
 * activities/); re-exported here so callers of the client find them next to the mapping.
 */
export { TripletexFailureType };

/** The one detail object every Tripletex failure carries (details[0]). */
export interface TripletexFailureDetails {
  status?: number | undefined;
  code?: number | undefined;
  requestId?: string | undefined;
  method: string;
  path: string;
  outcomeUnknown: boolean;
  validationMessages: { field?: string | undefined; message?: string | undefined; path?: string | undefined }[];
  /** Network errors only; 'cancelled' when a cancellation was mapped to a failure (see toApplicationFailure). */
  kind?: 'timeout' | 'network' | 'cancelled';
  /** Response errors only: the field path that did not match. */
  fieldPath?: string;
  /** Rate limit only: the wait the client suggested. */
  retryAfterMs?: number;
}

/**
 * Maps an error thrown by the Tripletex client to an ApplicationFailure.
 * Non-retryable (a human must act, or the call is wrong): 400, 401, 403, 404, 422, an invalid
 * response, a usage error, a 409 that says "already exists". Retryable: 409 revision/locked,
 * 429 (nextRetryDelay from the pacer: last known reset, else exponential), 5xx, network, timeout.
 * Other errors are returned as a retryable failure of their own name (Temporal's default).
 * A TripletexCancelledError becomes a retryable Network failure (kind 'cancelled'), for callers
 * that need an ApplicationFailure; activities use toActivityFailure, which keeps it a cancellation.
 */
export function toApplicationFailure(error: unknown): ApplicationFailure {
  if (error instanceof ApplicationFailure) return error;
  if (error instanceof MoneyConversionError) {
    // An amount Tripletex sent that is not whole øre: the response is not what we can book on.
    return ApplicationFailure.create({ message: error.message, type: TripletexFailureType.ResponseInvalid, nonRetryable: true });
  }
  if (!(error instanceof TripletexError)) return ApplicationFailure.fromError(error);

  const details: TripletexFailureDetails = {
    status: error.status,
    code: error.code,
    requestId: error.requestId,
    method: error.method,
    path: error.path,
    outcomeUnknown: error.outcomeUnknown,
    validationMessages: error.validationMessages.map(({ field, message, path }) => ({ field, message, path })),
  };
  const fail = (type: TripletexFailureType, nonRetryable: boolean, nextRetryDelay?: number) =>
    ApplicationFailure.create({
      message: error.message,
      type,
      nonRetryable,
      details: [details],
      // No `cause`: the original error's chain may hold ky/undici objects with the request URL.
      ...(nextRetryDelay === undefined ? {} : { nextRetryDelay }),
    });

  if (error instanceof TripletexAuthenticationError) return fail(TripletexFailureType.Authentication, true);
  if (error instanceof TripletexPermissionError) return fail(TripletexFailureType.Permission, true);
  if (error instanceof TripletexNotFoundError) return fail(TripletexFailureType.NotFound, true);
  if (error instanceof TripletexConflictError) return fail(TripletexFailureType.Conflict, !isRetryableConflict(error));
  if (error instanceof TripletexValidationError) return fail(TripletexFailureType.Validation, true);
  if (error instanceof TripletexBadRequestError) return fail(TripletexFailureType.BadRequest, true);
  if (error instanceof TripletexRateLimitError) {
    details.retryAfterMs = error.retryAfterMs;
    return fail(TripletexFailureType.RateLimited, false, error.retryAfterMs);
  }
  if (error instanceof TripletexServerError) return fail(TripletexFailureType.Server, false);
  if (error instanceof TripletexNetworkError) {
    details.kind = error.kind;
    return fail(TripletexFailureType.Network, false);
  }
  if (error instanceof TripletexCancelledError) {
    details.kind = 'cancelled';
    return fail(TripletexFailureType.Network, false);
  }
  if (error instanceof TripletexResponseError) {
    details.fieldPath = error.fieldPath;
    return fail(TripletexFailureType.ResponseInvalid, true);
  }
  // A call the client refused to send; common/failure-types.ts has no own name for it (yet).
  if (error instanceof TripletexUsageError) return fail(TripletexFailureType.BadRequest, true);
  return fail(TripletexFailureType.Server, false);
}

/**
 * What an activity throws for `error`: toApplicationFailure(), except that a cancellation stays a
 * cancellation. Temporal's worker (1.24, worker/src/activity.ts) reports an attempt as cancelled
 * only when the activity was cancelled AND it throws a CancelledFailure (or an AbortError); any
 * other error, an ApplicationFailure included, is reported as an ordinary failure. So:
 * - a CancelledFailure (Context.sleep, a heartbeat, another library) passes through, and a bare
 *   AbortError becomes one;
 * - a TripletexCancelledError becomes a CancelledFailure with the SDK's reason as its message
 *   ('CANCELLED', 'WORKER_SHUTDOWN', 'TIMED_OUT', …) and TripletexFailureDetails as details[0]
 *   (outcomeUnknown says whether a write may have reached Tripletex).
 *
 * What Temporal then records (worker/src/activity.ts, and sdk-core worker/activities.rs):
 * - cancel requested by the workflow: the attempt is reported cancelled (RespondActivityTaskCanceled,
 *   with our details); the workflow sees an ActivityFailure caused by a CancelledFailure. No retry.
 * - worker shutdown (reason 'WORKER_SHUTDOWN'; with the default shutdownGraceTime 0, core cancels
 *   every running activity as soon as shutdown starts): core does NOT report a cancellation but
 *   fails the attempt with its own retryable ApplicationFailure, type 'WorkerShutdown', message
 *   "Worker is shutting down and this activity did not complete in time" (our details are
 *   dropped), so the server schedules the next attempt under the activity's retry policy at once
 *   instead of waiting for a timeout; that attempt (attempt > 1) looks before it creates.
 * - paused / reset: the worker reports a failure of type 'ActivityPause' / 'ActivityReset'.
 * - TIMED_OUT / NOT_FOUND: the server already gave up on this attempt; the report is moot.
 * If the activity was not cancelled by Temporal (the signal came from elsewhere), the thrown
 * CancelledFailure is reported as an ordinary retryable failure of type 'CancelledFailure'.
 */
export function toActivityFailure(error: unknown): ApplicationFailure | CancelledFailure {
  const cancellation = error instanceof TripletexCancelledError
    ? {
        reason: error.reason,
        message: error.message,
        details: { method: error.method, path: error.path, outcomeUnknown: error.outcomeUnknown, validationMessages: [], kind: 'cancelled' } satisfies TripletexFailureDetails,
      }
    : undefined;
  return asCancelledFailure(error, cancellation) ?? toApplicationFailure(error);
}

/**
 * Runs `fn` and rethrows whatever it throws as toActivityFailure() maps it: the wrapper for
 * activity bodies that call Tripletex.
 */
export function withTripletexFailures<T>(fn: () => Promise<T>): Promise<T> {
  return rethrowingAs(fn, toActivityFailure);
}
