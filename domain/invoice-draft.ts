/**
 * A Mystore order → everything Tripletex needs for its one invoice: the customer to find or
 * create, the lines with their VAT codes, the dates, the reference that finds the invoice again,
 * and how it is paid. Pure and deterministic; every reason to refuse an order is a value with a
 * plain-words message, never an exception.
 */
import { addDays } from './calendar';
import { mapInvoiceLines, type InvoiceLineDraft, type InvoiceLinesRejection } from './invoice-lines';
import type { MystoreOrderAggregate } from './mystore-order';
import { invoiceNumberingOf, vatCodeForRate, type ShopSettings } from './shop-settings';
import { shopInvoiceNumber } from './shop-numbering';

export type CustomerMatch =
  | { by: 'customerNumber'; customerNumber: number }
  | { by: 'organizationNumber'; organizationNumber: string }
  | { by: 'email'; email: string };

export interface CustomerDraft {
  /** How to find the customer in Tripletex before creating one. */
  match: CustomerMatch;
  /** Number to create the customer with; null lets Tripletex number it from its own series. */
  customerNumber: number | null;
  name: string;
  email: string;
  phone: string;
  organizationNumber: string | null;
  isPrivateIndividual: boolean;
  language: 'NO' | 'EN';
  postalAddress: { addressLine1: string; postalCode: string; city: string; country: string };
  /** Whether an existing customer is updated with this order's data ("do not overwrite" off). */
  updateExisting: boolean;
}

export interface InvoiceDraftLine extends InvoiceLineDraft {
  /** Tripletex outgoing VAT code number ("3", "31", "33", "5", "6"); the activity resolves its id. */
  vatCode: string;
}

export interface PaymentDraft {
  /** Which part of the order it pays: the order's own payment or a gift card used on it. */
  purpose: 'order' | 'gift-card';
  paymentTypeId: number;
  /** Minor units, positive. */
  amount: number;
}

export interface InvoiceDraft {
  shop: string;
  orderId: string;
  /** Written on the Tripletex order (`reference`): how a later try finds this invoice again (brief §8). */
  reference: string;
  /** Shown on the invoice (`invoiceComment`). */
  comment: string;
  currency: string;
  invoiceDate: string;
  dueDate: string;
  customer: CustomerDraft;
  lines: InvoiceDraftLine[];
  /** Σ lines, including what gift cards paid. */
  amountIncludingVat: number;
  vatByRate: Array<{ vatRate: number; vat: number }>;
  /** Payments registered on the invoice; the first one in the invoice call itself. */
  payments: PaymentDraft[];
  /** Whether Tripletex sends the invoice to the customer. Never for a fully paid invoice. */
  sendToCustomer: boolean;
  /** The shop's own number for the invoice (numbering mode `shop`); null or absent: Tripletex numbers it. */
  invoiceNumber?: number | null;
}

export type InvoiceDraftRejection =
  | InvoiceLinesRejection
  | { reason: 'unsupported-vat-rate'; message: string; vatRate: number }
  | { reason: 'unmapped-payment-method'; message: string; paymentModule: string }
  | { reason: 'no-customer-identity'; message: string }
  | { reason: 'no-shop-invoice-number'; message: string };

export type InvoiceDraftOutcome = { ok: true; draft: InvoiceDraft } | { ok: false; rejection: InvoiceDraftRejection };

/** The reference written on the Tripletex order. Stable: changing it would hide earlier invoices. */
export function tripletexOrderReference(shop: string, orderId: string): string {
  return `mystore:${shop}:${orderId}`;
}

/** The shop and order a reference written by tripletexOrderReference names; null for any other reference. */
export function parseTripletexOrderReference(reference: string): { shop: string; orderId: string } | null {
  const match = /^mystore:([^:]+):([^:]+)$/.exec(reference);
  return match ? { shop: match[1]!, orderId: match[2]! } : null;
}

export interface InvoiceDraftOptions {
  invoiceDate: string;
  /** Let Tripletex number this invoice even when the shop's numbers are used (an operator's choice for one order whose number is taken). */
  tripletexNumbers?: boolean;
}

export function buildInvoiceDraft(order: MystoreOrderAggregate, settings: ShopSettings, options: InvoiceDraftOptions): InvoiceDraftOutcome {
  const mapped = mapInvoiceLines(order);
  if (!mapped.ok) return mapped;
  let invoiceNumber: number | null = null;
  if (invoiceNumberingOf(settings).mode === 'shop' && !options.tripletexNumbers) {
    invoiceNumber = shopInvoiceNumber(order.orderId);
    if (invoiceNumber === null) {
      return {
        ok: false,
        rejection: {
          reason: 'no-shop-invoice-number',
          message: `Order ${order.orderId} has no number that can be an invoice number (a whole number up to 2147483647), and this shop's invoices carry the shop's own numbers. Let Tripletex number this one invoice: npm run cli -- retry --shop ${order.shop} --order ${order.orderId} --tripletex-number.`,
        },
      };
    }
  }
  const { lines, amountIncludingVat, giftCardAmount, vatByRate } = mapped.value;

  const draftLines: InvoiceDraftLine[] = [];
  for (const line of lines) {
    const vatCode = vatCodeForRate(line.vatRate, settings);
    if (vatCode === null) {
      return {
        ok: false,
        rejection: {
          reason: 'unsupported-vat-rate', vatRate: line.vatRate,
          message: `The line "${line.description}" has VAT ${line.vatRate / 100} %, which is not a Norwegian outgoing rate (25, 15, 12 or 0 %). Correct the product's tax class in Mystore.`,
        },
      };
    }
    draftLines.push({ ...line, vatCode });
  }

  const customer = customerDraft(order, settings);
  if ('reason' in customer) return { ok: false, rejection: customer };

  const payable = amountIncludingVat - giftCardAmount;
  const payments: PaymentDraft[] = [];
  let sendToCustomer = false;
  const method = settings.paymentMethods[order.paymentModule];
  if (payable > 0) {
    if (!method || (method.prepaid && method.tripletexPaymentTypeId === null)) return { ok: false, rejection: unmapped(order.paymentModule, order.paymentMethod) };
    if (method.prepaid) payments.push({ purpose: 'order', paymentTypeId: method.tripletexPaymentTypeId!, amount: payable });
    else sendToCustomer = method.sendInvoice;
  } else if (payable < 0) {
    // A credit: the money goes back through the payment provider (Klarna, Vipps, card) or is
    // settled against the open invoice; Tripletex gets the credit invoice, sent only where the
    // original invoice would have been.
    sendToCustomer = method !== undefined && !method.prepaid && method.sendInvoice;
  }
  if (giftCardAmount > 0) {
    const giftCard = settings.paymentMethods[GIFT_CARD_MODULE];
    if (!giftCard?.tripletexPaymentTypeId) return { ok: false, rejection: unmapped(GIFT_CARD_MODULE, 'gift card') };
    payments.push({ purpose: 'gift-card', paymentTypeId: giftCard.tripletexPaymentTypeId, amount: giftCardAmount });
  }

  return {
    ok: true,
    draft: {
      shop: order.shop,
      orderId: order.orderId,
      reference: tripletexOrderReference(order.shop, order.orderId),
      comment: `Nettbutikkordre ${order.orderId}`,
      currency: order.currency,
      invoiceDate: options.invoiceDate,
      dueDate: addDays(options.invoiceDate, settings.invoiceDueDays),
      customer,
      lines: draftLines,
      amountIncludingVat,
      vatByRate,
      payments,
      sendToCustomer,
      ...(invoiceNumber !== null ? { invoiceNumber } : {}),
    },
  };
}

/** The payment module a gift card is registered under in the shop's mapping. (Module code assumed; docs/mystore-api-model.md.) */
export const GIFT_CARD_MODULE = 'giftcard';

function unmapped(paymentModule: string, paymentMethod: string): InvoiceDraftRejection {
  return {
    reason: 'unmapped-payment-method', paymentModule,
    message: `The payment method "${paymentMethod}" (${paymentModule}) has no Tripletex payment type in this shop's settings. Map it (onboarding or the shop settings), then retry the transfer.`,
  };
}

function customerDraft(order: MystoreOrderAggregate, settings: ShopSettings): CustomerDraft | Extract<InvoiceDraftRejection, { reason: 'no-customer-identity' }> {
  const source = order.customer;
  const organizationNumber = source.organizationNumber?.replace(/\s/g, '') || null;
  const email = source.email.trim().toLowerCase();
  const mystoreNumber = source.customerId !== null && /^\d+$/.test(source.customerId) ? Number(source.customerId) : null;

  let match: CustomerMatch;
  let customerNumber: number | null = null;
  if (organizationNumber && settings.lookUpCustomersByOrganizationNumber) {
    match = { by: 'organizationNumber', organizationNumber };
  } else if (mystoreNumber !== null) {
    // Mystore's app convention: the Tripletex customer number is the Mystore customer number;
    // onboarding moves Tripletex's own series to 100000 so the two cannot meet (brief §2.1).
    match = { by: 'customerNumber', customerNumber: mystoreNumber };
    customerNumber = mystoreNumber;
  } else if (email) {
    match = { by: 'email', email };
  } else {
    return {
      reason: 'no-customer-identity',
      message: `Order ${order.orderId} has neither a Mystore customer number nor an e-mail address, so its customer cannot be found or created safely. Add an e-mail to the order in Mystore.`,
    };
  }

  const address = source.billingAddress;
  return {
    match,
    customerNumber,
    name: source.name,
    email,
    phone: source.phone,
    organizationNumber,
    isPrivateIndividual: organizationNumber === null,
    language: settings.language === 'no' || settings.language === 'nb' || settings.language === 'nn' ? 'NO' : 'EN',
    postalAddress: { addressLine1: address.street, postalCode: address.postcode, city: address.city, country: address.country },
    updateExisting: !settings.doNotOverwriteCustomers,
  };
}
