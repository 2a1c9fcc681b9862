/** The Mystore API client: import from here. */
export { createMystoreClient, MystoreTransport, MYSTORE_USER_AGENT } from './mystore-client';
export type { MystoreClient, MystoreClientOptions, RawResponse, RequestTarget } from './mystore-client';
export type {
  MystoreOperations, MystoreOrderChange, ListOrdersChangedInput, MystoreNewestOrders, MystorePaymentModule, MystoreSettings, MystoreWebhook,
} from './mystore-operations';
export * from './mystore-errors';
export * from './to-application-failure';
export { MystoreRateLimitPacer, sharedMystorePacer, parseRetryAfter } from './mystore-rate-limit-pacer';
export type { MystorePacerOptions } from './mystore-rate-limit-pacer';
export { verifyMystoreWebhook, signMystoreWebhook, WebhookReplayGuard } from './webhook-signature';
export type { WebhookVerification, WebhookHeaderBag, WebhookReplayGuardOptions } from './webhook-signature';
export { cleanText, decodeEntities, resolveLanguage, stripControls } from './mystore-text';
export type { MultilingualText } from './mystore-text';
export { decodeMystoreToken, missingScopes } from './mystore-token';
export type { MystoreTokenClaims } from './mystore-token';
export {
  MystoreScopes, SCOPES_BY_OPERATION, OPERATION_PURPOSES, requiredMystoreScopes, MystoreWebhookTopics, WebhookHeaders, webhookDeliveryBodySchema, DEFAULT_PAGE_SIZE,
  MAX_PAGE_SIZE,
} from './mystore-api-assumptions';
export type { MystoreWebhookTopic, MystoreOperationName } from './mystore-api-assumptions';
export { mapOrderAggregate, norwegianOrgNumber, ORDER_FIELDSETS } from './mystore-order-mapper';
