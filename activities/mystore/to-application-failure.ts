/**
 * Turns Mystore errors into Temporal ApplicationFailures with stable `type` names
 * (common/failure-types.ts), so workflows and retry policies decide on names, not classes.
 * `details` hold only non-secret data: status, masked path, Mystore's own words, the scope.
 * Never the token, never webhook secrets, never personal data from request bodies.
 */
import { ApplicationFailure } from '@temporalio/common';
import { MystoreFailureType } from '../../common/failure-types';
import { MoneyConversionError } from '../money/exact-decimal';
import {
  MystoreAuthenticationError, MystoreBadRequestError, MystoreError, MystoreMissingScopeError, MystoreNetworkError,
  MystoreNotFoundError, MystoreRateLimitError, MystoreResponseError, MystoreServerError,
} from './mystore-errors';

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
  /** Network errors only. */
  kind?: 'timeout' | 'network';
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
  if (error instanceof MystoreResponseError) {
    details.fieldPath = error.fieldPath;
    return fail(MystoreFailureType.ResponseInvalid, true);
  }
  return fail(MystoreFailureType.Server, false);
}

/** Same as toMystoreApplicationFailure, under the name the Tripletex side uses. */
export const toApplicationFailure = toMystoreApplicationFailure;

/** Runs `fn` and rethrows whatever it throws as an ApplicationFailure: the wrapper for activity bodies that call Mystore. */
export async function withMystoreFailures<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw toMystoreApplicationFailure(error);
  }
}
