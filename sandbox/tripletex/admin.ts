// The sandbox's admin API: what Tripletex's own screens do and the public API cannot (create a
// company and its tokens, change number series and settings, make an invoice "by hand"), plus
// test controls (faults, rate limit, clock-driven session expiry) and read access to state.
// The same operations are served over HTTP under /_admin (admin-http.ts).
import { oreToKroner } from './amounts';
import { SandboxHttpError } from './api-error';
import type { FaultConfig } from '../shared/faults';
import { createInvoice } from './invoicing';
import type { RateLimitConfig } from './rate-limit';
import { ACCOUNTS } from './reference-data';
import { ALL_ACCESS, type Access, type CompanyRecord, type CompanySettings, type CustomerRecord, type InvoiceRecord, type OrderRecord, type SandboxStore } from './store';

export interface CreateCompanyInput {
  name: string;
  organizationNumber?: string;
  bankAccountRegistered?: boolean;
  activeVatCodes?: string[];
  paymentTypes?: Array<{ description: string }>;
  nextCustomerNumber?: number;
  nextInvoiceNumber?: number;
  integrationsModuleEnabled?: boolean;
}

export interface CompanyView extends CompanySettings {
  companyId: number;
  name: string;
  organizationNumber: string;
  employeeId: number;
  paymentTypes: Array<{ id: number; description: string }>;
}

export type CompanySettingsUpdate = Partial<CompanySettings> & { paymentTypes?: Array<{ description: string }> };

export interface InvoiceLineView {
  id: number; description: string; count: number; vatTypeId: number; discount: number;
  unitPriceExcludingVatCurrency: number; unitPriceIncludingVatCurrency: number;
  amountExcludingVatOre: number; amountIncludingVatOre: number;
}

export interface InvoiceView {
  id: number; invoiceNumber: number; invoiceDate: string; invoiceDueDate: string; customerId: number; orderIds: number[];
  /** `reference` of the invoice's order (where the integration writes the shop order id, brief §8). */
  reference: string; comment: string; invoiceComment: string;
  amount: number; amountExcludingVat: number; amountOutstanding: number;
  amountOre: number; amountExcludingVatOre: number; amountOutstandingOre: number;
  isCreditNote: boolean; creditedInvoiceId: number | null; isCredited: boolean;
  sentToCustomer: boolean; sendType: string | null; createdVia: 'api' | 'ui';
  payments: Array<{ date: string; paymentTypeId: number; amountOre: number }>;
  lines: InvoiceLineView[];
}

export type CustomerView = Omit<CustomerRecord, 'companyId'>;
export interface OrderView extends Omit<OrderRecord, 'companyId'> { lines: InvoiceLineView[] }

export interface ManualInvoiceInput {
  customerId: number;
  invoiceDate: string;
  invoiceDueDate?: string;
  reference?: string;
  comment?: string;
  /** Default true: prices typed in the UI include VAT. */
  isPrioritizeAmountsIncludingVat?: boolean;
  lines: Array<{ description?: string; count?: number; unitPrice: number; vatTypeId?: number; discount?: number }>;
}

export interface TripletexSandboxAdmin {
  createCompany(input: CreateCompanyInput): CompanyView;
  createConsumerToken(token?: string): string;
  createEmployeeToken(companyId: number, options?: { access?: Access[]; token?: string }): string;
  revokeEmployeeToken(token: string): void;
  updateCompanySettings(companyId: number, update: CompanySettingsUpdate): CompanyView;
  getCompany(companyId: number): CompanyView;
  expireSessionTokens(): void;
  setFaults(faults: FaultConfig): void;
  setRateLimit(rateLimit: RateLimitConfig | null): void;
  reset(): void;
  listInvoices(companyId: number): InvoiceView[];
  listCustomers(companyId: number): CustomerView[];
  listOrders(companyId: number): OrderView[];
  createInvoiceManually(companyId: number, input: ManualInvoiceInput): InvoiceView;
  /**
   * A person deleting an invoice in Tripletex's screens. Tripletex lets only an invoice that was
   * never sent to the customer be deleted (its voucher reversed); a sent one must be credited,
   * so a sent invoice, a credited one and a credit note are refused with 409. The invoice is
   * then gone from `GET /invoice`; its number is not reused. Returns the deleted invoice.
   */
  deleteInvoice(companyId: number, invoiceId: number): InvoiceView;
  /**
   * A person editing an invoice's total by hand (standing for any manual change of its lines):
   * the difference is added to the amount, the amount excluding VAT (as a VAT-free adjustment)
   * and the amount outstanding (never below 0). Credit notes are refused with 409.
   */
  changeInvoiceAmount(companyId: number, invoiceId: number, newAmountOre: number): InvoiceView;
}

/** Thrown by admin operations; over HTTP it becomes `{error}` with this status. */
export class SandboxAdminError extends Error {
  constructor(readonly status: number, message: string) { super(message); }
}

export interface AdminHooks {
  store: () => SandboxStore;
  resetState: () => void;
  setFaults: (f: FaultConfig) => void;
  setRateLimit: (r: RateLimitConfig | null) => void;
}

const DEFAULT_PAYMENT_TYPES = [{ description: 'Betalt til bank' }, { description: 'Kontant' }, { description: 'Vipps' }, { description: 'Klarna' }];

export function createAdmin(hooks: AdminHooks): TripletexSandboxAdmin {
  const companyOf = (id: number): CompanyRecord => {
    const c = hooks.store().company(id);
    if (!c) throw new SandboxAdminError(404, `no company ${id}`);
    return c;
  };
  const view = (c: CompanyRecord): CompanyView => ({
    companyId: c.id, name: c.name, organizationNumber: c.organizationNumber, employeeId: c.employeeId,
    bankAccountRegistered: c.bankAccountRegistered, activeVatCodes: [...c.activeVatCodes], nextCustomerNumber: c.nextCustomerNumber,
    nextInvoiceNumber: c.nextInvoiceNumber, integrationsModuleEnabled: c.integrationsModuleEnabled,
    paymentTypes: c.paymentTypes.map((p) => ({ id: p.id, description: p.description })),
  });
  const paymentTypes = (store: SandboxStore, list: Array<{ description: string }>) =>
    // "Kontant" is booked on 1900, everything else on the bank account 1920 ([AINM], brief §6.6).
    list.map((p) => ({ id: store.nextId('paymentType'), description: p.description, debitAccountNumber: p.description === 'Kontant' ? 1900 : 1920 }));
  const lineView = (id: number): InvoiceLineView | undefined => {
    const l = hooks.store().orderLines.get(id);
    return l && {
      id: l.id, description: l.description, count: l.count, vatTypeId: l.vatTypeId, discount: l.discount,
      unitPriceExcludingVatCurrency: l.unitPriceExcludingVatCurrency, unitPriceIncludingVatCurrency: l.unitPriceIncludingVatCurrency,
      amountExcludingVatOre: l.amountExcludingVatOre, amountIncludingVatOre: l.amountIncludingVatOre,
    };
  };
  const invoiceOf = (companyId: number, invoiceId: number): InvoiceRecord => {
    companyOf(companyId);
    const invoice = hooks.store().invoices.get(invoiceId);
    if (!invoice || invoice.companyId !== companyId) throw new SandboxAdminError(404, `no invoice ${invoiceId} in company ${companyId}`);
    return invoice;
  };
  const lines = (ids: number[]) => ids.map(lineView).filter((l): l is InvoiceLineView => l !== undefined);
  const invoiceView = (inv: InvoiceRecord): InvoiceView => ({
    id: inv.id, invoiceNumber: inv.invoiceNumber, invoiceDate: inv.invoiceDate, invoiceDueDate: inv.invoiceDueDate,
    customerId: inv.customerId, orderIds: [...inv.orderIds], reference: hooks.store().orders.get(inv.orderIds[0] ?? -1)?.reference ?? '',
    comment: inv.comment, invoiceComment: inv.invoiceComment, amount: oreToKroner(inv.amountOre),
    amountExcludingVat: oreToKroner(inv.amountExcludingVatOre), amountOutstanding: oreToKroner(inv.amountOutstandingOre),
    amountOre: inv.amountOre, amountExcludingVatOre: inv.amountExcludingVatOre, amountOutstandingOre: inv.amountOutstandingOre,
    isCreditNote: inv.isCreditNote, creditedInvoiceId: inv.creditedInvoiceId, isCredited: inv.isCredited,
    sentToCustomer: inv.sentToCustomer, sendType: inv.sendType, createdVia: inv.createdVia,
    payments: inv.payments.map((p) => ({ ...p })), lines: lines(inv.lineIds),
  });

  return {
    createCompany(input) {
      const store = hooks.store();
      if (typeof input?.name !== 'string' || input.name === '') throw new SandboxAdminError(400, 'name is required');
      const accountIds: Record<number, number> = {};
      for (const a of ACCOUNTS) accountIds[a.number] = store.nextId('account');
      const company: CompanyRecord = {
        id: store.nextId('company'), name: input.name, organizationNumber: input.organizationNumber ?? '',
        employeeId: store.nextId('employee'), bankAccountRegistered: input.bankAccountRegistered ?? true,
        activeVatCodes: [...(input.activeVatCodes ?? ['3', '31', '33', '5', '6'])],
        // 10001 and 1 as observed in fresh [AINM] companies (brief §4, §7).
        nextCustomerNumber: input.nextCustomerNumber ?? 10001, nextInvoiceNumber: input.nextInvoiceNumber ?? 1,
        integrationsModuleEnabled: input.integrationsModuleEnabled ?? true,
        paymentTypes: paymentTypes(store, input.paymentTypes ?? DEFAULT_PAYMENT_TYPES), nextOrderNumber: 1, accountIds,
      };
      store.companies.set(company.id, company);
      return view(company);
    },
    createConsumerToken(token) {
      const store = hooks.store();
      const t = token ?? store.newToken('consumer');
      store.consumerTokens.set(t, store.nextId('consumerToken'));
      return t;
    },
    createEmployeeToken(companyId, options = {}) {
      const store = hooks.store();
      companyOf(companyId);
      const access = options.access ?? [...ALL_ACCESS];
      for (const a of access) if (!ALL_ACCESS.includes(a)) throw new SandboxAdminError(400, `unknown access ${String(a)}`);
      const token = options.token ?? store.newToken('employee');
      store.employeeTokens.set(token, {
        token, companyId, employeeId: companyOf(companyId).employeeId, access: [...access], revoked: false, id: store.nextId('employeeToken'),
      });
      return token;
    },
    revokeEmployeeToken(token) {
      const et = hooks.store().employeeTokens.get(token);
      if (!et) throw new SandboxAdminError(404, 'no such employee token');
      et.revoked = true;
    },
    updateCompanySettings(companyId, update) {
      const c = companyOf(companyId);
      if (update.bankAccountRegistered !== undefined) c.bankAccountRegistered = update.bankAccountRegistered;
      if (update.activeVatCodes !== undefined) c.activeVatCodes = [...update.activeVatCodes];
      if (update.nextCustomerNumber !== undefined) c.nextCustomerNumber = update.nextCustomerNumber;
      if (update.nextInvoiceNumber !== undefined) c.nextInvoiceNumber = update.nextInvoiceNumber;
      if (update.integrationsModuleEnabled !== undefined) c.integrationsModuleEnabled = update.integrationsModuleEnabled;
      if (update.paymentTypes !== undefined) {
        // Keep ids of payment types that stay (ids are what clients cache).
        const existing = new Map(c.paymentTypes.map((p) => [p.description, p]));
        const added = update.paymentTypes.filter((p) => !existing.has(p.description));
        const fresh = paymentTypes(hooks.store(), added);
        c.paymentTypes = update.paymentTypes.map((p) => existing.get(p.description) ?? fresh.find((f) => f.description === p.description))
          .filter((p): p is NonNullable<typeof p> => p !== undefined);
      }
      return view(c);
    },
    getCompany(companyId) { return view(companyOf(companyId)); },
    expireSessionTokens() {
      for (const s of hooks.store().sessions.values()) s.revoked = true;
    },
    setFaults(faults) { hooks.setFaults(faults); },
    setRateLimit(rateLimit) { hooks.setRateLimit(rateLimit); },
    reset() { hooks.resetState(); },
    listInvoices(companyId) {
      companyOf(companyId);
      return hooks.store().invoicesOf(companyId).map(invoiceView);
    },
    listCustomers(companyId) {
      companyOf(companyId);
      return hooks.store().customersOf(companyId).map(({ companyId: _c, ...rest }) => ({ ...rest }));
    },
    listOrders(companyId) {
      companyOf(companyId);
      return hooks.store().ordersOf(companyId).map(({ companyId: _c, ...rest }) => ({ ...rest, lineIds: [...rest.lineIds], lines: lines(rest.lineIds) }));
    },
    deleteInvoice(companyId, invoiceId) {
      const invoice = invoiceOf(companyId, invoiceId);
      if (invoice.isCreditNote) throw new SandboxAdminError(409, `invoice ${invoiceId} is a credit note; a credit note cannot be deleted`);
      if (invoice.isCredited) throw new SandboxAdminError(409, `invoice ${invoiceId} is credited; a credited invoice cannot be deleted`);
      if (invoice.sentToCustomer) throw new SandboxAdminError(409, `invoice ${invoiceId} was sent to the customer; Tripletex only lets it be credited`);
      const deleted = invoiceView(invoice);
      hooks.store().removeInvoice(invoice);
      return deleted;
    },
    changeInvoiceAmount(companyId, invoiceId, newAmountOre) {
      if (!Number.isSafeInteger(newAmountOre)) throw new SandboxAdminError(400, 'newAmountOre must be a whole number of øre');
      const invoice = invoiceOf(companyId, invoiceId);
      if (invoice.isCreditNote) throw new SandboxAdminError(409, `invoice ${invoiceId} is a credit note`);
      const difference = newAmountOre - invoice.amountOre;
      invoice.amountOre = newAmountOre;
      invoice.amountExcludingVatOre += difference;
      invoice.amountOutstandingOre = Math.max(0, invoice.amountOutstandingOre + difference);
      invoice.version += 1;
      return invoiceView(invoice);
    },
    createInvoiceManually(companyId, input) {
      const company = companyOf(companyId);
      const inclVat = input.isPrioritizeAmountsIncludingVat ?? true;
      const body = {
        invoiceDate: input.invoiceDate, invoiceDueDate: input.invoiceDueDate ?? input.invoiceDate, customer: { id: input.customerId },
        comment: input.comment ?? '',
        orders: [{
          customer: { id: input.customerId }, orderDate: input.invoiceDate, reference: input.reference ?? '',
          isPrioritizeAmountsIncludingVat: inclVat,
          orderLines: input.lines.map((l) => ({
            description: l.description ?? '', count: l.count ?? 1, vatType: { id: l.vatTypeId ?? 3 }, discount: l.discount ?? 0,
            ...(inclVat ? { unitPriceIncludingVatCurrency: l.unitPrice } : { unitPriceExcludingVatCurrency: l.unitPrice }),
          })),
        }],
      };
      try {
        // The UI always takes the counter's number; if an API-numbered invoice already holds it,
        // the UI fails with "already in use" ([ISSUE-118]).
        return invoiceView(createInvoice(hooks.store(), company, body, { sendToCustomer: false, sendType: null, createdVia: 'ui' }));
      } catch (e) {
        if (e instanceof SandboxHttpError) {
          const detail = (e.validationMessages ?? []).map((m) => `${m.field ?? ''}: ${m.message}`).join('; ');
          throw new SandboxAdminError(422, `${e.message} ${detail}`.trim());
        }
        throw e;
      }
    },
  };
}
