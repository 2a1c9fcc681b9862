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

/** The postal-address lines a customer update sets ([SPEC] Address). */
export interface TripletexAddressChanges {
  /** The existing address's id: with it Tripletex updates that address instead of adding one (brief §4). */
  id?: number;
  addressLine1?: string;
  postalCode?: string;
  city?: string;
}

/**
 * The body of `PUT /customer/{id}`: only the fields to change, spec names ([SPEC] Customer).
 * There is no `version`: like Mystore's own Tripletex app, the last writer wins (brief §2).
 */
export interface TripletexCustomerChanges {
  name?: string;
  email?: string;
  invoiceEmail?: string;
  phoneNumberMobile?: string;
  organizationNumber?: string;
  isPrivateIndividual?: boolean;
  language?: 'NO' | 'EN';
  postalAddress?: TripletexAddressChanges;
}

const SCALAR_CHANGES = [
  'name', 'email', 'invoiceEmail', 'phoneNumberMobile', 'organizationNumber', 'isPrivateIndividual', 'language',
] as const satisfies ReadonlyArray<keyof TripletexCustomerChanges & keyof TripletexCustomer>;
const ADDRESS_CHANGES = ['addressLine1', 'postalCode', 'city'] as const satisfies ReadonlyArray<keyof TripletexAddressChanges>;

/** Tripletex sends an empty text as "" or null (brief §12); both mean "empty". */
function sameValue(existing: string | boolean | undefined, wanted: string | boolean): boolean {
  return typeof wanted === 'string' ? (existing ?? '') === wanted : existing === wanted;
}

/**
 * What `PUT /customer/{id}` must send to turn `existing` into `wanted`: the fields of `wanted`
 * whose value differs, or null when none does (skip the PUT). Fields left out of `wanted` are
 * not compared. `existing` must be read with CUSTOMER_FIELDS (findCustomers, updateCustomer):
 * a POST response carries the address as a stub, so every wanted address line looks changed.
 *
 * When any address line differs, the whole wanted `postalAddress` is sent, not only the lines
 * that differ: the update sends no address `id`, and Tripletex may then store the sub-object as
 * a new address (brief §4), which would drop lines left out.
 */
export function customerChanges(existing: TripletexCustomer, wanted: TripletexCustomerChanges): TripletexCustomerChanges | null {
  const changes: TripletexCustomerChanges = {};
  let any = false;
  for (const key of SCALAR_CHANGES) {
    const value = wanted[key];
    if (value === undefined || sameValue(existing[key], value)) continue;
    Object.assign(changes, { [key]: value });
    any = true;
  }
  const address = wanted.postalAddress;
  if (address && ADDRESS_CHANGES.some((key) => address[key] !== undefined && !sameValue(existing.postalAddress?.[key], address[key]))) {
    changes.postalAddress = { ...address, ...(existing.postalAddress?.id !== undefined ? { id: existing.postalAddress.id } : {}) };
    any = true;
  }
  return any ? changes : null;
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

/** Customers per page of listCustomerPages: Tripletex's default `count` (brief §2). */
export const CUSTOMER_PAGE_SIZE = 1000;

/**
 * Every active customer, or those changed since `changedSince`, one page (CUSTOMER_PAGE_SIZE
 * customers) per iteration, read with CUSTOMER_FIELDS: the customer cache's full read and its
 * delta (customer-cache.ts). Paged by `from += count` until a short page, like listAll, but page
 * by page, so a large company's list never sits in memory as parsed objects all at once.
 *
 * `changedSince` is sent as `YYYY-MM-DDThh:mm:ss` (the API's DateTime, brief §2) in UTC.
 * Assumption (Tripletex API): the naive date-time is read as Norwegian local time or as UTC. Both
 * are at or ahead of UTC, so a UTC value asks for at least the wanted window (never less).
 * Assumption: a customer created after `changedSince` counts as changed since then.
 */
export async function* listCustomerPages(
  t: TripletexTransport,
  options: { changedSince?: Date; pageSize?: number } = {},
): AsyncGenerator<TripletexCustomer[], void, undefined> {
  const pageSize = options.pageSize ?? CUSTOMER_PAGE_SIZE;
  const changedSince = options.changedSince === undefined ? undefined : options.changedSince.toISOString().slice(0, 19);
  for (let from = 0; ; ) {
    const page = await t.getPage('/customer', customerSchema, { ...(changedSince ? { changedSince } : {}), fields: CUSTOMER_FIELDS, from, count: pageSize });
    yield page;
    if (page.length < pageSize || page.length === 0) return;
    from += page.length;
  }
}

/**
 * `POST /customer`. Not idempotent: after an error with `outcomeUnknown`, look the customer up
 * (findCustomers by the number, email or organisation number sent) before creating again.
 */
export function createCustomer(t: TripletexTransport, customer: TripletexNewCustomer): Promise<TripletexCustomer> {
  return t.send('POST', '/customer', customerSchema, { json: customer });
}

/**
 * `PUT /customer/{id}`: a partial update; only the fields in `changes` are written (build them
 * with customerChanges() to skip a PUT that changes nothing). Sends no `version`, so it
 * overwrites whatever is there (last writer wins); a 409 is a TripletexConflictError. Asks for
 * CUSTOMER_FIELDS, so the result can be compared again. Idempotent: it may be repeated after an
 * error with `outcomeUnknown`.
 */
export async function updateCustomer(t: TripletexTransport, id: number, changes: TripletexCustomerChanges): Promise<TripletexCustomer> {
  if (!Number.isInteger(id) || id <= 0) {
    throw new TripletexUsageError({ method: 'PUT', path: '/customer/{id}' }, `updateCustomer needs a customer id, got ${String(id)}`);
  }
  return t.send('PUT', `/customer/${id}`, customerSchema, { json: changes, query: { fields: CUSTOMER_FIELDS } });
}
