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

export const MystoreFailureType = {
  /** 403 "Token has expired or is invalid" (or 401): the token is wrong, expired, revoked or for another shop. */
  Authentication: 'MystoreAuthentication',
  /** 403 "Missing scope: …": the token lacks a scope; details name it. The merchant must create a new token. */
  MissingScope: 'MystoreMissingScope',
  NotFound: 'MystoreNotFound',
  /** 400 (bad page size, unknown field or filter, refused write) and other unexpected 4xx. */
  BadRequest: 'MystoreBadRequest',
  /** 429, or the token's quota is spent for longer than an activity should wait; nextRetryDelay says when. */
  RateLimited: 'MystoreRateLimited',
  /** 5xx, including the 504 Mystore's gateway answers with. */
  Server: 'MystoreServer',
  /** Timeout, refused or dropped connection. */
  Network: 'MystoreNetwork',
  /** The response (or the order in it) did not have the shape docs/mystore-api-model.md describes. */
  ResponseInvalid: 'MystoreResponseInvalid',
} as const;

export type MystoreFailureType = (typeof MystoreFailureType)[keyof typeof MystoreFailureType];

/** Failures about the shop itself rather than either API. */
export const ShopFailureType = {
  /** No shop workflow: the shop was never onboarded. */
  NotRegistered: 'ShopNotRegistered',
  Offboarded: 'ShopOffboarded',
} as const;

/** Business failures a transfer parks on: a person must fix something, then retry. */
export const TransferFailureType = {
  /** A VAT code the order needs is not active in Tripletex. */
  VatCodeInactive: 'TransferVatCodeInactive',
  /** The Tripletex company has no currency with the order's code. */
  CurrencyUnknown: 'TransferCurrencyUnknown',
  /** Shop numbering: the order's invoice number is held by another invoice in Tripletex (made by hand, or Tripletex's own series). */
  InvoiceNumberTaken: 'TransferInvoiceNumberTaken',
} as const;
