/**
 * The Tripletex side of an order's transfer: find or create the customer, create the one
 * invoice, register extra payments. Every create is preceded by a look for what an earlier try
 * may have created whenever that try's outcome is unknown (DESIGN.md "Exactly one invoice per
 * order"): Tripletex has no idempotency keys, so the reference written on the order is the key.
 */
import { activityInfo } from '@temporalio/activity';
import { ApplicationFailure } from '@temporalio/common';
import { TransferFailureType } from '../common/failure-types';
import { addDays } from '../domain/calendar';
import type { CustomerDraft, InvoiceDraft, PaymentDraft } from '../domain/invoice-draft';
import type { ActivityDeps } from './activity-deps';
import { oreToKroner, kronerToOre } from './tripletex/money';
import { withTripletexFailures } from './tripletex/to-application-failure';
import type { TripletexClient } from './tripletex/tripletex-client';
import { TripletexValidationError } from './tripletex/tripletex-errors';
import type { TripletexCustomer, TripletexInvoice } from './tripletex/tripletex-schemas';
import { customerChanges, type TripletexCustomerChanges } from './tripletex/customer-operations';
import { TripletexCustomerCache, customerFingerprint, tripletexCustomerSource, type ShopCustomerBook } from './tripletex/customer-cache';

export interface TransferredInvoice {
  invoiceId: number;
  invoiceNumber: number;
  /** Minor units, VAT included, as Tripletex computed it. */
  amount: number;
  /** Minor units still to be paid. */
  amountOutstanding: number;
  /** True when an earlier try had already created it. */
  foundExisting: boolean;
}

/** A VAT code list per company, kept an hour: VAT codes change rarely, invoices come often. */
const VAT_CACHE_MS = 60 * 60 * 1000;

export function createTripletexTransferActivities(deps: ActivityDeps) {
  const vatTypeIds = new Map<string, { byNumber: Map<string, number>; expiresAt: number }>();
  /** A VAT code read in progress per shop. */
  const vatTypeReads = new Map<string, Promise<Map<string, number>>>();
  /** Currency ids per shop and code: they never change, so one look-up per currency per process. */
  const currencyIds = new Map<string, number>();
  /** Each shop's customers as this worker last saw them (tripletex/customer-cache.ts). */
  const customerCache = new TripletexCustomerCache({ now: () => deps.now().getTime(), logger: deps.logger });

  async function clientFor(shopId: string): Promise<TripletexClient> {
    const shop = await deps.shops.get(shopId);
    return deps.tripletexClient(shop.credentials.tripletexEmployeeToken);
  }

  async function resolveVatTypeIds(tripletex: TripletexClient, shopId: string, codes: string[], date: string): Promise<Map<string, number>> {
    const cached = vatTypeIds.get(shopId);
    const fresh = cached && cached.expiresAt > deps.now().getTime() && codes.every((code) => cached.byNumber.has(code));
    if (fresh) return cached.byNumber;
    // Read again when a code is missing from the cache: the merchant may just have activated it.
    // Invoices that start together share one read.
    let reading = vatTypeReads.get(shopId);
    if (!reading) {
      reading = tripletex.listOutgoingVatTypes(date).then((types) => new Map(types.map((type) => [type.number, type.id])));
      vatTypeReads.set(shopId, reading);
      void reading.then((read) => vatTypeIds.set(shopId, { byNumber: read, expiresAt: deps.now().getTime() + VAT_CACHE_MS }), () => undefined)
        .finally(() => vatTypeReads.delete(shopId));
    }
    const byNumber = await reading;
    const missing = codes.filter((code) => !byNumber.has(code));
    if (missing.length > 0) {
      throw ApplicationFailure.create({
        type: TransferFailureType.VatCodeInactive,
        nonRetryable: true,
        message: `Outgoing VAT code ${missing.join(', ')} is not active in Tripletex, and this order needs it. Activate it in Tripletex's VAT settings, then retry the transfer.`,
        details: [{ missingVatCodes: missing }],
      });
    }
    return byNumber;
  }

  return {
    /**
     * Finds the order's customer by the draft's match (customer number, organisation number or
     * e-mail) and creates it when there is none. A transfer's first ask on a first try is
     * answered by the worker's customer cache (tripletex/customer-cache.ts): a returning customer
     * whose data has not changed costs no call, a new one only its create. A retry of this
     * activity (an earlier try's create may have happened) and a transfer's second ask (a later
     * step failed, perhaps because Tripletex no longer has the customer the cache gave) search
     * Tripletex first, as always: a create whose outcome was unknown is found by that search, so
     * this never makes two customers.
     */
    async ensureTripletexCustomer(input: { shopId: string; customer: CustomerDraft }): Promise<{ customerId: number; created: boolean }> {
      return withTripletexFailures(async () => {
        const tripletex = await clientFor(input.shopId);
        const { customer } = input;
        const book = customerCache.book(input.shopId, tripletex.transport.key);
        // One call at a time per customer in this worker: two orders of a new customer create it once.
        return book.serialized(customer.match, async () => {
          const wanted = wantedCustomer(customer);
          if (mayAnswerFromCache(book)) {
            const known = await book.find(customer.match, tripletexCustomerSource(tripletex.transport));
            if (known.kind === 'absent') return createCustomerFor(tripletex, book, customer);
            if (known.kind === 'present' && (!customer.updateExisting || known.fingerprint === customerFingerprint(wanted))) {
              return { customerId: known.id, created: false };
            }
            // Changed data, or unsure: search and compare, as without the cache.
          }
          const existing = await findCustomer(tripletex, customer);
          book.settle(customer.match, existing);
          if (existing === undefined) return createCustomerFor(tripletex, book, customer);
          // "Do not overwrite customer data" off (Mystore's app default): the order's data wins,
          // but a customer that is already up to date costs no call.
          const changes = customer.updateExisting ? customerChanges(existing, wanted) : null;
          if (changes) {
            try {
              const updated = await tripletex.updateCustomer(existing.id, changes);
              book.remember(updated, { fingerprint: customerFingerprint(wanted), match: customer.match });
            } catch (error) {
              book.forgetFingerprint(existing.id);
              throw error;
            }
          } else if (customer.updateExisting) {
            book.remember(existing, { fingerprint: customerFingerprint(wanted), match: customer.match });
          }
          return { customerId: existing.id, created: false };
        });
      });
    },

    /**
     * Creates the order's one invoice: `POST /invoice` with the order and its lines embedded and,
     * for a prepaid order, its payment in the same call. When an earlier try may have created it
     * (`lookFirst`, or any retry of this activity), it first searches the invoices of that day
     * and customer for the order's reference, and returns what it finds instead.
     */
    async createTripletexInvoice(input: { shopId: string; draft: InvoiceDraft; customerId: number; lookFirst: boolean }): Promise<TransferredInvoice> {
      return withTripletexFailures(async () => {
        const { draft } = input;
        const tripletex = await clientFor(input.shopId);
        if (input.lookFirst || activityInfo().attempt > 1) {
          const existing = await findInvoiceByReference(tripletex, draft, input.customerId);
          if (existing) return toTransferred(existing, true);
        }
        const vatIds = await resolveVatTypeIds(tripletex, input.shopId, [...new Set(draft.lines.map((line) => line.vatCode))], draft.invoiceDate);
        const currencyKey = `${input.shopId}\n${draft.currency}`;
        let currencyId = draft.currency === 'NOK' ? undefined : currencyIds.get(currencyKey);
        if (draft.currency !== 'NOK' && currencyId === undefined) {
          currencyId = await currencyIdFor(tripletex, draft.currency);
          currencyIds.set(currencyKey, currencyId);
        }
        const [firstPayment] = draft.payments;
        const shopNumber = draft.invoiceNumber ?? null;
        const invoice = await tripletex.createInvoice(
          {
            invoiceDate: draft.invoiceDate,
            invoiceDueDate: draft.dueDate,
            customer: { id: input.customerId },
            ...(shopNumber !== null ? { invoiceNumber: shopNumber } : {}),
            orders: [{
              customer: { id: input.customerId },
              orderDate: draft.invoiceDate,
              deliveryDate: draft.invoiceDate,
              reference: draft.reference,
              invoiceComment: draft.comment,
              // Shop prices include VAT: send them as such, so Tripletex's per-line VAT equals the shop's.
              isPrioritizeAmountsIncludingVat: true,
              ...(currencyId !== undefined ? { currency: { id: currencyId } } : {}),
              orderLines: draft.lines.map((line) => ({
                description: line.sku ? `${line.description} [${line.sku}]` : line.description,
                count: line.quantity,
                unitPriceIncludingVatCurrency: oreToKroner(line.unitPriceIncludingVat),
                vatType: { id: vatIds.get(line.vatCode)! },
              })),
            }],
          },
          {
            sendToCustomer: draft.sendToCustomer,
            ...(firstPayment ? { paymentTypeId: firstPayment.paymentTypeId, paidAmount: oreToKroner(firstPayment.amount) } : {}),
          },
        ).catch(async (error: unknown) => {
          // A refused explicit number: ours from an earlier try, or someone else's (never retried in a loop).
          if (shopNumber !== null && error instanceof TripletexValidationError) return invoiceHoldingShopNumber(tripletex, draft, shopNumber, error);
          throw error;
        });
        return 'foundExisting' in invoice ? invoice : toTransferred(invoice, false);
      });
    },

    /**
     * Credits an invoice in full (`:createCreditNote`). A second credit note would credit twice,
     * so it always looks first for a credit note of this invoice on the credit's date: credits
     * are rare, the extra read is cheap.
     */
    async creditTripletexInvoice(input: { shopId: string; invoiceId: number; customerId: number; date: string; comment: string; sendToCustomer: boolean }): Promise<TransferredInvoice> {
      return withTripletexFailures(async () => {
        const tripletex = await clientFor(input.shopId);
        const sameDay = await tripletex.searchInvoices({ invoiceDateFrom: input.date, invoiceDateTo: addDays(input.date, 1), customerId: input.customerId });
        const existing = sameDay.find((invoice) => invoice.isCreditNote && invoice.creditedInvoice === input.invoiceId);
        if (existing) return toTransferred(existing, true);
        const creditNote = await tripletex.createCreditNote(input.invoiceId, { date: input.date, comment: input.comment, sendToCustomer: input.sendToCustomer });
        return toTransferred(creditNote, false);
      });
    },

    /**
     * Registers a payment beyond the one made in the invoice call (a gift card on an order paid
     * otherwise). A repeat would pay twice, so on a retry it first checks what is outstanding.
     */
    async registerTripletexPayment(input: { shopId: string; invoiceId: number; invoiceNumber: number; invoiceDate: string; payment: PaymentDraft; lookFirst: boolean }): Promise<{ amountOutstanding: number }> {
      return withTripletexFailures(async () => {
        const tripletex = await clientFor(input.shopId);
        if (input.lookFirst || activityInfo().attempt > 1) {
          const [current] = await tripletex.searchInvoices({ invoiceDateFrom: input.invoiceDate, invoiceDateTo: addDays(input.invoiceDate, 1), invoiceNumber: input.invoiceNumber });
          const outstanding = current ? kronerToOre(current.amountOutstanding ?? 0) : undefined;
          if (outstanding !== undefined && outstanding < input.payment.amount) return { amountOutstanding: outstanding };
        }
        const updated = await tripletex.registerPayment(input.invoiceId, {
          paymentDate: input.invoiceDate,
          paymentTypeId: input.payment.paymentTypeId,
          paidAmount: oreToKroner(input.payment.amount),
        });
        return { amountOutstanding: kronerToOre(updated.amountOutstanding ?? 0) };
      });
    },
  };
}

/** The customer fields a transfer keeps in step with the shop, in Tripletex's names. */
function wantedCustomer(customer: CustomerDraft): TripletexCustomerChanges {
  return {
    name: customer.name,
    email: customer.email,
    invoiceEmail: customer.email,
    phoneNumberMobile: customer.phone,
    ...(customer.organizationNumber ? { organizationNumber: customer.organizationNumber } : {}),
    isPrivateIndividual: customer.isPrivateIndividual,
    postalAddress: { addressLine1: customer.postalAddress.addressLine1, postalCode: customer.postalAddress.postalCode, city: customer.postalAddress.city },
  };
}

/**
 * Whether the customer cache may answer: only the first try of this activity (a retry may follow
 * a create whose outcome is unknown) and only the transfer's first ask (see ShopCustomerBook.firstAsk).
 * Outside an activity (no attempt to go by) it may not.
 */
function mayAnswerFromCache(book: ShopCustomerBook): boolean {
  let info: ReturnType<typeof activityInfo>;
  try {
    info = activityInfo();
  } catch {
    return false;
  }
  const transfer = info.workflowExecution?.workflowId;
  return info.attempt === 1 && transfer !== undefined && book.firstAsk(transfer);
}

/**
 * Creates the order's customer and records it in the cache. A refusal (422) may mean that the
 * customer number is taken, by an earlier try or by another worker that created it meanwhile:
 * a search decides. Assumption (Tripletex API, brief §7 "presumably"): Tripletex refuses a second
 * customer with the same customer number, as it does for product numbers; the sandbox does so.
 * Any failure leaves the match unsure in the cache, so its next ask searches Tripletex.
 */
async function createCustomerFor(tripletex: TripletexClient, book: ShopCustomerBook, customer: CustomerDraft): Promise<{ customerId: number; created: boolean }> {
  let created: TripletexCustomer;
  try {
    created = await tripletex.createCustomer({
      name: customer.name,
      ...(customer.customerNumber !== null ? { customerNumber: customer.customerNumber } : {}),
      ...(customer.organizationNumber ? { organizationNumber: customer.organizationNumber } : {}),
      email: customer.email,
      invoiceEmail: customer.email,
      phoneNumberMobile: customer.phone,
      isPrivateIndividual: customer.isPrivateIndividual,
      language: customer.language,
      // E-mail unless the merchant set the customer up for EHF in Tripletex themselves:
      // EHF to a receiver not registered for it fails the invoice (brief §2.3).
      invoiceSendMethod: 'EMAIL',
      postalAddress: { addressLine1: customer.postalAddress.addressLine1, postalCode: customer.postalAddress.postalCode, city: customer.postalAddress.city },
    });
  } catch (error) {
    book.markUnsure(customer.match);
    // A duplicate customer number means someone (or an earlier try) created it meanwhile.
    if (error instanceof TripletexValidationError) {
      const raced = await findCustomer(tripletex, customer);
      book.settle(customer.match, raced);
      if (raced !== undefined) return { customerId: raced.id, created: false };
    }
    throw error;
  }
  book.remember(created, { fingerprint: customerFingerprint(wantedCustomer(customer)), match: customer.match });
  return { customerId: created.id, created: true };
}

async function findCustomer(tripletex: TripletexClient, customer: CustomerDraft): Promise<TripletexCustomer | undefined> {
  const { match } = customer;
  const found =
    match.by === 'customerNumber' ? await tripletex.findCustomers({ customerAccountNumber: match.customerNumber })
      : match.by === 'organizationNumber' ? await tripletex.findCustomers({ organizationNumber: match.organizationNumber })
        : await tripletex.findCustomers({ email: match.email });
  // Tripletex's filters are exact, but a customer number search could still return several:
  // prefer the exact number, then the lowest id (the oldest), so the choice is stable.
  const exact = match.by === 'customerNumber' ? found.filter((candidate) => candidate.customerNumber === match.customerNumber) : found;
  return [...exact].sort((a, b) => a.id - b.id)[0];
}

async function findInvoiceByReference(tripletex: TripletexClient, draft: InvoiceDraft, customerId: number): Promise<TripletexInvoice | undefined> {
  const invoices = await tripletex.searchInvoices({ invoiceDateFrom: draft.invoiceDate, invoiceDateTo: addDays(draft.invoiceDate, 1), customerId });
  return invoiceWithReference(invoices, draft.reference);
}

/** The invoice (not a credit note) whose order carries this reference: the one a transfer made. */
function invoiceWithReference(invoices: TripletexInvoice[], reference: string): TripletexInvoice | undefined {
  return invoices.find((invoice) => !invoice.isCreditNote && invoice.orders.some((order) => order.reference === reference));
}

/**
 * Shop numbering: Tripletex refused the order's own number. When the invoice holding it carries
 * this order's reference, an earlier try made it: that is the invoice. When another invoice holds
 * it (typed in by hand, or Tripletex's own series reached the shop's numbers), the transfer stops
 * with the reason instead of trying again: the number stays taken. No invoice holds it: the
 * refusal was about something else, and the original error stands.
 */
async function invoiceHoldingShopNumber(tripletex: TripletexClient, draft: InvoiceDraft, invoiceNumber: number, refusal: TripletexValidationError): Promise<TransferredInvoice> {
  const holders = await tripletex.findInvoicesByNumber(invoiceNumber);
  const own = invoiceWithReference(holders, draft.reference);
  if (own) return toTransferred(own, true);
  const [holder] = holders;
  if (!holder) throw refusal;
  const what = holder.isCreditNote ? 'a credit note' : 'an invoice';
  throw ApplicationFailure.create({
    type: TransferFailureType.InvoiceNumberTaken,
    nonRetryable: true,
    message: `Invoice number ${invoiceNumber}, this order's own number in the shop, is already taken in Tripletex by ${what} dated ${holder.invoiceDate} (Tripletex id ${holder.id}) that this integration did not make: typed in by hand, or Tripletex's own invoice series has reached the shop's numbers. Two invoices cannot share a number. Move Tripletex's own series above the shop's (Accounting settings → number sequences), then let Tripletex number this one invoice: npm run cli -- retry --shop ${draft.shop} --order ${draft.orderId} --tripletex-number.`,
    details: [{ invoiceNumber, takenByInvoiceId: holder.id }],
  });
}

async function currencyIdFor(tripletex: TripletexClient, code: string): Promise<number> {
  const id = await tripletex.findCurrencyId(code);
  if (id === undefined) {
    throw ApplicationFailure.create({
      type: TransferFailureType.CurrencyUnknown,
      nonRetryable: true,
      message: `Tripletex has no currency ${code}, the currency of this order. Check the order's currency in Mystore.`,
    });
  }
  return id;
}

function toTransferred(invoice: TripletexInvoice, foundExisting: boolean): TransferredInvoice {
  return {
    invoiceId: invoice.id,
    invoiceNumber: invoice.invoiceNumber ?? 0,
    amount: kronerToOre(invoice.amount ?? 0),
    amountOutstanding: kronerToOre(invoice.amountOutstanding ?? 0),
    foundExisting,
  };
}
