/** Customers: look up before creating, since Tripletex has no idempotency keys (brief §8). */
import type { TripletexTransport } from './tripletex-client';
import { TripletexUsageError } from './tripletex-errors';
import { CUSTOMER_FIELDS, customerSchema, type TripletexCustomer } from './tripletex-schemas';

/** GET /customer filters, spec names ([SPEC] Customer_search). All are exact matches. */
export interface FindCustomersFilter {
  /** Customer numbers ("List of customer numbers"), sent comma-separated. */
  customerAccountNumber?: number | readonly number[];
  email?: string;
  organizationNumber?: string;
}

/** An address as POST /customer takes it ([SPEC] Address). */
export interface TripletexAddressInput {
  addressLine1?: string;
  addressLine2?: string;
  postalCode?: string;
  city?: string;
  /** Country by Tripletex id (Norway was 161 in one environment; resolve via /country, brief §4). */
  country?: { id: number };
}

/** The body of POST /customer, spec names ([SPEC] Customer). */
export interface TripletexNewCustomer {
  name: string;
  /** Writable; the app assigns its own series from 100000 (brief §7). */
  customerNumber?: number;
  organizationNumber?: string;
  email?: string;
  invoiceEmail?: string;
  phoneNumber?: string;
  phoneNumberMobile?: string;
  isPrivateIndividual?: boolean;
  language?: 'NO' | 'EN';
  invoiceSendMethod?: 'EMAIL' | 'EHF' | 'EFAKTURA' | 'AVTALEGIRO' | 'VIPPS' | 'PAPER' | 'MANUAL';
  invoicesDueIn?: number;
  invoicesDueInType?: 'DAYS' | 'MONTHS' | 'RECURRING_DAY_OF_MONTH';
  postalAddress?: TripletexAddressInput;
}

/**
 * `GET /customer` by number, email or organisation number. At least one filter is required:
 * without one Tripletex returns every customer (brief §2). Inactive customers are not
 * returned (Tripletex's default `isInactive=false`).
 */
export async function findCustomers(t: TripletexTransport, filter: FindCustomersFilter): Promise<TripletexCustomer[]> {
  const numbers = filter.customerAccountNumber === undefined ? undefined : ([] as number[]).concat(filter.customerAccountNumber);
  if ((numbers === undefined || numbers.length === 0) && !filter.email && !filter.organizationNumber) {
    throw new TripletexUsageError({ method: 'GET', path: '/customer' }, 'findCustomers needs customerAccountNumber, email or organizationNumber');
  }
  return t.listAll('/customer', customerSchema, {
    customerAccountNumber: numbers,
    email: filter.email || undefined,
    organizationNumber: filter.organizationNumber || undefined,
    fields: CUSTOMER_FIELDS,
  });
}

/**
 * `POST /customer`. Not idempotent: after an error with `outcomeUnknown`, look the customer up
 * (findCustomers by the number, email or organisation number sent) before creating again.
 */
export function createCustomer(t: TripletexTransport, customer: TripletexNewCustomer): Promise<TripletexCustomer> {
  return t.send('POST', '/customer', customerSchema, { json: customer });
}
