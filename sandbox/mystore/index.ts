// Public surface of the Mystore API v2 sandbox (see README.md). Imports nothing from the app.
export { startMystoreSandbox, DEFAULT_WEBHOOK_RETRY_DELAYS_MS, type MystoreSandbox, type MystoreSandboxOptions } from './server';
export {
  SandboxAdminError, DEFAULT_STATUSES, DEFAULT_PAYMENT_MODULES,
  type MystoreSandboxAdmin, type CreateShopInput, type ShopView, type CreateTokenInput, type GenerateOrdersInput,
  type CreditOrderInput, type OrderView,
} from './admin';
export { DEFAULT_CUSTOMER, type OrderSpec, type CustomerSpec, type LineSpec, type OptionSpec, type PaymentModuleCode, type StatusKey } from './order-spec';
export { generateOrderSpecs, isValidOrgNumber, FIRST_NAMES, LAST_NAMES, COMPANIES, type GenerateOrderSpecsOptions } from './order-generator';
export { signWebhookBody, WEBHOOK_TOPICS, type WebhookDelivery, type WebhookTopic } from './webhooks';
export { ALL_SCOPES } from './resources';
export type { FaultConfig, FaultKind } from '../shared/faults';
export type { RequestLogLine } from '../shared/request-log';
