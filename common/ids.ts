/**
 * Identifiers that must be derived the same way everywhere: workflow ids are the first layer of
 * "exactly once" (Temporal refuses a second running workflow with the same id). Workflows import
 * this module, so it imports nothing: the validation (zod) is in common/id-schemas.ts.
 */

export function onboardingWorkflowId(shopId: string): string {
  return `onboarding-${shopId}`;
}

export function shopWorkflowId(shopId: string): string {
  return `shop-${shopId}`;
}

/** The memo field where the shop's workflow publishes its record (encrypted like every payload). */
export const SHOP_RECORD_MEMO_KEY = 'shopRecord';

/** One transfer workflow per order: a second start for the same order finds the first. */
export function transferWorkflowId(shopId: string, orderId: string): string {
  return `transfer-${shopId}-${orderId}`;
}
