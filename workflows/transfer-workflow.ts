/**
 * One order's transfer to Tripletex (workflow id `transfer-<shop>-<order>`, so a second start
 * finds the first). It waits for the order to be completed, maps it to an invoice draft that
 * must match the shop's totals to the øre, ensures the customer, creates exactly one invoice,
 * and writes its number back to Mystore. What needs a human parks the transfer with the reason
 * in plain words until a `retry` signal; a rejected token waits for new credentials.
 */
import {
  ActivityFailure, ApplicationFailure, condition, defineQuery, defineSignal, proxyActivities, setHandler, upsertMemo, upsertSearchAttributes,
  workflowInfo,
} from '@temporalio/workflow';
import { MystoreFailureType, TripletexFailureType } from '../common/failure-types';
import { InvoiceNumberKey, MystoreOrderIdKey, ShopIdKey, TransferStatusKey } from '../common/search-attributes';
import { buildInvoiceDraft } from '../domain/invoice-draft';
import type { createActivities } from '../activities';

export interface TransferInput {
  shopId: string;
  orderId: string;
}

export type TransferStatus = 'Waiting' | 'Transferring' | 'Invoiced' | 'NeedsAttention' | 'WaitingForCredentials' | 'Cancelled';

export interface TransferProblem {
  /** A stable name: a failure type (e.g. TripletexValidation) or a draft rejection (e.g. amount-mismatch). */
  kind: string;
  /** What is wrong and what to do, in plain words. */
  message: string;
}

export interface TransferState {
  shopId: string;
  orderId: string;
  status: TransferStatus;
  /** What has been done, in order, for the operator. */
  steps: string[];
  tripletex: { customerId?: number; invoiceId?: number; invoiceNumber?: number; invoiceDate?: string; amount?: number };
  problem?: TransferProblem;
}

export const transferStateQuery = defineQuery<TransferState>('status');
/** Mystore says the order changed (webhook or reconciliation): look at it again if waiting. */
export const orderUpdatedSignal = defineSignal('orderUpdated');
/** An operator fixed what the transfer was waiting for: try again. */
export const retrySignal = defineSignal('retry');

const RETRY_FOREVER = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' } as const;

const activities = proxyActivities<ReturnType<typeof createActivities>>({ startToCloseTimeout: '2 minutes', retry: RETRY_FOREVER });

/** How often a transfer waiting for new credentials asks the shop's record (not Tripletex) whether they came. */
const CREDENTIALS_POLL = '10 minutes';

const CREDENTIAL_FAILURES = new Set<string>([TripletexFailureType.Authentication, MystoreFailureType.Authentication]);

export async function transferOrder(input: TransferInput): Promise<TransferState> {
  const state: TransferState = { shopId: input.shopId, orderId: input.orderId, status: 'Transferring', steps: [], tripletex: {} };
  let orderUpdated = false;
  let retryRequested = false;
  setHandler(transferStateQuery, () => state);
  setHandler(orderUpdatedSignal, () => {
    orderUpdated = true;
  });
  setHandler(retrySignal, () => {
    retryRequested = true;
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
  let invoiceMayExist = workflowInfo().runId !== workflowInfo().firstExecutionRunId;
  /** The shop's credentials version this try uses (-1 before it is known); a rejected token waits for a newer one. */
  let credentialsVersionUsed = -1;

  for (;;) {
    try {
      setStatus('Transferring');
      credentialsVersionUsed = -1;
      const { order, settings, today, credentialsVersion } = await activities.loadOrderForTransfer(input);
      credentialsVersionUsed = credentialsVersion;
      if (!order.status.completed) {
        if (order.status.cancelled) {
          state.steps.push(`Order cancelled in Mystore (status "${order.status.name}"): nothing to invoice.`);
          setStatus('Cancelled');
          return state;
        }
        setStatus('Waiting');
        state.steps.push(`Waiting: the order's status "${order.status.name}" is not completed yet.`);
        orderUpdated = false;
        await condition(() => orderUpdated);
        continue;
      }

      // Once an invoice may have been created, its date is fixed: a later try must look for it on that day.
      const invoiceDate = state.tripletex.invoiceDate ?? today;
      const drafted = buildInvoiceDraft(order, settings, { invoiceDate });
      if (!drafted.ok) {
        await park({ kind: drafted.rejection.reason, message: drafted.rejection.message });
        continue;
      }
      const { draft } = drafted;

      const customer = await activities.ensureTripletexCustomer({ shopId: input.shopId, customer: draft.customer });
      state.tripletex.customerId = customer.customerId;
      state.steps.push(customer.created ? `Created Tripletex customer ${customer.customerId}.` : `Found Tripletex customer ${customer.customerId}.`);

      state.tripletex.invoiceDate = invoiceDate;
      const lookFirst = invoiceMayExist;
      invoiceMayExist = true;
      const invoice = await activities.createTripletexInvoice({ shopId: input.shopId, draft, customerId: customer.customerId, lookFirst });
      Object.assign(state.tripletex, { invoiceId: invoice.invoiceId, invoiceNumber: invoice.invoiceNumber, amount: invoice.amount });
      state.steps.push(`${invoice.foundExisting ? 'Found the invoice an earlier try created' : 'Created invoice'}: number ${invoice.invoiceNumber} (id ${invoice.invoiceId}).`);
      upsertSearchAttributes([{ key: InvoiceNumberKey, value: String(invoice.invoiceNumber) }]);

      for (const payment of draft.payments.slice(1)) {
        await activities.registerTripletexPayment({
          shopId: input.shopId, invoiceId: invoice.invoiceId, invoiceNumber: invoice.invoiceNumber, invoiceDate, payment, lookFirst: true,
        });
        state.steps.push(`Registered the ${payment.purpose} payment.`);
      }

      await activities.writeBackInvoiceToMystore({ shopId: input.shopId, orderId: input.orderId, invoiceNumber: String(invoice.invoiceNumber), invoiceDate });
      state.steps.push('Wrote the invoice number and date back to the Mystore order.');
      setStatus('Invoiced');
      return state;
    } catch (error) {
      const failure = error instanceof ActivityFailure && error.cause instanceof ApplicationFailure ? error.cause : undefined;
      if (!failure) throw error;
      if (CREDENTIAL_FAILURES.has(failure.type ?? '')) {
        await waitForNewCredentials({ kind: failure.type!, message: `${failure.message} The transfer waits for new credentials (update them with onboarding) and resumes by itself.` });
      } else {
        await park({ kind: failure.type ?? 'Unknown', message: `${failure.message} Fix it, then retry the transfer (npm run cli -- retry --shop ${input.shopId} --order ${input.orderId}, or the retry signal in the Temporal UI).` });
      }
    }
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
      credentialsVersionUsed = (await activities.shopCredentialsVersion({ shopId: input.shopId })).credentialsVersion;
    }
    for (;;) {
      const { credentialsVersion } = await activities.shopCredentialsVersion({ shopId: input.shopId });
      if (credentialsVersion !== credentialsVersionUsed) break;
      if (await condition(() => retryRequested, CREDENTIALS_POLL)) break;
    }
    state.steps.push('New credentials or a retry: trying again.');
  }
}
