/**
 * The side effects of a shop's reconciliation (workflows/reconciliation-workflow.ts) and of its
 * Schedule: the window and the shop's order statuses, one Mystore page per call, the transfers'
 * states, starting or waking transfers, and checking invoices in Tripletex with one search per
 * date range. What crosses into workflow history is small: order ids, instants, status ids,
 * invoice ids, numbers, dates and amounts; never customer data.
 */
import { ApplicationFailure } from '@temporalio/common';
import { addDays } from '../domain/calendar';
import { parseTripletexOrderReference, tripletexOrderReference } from '../domain/invoice-draft';
import {
  addTripletexNumbered, assessSeriesGap, emptyTripletexNumberedSeen, isShopNumbered, type SeriesGapReport, type TripletexNumberedSeen,
} from '../domain/shop-numbering';
import { invoiceNumberingOf } from '../domain/shop-settings';
import type { ActivityDeps } from './activity-deps';
import { MAX_PAGE_SIZE } from './mystore/mystore-api-assumptions';
import type { MystoreOrderChange } from './mystore/mystore-operations';
import { withMystoreFailures } from './mystore/to-application-failure';
import { kronerToOre } from './tripletex/money';
import { withTripletexFailures } from './tripletex/to-application-failure';
import type { TripletexInvoice } from './tripletex/tripletex-schemas';
import type { TransferStatus } from '../workflows/transfer-workflow';
import type { AmountMismatch, DuplicateInvoices, ExpectedInvoice, FoundInvoice, MissingInvoice } from '../workflows/reconciliation-workflow';

/** A scheduled window starts this long before the previous one ended: late writes and clock skew. */
export const RECONCILIATION_OVERLAP_MS = 2 * 60 * 60 * 1000;
/** Every this many scheduled runs, one is a full pass from the day the shop went live. */
export const FULL_PASS_EVERY_RUNS = 24;
/** A shop whose go-live instant is unknown: the first run looks back this far, and records it as the start. */
export const FIRST_RUN_LOOKBACK_MS = 24 * 60 * 60 * 1000;
/** A slice this short that still fills a page is read in full in one call (a bulk update within a second). */
const SMALLEST_SLICE_MS = 1000;
/** Dates after a transfer's invoice date also searched, for a duplicate typed in by hand a few days later. */
const DUPLICATE_LOOKAHEAD_DAYS = 7;
/** Invoice dates closer than this share one Tripletex search. */
const DATE_GAP_DAYS = 7;
/** The longest date range one search covers. */
const MAX_RANGE_DAYS = 62;

export interface ReconciliationStart {
  window: { from: string; to: string };
  fullPass: boolean;
  /** Whether the run moves the shop's watermark when it ends (runs without an explicit window). */
  movesWatermark: boolean;
  completedStatusIds: string[];
  cancelledStatusIds: string[];
  warning?: string;
}

export type ReconciliationPage =
  | { kind: 'page'; orders: MystoreOrderChange[]; warning?: string }
  /** The slice holds more than a page: read these halves instead. */
  | { kind: 'split'; slices: Array<[string, string]> };

export interface TransferSummary {
  orderId: string;
  /** null: the shop has no transfer for this order. */
  status: TransferStatus | null;
  problemKind?: string;
  invoice?: { invoiceId: number; invoiceNumber: number; invoiceDate: string; amount: number };
}

export interface InvoiceCheck {
  missing: MissingInvoice[];
  duplicates: DuplicateInvoices[];
  amountMismatches: AmountMismatch[];
  warnings: string[];
  /** Tripletex searches made. */
  searches: number;
  /** Shop numbering: the numbers Tripletex gave invoices itself among those read (empty in Tripletex numbering). */
  tripletexNumbered?: TripletexNumberedSeen;
}

/** The invoice numbers among these that Tripletex gave itself: not the shop's own number for the invoice's order. */
export function tripletexNumberedAmong(invoices: TripletexInvoice[]): number[] {
  return invoices
    .filter((invoice) => invoice.invoiceNumber !== null && invoice.invoiceNumber !== undefined && invoice.invoiceNumber > 0)
    .filter((invoice) => invoice.isCreditNote || !invoice.orders.some((order) => {
      const referenced = parseTripletexOrderReference(order.reference ?? '');
      return referenced !== null && isShopNumbered(invoice.invoiceNumber, referenced.orderId);
    }))
    .map((invoice) => invoice.invoiceNumber!);
}

const iso = (ms: number) => new Date(ms).toISOString();

function instant(name: string, value: string): number {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) {
    throw ApplicationFailure.create({ type: 'ReconciliationInput', nonRetryable: true, message: `${name} must be an ISO 8601 instant, got "${value}"` });
  }
  return ms;
}

/** Sorted distinct dates → [from, to] ranges (inclusive), close dates sharing a range. */
export function invoiceDateRanges(dates: string[]): Array<[string, string]> {
  const sorted = [...new Set(dates)].sort();
  const ranges: Array<[string, string]> = [];
  for (const date of sorted) {
    const last = ranges[ranges.length - 1];
    if (last && addDays(last[1], DATE_GAP_DAYS) >= date && addDays(last[0], MAX_RANGE_DAYS) >= date) last[1] = date;
    else ranges.push([date, date]);
  }
  return ranges;
}

/** Compares what transfers made with what Tripletex holds, by the reference on each invoice's order. */
export function compareInvoices(shopId: string, expected: ExpectedInvoice[], invoices: TripletexInvoice[]): Omit<InvoiceCheck, 'searches'> {
  const byReference = new Map<string, TripletexInvoice[]>();
  for (const invoice of invoices) {
    if (invoice.isCreditNote) continue;
    for (const order of invoice.orders ?? []) {
      if (!order.reference) continue;
      const list = byReference.get(order.reference) ?? [];
      if (!list.some((other) => other.id === invoice.id)) list.push(invoice);
      byReference.set(order.reference, list);
    }
  }
  const found = (invoice: TripletexInvoice): FoundInvoice => ({
    invoiceId: invoice.id, invoiceNumber: invoice.invoiceNumber ?? 0, invoiceDate: invoice.invoiceDate, amount: kronerToOre(invoice.amount ?? 0),
  });
  const outcome: Omit<InvoiceCheck, 'searches'> = { missing: [], duplicates: [], amountMismatches: [], warnings: [] };
  for (const wanted of expected) {
    const withReference = (byReference.get(tripletexOrderReference(shopId, wanted.orderId)) ?? []).sort((a, b) => a.id - b.id);
    const own = withReference.find((invoice) => invoice.id === wanted.invoiceId);
    if (!own) {
      outcome.missing.push({ orderId: wanted.orderId, expected: wanted, others: withReference.map(found) });
      continue;
    }
    if (withReference.length > 1) outcome.duplicates.push({ orderId: wanted.orderId, expected: wanted, invoices: withReference.map(found) });
    const actualAmount = kronerToOre(own.amount ?? 0);
    if (actualAmount !== wanted.amount) {
      outcome.amountMismatches.push({ orderId: wanted.orderId, invoiceId: own.id, invoiceNumber: wanted.invoiceNumber, expectedAmount: wanted.amount, actualAmount });
    }
  }
  return outcome;
}

export function createReconciliationActivities(deps: ActivityDeps) {
  async function mystoreFor(shopId: string) {
    const shop = await deps.shops.get(shopId);
    return deps.mystoreClient(shop.mystoreShop, shop.credentials.mystoreToken, shop.settings.language);
  }

  return {
    /**
     * The run's window and the shop's order statuses. Given `from`/`to`: that window. Otherwise
     * from the watermark minus the overlap (or, on a full pass, from the day the shop went live)
     * to now; a shop with no go-live instant recorded gets one now, a day back.
     */
    async beginReconciliation(input: { shopId: string; from?: string; to?: string; fullPass?: boolean }): Promise<ReconciliationStart> {
      deps.shops.forget(input.shopId);
      const shop = await deps.shops.get(input.shopId);
      const now = deps.now().getTime();
      let watermark = shop.reconciliationWatermark;
      if (watermark?.since === undefined) {
        watermark = await deps.setReconciliationWatermark(input.shopId, { since: iso(now - FIRST_RUN_LOOKBACK_MS) });
      }
      const since = instant('since', watermark.since!);
      const explicit = input.from !== undefined || input.to !== undefined;
      let from: number;
      let fullPass: boolean;
      let warning: string | undefined;
      if (explicit) {
        fullPass = input.fullPass === true && input.from === undefined;
        from = input.from !== undefined ? instant('from', input.from) : since;
      } else {
        const due = watermark.upTo === undefined || (watermark.runsSinceFullPass + 1) >= FULL_PASS_EVERY_RUNS;
        fullPass = input.fullPass ?? due;
        from = fullPass || watermark.upTo === undefined ? since : Math.max(since, instant('watermark', watermark.upTo) - RECONCILIATION_OVERLAP_MS);
      }
      const to = input.to !== undefined ? instant('to', input.to) : now;
      if (to <= from) warning = `The window ${iso(from)} – ${iso(to)} is empty: nothing to look at.`;
      const statuses = await withMystoreFailures(async () => (await mystoreFor(input.shopId)).listOrderStatuses());
      return {
        window: { from: iso(from), to: iso(Math.max(from, to)) },
        fullPass,
        movesWatermark: !explicit,
        completedStatusIds: statuses.filter((status) => status.completed).map((status) => status.statusId),
        cancelledStatusIds: statuses.filter((status) => status.cancelled).map((status) => status.statusId),
        ...(warning ? { warning } : {}),
      };
    },

    /**
     * One Mystore page of the orders changed in [from, to). The list cannot start at a later
     * page, so a slice with more than a page is split in two (the workflow reads each half);
     * a one-second slice that still fills a page is read in full here.
     */
    async listReconciliationPage(input: { shopId: string; from: string; to: string; pageSize?: number }): Promise<ReconciliationPage> {
      const pageSize = input.pageSize ?? MAX_PAGE_SIZE;
      const from = instant('from', input.from);
      const to = instant('to', input.to);
      return withMystoreFailures(async () => {
        const mystore = await mystoreFor(input.shopId);
        const pages = mystore.listOrdersChanged({ from: input.from, to: input.to, pageSize });
        if (to - from <= SMALLEST_SLICE_MS) {
          const orders: MystoreOrderChange[] = [];
          for await (const page of pages) orders.push(...page);
          return { kind: 'page', orders, ...(orders.length > pageSize ? { warning: `${orders.length} orders changed within one second (${input.from}); read in one call.` } : {}) };
        }
        const first = await pages.next();
        await pages.return(undefined);
        const orders = first.done ? [] : first.value;
        if (orders.length < pageSize) return { kind: 'page', orders };
        const middle = from + Math.floor((to - from) / 2);
        return { kind: 'split', slices: [[input.from, iso(middle)], [iso(middle), input.to]] };
      });
    },

    /** The state of each order's transfer, reduced to what reconciliation compares. */
    async readTransferSummaries(input: { shopId: string; orderIds: string[] }): Promise<TransferSummary[]> {
      const states = await deps.readTransferStates(input.shopId, input.orderIds);
      return states.map(({ orderId, state }): TransferSummary => {
        if (!state) return { orderId, status: null };
        const { invoiceId, invoiceNumber, invoiceDate, amount } = state.tripletex;
        return {
          orderId,
          status: state.status,
          ...(state.problem ? { problemKind: state.problem.kind } : {}),
          ...(invoiceId !== undefined && invoiceNumber !== undefined && invoiceDate !== undefined && amount !== undefined
            ? { invoice: { invoiceId, invoiceNumber, invoiceDate, amount } }
            : {}),
        };
      });
    },

    /** Signal-with-start `orderUpdated` to each order's transfer: starts a missing one, wakes a waiting one; never a second. */
    async signalTransfersOrderUpdated(input: { shopId: string; orderIds: string[] }): Promise<void> {
      for (const orderId of input.orderIds) await deps.signalTransfer(input.shopId, orderId, { name: 'orderUpdated' });
    },

    /** Sends `retry` to each of these parked transfers. */
    async retryParkedTransfers(input: { shopId: string; orderIds: string[] }): Promise<void> {
      for (const orderId of input.orderIds) await deps.retryTransfer(input.shopId, orderId);
    },

    /**
     * Checks the invoices transfers made against Tripletex: one search per range of close
     * invoice dates (plus a week after, for a duplicate typed in later), matched locally by the
     * reference `mystore:<shop>:<order>`; credit notes are not counted.
     */
    async checkTripletexInvoices(input: { shopId: string; expected: ExpectedInvoice[] }): Promise<InvoiceCheck> {
      if (input.expected.length === 0) return { missing: [], duplicates: [], amountMismatches: [], warnings: [], searches: 0 };
      return withTripletexFailures(async () => {
        const shop = await deps.shops.get(input.shopId);
        const tripletex = deps.tripletexClient(shop.credentials.tripletexEmployeeToken);
        const invoices = new Map<number, TripletexInvoice>();
        const ranges = invoiceDateRanges(input.expected.map((invoice) => invoice.invoiceDate));
        for (const [first, last] of ranges) {
          for (const invoice of await tripletex.searchInvoices({ invoiceDateFrom: first, invoiceDateTo: addDays(last, 1 + DUPLICATE_LOOKAHEAD_DAYS) })) {
            invoices.set(invoice.id, invoice);
          }
        }
        const compared = compareInvoices(input.shopId, input.expected, [...invoices.values()]);
        const numbering = invoiceNumberingOf(shop.settings);
        if (numbering.mode !== 'shop') return { ...compared, searches: ranges.length };
        const tripletexNumbered = addTripletexNumbered(emptyTripletexNumberedSeen(), tripletexNumberedAmong([...invoices.values()]), numbering.shopSeriesFrom);
        return { ...compared, searches: ranges.length, tripletexNumbered };
      });
    },

    /**
     * Shop numbering: how far apart the shop's series and Tripletex's own are, from what the run
     * saw and Tripletex's highest invoice number (one sorted call). Nothing, and no call, in
     * Tripletex numbering.
     */
    async checkInvoiceNumberSeries(input: { shopId: string; shopHighestSeen: number | null; seen: TripletexNumberedSeen }): Promise<{ report: SeriesGapReport | null; searches: number }> {
      const shop = await deps.shops.get(input.shopId);
      const numbering = invoiceNumberingOf(shop.settings);
      if (numbering.mode !== 'shop') return { report: null, searches: 0 };
      return withTripletexFailures(async () => {
        const tripletex = deps.tripletexClient(shop.credentials.tripletexEmployeeToken);
        const highest = await tripletex.highestInvoiceNumber();
        if (highest === null) return { report: assessSeriesGap({ numbering, shopHighestSeen: input.shopHighestSeen, seen: input.seen, tripletexHighest: null }), searches: 1 };
        // The highest may be the shop's own newest invoice (a window that ends in the past did not see it): then it is the shop's.
        const holders = await tripletex.findInvoicesByNumber(highest);
        const shopsOwn = holders.length > 0 && tripletexNumberedAmong(holders).length === 0;
        const shopHighestSeen = shopsOwn ? Math.max(input.shopHighestSeen ?? highest, highest) : input.shopHighestSeen;
        return { report: assessSeriesGap({ numbering, shopHighestSeen, seen: input.seen, tripletexHighest: shopsOwn ? null : highest }), searches: 2 };
      });
    },

    /** Moves the shop's watermark to the end of a finished scheduled run, and counts runs towards the next full pass. */
    async saveReconciliationWatermark(input: { shopId: string; upTo: string; fullPass: boolean }): Promise<void> {
      deps.shops.forget(input.shopId);
      const shop = await deps.shops.get(input.shopId);
      const runs = shop.reconciliationWatermark?.runsSinceFullPass ?? 0;
      await deps.setReconciliationWatermark(input.shopId, {
        upTo: input.upTo,
        runsSinceFullPass: input.fullPass ? 0 : runs + 1,
        ...(input.fullPass ? { lastFullPassAt: input.upTo } : {}),
      });
      deps.shops.forget(input.shopId);
    },

    /**
     * Creates or updates the shop's reconciliation Schedule `reconcile-<shop>` (interval: the
     * given one, else the shop's setting, else 60 minutes), and records the go-live instant as
     * the start of every full pass the first time.
     */
    async ensureShopReconciliationSchedule(input: { shopId: string; intervalMinutes?: number }): Promise<{ scheduleId: string; outcome: 'created' | 'updated'; intervalMinutes: number }> {
      deps.shops.forget(input.shopId);
      const shop = await deps.shops.get(input.shopId);
      const intervalMinutes = input.intervalMinutes ?? shop.settings.reconciliationIntervalMinutes ?? 60;
      if (shop.reconciliationWatermark?.since === undefined) {
        await deps.setReconciliationWatermark(input.shopId, { since: deps.now().toISOString() });
      }
      const outcome = await deps.reconciliationSchedules.ensure(input.shopId, intervalMinutes);
      return { ...outcome, intervalMinutes };
    },

    /** Deletes the shop's reconciliation Schedule (offboarding); false when there was none. */
    async deleteShopReconciliationSchedule(input: { shopId: string }): Promise<{ deleted: boolean }> {
      return { deleted: await deps.reconciliationSchedules.delete(input.shopId) };
    },
  };
}
