/**
 * A backfill (workflow id `backfill-<shop>-<from>-<to>`): every completed order of a shop changed
 * in [from, to) gets its transfer, a bounded number at a time, so both APIs' rate limits hold.
 * Durable and resumable: it lives in Temporal, not in the CLI that started it, and continues as
 * new (carrying its cursor and counts) when its history grows.
 *
 * - Listing: one activity call reads one page, for a window of `updated_at`; a full page means
 *   the window holds more, so it is halved and read again, a sparse one doubles the next. Each
 *   window is read in one request, so an order leaving the range meanwhile (the invoice number
 *   written back moves its `updated_at`) cannot shift a later page past an unread order, as
 *   page numbers over the whole range would. Only orders whose status carries the completed tag
 *   are kept; the others are counted as skipped.
 * - Starting: signal-with-start of each order's own transfer (`transfer-<shop>-<order>`), so an
 *   order already transferred is the same workflow and nothing doubles.
 * - Settling: a transfer is in flight from its start until its `status` query says it is
 *   finished (Invoiced, Credited, PartiallyCredited, Cancelled, Forwarded), parked
 *   (NeedsAttention), waiting for the order to be completed again (Waiting), or its workflow
 *   ended without a state (failed). Transferring and WaitingForCredentials stay in flight. The
 *   transfer workflow itself stays open long after (for refunds); that is not waited for.
 */
import { continueAsNew, defineQuery, proxyActivities, upsertSearchAttributes, setHandler, workflowInfo } from '@temporalio/workflow';
import { ShopIdKey } from '../common/search-attributes';
import type { createActivities } from '../activities';
import type { BackfillClock, BackfillPlan, TransferStateSummary } from '../activities/backfill-activities';

export interface BackfillInput {
  shopId: string;
  /** First day, inclusive: YYYY-MM-DD, a calendar day in Oslo (or an ISO 8601 instant). */
  from: string;
  /** Day after the last, exclusive: YYYY-MM-DD (or an ISO 8601 instant). */
  to: string;
  /** Transfers in flight at most (started and not yet settled); default 20. */
  concurrency?: number;
  /** Orders per listing page (1…100); default 100. */
  pageSize?: number;
  /** How often in-flight transfers are asked for their state, ms; default 1000. */
  pollIntervalMs?: number;
  /** History length at which the backfill continues as new even if the server has not suggested it yet; default 10 000. */
  historyLimit?: number;
  /** Set by continue-as-new only: where the previous run stopped. */
  carried?: BackfillCarried;
}

/** What one run hands the next when it continues as new. */
export interface BackfillCarried {
  plan: BackfillPlan;
  cursor: BackfillCursor;
  pending: string[];
  inFlight: string[];
  counts: BackfillCounts;
  startedAtMs: number;
  startedAt: string;
  clock: BackfillClock;
  runs: number;
}

interface BackfillCursor {
  /** Start of the next window to read (epoch ms). */
  atMs: number;
  /** Width of the next window (ms, whole seconds). */
  widthMs: number;
  done: boolean;
}

interface BackfillCounts {
  found: number;
  skipped: number;
  started: number;
  transferred: number;
  parked: number;
  failed: number;
  waiting: number;
  parkedByReason: Record<string, number>;
  settledByStatus: Record<string, number>;
  failedOrderIds: string[];
}

/** Where a backfill stands: the `progress` query, and (with `done: true`) its result. */
export interface BackfillProgress {
  shopId: string;
  from: string;
  to: string;
  /** Completed orders found in the range so far (each gets a transfer). */
  found: number;
  /** Orders in the range that are not completed: left to their transfers' own triggers. */
  skipped: number;
  /** Transfers started (signal-with-start; an existing one is the same transfer). */
  started: number;
  /** Transfers finished: Invoiced, Credited, PartiallyCredited, or nothing to invoice (Cancelled, Forwarded). */
  transferred: number;
  /** Transfers that need a person (NeedsAttention): see `parkedByReason`, then `retry --all-needing-attention`. */
  parked: number;
  /** Transfers whose workflow ended without finishing (failed, terminated) or vanished: see `failedOrderIds`. */
  failed: number;
  /** Orders no longer completed when their transfer looked: the transfer waits for them. */
  waiting: number;
  /** Started and not yet settled; never more than `concurrency`. */
  inFlight: number;
  /** Of those in flight, how many wait for new credentials. */
  waitingForCredentials: number;
  concurrency: number;
  /** Every window of the range has been listed. */
  listingDone: boolean;
  /** Everything found has settled: this is the final summary. */
  done: boolean;
  /** Orders the backfill expects in all: `found` once listing is done, before that extrapolated from the share of the range listed. */
  estimatedTotal: number;
  /** When the backfill started (ISO 8601). */
  startedAt: string;
  /** When these numbers were read (ISO 8601): the last activity's clock. */
  asOf: string;
  elapsedSeconds: number;
  /** Settled transfers a minute, since the start. */
  ratePerMinute: number;
  /** Seconds left at that rate, null before anything settled. */
  etaSeconds: number | null;
  parkedByReason: Record<string, number>;
  /** Settled transfers by the status they settled in. */
  settledByStatus: Record<string, number>;
  /** Up to 50 order ids of failed transfers. */
  failedOrderIds: string[];
  /** Runs of this backfill so far (it continues as new when its history grows). */
  runs: number;
}

export const backfillProgressQuery = defineQuery<BackfillProgress>('progress');

const RETRY_FOREVER = { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '5 minutes' } as const;
const activities = proxyActivities<ReturnType<typeof createActivities>>({ startToCloseTimeout: '2 minutes', retry: RETRY_FOREVER });
/** Waiting for transfers to settle: up to MAX_WAIT_MS in one call, heartbeating between polls. */
const MAX_WAIT_MS = 30_000;
const watching = proxyActivities<ReturnType<typeof createActivities>>({ startToCloseTimeout: '3 minutes', heartbeatTimeout: '30 seconds', retry: RETRY_FOREVER });

const FINISHED = new Set<string>(['Invoiced', 'Credited', 'PartiallyCredited', 'Cancelled', 'Forwarded']);
/** States in which a transfer still holds its slot. `Unknown`: it could not be asked this time. */
const IN_PROGRESS = ['Transferring', 'WaitingForCredentials', 'Unknown'];
const MAX_FAILED_IDS = 50;
const MIN_WINDOW_MS = 1_000;

export async function backfillShop(input: BackfillInput): Promise<BackfillProgress> {
  const concurrency = Math.max(1, Math.min(500, Math.floor(input.concurrency ?? 20)));
  const pageSize = Math.max(1, Math.min(100, Math.floor(input.pageSize ?? 100)));
  const pollIntervalMs = Math.max(100, input.pollIntervalMs ?? 1_000);
  const historyLimit = input.historyLimit ?? 10_000;
  const info = workflowInfo();
  const carried = input.carried;

  let clock: BackfillClock = carried?.clock ?? { nowMs: info.startTime.getTime(), now: info.startTime.toISOString() };
  const startedAtMs = carried?.startedAtMs ?? info.startTime.getTime();
  const startedAt = carried?.startedAt ?? info.startTime.toISOString();
  const runs = (carried?.runs ?? 0) + 1;
  const counts: BackfillCounts = carried?.counts ?? {
    found: 0, skipped: 0, started: 0, transferred: 0, parked: 0, failed: 0, waiting: 0, parkedByReason: {}, settledByStatus: {}, failedOrderIds: [],
  };
  const pending: string[] = [...(carried?.pending ?? [])];
  const inFlight: string[] = [...(carried?.inFlight ?? [])];
  let waitingForCredentials = 0;
  let plan: BackfillPlan | undefined = carried?.plan;
  let cursor: BackfillCursor | undefined = carried?.cursor;

  const progress = (): BackfillProgress => {
    const settled = counts.transferred + counts.parked + counts.failed + counts.waiting;
    const listingDone = cursor?.done ?? false;
    let estimatedTotal = counts.found;
    if (plan && cursor && !listingDone && cursor.atMs > plan.fromMs) {
      const share = (cursor.atMs - plan.fromMs) / (plan.toMs - plan.fromMs);
      estimatedTotal = Math.max(counts.found, Math.round(counts.found / share));
    }
    const elapsedSeconds = Math.max(0, Math.round((clock.nowMs - startedAtMs) / 1000));
    const ratePerMinute = elapsedSeconds > 0 ? Math.round((settled / elapsedSeconds) * 60 * 10) / 10 : 0;
    const left = Math.max(0, estimatedTotal - settled);
    const etaSeconds = left === 0 && listingDone ? 0 : settled > 0 && elapsedSeconds > 0 ? Math.round(left / (settled / elapsedSeconds)) : null;
    return {
      shopId: input.shopId, from: input.from, to: input.to,
      found: counts.found, skipped: counts.skipped, started: counts.started, transferred: counts.transferred, parked: counts.parked,
      failed: counts.failed, waiting: counts.waiting, inFlight: inFlight.length, waitingForCredentials, concurrency,
      listingDone, done: listingDone && pending.length === 0 && inFlight.length === 0,
      estimatedTotal, startedAt, asOf: clock.now, elapsedSeconds, ratePerMinute, etaSeconds,
      parkedByReason: { ...counts.parkedByReason }, settledByStatus: { ...counts.settledByStatus }, failedOrderIds: [...counts.failedOrderIds], runs,
    };
  };
  setHandler(backfillProgressQuery, progress);
  if (!carried) upsertSearchAttributes([{ key: ShopIdKey, value: input.shopId }]);

  if (!plan) {
    plan = await activities.planBackfill({ shopId: input.shopId, from: input.from, to: input.to });
    clock = plan;
  }
  const range = plan;
  cursor ??= { atMs: range.fromMs, widthMs: Math.max(MIN_WINDOW_MS, range.toMs - range.fromMs), done: range.toMs <= range.fromMs };
  const window = cursor;
  const completed = new Set(range.completedStatusIds);

  /** Reads the next window; a full page halves it (nothing kept), a sparse one doubles the next. */
  async function listNextWindow(): Promise<void> {
    const toMs = Math.min(range.toMs, window.atMs + window.widthMs);
    const page = await activities.listBackfillWindow({ shopId: input.shopId, fromMs: window.atMs, toMs, pageSize });
    clock = page;
    if (!page.complete) {
      window.widthMs = Math.max(MIN_WINDOW_MS, Math.floor((toMs - window.atMs) / 2 / 1000) * 1000);
      return;
    }
    for (const order of page.orders) {
      if (order.statusId === null || !completed.has(order.statusId)) {
        counts.skipped += 1;
        continue;
      }
      // An order changed again within the range could be listed twice; the transfer would not double, the counts would.
      if (pending.includes(order.orderId) || inFlight.includes(order.orderId)) continue;
      counts.found += 1;
      pending.push(order.orderId);
    }
    window.atMs = toMs;
    if (page.orders.length < pageSize / 4) window.widthMs *= 2;
    if (window.atMs >= range.toMs) window.done = true;
  }

  function settle(states: TransferStateSummary[]): void {
    waitingForCredentials = 0;
    for (const state of states) {
      if (IN_PROGRESS.includes(state.status)) {
        if (state.status === 'WaitingForCredentials') waitingForCredentials += 1;
        continue;
      }
      const index = inFlight.indexOf(state.orderId);
      if (index < 0) continue;
      inFlight.splice(index, 1);
      counts.settledByStatus[state.status] = (counts.settledByStatus[state.status] ?? 0) + 1;
      if (FINISHED.has(state.status)) {
        counts.transferred += 1;
      } else if (state.status === 'NeedsAttention') {
        counts.parked += 1;
        const reason = state.problemKind ?? 'Unknown';
        counts.parkedByReason[reason] = (counts.parkedByReason[reason] ?? 0) + 1;
      } else if (state.status === 'Waiting') {
        counts.waiting += 1;
      } else {
        counts.failed += 1;
        if (counts.failedOrderIds.length < MAX_FAILED_IDS) counts.failedOrderIds.push(state.orderId);
      }
    }
  }

  for (;;) {
    const history = workflowInfo();
    if (history.continueAsNewSuggested || history.historyLength >= historyLimit) {
      await continueAsNew<typeof backfillShop>({
        ...input,
        carried: { plan: range, cursor: window, pending, inFlight, counts, startedAtMs, startedAt, clock, runs },
      });
    }
    if (inFlight.length < concurrency && pending.length > 0) {
      const batch = pending.slice(0, concurrency - inFlight.length);
      clock = await activities.startBackfillTransfers({ shopId: input.shopId, orderIds: batch });
      pending.splice(0, batch.length);
      inFlight.push(...batch);
      counts.started += batch.length;
      continue;
    }
    if (pending.length === 0 && !window.done) {
      await listNextWindow();
      continue;
    }
    if (inFlight.length === 0) break;
    const watched = await watching.awaitBackfillTransfers({
      shopId: input.shopId, orderIds: [...inFlight], inProgress: IN_PROGRESS, pollIntervalMs, maxWaitMs: MAX_WAIT_MS,
    });
    clock = watched;
    settle(watched.states);
  }
  return progress();
}
