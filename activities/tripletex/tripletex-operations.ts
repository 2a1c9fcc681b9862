/**
 * Every Tripletex operation the app uses, bound to one transport (one employee token). Each
 * operation lives in the file of its area; this file only assembles them into the client.
 */
import type { TripletexTransport } from './tripletex-client';
import {
  createCustomer, findCustomers, updateCustomer, type FindCustomersFilter, type TripletexCustomerChanges, type TripletexNewCustomer,
} from './customer-operations';
import {
  createCreditNote, createInvoice, registerPayment, searchInvoices,
  type CreateCreditNoteInput, type CreateInvoiceOptions, type RegisterPaymentInput, type SearchInvoicesFilter, type TripletexInvoiceDraft,
} from './invoice-operations';
import { customerNumbers, findInvoicesByNumber, highestInvoiceNumber, type TripletexCustomerNumbers } from './numbering-operations';
import { findCurrencyId, listBankAccounts, listOutgoingVatTypes, listPaymentTypes } from './ledger-operations';
import { searchOrders, type SearchOrdersFilter } from './order-operations';
import { probeAccess, whoAmI, type AccessArea } from './session-operations';
import type {
  TripletexBankAccount, TripletexCustomer, TripletexInvoice, TripletexLoggedInUser, TripletexOrder, TripletexPaymentType, TripletexVatType,
} from './tripletex-schemas';

export interface TripletexOperations {
  whoAmI(): Promise<TripletexLoggedInUser>;
  /** One cheap read per area (all areas when omitted): 403 → false. */
  probeAccess<Area extends AccessArea>(areas?: readonly Area[]): Promise<Record<Area, boolean>>;
  findCustomers(filter: FindCustomersFilter): Promise<TripletexCustomer[]>;
  createCustomer(customer: TripletexNewCustomer): Promise<TripletexCustomer>;
  /** Partial update, no `version` (last writer wins); see customerChanges() to skip a no-op. */
  updateCustomer(id: number, changes: TripletexCustomerChanges): Promise<TripletexCustomer>;
  listOutgoingVatTypes(date: string): Promise<TripletexVatType[]>;
  listBankAccounts(): Promise<TripletexBankAccount[]>;
  listPaymentTypes(): Promise<TripletexPaymentType[]>;
  findCurrencyId(code: string): Promise<number | undefined>;
  createInvoice(draft: TripletexInvoiceDraft, options: CreateInvoiceOptions): Promise<TripletexInvoice>;
  searchInvoices(filter: SearchInvoicesFilter): Promise<TripletexInvoice[]>;
  registerPayment(invoiceId: number, payment: RegisterPaymentInput): Promise<TripletexInvoice>;
  createCreditNote(invoiceId: number, input: CreateCreditNoteInput): Promise<TripletexInvoice>;
  searchOrders(filter: SearchOrdersFilter): Promise<TripletexOrder[]>;
  /** Count, highest and the numbers below `below` of every customer, active or not (onboarding's numbering step). */
  customerNumbers(below: number): Promise<TripletexCustomerNumbers>;
  /** The highest invoice number in use, null when there is none (onboarding's numbering step). */
  highestInvoiceNumber(): Promise<number | null>;
  /** Every invoice (or credit note) holding this number, whatever its date: none or one (shop numbering). */
  findInvoicesByNumber(invoiceNumber: number): Promise<TripletexInvoice[]>;
}

export function createTripletexOperations(t: TripletexTransport): TripletexOperations {
  return {
    whoAmI: () => whoAmI(t),
    probeAccess: (areas) => probeAccess(t, areas),
    findCustomers: (filter) => findCustomers(t, filter),
    createCustomer: (customer) => createCustomer(t, customer),
    updateCustomer: (id, changes) => updateCustomer(t, id, changes),
    listOutgoingVatTypes: (date) => listOutgoingVatTypes(t, date),
    listBankAccounts: () => listBankAccounts(t),
    listPaymentTypes: () => listPaymentTypes(t),
    findCurrencyId: (code) => findCurrencyId(t, code),
    createInvoice: (draft, options) => createInvoice(t, draft, options),
    searchInvoices: (filter) => searchInvoices(t, filter),
    registerPayment: (invoiceId, payment) => registerPayment(t, invoiceId, payment),
    createCreditNote: (invoiceId, input) => createCreditNote(t, invoiceId, input),
    searchOrders: (filter) => searchOrders(t, filter),
    customerNumbers: (below) => customerNumbers(t, below),
    highestInvoiceNumber: () => highestInvoiceNumber(t),
    findInvoicesByNumber: (invoiceNumber) => findInvoicesByNumber(t, invoiceNumber),
  };
}
