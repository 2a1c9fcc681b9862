/**
 * What the API lets onboarding see of the company's number series (brief §7): it can neither read
 * nor set the next customer or invoice number, only the numbers already in use.
 */
import { z } from 'zod';
import type { TripletexTransport } from './tripletex-client';
import { TripletexBadRequestError, TripletexValidationError } from './tripletex-errors';
import { addDays } from '../../domain/calendar';
import { INVOICE_FIELDS, invoiceSchema, type TripletexInvoice } from './tripletex-schemas';

const customerNumberSchema = z.object({ customerNumber: z.number().int().nullish() });
const invoiceNumberSchema = z.object({ invoiceNumber: z.number().int().nullish() });

export interface TripletexCustomerNumbers {
  /** Customers, active and inactive. */
  count: number;
  /** The highest customer number in use, null when no customer has one. */
  highest: number | null;
  /** The customer numbers below `below`, ascending, each once. */
  below: number[];
}

/**
 * Every customer's number: `GET /customer?fields=customerNumber`, paged (one call per 1000
 * customers), once for active and once for inactive customers (Tripletex lists only active ones
 * unless `isInactive=true`, and an inactive customer still holds its number). Scans instead of
 * `sorting=customerNumber`, whose support the brief (§7) marks uncertain, and because GET /customer
 * has no number-range filter.
 */
export async function customerNumbers(t: TripletexTransport, below: number): Promise<TripletexCustomerNumbers> {
  const [active, inactive] = await Promise.all(
    [false, true].map((isInactive) => t.listAll('/customer', customerNumberSchema, { isInactive, fields: 'customerNumber' })),
  );
  const all = [...(active ?? []), ...(inactive ?? [])];
  const numbers = all.map((customer) => customer.customerNumber).filter((n): n is number => typeof n === 'number' && n > 0);
  return {
    count: all.length,
    highest: numbers.length > 0 ? Math.max(...numbers) : null,
    below: [...new Set(numbers.filter((n) => n < below))].sort((a, b) => a - b),
  };
}

/** The invoice-date window that covers every invoice: from 2000 to well past today (invoices may be dated ahead). */
function wideInvoiceWindow(t: TripletexTransport): { invoiceDateFrom: string; invoiceDateTo: string } {
  return { invoiceDateFrom: '2000-01-01', invoiceDateTo: addDays(t.today(), 400) };
}

/**
 * The highest invoice number in use (credit notes share the series), null when there is no
 * invoice: `GET /invoice?…&sorting=-invoiceNumber&count=1&fields=invoiceNumber` (brief §7; whether
 * the real API sorts on invoiceNumber is marked uncertain there). When Tripletex refuses the
 * sorting (422), it scans every invoice's number instead.
 */
export async function highestInvoiceNumber(t: TripletexTransport): Promise<number | null> {
  const window = wideInvoiceWindow(t);
  let numbers: number[];
  try {
    const page = await t.getPage('/invoice', invoiceNumberSchema, { ...window, sorting: '-invoiceNumber', from: 0, count: 1, fields: 'invoiceNumber' });
    numbers = page.map((invoice) => invoice.invoiceNumber ?? 0);
  } catch (error) {
    if (!(error instanceof TripletexValidationError || error instanceof TripletexBadRequestError)) throw error;
    const all = await t.listAll('/invoice', invoiceNumberSchema, { ...window, fields: 'invoiceNumber' });
    numbers = all.map((invoice) => invoice.invoiceNumber ?? 0);
  }
  const highest = numbers.reduce((max, n) => Math.max(max, n), 0);
  return highest > 0 ? highest : null;
}

/**
 * The invoices (credit notes included) that hold this number, whatever their date:
 * `GET /invoice?invoiceNumber=…` over the widest date window. Normally none or one; how a shop-mode
 * transfer tells a number taken by someone else from its own invoice.
 */
export function findInvoicesByNumber(t: TripletexTransport, invoiceNumber: number): Promise<TripletexInvoice[]> {
  return t.listAll('/invoice', invoiceSchema, { ...wideInvoiceWindow(t), invoiceNumber, fields: INVOICE_FIELDS });
}
