/**
 * A shop on both sandboxes, ready for transfers: a Tripletex company with a key, a Mystore shop
 * with a token, settings mapping every payment module, and its registration with Temporal.
 */
import { randomUUID } from 'node:crypto';
import type { Client } from '@temporalio/client';
import { registerShop, transferStatus } from '../../common/transfers';
import { DEFAULT_SHOP_SETTINGS, type ShopSettings } from '../../domain/shop-settings';
import type { TransferState } from '../../workflows';
import type { MystoreSandbox } from '../../sandbox/mystore';
import type { TripletexSandbox } from '../../sandbox/tripletex';

export interface TestShop {
  shopId: string;
  mystoreShop: string;
  companyId: number;
  employeeToken: string;
  mystoreToken: string;
  settings: ShopSettings;
}

export function createTestShop(tripletex: TripletexSandbox, mystore: MystoreSandbox, options: { activeVatCodes?: string[] } = {}): TestShop {
  const shopId = `shop-${randomUUID().slice(0, 8)}`;
  const company = tripletex.admin.createCompany({ name: `Butikk ${shopId} AS`, ...(options.activeVatCodes ? { activeVatCodes: options.activeVatCodes } : {}) });
  const employeeToken = tripletex.admin.createEmployeeToken(company.companyId, {});
  mystore.admin.createShop({ shop: shopId });
  const mystoreToken = mystore.admin.createToken(shopId);
  const paymentType = (description: string) => company.paymentTypes.find((type) => type.description === description)!.id;
  const bank = paymentType('Betalt til bank');
  const settings: ShopSettings = {
    ...DEFAULT_SHOP_SETTINGS,
    paymentMethods: {
      klarna: { prepaid: true, tripletexPaymentTypeId: paymentType('Klarna'), sendInvoice: false },
      vipps: { prepaid: true, tripletexPaymentTypeId: paymentType('Vipps'), sendInvoice: false },
      card: { prepaid: true, tripletexPaymentTypeId: bank, sendInvoice: false },
      giftcard: { prepaid: true, tripletexPaymentTypeId: bank, sendInvoice: false },
      invoice: { prepaid: false, tripletexPaymentTypeId: null, sendInvoice: true },
      cod: { prepaid: false, tripletexPaymentTypeId: null, sendInvoice: false },
    },
  };
  return { shopId, mystoreShop: shopId, companyId: company.companyId, employeeToken, mystoreToken, settings };
}

export async function registerTestShop(client: Client, taskQueue: string, shop: TestShop): Promise<void> {
  await registerShop(client, taskQueue, {
    shopId: shop.shopId,
    mystoreShop: shop.mystoreShop,
    settings: shop.settings,
    credentials: { tripletexEmployeeToken: shop.employeeToken, mystoreToken: shop.mystoreToken },
  });
}

/** Polls the transfer's `status` query until it reports `status` (20 s unless told). */
export async function waitForTransferStatus(client: Client, shopId: string, orderId: string, status: TransferState['status'], timeoutMs = 20_000): Promise<TransferState> {
  let last: TransferState | undefined;
  for (let i = 0; i < timeoutMs / 100; i++) {
    last = await transferStatus(client, shopId, orderId).catch(() => undefined);
    if (last?.status === status) return last;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`transfer of order ${orderId} never reached ${status}; last state: ${JSON.stringify(last)}`);
}
