/** The Tripletex API client: import from here. */
export { createTripletexClient, TripletexTransport, DEFAULT_PAGE_SIZE } from './tripletex-client';
export type { TripletexClient, TripletexClientOptions, Query, QueryValue } from './tripletex-client';
export * from './tripletex-errors';
export * from './to-application-failure';
export * from './money';
export { RateLimitPacer, sharedRateLimitPacer, readRateLimitHeaders } from './rate-limit-pacer';
export type { RateLimitPacerOptions, RateLimitHeaders } from './rate-limit-pacer';
export { SessionTokenCache, sharedSessionTokens, sessionKey, tripletexToday, TRIPLETEX_TIME_ZONE } from './session-tokens';
export type { SessionToken } from './session-tokens';
export type { TripletexOperations } from './tripletex-operations';
export { ACCESS_AREAS } from './session-operations';
export type { AccessArea, AccessReport } from './session-operations';
export type {
  FindCustomersFilter, TripletexNewCustomer, TripletexAddressInput, TripletexCustomerChanges, TripletexAddressChanges,
} from './customer-operations';
export { customerChanges } from './customer-operations';
export { vatTypeIdsByNumber } from './ledger-operations';
export type {
  TripletexInvoiceDraft, TripletexNewOrder, TripletexNewOrderLine, CreateInvoiceOptions, SearchInvoicesFilter,
  RegisterPaymentInput, CreateCreditNoteInput,
} from './invoice-operations';
export type { SearchOrdersFilter } from './order-operations';
export type { TripletexCustomerNumbers } from './numbering-operations';
export type {
  TripletexBankAccount, TripletexCustomer, TripletexInvoice, TripletexLoggedInUser, TripletexOrder, TripletexPaymentType, TripletexVatType,
} from './tripletex-schemas';
