/**
 * A shop's settings as the transfer needs them. Chosen at onboarding, changed by the operator;
 * the values mirror what Mystore's own Tripletex app lets a merchant choose (brief §2.2).
 */

/** How orders paid with one Mystore payment module are invoiced. */
export interface PaymentMethodSetting {
  /**
   * Prepaid (Klarna, Vipps, card, gift card): the payment is registered in the invoice call and
   * the invoice is not sent, so the customer never gets a second bill. Otherwise (invoice, cash
   * on delivery) the invoice stays outstanding.
   */
  prepaid: boolean;
  /** The Tripletex payment type a prepaid payment is registered on (required when prepaid). */
  tripletexPaymentTypeId: number | null;
  /** Whether Tripletex sends the invoice to the customer (only for invoices that are not prepaid). */
  sendInvoice: boolean;
}

export interface ShopSettings {
  /** The shop's language, for multilingual Mystore fields and the Tripletex customer language. */
  language: string;
  /** Mystore payment module code → how it is invoiced. An unmapped module parks the transfer. */
  paymentMethods: Record<string, PaymentMethodSetting>;
  /** "Søk etter kunde": match business customers by organisation number; new ones get Tripletex's numbers. */
  lookUpCustomersByOrganizationNumber: boolean;
  /** "Ikke oppdater kunde": never change a Tripletex customer that already exists. */
  doNotOverwriteCustomers: boolean;
  /** Days from invoice date to due date. */
  invoiceDueDays: number;
  /** Tripletex VAT code for 0 % lines: 5 (within the VAT act, exempt) or 6 (outside it). */
  zeroRateVatCode: '5' | '6';
  /** Minutes between two runs of the shop's scheduled reconciliation (its Temporal Schedule `reconcile-<shop>`). */
  reconciliationIntervalMinutes: number;
  /** Who numbers the shop's invoices in Tripletex; absent (shops onboarded before the choice existed): Tripletex. */
  invoiceNumbering?: InvoiceNumbering;
}

/**
 * Who numbers the shop's invoices (domain/numbering.ts):
 * - `tripletex`: Tripletex numbers every invoice from its own series; the number is written back to Mystore.
 * - `shop`: each invoice carries the shop's own number for the order (shopInvoiceNumber); Tripletex's own
 *   series (invoices made by hand, full credit notes) starts far above it, at `tripletexSeriesStart`.
 */
export type InvoiceNumbering =
  | { mode: 'tripletex' }
  | {
    mode: 'shop';
    /** The start of Tripletex's own invoice series that the merchant set and onboarding verified. */
    tripletexSeriesStart: number;
    /** The lowest number of the shop's own series. */
    shopSeriesFrom: number;
    /** Numbers the shop's series used a year when onboarding measured it (0: unknown). */
    shopNumbersPerYear: number;
  };

export type InvoiceNumberingMode = InvoiceNumbering['mode'];

export function invoiceNumberingOf(settings: Pick<ShopSettings, 'invoiceNumbering'>): InvoiceNumbering {
  return settings.invoiceNumbering ?? { mode: 'tripletex' };
}

export const DEFAULT_SHOP_SETTINGS: Omit<ShopSettings, 'paymentMethods'> = {
  language: 'no',
  lookUpCustomersByOrganizationNumber: false,
  doNotOverwriteCustomers: false,
  invoiceDueDays: 14,
  zeroRateVatCode: '5',
  reconciliationIntervalMinutes: 60,
};

/** Tripletex's outgoing VAT code numbers for the Norwegian rates (basis points → code). */
export function vatCodeForRate(rateBasisPoints: number, settings: Pick<ShopSettings, 'zeroRateVatCode'>): string | null {
  switch (rateBasisPoints) {
    case 2500:
      return '3';
    case 1500:
      return '31';
    case 1200:
      return '33';
    case 0:
      return settings.zeroRateVatCode;
    default:
      return null;
  }
}
