/**
 * Turns Mystore errors into Temporal ApplicationFailures with stable `type` names
 * (common/failure-types.ts), so workflows and retry policies decide on names, not classes.
 * `details` hold only non-secret data: status, masked path, Mystore's own words, the scope.
 * Never the token, never webhook secrets, never personal data from request bodies.
 */
import { ApplicationFailure, CancelledFailure } from '@temporalio/common';
import { MystoreFailureType } from '../../common/failure-types';
import { asCancelledFailure, rethrowingAs } from '../http/activity-failures';
import { MoneyConversionError } from '../money/exact-decimal';
import {
  MystoreAuthenticationError, MystoreBadRequestError, MystoreError, MystoreMissingScopeError, MystoreNetworkError,
  MystoreNotFoundError, MystoreRateLimitError, MystoreResponseError, MystoreServerError,
} from './mystore-errors';
import { MystoreCancelledError } from './mystore-client';

export { MystoreFailureType };

/** The one detail object every Mystore failure carries (details[0]). */
export interface MystoreFailureDetails {
  status?: number | undefined;
  method: string;
  path: string;
  outcomeUnknown: boolean;
  /** Mystore's error objects (title, status, detail). */
  errors: { title?: string | undefined; status?: string | undefined; detail?: string | undefined }[];
  /** Missing scope only: the scope Mystore named. */
  scope?: string | undefined;
  /** Network errors only; 'cancelled' when a cancellation was mapped to a failure (see toMystoreApplicationFailure). */
  kind?: 'timeout' | 'network' | 'cancelled';
  /** Response errors only: the field path that did not match. */
  fieldPath?: string;
  /** Rate limit only: the wait used as nextRetryDelay. */
  retryAfterMs?: number;
}

/**
 * Maps an error thrown by the Mystore client to an ApplicationFailure.
 * Non-retryable (a human must act, or the call is wrong): 400, 401/403 (token, scope), 404, an
 * invalid response. Retryable: 429 with nextRetryDelay (Retry-After, else a whole window), 5xx
 * including 504, network and timeout. Other errors become a retryable failure of their own name.
 * A MystoreCancelledError becomes a retryable Network failure (kind 'cancelled'), for callers
 * that need an ApplicationFailure; activities use toMystoreActivityFailure, which keeps it a cancellation.
 */
export function toMystoreApplicationFailure(error: unknown): ApplicationFailure {
  if (error instanceof ApplicationFailure) return error;
  if (error instanceof MoneyConversionError) {
    return ApplicationFailure.create({ message: `Mystore sent an amount that cannot be read exactly: ${error.message}`, type: MystoreFailureType.ResponseInvalid, nonRetryable: true });
  }
  if (!(error instanceof MystoreError)) return ApplicationFailure.fromError(error);

  const details: MystoreFailureDetails = {
    status: error.status,
    method: error.method,
    path: error.path,
    outcomeUnknown: error.outcomeUnknown,
    errors: error.errors.map(({ title, status, detail }) => ({ title, status, detail })),
  };
  const fail = (type: MystoreFailureType, nonRetryable: boolean, nextRetryDelay?: number) =>
    ApplicationFailure.create({
      message: error.message,
      type,
      nonRetryable,
      details: [details],
      // No `cause`: a transport error's chain may hold the request and its Authorization header.
      ...(nextRetryDelay === undefined ? {} : { nextRetryDelay }),
    });

  if (error instanceof MystoreMissingScopeError) {
    details.scope = error.scope;
    return fail(MystoreFailureType.MissingScope, true);
  }
  if (error instanceof MystoreAuthenticationError) return fail(MystoreFailureType.Authentication, true);
  if (error instanceof MystoreNotFoundError) return fail(MystoreFailureType.NotFound, true);
  if (error instanceof MystoreBadRequestError) return fail(MystoreFailureType.BadRequest, true);
  if (error instanceof MystoreRateLimitError) {
    details.retryAfterMs = error.retryAfterMs;
    return fail(MystoreFailureType.RateLimited, false, error.retryAfterMs);
  }
  if (error instanceof MystoreServerError) return fail(MystoreFailureType.Server, false);
  if (error instanceof MystoreNetworkError) {
    details.kind = error.kind;
    return fail(MystoreFailureType.Network, false);
  }
  if (error instanceof MystoreCancelledError) {
    details.kind = 'cancelled';
    return fail(MystoreFailureType.Network, false);
  }
  if (error instanceof MystoreResponseError) {
    details.fieldPath = error.fieldPath;
    return fail(MystoreFailureType.ResponseInvalid, true);
  }
  return fail(MystoreFailureType.Server, false);
}

/** Same as toMystoreApplicationFailure, under the name the Tripletex side uses. */
export const toApplicationFailure = toMystoreApplicationFailure;

/**
 * What an activity throws for `error`: toMystoreApplicationFailure(), except that a cancellation
 * stays a cancellation. Temporal's worker (1.24, worker/src/activity.ts) reports an attempt as
 * cancelled only when the activity was cancelled AND it throws a CancelledFailure (or an
 * AbortError); any other error, an ApplicationFailure included, is reported as an ordinary failure. So:
 * - a CancelledFailure (Context.sleep, a heartbeat, another library) passes through, and a bare
 *   AbortError becomes one;
 * - a MystoreCancelledError becomes a CancelledFailure with the SDK's reason as its message
 *   ('CANCELLED', 'WORKER_SHUTDOWN', 'TIMED_OUT', …) and MystoreFailureDetails as details[0]
 *   (outcomeUnknown says whether a write may have reached Mystore).
 *
 * What Temporal then records (worker/src/activity.ts, and sdk-core worker/activities.rs):
 * - cancel requested by the workflow: the attempt is reported cancelled (RespondActivityTaskCanceled,
 *   with our details); the workflow sees an ActivityFailure caused by a CancelledFailure. No retry.
 * - worker shutdown (reason 'WORKER_SHUTDOWN'; with the default shutdownGraceTime 0, core cancels
 *   every running activity as soon as shutdown starts): core does NOT report a cancellation but
 *   fails the attempt with its own retryable ApplicationFailure, type 'WorkerShutdown', message
 *   "Worker is shutting down and this activity did not complete in time" (our details are
 *   dropped), so the server schedules the next attempt under the activity's retry policy at once
 *   instead of waiting for a timeout.
 * - paused / reset: the worker reports a failure of type 'ActivityPause' / 'ActivityReset'.
 * - TIMED_OUT / NOT_FOUND: the server already gave up on this attempt; the report is moot.
 * If the activity was not cancelled by Temporal (the signal came from elsewhere), the thrown
 * CancelledFailure is reported as an ordinary retryable failure of type 'CancelledFailure'.
 */
export function toMystoreActivityFailure(error: unknown): ApplicationFailure | CancelledFailure {
  const cancellation = error instanceof MystoreCancelledError
    ? {
        reason: error.reason,
        message: error.message,
        details: { method: error.method, path: error.path, outcomeUnknown: error.outcomeUnknown, errors: [], kind: 'cancelled' } satisfies MystoreFailureDetails,
      }
    : undefined;
  return asCancelledFailure(error, cancellation) ?? toMystoreApplicationFailure(error);
}

/** Runs `fn` and rethrows whatever it throws as toMystoreActivityFailure() maps it: the wrapper for activity bodies that call Mystore. */
export function withMystoreFailures<T>(fn: () => Promise<T>): Promise<T> {
  return rethrowingAs(fn, toMystoreActivityFailure);
}
