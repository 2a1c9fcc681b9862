// In-memory state of every fake Tripletex company. Plain records; the API shapes are built
// from them in models.ts. Ids come from one deterministic counter per kind, each starting at
// a different base so that a client mixing up ids and numbers (brief §5: vatType id 32 is
// code "33") or ids of different kinds gets caught.

export type Access = 'customer' | 'invoice' | 'ledger' | 'payment' | 'creditNote';
export const ALL_ACCESS: readonly Access[] = ['customer', 'invoice', 'ledger', 'payment', 'creditNote'];

export interface PaymentTypeRecord { id: number; description: string; debitAccountNumber: number }

export interface CompanySettings {
  bankAccountRegistered: boolean;
  activeVatCodes: string[];
  nextCustomerNumber: number;
  nextInvoiceNumber: number;
  integrationsModuleEnabled: boolean;
}

export interface CompanyRecord extends CompanySettings {
  id: number;
  name: string;
  organizationNumber: string;
  employeeId: number;
  paymentTypes: PaymentTypeRecord[];
  nextOrderNumber: number;
  /** Ledger accounts, fixed chart (1500 receivables, 1900 cash, 1920 bank, 3000 sales). */
  accountIds: Record<number, number>;
}

export interface AddressRecord {
  id: number; addressLine1: string; addressLine2: string; postalCode: string; city: string; countryId: number | null;
}

export interface CustomerRecord {
  id: number; version: number; companyId: number; customerNumber: number; name: string;
  organizationNumber: string; email: string; invoiceEmail: string; overdueNoticeEmail: string;
  phoneNumber: string; phoneNumberMobile: string; description: string; isPrivateIndividual: boolean;
  isInactive: boolean; isSupplier: boolean; language: string; invoiceSendMethod: string; emailAttachmentType: string;
  invoicesDueIn: number; invoicesDueInType: string; singleCustomerInvoice: boolean; website: string;
  discountPercentage: number;
  postalAddressId: number; physicalAddressId: number; deliveryAddressId: number | null;
}

export interface OrderLineRecord {
  id: number; version: number; orderId: number; description: string; productId: number | null;
  /** Numbers exactly as sent (unit prices accept up to 10 decimals, brief §6.1). */
  count: number; unitPriceExcludingVatCurrency: number; unitPriceIncludingVatCurrency: number;
  unitCostCurrency: number; discount: number; markup: number; vatTypeId: number;
  amountExcludingVatOre: number; amountIncludingVatOre: number; sortIndex: number;
}

export interface OrderRecord {
  id: number; version: number; companyId: number; customerId: number; number: string; reference: string;
  orderDate: string; deliveryDate: string; invoiceComment: string; deliveryComment: string; receiverEmail: string;
  currencyId: number; invoicesDueIn: number; invoicesDueInType: string;
  isPrioritizeAmountsIncludingVat: boolean; isClosed: boolean; lineIds: number[];
  preliminaryInvoiceId: number | null;
}

export interface InvoiceRecord {
  id: number; version: number; companyId: number; invoiceNumber: number; invoiceDate: string; invoiceDueDate: string;
  customerId: number; orderIds: number[]; lineIds: number[]; comment: string; invoiceComment: string;
  deliveryDate: string; currencyId: number; voucherId: number;
  amountOre: number; amountExcludingVatOre: number; amountOutstandingOre: number;
  isCreditNote: boolean; creditedInvoiceId: number | null; isCredited: boolean;
  /** Sandbox-only facts for tests (not in the API). */
  sentToCustomer: boolean; sendType: string | null; createdVia: 'api' | 'ui';
  payments: Array<{ date: string; paymentTypeId: number; amountOre: number }>;
}

export interface EmployeeTokenRecord { token: string; companyId: number; employeeId: number; access: Access[]; revoked: boolean; id: number }
export interface SessionRecord {
  id: number; token: string; consumerToken: string; employeeToken: string; expirationDate: string;
  /** Expiry instant (ms since epoch), see auth.ts for the reading of "midnight on the specified date". */
  expiresAtMs: number; revoked: boolean;
}

const ID_BASES = {
  company: 900_001, employee: 1_100_001, customer: 2_000_001, address: 2_500_001, order: 3_000_001,
  orderLine: 4_000_001, invoice: 5_000_001, voucher: 6_000_001, paymentType: 7_000_001, account: 8_000_001,
  session: 9_000_001, consumerToken: 9_500_001, employeeToken: 9_700_001,
} as const;
export type IdKind = keyof typeof ID_BASES;

export class SandboxStore {
  private counters = new Map<IdKind, number>();
  companies = new Map<number, CompanyRecord>();
  customers = new Map<number, CustomerRecord>();
  addresses = new Map<number, AddressRecord>();
  orders = new Map<number, OrderRecord>();
  orderLines = new Map<number, OrderLineRecord>();
  invoices = new Map<number, InvoiceRecord>();
  consumerTokens = new Map<string, number>();
  employeeTokens = new Map<string, EmployeeTokenRecord>();
  sessions = new Map<string, SessionRecord>();
  private tokenSeq = 0;

  nextId(kind: IdKind): number {
    const next = this.counters.get(kind) ?? ID_BASES[kind];
    this.counters.set(kind, next + 1);
    return next;
  }

  /** Deterministic opaque tokens (the sandbox must be deterministic given its inputs). */
  newToken(prefix: string): string {
    this.tokenSeq += 1;
    const body = Buffer.from(`${prefix}:${this.tokenSeq}:tripletex-sandbox`).toString('base64url');
    return `${prefix}-${body}`;
  }

  company(id: number): CompanyRecord | undefined { return this.companies.get(id); }

  // Per-company indexes, so that benchmarks with many records stay O(1) per write.
  private byCompany = new Map<number, { customers: CustomerRecord[]; orders: OrderRecord[]; invoices: InvoiceRecord[];
    customerNumbers: Set<number>; invoiceNumbers: Set<number> }>();

  private index(companyId: number) {
    let idx = this.byCompany.get(companyId);
    if (!idx) {
      idx = { customers: [], orders: [], invoices: [], customerNumbers: new Set(), invoiceNumbers: new Set() };
      this.byCompany.set(companyId, idx);
    }
    return idx;
  }

  addCustomer(c: CustomerRecord): void {
    this.customers.set(c.id, c);
    const idx = this.index(c.companyId);
    idx.customers.push(c);
    idx.customerNumbers.add(c.customerNumber);
  }
  addOrder(o: OrderRecord): void {
    this.orders.set(o.id, o);
    this.index(o.companyId).orders.push(o);
  }
  addInvoice(i: InvoiceRecord): void {
    this.invoices.set(i.id, i);
    const idx = this.index(i.companyId);
    idx.invoices.push(i);
    idx.invoiceNumbers.add(i.invoiceNumber);
  }
  /**
   * Removes an invoice (admin `deleteInvoice`): gone from GET /invoice and from the per-company
   * index. Its number stays taken, as Tripletex never hands a used invoice number out again.
   */
  removeInvoice(i: InvoiceRecord): void {
    this.invoices.delete(i.id);
    const idx = this.index(i.companyId);
    idx.invoices = idx.invoices.filter((other) => other.id !== i.id);
  }
  /** Renumbers a customer (PUT /customer/{id}), keeping the per-company number index right. */
  renumberCustomer(c: CustomerRecord, n: number): void {
    const numbers = this.index(c.companyId).customerNumbers;
    numbers.delete(c.customerNumber);
    c.customerNumber = n;
    numbers.add(n);
  }
  customerNumberTaken(companyId: number, n: number): boolean { return this.index(companyId).customerNumbers.has(n); }
  invoiceNumberTaken(companyId: number, n: number): boolean { return this.index(companyId).invoiceNumbers.has(n); }

  customersOf(companyId: number): CustomerRecord[] { return [...this.index(companyId).customers]; }
  ordersOf(companyId: number): OrderRecord[] { return [...this.index(companyId).orders]; }
  invoicesOf(companyId: number): InvoiceRecord[] { return [...this.index(companyId).invoices]; }
}
