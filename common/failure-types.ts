/**
 * Stable `ApplicationFailure.type` names. Activities throw them, workflows branch on them, and an
 * operator filters by them in the Temporal UI, so they never change once released.
 */
export const TripletexFailureType = {
  /** 401, or a consumer/employee token Tripletex does not accept at session create. */
  Authentication: 'TripletexAuthentication',
  /** 403: the key lacks an entitlement or the company lacks a module. */
  Permission: 'TripletexPermission',
  NotFound: 'TripletexNotFound',
  Conflict: 'TripletexConflict',
  /** 422: Tripletex rejected the content; a human must fix data or settings. */
  Validation: 'TripletexValidation',
  BadRequest: 'TripletexBadRequest',
  RateLimited: 'TripletexRateLimited',
  Server: 'TripletexServer',
  Network: 'TripletexNetwork',
  /** The response did not have the shape the API documents. */
  ResponseInvalid: 'TripletexResponseInvalid',
} as const;

export type TripletexFailureType = (typeof TripletexFailureType)[keyof typeof TripletexFailureType];
