/**
 * Invoices, payments and credit notes (brief §6.3–6.6). Amounts are decimal kroner, exactly as
 * Tripletex's JSON has them; convert from the app's øre with money.ts `oreToKroner`.
 */
import type { TripletexTransport } from './tripletex-client';
import { TripletexUsageError } from './tripletex-errors';
import { INVOICE_FIELDS, invoiceSchema, type TripletexInvoice } from './tripletex-schemas';

type IdRef = { id: number };

/** A line inside the embedded order ([SPEC] OrderLine). Exactly one of the two unit prices. */
export type TripletexNewOrderLine = {
  description: string;
  /** Quantity ([SPEC] calls it `count`). */
  count: number;
  vatType: IdRef;
  /** Percent. */
  discount?: number;
  product?: IdRef;
} & (
  | { unitPriceIncludingVatCurrency: number; unitPriceExcludingVatCurrency?: never }
  | { unitPriceExcludingVatCurrency: number; unitPriceIncludingVatCurrency?: never }
);

/** The order embedded in POST /invoice ([SPEC] Order). `reference` holds the shop order id (brief §8). */
export interface TripletexNewOrder {
  customer: IdRef;
  orderDate: string;
  deliveryDate: string;
  reference: string;
  invoiceComment?: string;
  /** true → every line carries only unitPriceIncludingVatCurrency ([FAQ], brief §6.1). */
  isPrioritizeAmountsIncludingVat: boolean;
  currency?: IdRef;
  orderLines: TripletexNewOrderLine[];
}

/** The body of POST /invoice ([SPEC] Invoice): "Only one order per invoice is supported". */
export interface TripletexInvoiceDraft {
  invoiceDate: string;
  /** Required in practice: omitting it gives 422 "Kan ikke være null" (brief §6.3). */
  invoiceDueDate: string;
  customer: IdRef;
  /** Omit (or 0) to let Tripletex number it (brief §7 recommends that). */
  invoiceNumber?: number;
  orders: [TripletexNewOrder];
}

export interface CreateInvoiceOptions {
  /** Required: Tripletex defaults to true and would e-mail the customer (brief §10). */
  sendToCustomer: boolean;
  /** With paidAmount: registers the prepayment in the same call (brief §6.3). */
  paymentTypeId?: number;
  /** Kroner, VAT included. */
  paidAmount?: number;
}

/**
 * `POST /invoice` with the order and its lines embedded, in one call. NOT idempotent: after an
 * error with `outcomeUnknown`, search (searchInvoices, matching orders[].reference) before
 * trying again (DESIGN.md principle 1).
 */
export async function createInvoice(t: TripletexTransport, draft: TripletexInvoiceDraft, options: CreateInvoiceOptions): Promise<TripletexInvoice> {
  const where = { method: 'POST', path: '/invoice' };
  if ((options.paymentTypeId === undefined) !== (options.paidAmount === undefined)) {
    throw new TripletexUsageError(where, 'paymentTypeId and paidAmount go together (both or neither)');
  }
  if (options.paidAmount !== undefined && options.paidAmount <= 0) {
    // brief §6.2: paidAmount=0 is treated as missing.
    throw new TripletexUsageError(where, 'paidAmount must be positive; leave both payment options out for an unpaid invoice');
  }
  for (const order of draft.orders) {
    order.orderLines.forEach((line, index) => {
      const inclusive = line.unitPriceIncludingVatCurrency !== undefined;
      if (inclusive !== order.isPrioritizeAmountsIncludingVat) {
        throw new TripletexUsageError(where, `orderLines[${index}] must carry only ${order.isPrioritizeAmountsIncludingVat ? 'unitPriceIncludingVatCurrency' : 'unitPriceExcludingVatCurrency'} when isPrioritizeAmountsIncludingVat is ${String(order.isPrioritizeAmountsIncludingVat)}`);
      }
    });
  }
  return t.send('POST', '/invoice', invoiceSchema, {
    query: { sendToCustomer: options.sendToCustomer, paymentTypeId: options.paymentTypeId, paidAmount: options.paidAmount },
    json: draft,
  });
}

export interface SearchInvoicesFilter {
  /** Inclusive, YYYY-MM-DD. Required by the API. */
  invoiceDateFrom: string;
  /** EXCLUSIVE, YYYY-MM-DD. Required by the API (brief §2, §6.4). */
  invoiceDateTo: string;
  customerId?: number;
  invoiceNumber?: number;
}

/**
 * `GET /invoice` (charged outgoing invoices, credit notes included) with `orders(id,reference)`,
 * so the shop order id written to Order.reference can be matched locally: `reference` is not a
 * search parameter (brief §8).
 */
export function searchInvoices(t: TripletexTransport, filter: SearchInvoicesFilter): Promise<TripletexInvoice[]> {
  return t.listAll('/invoice', invoiceSchema, {
    invoiceDateFrom: filter.invoiceDateFrom,
    invoiceDateTo: filter.invoiceDateTo,
    customerId: filter.customerId,
    invoiceNumber: filter.invoiceNumber,
    fields: INVOICE_FIELDS,
  });
}

export interface RegisterPaymentInput {
  paymentDate: string;
  paymentTypeId: number;
  /** Kroner, VAT included (pay `amountOutstanding`, brief §6.6). */
  paidAmount: number;
}

/**
 * `PUT /invoice/{id}/:payment` with query parameters (a JSON body gives 422 with every field
 * null, brief §6.6). Not idempotent: a repeat registers a second payment; check
 * `amountOutstanding` first.
 */
export function registerPayment(t: TripletexTransport, invoiceId: number, payment: RegisterPaymentInput): Promise<TripletexInvoice> {
  return t.send('PUT', `/invoice/${invoiceId}/:payment`, invoiceSchema, {
    query: { paymentDate: payment.paymentDate, paymentTypeId: payment.paymentTypeId, paidAmount: payment.paidAmount },
  });
}

export interface CreateCreditNoteInput {
  date: string;
  comment?: string;
  /** Deprecated by Tripletex in favour of sendType (2.71.17) but still accepted; Tripletex's default is true. */
  sendToCustomer?: boolean;
  sendType?: 'EMAIL' | 'EHF' | 'AVTALEGIRO' | 'EFAKTURA' | 'VIPPS' | 'PAPER' | 'MANUAL';
}

/**
 * `PUT /invoice/{id}/:createCreditNote`: a full credit of the invoice; returns the new invoice
 * (isCreditNote true, creditedInvoice = id). Not idempotent: check `isCredited` first (brief §6.5).
 */
export function createCreditNote(t: TripletexTransport, invoiceId: number, input: CreateCreditNoteInput): Promise<TripletexInvoice> {
  return t.send('PUT', `/invoice/${invoiceId}/:createCreditNote`, invoiceSchema, {
    query: { date: input.date, comment: input.comment, sendToCustomer: input.sendToCustomer, sendType: input.sendType },
  });
}
