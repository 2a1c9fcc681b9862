// Creating an invoice with its order and lines in one step (POST /invoice, brief §6.3), with
// the validations the real API does, all checked before anything is stored (atomic). Shared by
// the admin's "invoice made by a person in the UI" (createInvoiceManually).
import { computeLine, kronerToOre } from './amounts';
import { SandboxHttpError, validationError, type ValidationMessage } from './api-error';
import { NOK_ID, VAT_TYPES } from './reference-data';
import type { CompanyRecord, InvoiceRecord, OrderLineRecord, OrderRecord, SandboxStore } from './store';

type Json = Record<string, unknown>;
const isObj = (v: unknown): v is Json => v !== null && typeof v === 'object' && !Array.isArray(v);
const idOf = (v: unknown): number | undefined => (isObj(v) && typeof v.id === 'number' ? v.id : undefined);
const isSet = (v: unknown) => v !== undefined && v !== null;
const DATE = /^\d{4}-\d{2}-\d{2}$/;
/** Jackson coerces numeric strings ([ISSUE-118] sent `"invoiceNumber":"100005"` and it was created). */
const coerce = (v: unknown): unknown => (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v.trim()) ? Number(v) : v);

export const NO_BANK_ACCOUNT = 'Faktura kan ikke opprettes før selskapet har registrert et bankkontonummer.';
export const INVALID_VAT = 'Ugyldig mva-kode.';
export const NOT_NULL = 'Kan ikke være null.';

export interface CreateInvoiceOptions {
  sendToCustomer: boolean;
  sendType: string | null;
  paymentTypeId?: number;
  paidAmount?: number;
  createdVia: 'api' | 'ui';
}

export function invoiceNumberInUse(n: number): SandboxHttpError {
  // Wording modelled on "Produktnummeret X er i bruk." ([AINM]); the UI says "already in use" ([ISSUE-118]).
  return validationError([{ field: 'invoiceNumber', message: `Fakturanummeret ${n} er i bruk.` }]);
}

interface PlannedLine { rec: Omit<OrderLineRecord, 'id' | 'orderId'> }

/** Validates the body and, when valid, stores order, lines and invoice. Returns the invoice. */
export function createInvoice(store: SandboxStore, company: CompanyRecord, body: unknown, opts: CreateInvoiceOptions): InvoiceRecord {
  if (!isObj(body)) throw validationError([{ field: 'invoiceDate', message: NOT_NULL }]);
  const errors: ValidationMessage[] = [];
  const invoiceDate = body.invoiceDate;
  const dueDate = body.invoiceDueDate;
  if (!isSet(invoiceDate)) errors.push({ field: 'invoiceDate', message: NOT_NULL });
  else if (typeof invoiceDate !== 'string' || !DATE.test(invoiceDate)) errors.push({ field: 'invoiceDate', message: 'Ugyldig dato.' });
  // [AINM]: omitting invoiceDueDate gives `422 invoiceDueDate: Kan ikke være null.` (brief §6.3).
  if (!isSet(dueDate)) errors.push({ field: 'invoiceDueDate', message: NOT_NULL });
  else if (typeof dueDate !== 'string' || !DATE.test(dueDate)) errors.push({ field: 'invoiceDueDate', message: 'Ugyldig dato.' });
  const orders = Array.isArray(body.orders) ? body.orders : [];
  if (orders.length === 0) errors.push({ field: 'orders', message: NOT_NULL });
  // Spec (Invoice.orders): "Only one order per invoice is supported at the moment."
  if (orders.length > 1) errors.push({ field: 'orders', message: 'Only one order per invoice is supported at the moment.' });
  if (errors.length > 0) throw validationError(errors);

  // Prerequisite: a bank account number on the invoice bank account (brief §6.2).
  if (!company.bankAccountRegistered) throw validationError([{ field: null, message: NO_BANK_ACCOUNT }]);

  const orderBody = orders[0];
  if (!isObj(orderBody)) throw validationError([{ field: 'orders', message: NOT_NULL }]);
  const existingOrderId = idOf(orderBody);
  const existingOrder = existingOrderId !== undefined ? store.orders.get(existingOrderId) : undefined;
  if (existingOrderId !== undefined && (!existingOrder || existingOrder.companyId !== company.id)) {
    throw validationError([{ field: 'orders.id', message: `Ordren ${existingOrderId} finnes ikke.` }]);
  }

  // Customer: from the invoice or the order; an id, not inline data ([AINM], brief §6.1).
  const invoiceCustomerId = idOf(body.customer);
  const orderCustomerId = existingOrder ? existingOrder.customerId : idOf(orderBody.customer);
  const customerId = invoiceCustomerId ?? orderCustomerId;
  if (customerId === undefined) throw validationError([{ field: 'customer', message: NOT_NULL }]);
  if (invoiceCustomerId !== undefined && orderCustomerId !== undefined && invoiceCustomerId !== orderCustomerId) {
    throw validationError([{ field: 'customer', message: 'Kunden på fakturaen må være den samme som på ordren.' }]);
  }
  const customer = store.customers.get(customerId);
  if (!customer || customer.companyId !== company.id) {
    throw validationError([{ field: 'customer.id', message: `Kunden ${customerId} finnes ikke.` }]);
  }

  let plannedOrder: Omit<OrderRecord, 'id' | 'lineIds' | 'number'> | null = null;
  const plannedLines: PlannedLine[] = [];
  if (!existingOrder) {
    const orderDate = orderBody.orderDate ?? invoiceDate;
    // Uncertain whether orderDate/deliveryDate are required inline (brief §6.1); both default
    // to the invoice date here, since Tripletex fills them when invoicing.
    if (typeof orderDate !== 'string' || !DATE.test(orderDate)) throw validationError([{ field: 'orders.orderDate', message: 'Ugyldig dato.' }]);
    const deliveryDate = typeof orderBody.deliveryDate === 'string' ? orderBody.deliveryDate : orderDate;
    const inclVat = orderBody.isPrioritizeAmountsIncludingVat === true;
    const currencyId = idOf(orderBody.currency) ?? NOK_ID;
    const lines = Array.isArray(orderBody.orderLines) ? orderBody.orderLines : [];
    if (lines.length === 0) throw validationError([{ field: 'orders.orderLines', message: NOT_NULL }]);
    lines.forEach((raw, i) => {
      const path = `orders[0].orderLines[${i}]`;
      if (!isObj(raw)) throw validationError([{ field: 'orderLines', message: NOT_NULL, path }]);
      plannedLines.push({ rec: planLine(company, raw, inclVat, i, path) });
    });
    plannedOrder = {
      version: 0, companyId: company.id, customerId, reference: str(orderBody.reference), orderDate, deliveryDate,
      invoiceComment: str(orderBody.invoiceComment), deliveryComment: str(orderBody.deliveryComment),
      receiverEmail: str(orderBody.receiverEmail), currencyId,
      invoicesDueIn: typeof orderBody.invoicesDueIn === 'number' ? orderBody.invoicesDueIn : customer.invoicesDueIn,
      invoicesDueInType: typeof orderBody.invoicesDueInType === 'string' ? orderBody.invoicesDueInType : customer.invoicesDueInType,
      isPrioritizeAmountsIncludingVat: inclVat, isClosed: false, preliminaryInvoiceId: null,
    };
  }

  // Invoice number (brief §7.2, [ISSUE-118]): an explicit non-zero number is taken as sent and
  // does NOT advance the company's counter; 0/absent takes the counter's number without
  // skipping, so the counter can later hit an explicit number: that create fails with 422 just
  // as the UI does in issue #118, and the counter stays put until someone changes it.
  const requested = coerce(body.invoiceNumber);
  if (isSet(requested) && typeof requested !== 'number') throw validationError([{ field: 'invoiceNumber', message: 'Ugyldig fakturanummer.' }]);
  const explicit = typeof requested === 'number' && requested !== 0 ? requested : undefined;
  if (explicit !== undefined && (!Number.isInteger(explicit) || explicit < 0)) {
    throw validationError([{ field: 'invoiceNumber', message: 'Ugyldig fakturanummer.' }]);
  }
  const invoiceNumber = explicit ?? company.nextInvoiceNumber;
  if (store.invoiceNumberTaken(company.id, invoiceNumber)) throw invoiceNumberInUse(invoiceNumber);

  // Prepayment in the same call: paymentTypeId and paidAmount both or neither (spec, brief §6.2).
  // [AINM] saw paidAmount=0 treated as missing.
  const paymentTypeId = opts.paymentTypeId ?? (typeof body.paymentTypeId === 'number' && body.paymentTypeId !== 0 ? body.paymentTypeId : undefined);
  const paidAmount = opts.paidAmount ?? (typeof body.paidAmount === 'number' && body.paidAmount !== 0 ? body.paidAmount : undefined);
  if ((paymentTypeId === undefined) !== (paidAmount === undefined)) {
    throw validationError([{ field: paymentTypeId === undefined ? 'paymentTypeId' : 'paidAmount', message: 'paymentTypeId og paidAmount må oppgis sammen.' }]);
  }
  let paidOre = 0;
  if (paymentTypeId !== undefined && paidAmount !== undefined) {
    if (!company.paymentTypes.some((p) => p.id === paymentTypeId)) {
      throw validationError([{ field: 'paymentTypeId', message: `Betalingstypen ${paymentTypeId} finnes ikke.` }]);
    }
    const ore = kronerToOre(paidAmount);
    if (ore === undefined) throw validationError([{ field: 'paidAmount', message: 'Ugyldig beløp.' }]);
    paidOre = ore;
  }

  // --- all checks passed: commit ---
  let order: OrderRecord;
  if (existingOrder) order = existingOrder;
  else if (plannedOrder) {
    order = { ...plannedOrder, id: store.nextId('order'), number: String(company.nextOrderNumber), lineIds: [] };
    company.nextOrderNumber += 1;
    store.addOrder(order);
    for (const planned of plannedLines) {
      const line: OrderLineRecord = { ...planned.rec, id: store.nextId('orderLine'), orderId: order.id };
      store.orderLines.set(line.id, line);
      order.lineIds.push(line.id);
    }
  } else throw new Error('unreachable');
  const lines = order.lineIds.map((id) => store.orderLines.get(id)).filter((l): l is OrderLineRecord => l !== undefined);
  const amountOre = lines.reduce((s, l) => s + l.amountIncludingVatOre, 0);
  const amountExcludingVatOre = lines.reduce((s, l) => s + l.amountExcludingVatOre, 0);
  if (explicit === undefined) company.nextInvoiceNumber += 1;
  const invoice: InvoiceRecord = {
    id: store.nextId('invoice'), version: 0, companyId: company.id, invoiceNumber, invoiceDate: invoiceDate as string,
    invoiceDueDate: dueDate as string, customerId, orderIds: [order.id], lineIds: [...order.lineIds], comment: str(body.comment),
    invoiceComment: order.invoiceComment, deliveryDate: order.deliveryDate, currencyId: order.currencyId,
    voucherId: store.nextId('voucher'), amountOre, amountExcludingVatOre, amountOutstandingOre: amountOre - paidOre,
    isCreditNote: false, creditedInvoiceId: null, isCredited: false, sentToCustomer: opts.sendToCustomer,
    sendType: opts.sendType, createdVia: opts.createdVia,
    payments: paymentTypeId !== undefined && paidOre !== 0 ? [{ date: invoiceDate as string, paymentTypeId, amountOre: paidOre }] : [],
  };
  store.addInvoice(invoice);
  return invoice;
}

function str(v: unknown): string { return typeof v === 'string' ? v : ''; }

function planLine(company: CompanyRecord, raw: Json, inclVat: boolean, index: number, path: string): Omit<OrderLineRecord, 'id' | 'orderId'> {
  const fail = (field: string, message: string) => validationError([{ field, message, path }]);
  // Uncertain default when vatType is omitted: [AINM] saw id 3 in fresh companies (brief §5).
  const vatTypeId = idOf(raw.vatType) ?? 3;
  const vat = VAT_TYPES.find((v) => v.id === vatTypeId);
  // Only the company's active outgoing codes are usable ([AINM]: "Ugyldig mva-kode.", brief §5).
  if (!vat || vat.typeOfVat !== 'OUTGOING' || !company.activeVatCodes.includes(vat.number)) throw fail('vatType', INVALID_VAT);
  const count = raw.count === undefined || raw.count === null ? 1 : coerce(raw.count); // uncertain default (the UI's 1)
  if (typeof count !== 'number' || !Number.isFinite(count)) throw fail('count', 'Ugyldig antall.');
  const discount = raw.discount === undefined || raw.discount === null ? 0 : coerce(raw.discount);
  if (typeof discount !== 'number' || discount < 0 || discount > 100) throw fail('discount', 'Rabatt må være mellom 0 og 100.');
  const excl = coerce(raw.unitPriceExcludingVatCurrency);
  const incl = coerce(raw.unitPriceIncludingVatCurrency);
  if (isSet(excl) && typeof excl !== 'number') throw fail('unitPriceExcludingVatCurrency', 'Ugyldig beløp.');
  if (isSet(incl) && typeof incl !== 'number') throw fail('unitPriceIncludingVatCurrency', 'Ugyldig beløp.');
  let unitPrice: number;
  let pricesIncludeVat: boolean;
  if (inclVat) {
    // [FAQ] (brief §6.1): with isPrioritizeAmountsIncludingVat the lines must carry only the
    // including-VAT price; an excluding price is rejected.
    if (isSet(excl)) throw fail('unitPriceExcludingVatCurrency', 'The unit price must be inclusive VAT since the unit price on the order is inclusive VAT');
    unitPrice = typeof incl === 'number' ? incl : 0;
    pricesIncludeVat = true;
  } else if (typeof excl === 'number') {
    unitPrice = excl;
    pricesIncludeVat = false;
  } else {
    // Only the including price on an excluding order: Tripletex derives the other (changelog
    // 2.71.15) and the excluding one is authoritative: derive it to 10 decimals, then compute.
    const derived = computeLine({ count: 1, discountPercent: 0, vatPercent: vat.percentage, pricesIncludeVat: true, unitPrice: typeof incl === 'number' ? incl : 0 });
    unitPrice = derived.derivedUnitPrice;
    pricesIncludeVat = false;
  }
  const amounts = computeLine({ count, discountPercent: discount, vatPercent: vat.percentage, pricesIncludeVat, unitPrice });
  return {
    version: 0, description: str(raw.description), productId: idOf(raw.product) ?? null, count,
    unitPriceExcludingVatCurrency: pricesIncludeVat ? amounts.derivedUnitPrice : unitPrice,
    unitPriceIncludingVatCurrency: pricesIncludeVat ? unitPrice : amounts.derivedUnitPrice,
    unitCostCurrency: typeof raw.unitCostCurrency === 'number' ? raw.unitCostCurrency : 0, discount,
    markup: typeof raw.markup === 'number' ? raw.markup : 0, vatTypeId,
    amountExcludingVatOre: amounts.amountExcludingVatOre, amountIncludingVatOre: amounts.amountIncludingVatOre,
    sortIndex: typeof raw.sortIndex === 'number' ? raw.sortIndex : index,
  };
}

/** PUT /invoice/{id}/:createCreditNote: a full credit (brief §6.5). */
export function createCreditNote(store: SandboxStore, company: CompanyRecord, original: InvoiceRecord,
  opts: { date: string; comment: string; sendToCustomer: boolean; sendType: string | null }): InvoiceRecord {
  if (original.isCreditNote) throw validationError([{ field: null, message: 'En kreditnota kan ikke krediteres.' }]);
  if (original.isCredited) throw validationError([{ field: null, message: 'Fakturaen er allerede kreditert.' }]);
  const invoiceNumber = company.nextInvoiceNumber; // credit notes share the invoice number series
  if (store.invoiceNumberTaken(company.id, invoiceNumber)) throw invoiceNumberInUse(invoiceNumber);
  company.nextInvoiceNumber += 1;
  const lineIds: number[] = [];
  for (const id of original.lineIds) {
    const l = store.orderLines.get(id);
    if (!l) continue;
    // Negated copies of the lines; they belong to the credit note, not to the order's own lines.
    const neg: OrderLineRecord = {
      ...l, id: store.nextId('orderLine'), count: -l.count,
      amountExcludingVatOre: -l.amountExcludingVatOre, amountIncludingVatOre: -l.amountIncludingVatOre,
    };
    store.orderLines.set(neg.id, neg);
    lineIds.push(neg.id);
  }
  // Uncertain how Tripletex books outstanding amounts here: the credit nullifies the original
  // (outstanding 0); what was already paid is owed back, shown as the credit note's outstanding.
  const paidOre = original.amountOre - original.amountOutstandingOre;
  original.amountOutstandingOre = 0;
  original.isCredited = true;
  original.version += 1;
  const credit: InvoiceRecord = {
    ...original, id: store.nextId('invoice'), version: 0, invoiceNumber, invoiceDate: opts.date, invoiceDueDate: opts.date,
    lineIds, comment: opts.comment, voucherId: store.nextId('voucher'), amountOre: -original.amountOre,
    amountExcludingVatOre: -original.amountExcludingVatOre, amountOutstandingOre: -paidOre, isCreditNote: true,
    creditedInvoiceId: original.id, isCredited: false, sentToCustomer: opts.sendToCustomer, sendType: opts.sendType,
    createdVia: 'api', payments: [],
  };
  store.addInvoice(credit);
  return credit;
}
