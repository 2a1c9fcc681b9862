/**
 * The Mystore side of an order's transfer, and the shop record it needs: read the order
 * aggregate with the shop's settings, write the invoice back, tell a waiting transfer whether
 * the shop's credentials changed.
 */
import type { MystoreOrderAggregate } from '../domain/mystore-order';
import type { ShopSettings } from '../domain/shop-settings';
import { osloDate } from '../domain/calendar';
import type { ActivityDeps } from './activity-deps';
import { withMystoreFailures } from './mystore/to-application-failure';

export interface OrderForTransfer {
  order: MystoreOrderAggregate;
  settings: ShopSettings;
  /** Today in Oslo: the invoice date of a first try. */
  today: string;
  /** The version of the shop's credentials these reads used. */
  credentialsVersion: number;
}

export function createMystoreTransferActivities(deps: ActivityDeps) {
  return {
    /** The order with its lines, totals, customer and status (normally one Mystore call), and the shop's settings. */
    async loadOrderForTransfer(input: { shopId: string; orderId: string }): Promise<OrderForTransfer> {
      const shop = await deps.shops.get(input.shopId);
      const order = await withMystoreFailures(() => deps.mystoreClient(shop.mystoreShop, shop.credentials.mystoreToken, shop.settings.language).getOrderAggregate(input.orderId));
      return { order, settings: shop.settings, today: osloDate(deps.now()), credentialsVersion: shop.credentialsVersion };
    },

    /** Writes the Tripletex invoice number and date onto the Mystore order. Idempotent: the same values again change nothing. */
    async writeBackInvoiceToMystore(input: { shopId: string; orderId: string; invoiceNumber: string; invoiceDate: string }): Promise<void> {
      const shop = await deps.shops.get(input.shopId);
      await withMystoreFailures(() =>
        deps.mystoreClient(shop.mystoreShop, shop.credentials.mystoreToken, shop.settings.language).writeBackInvoice(input.orderId, { invoiceNumber: input.invoiceNumber, invoiceDate: input.invoiceDate }),
      );
    },

    /**
     * Hands a credit order (refund or return) to its original order's transfer, which turns it
     * into a credit note on the same history; starts that transfer again if it had finished.
     */
    async forwardCreditOrder(input: { shopId: string; originalOrderId: string; creditOrderId: string }): Promise<void> {
      await deps.signalTransfer(input.shopId, input.originalOrderId, { name: 'refund', creditOrderId: input.creditOrderId });
    },

    /** The shop's current credentials version, read fresh (no cache): a waiting transfer compares it with the one that was rejected. */
    async shopCredentialsVersion(input: { shopId: string }): Promise<{ credentialsVersion: number }> {
      deps.shops.forget(input.shopId);
      const shop = await deps.shops.get(input.shopId);
      return { credentialsVersion: shop.credentialsVersion };
    },
  };
}
