/**
 * One order's transfer to Tripletex (workflow id `transfer-<shop>-<order>`, so a second start
 * finds the first). It waits for the order to be completed, maps it to an invoice draft that
 * must match the shop's totals to the øre, ensures the customer, creates exactly one invoice,
 * and writes its number back to Mystore. It then stays for a while to turn refunds, returns and
 * a cancellation into credit notes on the same history. What needs a human parks the transfer
 * with the reason in plain words until a `retry` signal; a rejected token waits for new
 * credentials.
 */
import {
  ActivityFailure, ApplicationFailure, condition, defineQuery, defineSignal, patched, proxyActivities, proxyLocalActivities, setHandler, upsertMemo,
  upsertSearchAttributes, workflowInfo,
} from '@temporalio/workflow';
import { MystoreFailureType, TransferFailureType, TripletexFailureType } from '../common/failure-types';
import { InvoiceNumberKey, MystoreOrderIdKey, ShopIdKey, TransferStatusKey } from '../common/search-attributes';
import { buildInvoiceDraft } from '../domain/invoice-draft';
import type { createActivities } from '../activities';

export interface TransferInput {
  shopId: string;
  orderId: string;
}

export type TransferStatus =
  | 'Waiting'
  | 'Transferring'
  | 'Invoiced'
  | 'NeedsAttention'
  | 'WaitingForCredentials'
  | 'PartiallyCredited'
  | 'Credited'
  | 'Cancelled'
  /** A credit order: handed to its original order's transfer. */
  | 'Forwarded';

export interface TransferProblem {
  /** A stable name: a failure type (e.g. TripletexValidation) or a draft rejection (e.g. amount-mismatch). */
  kind: string;
  /** What is wrong and what to do, in plain words. */
  message: string;
}

export interface CreditRecord {
  /** The Mystore credit order, or null for a cancellation of the whole order. */
  creditOrderId: string | null;
  kind: 'credit-note' | 'credit-invoice';
  tripletexInvoiceId: number;
  tripletexInvoiceNumber: number;
  /** Minor units, negative. */
  amount: number;
}

export interface TransferState {
  shopId: string;
  orderId: string;
  status: TransferStatus;
  /** What has been done, in order, for the operator. */
  steps: string[];
  tripletex: {
    customerId?: number;
    invoiceId?: number;
    invoiceNumber?: number;
    invoiceDate?: string;
    /** Invoice total in the company's currency, as Tripletex computed it (minor units). */
    amount?: number;
    /** Invoice total in the order's currency (minor units): what a full refund must equal. */
    orderAmount?: number;
    /** Whether the invoice was sent to the customer (then its credit note is too). */
    sentToCustomer?: boolean;
  };
  /** The date each credit was first tried on, by credit order id ('cancellation' for the order's own): a retry looks on that day. */
  creditDates: Record<string, string>;
  credits: CreditRecord[];
  problem?: TransferProblem;
}

export const transferStateQuery = defineQuery<TransferState>('status');
/** Mystore says the order changed (webhook or reconciliation): look at it again. */
export const orderUpdatedSignal = defineSignal('orderUpdated');
/** An operator fixed what the transfer was waiting for: try again. */
export const retrySignal = defineSignal('retry');
/** A credit order (refund or return) for this order exists in Mystore. */
export const refundSignal = defineSignal<[string]>('refund');
/**
 * Shop numbering: let Tripletex number this order's invoices from its own series (the shop's
 * number is taken, or is not a number), then try again.
 */
export const useTripletexNumberSignal = defineSignal('useTripletexNumber');

const RETRY_FOREVER = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' } as const;
const activities = proxyActivities<ReturnType<typeof createActivities>>({ startToCloseTimeout: '2 minutes', retry: RETRY_FOREVER });
/**
 * The steps that are safe to run again from the start after a worker dies mid-way run as local
 * activities: no round trip through the server each, so a transfer costs a fraction of the
 * Temporal work (BENCHMARKS.md). Safe again: reading the order, finding or creating the customer
 * (searched on any doubt, see ensureTripletexCustomer), writing the number back (a PUT of the
 * same values), handing a credit order on (signal-with-start), reading the credentials version.
 * Creating an invoice, a credit note or a payment is not: a local activity that dies with its
 * worker starts again as a first try, without looking first; those stay server-side activities,
 * whose retries the server counts. A local activity holds its workflow task until it ends; none
 * of them waits on another workflow's task (the shop's record is read from its memo, see
 * activities/shop-directory.ts), so a backlog cannot starve a restarted worker. One narrow
 * window stays: a customer created by a worker that dies before its task completes is created
 * again if the next worker trusts a customer list read in the ten seconds before that creation
 * (activities/tripletex/customer-cache.ts): a duplicate customer, never a second invoice.
 */
const localActivities = proxyLocalActivities<ReturnType<typeof createActivities>>({ startToCloseTimeout: '2 minutes', retry: RETRY_FOREVER });

/** How often a transfer waiting for new credentials asks the shop's record (not Tripletex) whether they came. */
const CREDENTIALS_POLL = '10 minutes';
/**
 * How long an invoiced transfer stays open for refunds, returns and a cancellation. A later one
 * starts a new run of the same workflow id, which finds the invoice through the number and date
 * written back to the Mystore order.
 */
const AFTER_INVOICE_WINDOW = '90 days';

const CREDENTIAL_FAILURES = new Set<string>([TripletexFailureType.Authentication, MystoreFailureType.Authentication]);

/** Thrown inside a step to park the transfer on a draft rejection (caught by `attempt`). */
class Parked extends Error {
  constructor(readonly problem: TransferProblem) {
    super(problem.message);
  }
}

export async function transferOrder(input: TransferInput): Promise<TransferState> {
  // Transfers started before the local steps replay with server-side activities.
  const rerunnable = patched('transfer-local-steps') ? localActivities : activities;
  const state: TransferState = { shopId: input.shopId, orderId: input.orderId, status: 'Transferring', steps: [], tripletex: {}, credits: [], creditDates: {} };
  let orderUpdated = false;
  let retryRequested = false;
  const pendingCredits: string[] = [];
  const handledCredits = new Set<string>();
  setHandler(transferStateQuery, () => state);
  setHandler(orderUpdatedSignal, () => {
    orderUpdated = true;
  });
  setHandler(retrySignal, () => {
    retryRequested = true;
  });
  /** Set by useTripletexNumber: this transfer's invoices are numbered by Tripletex whatever the shop's mode. */
  let tripletexNumbers = false;
  setHandler(useTripletexNumberSignal, () => {
    if (!tripletexNumbers) state.steps.push('Asked to let Tripletex number this order\'s invoices.');
    tripletexNumbers = true;
    retryRequested = true;
  });
  setHandler(refundSignal, (creditOrderId) => {
    // A second signal for the same credit order changes nothing.
    if (!handledCredits.has(creditOrderId) && !pendingCredits.includes(creditOrderId)) pendingCredits.push(creditOrderId);
  });
  upsertSearchAttributes([
    { key: ShopIdKey, value: input.shopId },
    { key: MystoreOrderIdKey, value: input.orderId },
  ]);

  const setStatus = (status: TransferStatus, problem?: TransferProblem) => {
    state.status = status;
    state.problem = problem;
    upsertSearchAttributes([{ key: TransferStatusKey, value: status }]);
    upsertMemo({ summary: problem ? `${status}: ${problem.message}` : status });
  };

  // A reset or continued run cannot know what an earlier run created: look before creating.
  let earlierRunMayHaveCreated = workflowInfo().runId !== workflowInfo().firstExecutionRunId;
  /** The shop's credentials version this try uses (-1 before it is known); a rejected token waits for a newer one. */
  let credentialsVersionUsed = -1;

  /**
   * Runs a step until it succeeds: a business failure parks until `retry`, a rejected token
   * waits for new credentials, anything retryable was already retried by its activity.
   */
  async function attempt<T>(step: () => Promise<T>): Promise<T> {
    for (;;) {
      try {
        credentialsVersionUsed = -1;
        return await step();
      } catch (error) {
        if (error instanceof Parked) {
          await park(error.problem);
          continue;
        }
        const failure = activityFailureOf(error);
        if (!failure) throw error;
        if (failure.type === TransferFailureType.InvoiceNumberTaken) {
          // Retrying cannot free the number: the message says what the operator can do.
          await park({ kind: failure.type, message: failure.message });
        } else if (CREDENTIAL_FAILURES.has(failure.type ?? '')) {
          await waitForNewCredentials({ kind: failure.type!, message: `${failure.message} The transfer waits for new credentials (update them with onboarding) and resumes by itself.` });
        } else {
          await park({ kind: failure.type ?? 'Unknown', message: `${failure.message} Fix it, then retry the transfer (npm run cli -- retry --shop ${input.shopId} --order ${input.orderId}, or the retry signal in the Temporal UI).` });
        }
      }
    }
  }

  async function load(orderId: string) {
    const loaded = await rerunnable.loadOrderForTransfer({ shopId: input.shopId, orderId });
    credentialsVersionUsed = loaded.credentialsVersion;
    return loaded;
  }

  // ── 1. The invoice ──────────────────────────────────────────────────────────────────────────
  const invoiceStep = async (): Promise<'invoiced' | 'cancelled' | 'forwarded' | 'waiting'> => {
    setStatus('Transferring');
    // Cleared before reading the order, so an update that arrives while it is read is not lost.
    orderUpdated = false;
    const { order, settings, today } = await load(input.orderId);
    if (order.creditsOrderId !== null) {
      await rerunnable.forwardCreditOrder({ shopId: input.shopId, originalOrderId: order.creditsOrderId, creditOrderId: order.orderId });
      state.steps.push(`Credit order for order ${order.creditsOrderId}: handed to that order's transfer.`);
      return 'forwarded';
    }
    if (!order.status.completed) {
      if (order.status.cancelled) return 'cancelled';
      state.steps.push(`Waiting: the order's status "${order.status.name}" is not completed yet.`);
      return 'waiting';
    }
    // An invoice written back to the order was made by an earlier run: find it on its own date.
    if (order.invoiceNumber !== null) earlierRunMayHaveCreated = true;
    const invoiceDate = state.tripletex.invoiceDate ?? order.invoiceDate ?? today;
    const drafted = buildInvoiceDraft(order, settings, { invoiceDate, tripletexNumbers });
    if (!drafted.ok) throw new Parked({ kind: drafted.rejection.reason, message: drafted.rejection.message });
    const { draft } = drafted;

    const customer = await rerunnable.ensureTripletexCustomer({ shopId: input.shopId, customer: draft.customer });
    state.tripletex.customerId = customer.customerId;
    state.steps.push(customer.created ? `Created Tripletex customer ${customer.customerId}.` : `Found Tripletex customer ${customer.customerId}.`);

    // Once an invoice may have been created, its date is fixed: a later try looks for it on that day.
    state.tripletex.invoiceDate = invoiceDate;
    const lookFirst = earlierRunMayHaveCreated;
    earlierRunMayHaveCreated = true;
    const invoice = await activities.createTripletexInvoice({ shopId: input.shopId, draft, customerId: customer.customerId, lookFirst });
    Object.assign(state.tripletex, {
      invoiceId: invoice.invoiceId, invoiceNumber: invoice.invoiceNumber, amount: invoice.amount, orderAmount: draft.amountIncludingVat, sentToCustomer: draft.sendToCustomer,
    });
    state.steps.push(`${invoice.foundExisting ? 'Found the invoice an earlier try created' : 'Created invoice'}: number ${invoice.invoiceNumber} (id ${invoice.invoiceId}).`);
    upsertSearchAttributes([{ key: InvoiceNumberKey, value: String(invoice.invoiceNumber) }]);

    for (const payment of draft.payments.slice(1)) {
      // Only an invoice an earlier try made can already hold this payment (a retry of the activity looks anyway).
      await activities.registerTripletexPayment({ shopId: input.shopId, invoiceId: invoice.invoiceId, invoiceNumber: invoice.invoiceNumber, invoiceDate, payment, lookFirst: invoice.foundExisting });
      state.steps.push(`Registered the ${payment.purpose} payment.`);
    }
    await rerunnable.writeBackInvoiceToMystore({ shopId: input.shopId, orderId: input.orderId, invoiceNumber: String(invoice.invoiceNumber), invoiceDate });
    state.steps.push('Wrote the invoice number and date back to the Mystore order.');
    return 'invoiced';
  };

  let outcome = await attempt(invoiceStep);
  while (outcome === 'waiting') {
    setStatus('Waiting');
    await condition(() => orderUpdated);
    outcome = await attempt(invoiceStep);
  }

  if (outcome === 'forwarded') {
    setStatus('Forwarded');
    return state;
  }
  if (outcome === 'cancelled') {
    state.steps.push('The order was cancelled in Mystore before it was invoiced: nothing to invoice.');
    setStatus('Cancelled');
    return state;
  }
  setStatus('Invoiced');

  // ── 2. Refunds, returns and a cancellation, as credit notes ─────────────────────────────────
  for (;;) {
    const woken = await condition(() => pendingCredits.length > 0 || orderUpdated, AFTER_INVOICE_WINDOW);
    if (!woken) return state;
    if (orderUpdated) {
      orderUpdated = false;
      await attempt(() => creditIfCancelled());
    }
    while (pendingCredits.length > 0) {
      const creditOrderId = pendingCredits[0]!;
      await attempt(() => credit(creditOrderId));
      pendingCredits.shift();
      handledCredits.add(creditOrderId);
    }
  }

  /** A cancelled order that was invoiced is credited in full, once. */
  async function creditIfCancelled(): Promise<void> {
    const { order, today } = await load(input.orderId);
    if (!order.status.cancelled || state.credits.some((credit) => credit.creditOrderId === null)) return;
    await creditInFull(null, (state.creditDates.cancellation ??= today), `Kansellert ordre ${input.orderId}`);
  }

  /** A credit order: in full when it credits everything that was invoiced, otherwise its lines. */
  async function credit(creditOrderId: string): Promise<void> {
    if (state.credits.some((record) => record.creditOrderId === creditOrderId)) return;
    const { order: creditOrder, settings, today } = await load(creditOrderId);
    const creditDate = (state.creditDates[creditOrderId] ??= today);
    const drafted = buildInvoiceDraft(creditOrder, settings, { invoiceDate: creditDate, tripletexNumbers });
    if (!drafted.ok) throw new Parked({ kind: drafted.rejection.reason, message: `Credit order ${creditOrderId}: ${drafted.rejection.message}` });
    const alreadyCredited = state.credits.reduce((sum, record) => sum + record.amount, 0);
    if (-drafted.draft.amountIncludingVat === state.tripletex.orderAmount && alreadyCredited === 0) {
      await creditInFull(creditOrderId, creditDate, `Kreditordre ${creditOrderId}`);
      return;
    }
    const customerId = state.tripletex.customerId!;
    const creditInvoice = await activities.createTripletexInvoice({ shopId: input.shopId, draft: drafted.draft, customerId, lookFirst: true });
    state.credits.push({ creditOrderId, kind: 'credit-invoice', tripletexInvoiceId: creditInvoice.invoiceId, tripletexInvoiceNumber: creditInvoice.invoiceNumber, amount: creditInvoice.amount });
    state.steps.push(`Credit order ${creditOrderId}: credit invoice ${creditInvoice.invoiceNumber} for the returned lines.`);
    await rerunnable.writeBackInvoiceToMystore({ shopId: input.shopId, orderId: creditOrderId, invoiceNumber: String(creditInvoice.invoiceNumber), invoiceDate: drafted.draft.invoiceDate });
    setStatus('PartiallyCredited');
  }

  async function creditInFull(creditOrderId: string | null, date: string, comment: string): Promise<void> {
    const creditNote = await activities.creditTripletexInvoice({
      shopId: input.shopId,
      invoiceId: state.tripletex.invoiceId!,
      customerId: state.tripletex.customerId!,
      date,
      comment,
      sendToCustomer: state.tripletex.sentToCustomer ?? false,
    });
    state.credits.push({ creditOrderId, kind: 'credit-note', tripletexInvoiceId: creditNote.invoiceId, tripletexInvoiceNumber: creditNote.invoiceNumber, amount: creditNote.amount });
    state.steps.push(`${creditNote.foundExisting ? 'Found the credit note an earlier try created' : 'Credited the invoice in full'}: credit note ${creditNote.invoiceNumber}.`);
    if (creditOrderId !== null) {
      await rerunnable.writeBackInvoiceToMystore({ shopId: input.shopId, orderId: creditOrderId, invoiceNumber: String(creditNote.invoiceNumber), invoiceDate: date });
    }
    setStatus('Credited');
  }

  async function park(problem: TransferProblem): Promise<void> {
    setStatus('NeedsAttention', problem);
    state.steps.push(`Needs attention: ${problem.message}`);
    retryRequested = false;
    await condition(() => retryRequested);
    state.steps.push('Retry requested.');
  }

  async function waitForNewCredentials(problem: TransferProblem): Promise<void> {
    setStatus('WaitingForCredentials', problem);
    state.steps.push(`Waiting for credentials: ${problem.message}`);
    retryRequested = false;
    if (credentialsVersionUsed < 0) {
      // The load itself was refused: the credentials it used are the shop's current ones.
      credentialsVersionUsed = (await rerunnable.shopCredentialsVersion({ shopId: input.shopId })).credentialsVersion;
    }
    for (;;) {
      const { credentialsVersion } = await rerunnable.shopCredentialsVersion({ shopId: input.shopId });
      if (credentialsVersion !== credentialsVersionUsed) break;
      if (await condition(() => retryRequested, CREDENTIALS_POLL)) break;
    }
    state.steps.push('New credentials or a retry: trying again.');
  }
}

/**
 * The ApplicationFailure an activity failed with: wrapped in an ActivityFailure for a
 * server-side activity; a local activity's may arrive unwrapped.
 */
function activityFailureOf(error: unknown): ApplicationFailure | undefined {
  if (error instanceof ActivityFailure) return error.cause instanceof ApplicationFailure ? error.cause : undefined;
  return error instanceof ApplicationFailure ? error : undefined;
}
