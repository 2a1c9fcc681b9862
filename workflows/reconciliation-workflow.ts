/**
 * A shop's reconciliation (DESIGN.md flow 3), run by the shop's Schedule `reconcile-<shop>` or by
 * hand. It walks the Mystore orders changed in a window, one page per activity call (order ids,
 * updated_at and status ids only, never customer data), and checks:
 *
 * - every completed order has its transfer `transfer-<shop>-<order>`; a missing one is started
 *   (signal-with-start, so nothing doubles) and a transfer still waiting for a completion it
 *   never heard of is woken; parked transfers are counted by reason (and retried when asked);
 * - every order whose transfer holds an invoice has exactly one non-credit-note invoice with its
 *   reference in Tripletex, with the amount the transfer recorded. These are checked in batches:
 *   one invoice search per date range, matched locally by reference.
 *
 * The window of a scheduled run starts at the shop's watermark (the end of the last such run,
 * kept in the shop's workflow record) minus an overlap, and ends now; every 24th run is a full
 * pass from the day the shop went live. The run continues as new when its history grows,
 * carrying the report and the slices still to read.
 */
import { ActivityFailure, ApplicationFailure, continueAsNew, defineQuery, patched, proxyActivities, setHandler, upsertSearchAttributes, workflowInfo } from '@temporalio/workflow';
import { emptyTripletexNumberedSeen, mergeTripletexNumberedSeen, shopInvoiceNumber, type SeriesGapReport, type TripletexNumberedSeen } from '../domain/shop-numbering';
import { ShopIdKey } from '../common/search-attributes';
import type { createActivities } from '../activities';
import type { TransferStatus } from './transfer-workflow';

export interface ReconcileShopInput {
  shopId: string;
  /** ISO instant, inclusive: with `to`, exactly this window (the watermark is left alone). */
  from?: string;
  /** ISO instant, exclusive. */
  to?: string;
  /** true: from the day the shop went live; false: never; absent: every 24th scheduled run. */
  fullPass?: boolean;
  /** Send `retry` to every parked transfer found. */
  retryParked?: boolean;
  /** Orders per Mystore page (1…100, default 100). */
  pageSize?: number;
  /** Carried over by continue-as-new. */
  carry?: ReconciliationCarry;
}

export interface ReconciliationCarry {
  report: ReconciliationReport;
  /** [from, to) slices still to read, the next one last. */
  slices: Array<[string, string]>;
  /** Invoices still to check in Tripletex. */
  pendingInvoices: ExpectedInvoice[];
  completedStatusIds: string[];
  cancelledStatusIds: string[];
  /** Whether this run moves the shop's watermark when it ends. */
  movesWatermark: boolean;
  fullPass: boolean;
  /** Shop numbering: the highest shop number (order id) among the completed orders read. */
  shopHighestSeen?: number | null;
  /** Shop numbering: the numbers Tripletex gave invoices itself, among the invoices read. */
  tripletexNumbered?: TripletexNumberedSeen;
}

/** An invoice a transfer says it made, as reconciliation checks it in Tripletex. */
export interface ExpectedInvoice {
  orderId: string;
  invoiceId: number;
  invoiceNumber: number;
  /** YYYY-MM-DD. */
  invoiceDate: string;
  /** Minor units, VAT included, as Tripletex computed it when the transfer made it. */
  amount: number;
}

export interface FoundInvoice {
  invoiceId: number;
  invoiceNumber: number;
  invoiceDate: string;
  /** Minor units. */
  amount: number;
}

export interface MissingInvoice {
  orderId: string;
  /** What the transfer made: gone from Tripletex (deleted there). */
  expected: ExpectedInvoice;
  /** Other invoices with the order's reference, if any (e.g. one typed by hand instead). */
  others: FoundInvoice[];
}

export interface DuplicateInvoices {
  orderId: string;
  /** The invoice the transfer made. */
  expected: ExpectedInvoice;
  /** Every non-credit-note invoice with the order's reference, the transfer's included. */
  invoices: FoundInvoice[];
}

export interface AmountMismatch {
  orderId: string;
  invoiceId: number;
  invoiceNumber: number;
  /** Minor units: what the transfer recorded. */
  expectedAmount: number;
  /** Minor units: what Tripletex holds now. */
  actualAmount: number;
}

export interface ReconciliationReport {
  shopId: string;
  window: { from: string; to: string };
  fullPass: boolean;
  /** Orders changed in the window. */
  ordersSeen: number;
  /** Of those, orders whose status carries the completed tag. */
  completed: number;
  /** Orders whose transfer holds an invoice (Invoiced, PartiallyCredited, Credited). */
  transferred: number;
  /** Completed orders that had no transfer: started now. */
  startedNow: string[];
  /** Transfers that waited for a change they never heard of (completion, cancellation): woken now. */
  woken: string[];
  /** Transfers in NeedsAttention, by problem kind. */
  parked: Record<string, string[]>;
  /** Order ids of the parked transfers sent `retry` (with retryParked). */
  retried: string[];
  /** Order ids of transfers waiting for new credentials. */
  waitingForCredentials: string[];
  missingInvoices: MissingInvoice[];
  duplicates: DuplicateInvoices[];
  amountMismatches: AmountMismatch[];
  warnings: string[];
  /** Shop numbering: the gap between the shop's invoice numbers and Tripletex's own series (absent in Tripletex numbering). */
  invoiceNumbers?: SeriesGapReport;
  /** Calls spent: Mystore pages read (split slices included), Tripletex invoice searches. */
  calls: { mystorePages: number; tripletexSearches: number };
  /** Whether the run is over (false while the `report` query shows it live). */
  finished: boolean;
}

export const reconciliationReportQuery = defineQuery<ReconciliationReport>('report');

const activities = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '5 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '1 minute', maximumAttempts: 10 },
});

/** Invoices collected before one batch of Tripletex searches. */
const INVOICE_BATCH = 500;
const INVOICED: ReadonlySet<TransferStatus> = new Set<TransferStatus>(['Invoiced', 'PartiallyCredited', 'Credited']);

export function emptyReconciliationReport(shopId: string, window: { from: string; to: string }, fullPass: boolean): ReconciliationReport {
  return {
    shopId, window, fullPass, ordersSeen: 0, completed: 0, transferred: 0, startedNow: [], woken: [], parked: {}, retried: [],
    waitingForCredentials: [], missingInvoices: [], duplicates: [], amountMismatches: [], warnings: [], calls: { mystorePages: 0, tripletexSearches: 0 }, finished: false,
  };
}

export async function reconcileShop(input: ReconcileShopInput): Promise<ReconciliationReport> {
  const { shopId } = input;
  upsertSearchAttributes([{ key: ShopIdKey, value: shopId }]);
  let carry = input.carry;
  if (!carry) {
    const start = await activities.beginReconciliation({
      shopId,
      ...(input.from !== undefined ? { from: input.from } : {}),
      ...(input.to !== undefined ? { to: input.to } : {}),
      ...(input.fullPass !== undefined ? { fullPass: input.fullPass } : {}),
    });
    carry = {
      report: emptyReconciliationReport(shopId, start.window, start.fullPass),
      slices: start.window.from < start.window.to ? [[start.window.from, start.window.to]] : [],
      pendingInvoices: [],
      completedStatusIds: start.completedStatusIds,
      cancelledStatusIds: start.cancelledStatusIds,
      movesWatermark: start.movesWatermark,
      fullPass: start.fullPass,
    };
    if (start.warning) carry.report.warnings.push(start.warning);
  }
  const state = carry;
  const { report } = state;
  setHandler(reconciliationReportQuery, () => report);
  const completedStatuses = new Set(state.completedStatusIds);
  const cancelledStatuses = new Set(state.cancelledStatusIds);

  const checkInvoices = async () => {
    if (state.pendingInvoices.length === 0) return;
    let checked;
    try {
      checked = await activities.checkTripletexInvoices({ shopId, expected: state.pendingInvoices });
    } catch (error) {
      // A rejected key or Tripletex down: the rest of the report still stands.
      if (!(error instanceof ActivityFailure)) throw error;
      const cause = error.cause instanceof ApplicationFailure ? error.cause.message : error.message;
      report.warnings.push(`The invoices of ${state.pendingInvoices.length} order(s) (${state.pendingInvoices.map((invoice) => invoice.orderId).join(', ')}) could not be checked in Tripletex: ${cause}`);
      state.pendingInvoices = [];
      return;
    }
    report.missingInvoices.push(...checked.missing);
    report.duplicates.push(...checked.duplicates);
    report.amountMismatches.push(...checked.amountMismatches);
    report.warnings.push(...checked.warnings);
    report.calls.tripletexSearches += checked.searches;
    if (checked.tripletexNumbered) state.tripletexNumbered = mergeTripletexNumberedSeen(state.tripletexNumbered ?? emptyTripletexNumberedSeen(), checked.tripletexNumbered);
    state.pendingInvoices = [];
  };

  async function checkInvoiceNumberSeries() {
    try {
      const checked = await activities.checkInvoiceNumberSeries({ shopId, shopHighestSeen: state.shopHighestSeen ?? null, seen: state.tripletexNumbered ?? emptyTripletexNumberedSeen() });
      report.calls.tripletexSearches += checked.searches;
      if (!checked.report) return;
      report.invoiceNumbers = checked.report;
      if (checked.report.status !== 'ok') report.warnings.push(`Invoice numbers: ${checked.report.message}`);
    } catch (error) {
      if (!(error instanceof ActivityFailure)) throw error;
      report.warnings.push(`The gap between the shop's invoice numbers and Tripletex's own could not be checked: ${error.cause instanceof ApplicationFailure ? error.cause.message : error.message}`);
    }
  }

  while (state.slices.length > 0) {
    if (workflowInfo().continueAsNewSuggested) {
      await continueAsNew<typeof reconcileShop>({ ...input, carry: state });
    }
    const [from, to] = state.slices[state.slices.length - 1]!;
    const page = await activities.listReconciliationPage({ shopId, from, to, ...(input.pageSize !== undefined ? { pageSize: input.pageSize } : {}) });
    state.slices.pop();
    report.calls.mystorePages += 1;
    if (page.kind === 'split') {
      // Read the earlier half first: push it last.
      state.slices.push(...[...page.slices].reverse());
      continue;
    }
    if (page.warning) report.warnings.push(page.warning);
    report.ordersSeen += page.orders.length;
    const completed = page.orders.filter((order) => order.statusId !== null && completedStatuses.has(order.statusId));
    const cancelled = new Set(page.orders.filter((order) => order.statusId !== null && cancelledStatuses.has(order.statusId)).map((order) => order.orderId));
    report.completed += completed.length;
    const completedIds = new Set(completed.map((order) => order.orderId));
    for (const order of completed) {
      const number = shopInvoiceNumber(order.orderId);
      if (number !== null && number > (state.shopHighestSeen ?? 0)) state.shopHighestSeen = number;
    }
    const toRead = page.orders.filter((order) => completedIds.has(order.orderId) || cancelled.has(order.orderId)).map((order) => order.orderId);
    if (toRead.length === 0) continue;

    const summaries = await activities.readTransferSummaries({ shopId, orderIds: toRead });
    const toStart: string[] = [];
    const toWake: string[] = [];
    const toRetry: string[] = [];
    for (const summary of summaries) {
      const { orderId } = summary;
      if (summary.status === null) {
        if (completedIds.has(orderId)) toStart.push(orderId);
        continue;
      }
      switch (summary.status) {
        case 'Waiting':
          // The transfer waits for the completion webhook that was lost.
          if (completedIds.has(orderId)) toWake.push(orderId);
          break;
        case 'NeedsAttention': {
          const kind = summary.problemKind ?? 'Unknown';
          (report.parked[kind] ??= []).push(orderId);
          if (input.retryParked) toRetry.push(orderId);
          break;
        }
        case 'WaitingForCredentials':
          report.waitingForCredentials.push(orderId);
          break;
        default:
          break;
      }
      if (INVOICED.has(summary.status)) {
        report.transferred += 1;
        // An invoiced order cancelled in Mystore whose transfer never heard of it: wake it to credit.
        if (cancelled.has(orderId) && summary.status !== 'Credited') toWake.push(orderId);
        if (summary.invoice) state.pendingInvoices.push({ orderId, ...summary.invoice });
        else report.warnings.push(`Order ${orderId}: the transfer says ${summary.status} but records no invoice; look at its status in the Temporal UI.`);
      }
    }
    if (toStart.length > 0 || toWake.length > 0) {
      await activities.signalTransfersOrderUpdated({ shopId, orderIds: [...toStart, ...toWake] });
      report.startedNow.push(...toStart);
      report.woken.push(...toWake);
    }
    if (toRetry.length > 0) {
      await activities.retryParkedTransfers({ shopId, orderIds: toRetry });
      report.retried.push(...toRetry);
    }
    if (state.pendingInvoices.length >= INVOICE_BATCH) await checkInvoices();
  }
  await checkInvoices();
  // Runs recorded before the numbering check replay without it.
  if (patched('invoice-number-series-check')) await checkInvoiceNumberSeries();

  if (state.movesWatermark) {
    await activities.saveReconciliationWatermark({ shopId, upTo: report.window.to, fullPass: state.fullPass });
  }
  report.finished = true;
  return report;
}
