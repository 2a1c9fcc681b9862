/**
 * The side effects of a backfill (workflows/backfill-workflow.ts): resolving its date range,
 * listing the shop's changed orders one page per call, starting transfers, and watching them
 * settle through their `status` queries. Payloads stay small: order ids and status ids only.
 */
import { Context, heartbeat, sleep } from '@temporalio/activity';
import { QueryRejectedError, WorkflowClient, WorkflowNotFoundError, type Client } from '@temporalio/client';
import proto from '@temporalio/proto';
import { ApplicationFailure } from '@temporalio/common';
import { transferWorkflowId } from '../common/ids';

// @temporalio/proto is CommonJS; its named exports are not visible to ESM imports.
const { WorkflowExecutionStatus } = proto.temporal.api.enums.v1;
import type { TransferState, TransferStatus } from '../workflows/transfer-workflow';
import type { ActivityDeps } from './activity-deps';
import { withMystoreFailures } from './mystore/to-application-failure';

/** One transfer as a backfill sees it: the status its `status` query reports, and why it is parked. */
export interface TransferStateSummary {
  orderId: string;
  /**
   * The transfer's status; `Missing` when no transfer workflow exists for the order; `Closed`
   * when its workflow ended without a state to report (failed, terminated, timed out, cancelled);
   * `Unknown` when it could not be asked this time (try again).
   */
  status: TransferStatus | 'Missing' | 'Closed' | 'Unknown';
  /** The problem's kind when the status is NeedsAttention (or WaitingForCredentials). */
  problemKind?: string;
  /** For `Closed`: how the workflow ended, e.g. FAILED or TERMINATED. */
  closedAs?: string;
}

/** A clock reading from the worker, for the workflow's progress (workflows keep no clock of their own). */
export interface BackfillClock {
  nowMs: number;
  /** The same instant as ISO 8601 (UTC). */
  now: string;
}

export interface BackfillPlan extends BackfillClock {
  /** Start of the range, inclusive, epoch ms (whole seconds). */
  fromMs: number;
  /**
   * End of the range, exclusive, epoch ms (whole seconds): the requested end, but never later
   * than the backfill's own start. Orders changed after that are the webhooks' and
   * reconciliation's; this keeps the invoice numbers the backfill writes back (which move an
   * order's `updated_at` to now) from bringing an order into the range a second time.
   */
  toMs: number;
  /** The shop's order statuses that carry the completed tag. */
  completedStatusIds: string[];
}

export interface BackfillWindow extends BackfillClock {
  /**
   * True when the orders are every order changed in the window (the page was not full); false
   * when the window holds more than one page: nothing is returned, and the caller asks for a
   * narrower window.
   */
  complete: boolean;
  orders: Array<{ orderId: string; statusId: string | null }>;
}

/** Reads of a batch of transfers run this many at a time. */
const STATE_READS_IN_PARALLEL = 16;
/** Signal-with-starts run this many at a time. */
const STARTS_IN_PARALLEL = 10;
/** A window this narrow (or narrower) is read whole, every page in one call: it cannot be split further. */
const NARROWEST_WINDOW_MS = 1_000;

export function createBackfillActivities(deps: ActivityDeps) {
  const clock = (): BackfillClock => {
    const now = deps.now();
    return { nowMs: now.getTime(), now: now.toISOString() };
  };

  return {
    /**
     * Resolves the range (YYYY-MM-DD as calendar days in Oslo, or ISO instants) to epoch ms,
     * capped at now, and reads which of the shop's order statuses are completed.
     */
    async planBackfill(input: { shopId: string; from: string; to: string }): Promise<BackfillPlan> {
      const now = clock();
      const fromMs = wholeSeconds(instantOf(input.from, 'from'));
      const toMs = Math.max(fromMs, Math.min(wholeSeconds(instantOf(input.to, 'to')), wholeSeconds(now.nowMs)));
      const shop = await deps.shops.get(input.shopId);
      const statuses = await withMystoreFailures(() => deps.mystoreClient(shop.mystoreShop, shop.credentials.mystoreToken, shop.settings.language).listOrderStatuses());
      return { ...now, fromMs, toMs, completedStatusIds: statuses.filter((status) => status.completed).map((status) => status.statusId) };
    },

    /**
     * One call, one page: the orders changed in [fromMs, toMs), when they fit on one page. A
     * window is read in one request, so orders that leave the range while the backfill runs
     * (an invoice written back moves `updated_at`) cannot shift a later page past an order.
     */
    async listBackfillWindow(input: { shopId: string; fromMs: number; toMs: number; pageSize: number }): Promise<BackfillWindow> {
      const shop = await deps.shops.get(input.shopId);
      const orders: BackfillWindow['orders'] = [];
      const readWhole = input.toMs - input.fromMs <= NARROWEST_WINDOW_MS;
      let complete = true;
      await withMystoreFailures(async () => {
        const mystore = deps.mystoreClient(shop.mystoreShop, shop.credentials.mystoreToken, shop.settings.language);
        const from = new Date(input.fromMs).toISOString();
        const to = new Date(input.toMs).toISOString();
        for await (const page of mystore.listOrdersChanged({ from, to, pageSize: input.pageSize })) {
          for (const order of page) orders.push({ orderId: order.orderId, statusId: order.statusId });
          if (page.length < input.pageSize) break;
          if (!readWhole) {
            complete = false;
            break;
          }
        }
      });
      return { ...clock(), complete, orders: complete ? orders : [] };
    },

    /** Starts (or finds) each order's transfer by signal-with-start: an order already transferred is the same workflow. */
    async startBackfillTransfers(input: { shopId: string; orderIds: string[] }): Promise<BackfillClock> {
      await untilCancelled(mapInParallel(input.orderIds, STARTS_IN_PARALLEL, (orderId) => deps.signalTransfer(input.shopId, orderId, { name: 'orderUpdated' })));
      return clock();
    },

    /**
     * Reads the transfers' states until at least one is no longer in one of `inProgress` (or
     * `maxWaitMs` passed), every `pollIntervalMs`, heartbeating; returns every state read last.
     */
    async awaitBackfillTransfers(input: {
      shopId: string;
      orderIds: string[];
      inProgress: string[];
      pollIntervalMs: number;
      maxWaitMs: number;
    }): Promise<BackfillClock & { states: TransferStateSummary[] }> {
      const startedAt = deps.now().getTime();
      for (;;) {
        // First wait: the workflow asks right after starting or settling some, and a moment lets more settle per call.
        heartbeat();
        await sleep(input.pollIntervalMs);
        const states = await untilCancelled(deps.transferStates(input.shopId, input.orderIds));
        const settled = states.some((state) => !input.inProgress.includes(state.status));
        if (settled || deps.now().getTime() - startedAt >= input.maxWaitMs) return { ...clock(), states };
      }
    },
  };
}

/**
 * Each order's transfer state through its `status` query (strongly consistent, unlike
 * visibility), a batch at a time. A transfer that finished is read from its result; one that
 * ended otherwise is `Closed`. Wired as `ActivityDeps.transferStates` by the worker.
 */
export async function summarizeTransferStates(client: Client, shopId: string, orderIds: string[]): Promise<TransferStateSummary[]> {
  const openOnly = openOnlyClient(client);
  let errors = 0;
  let lastError: unknown;
  const states = await mapInParallel(orderIds, STATE_READS_IN_PARALLEL, async (orderId): Promise<TransferStateSummary> => {
    const workflowId = transferWorkflowId(shopId, orderId);
    try {
      return summarize(orderId, await openOnly.getHandle(workflowId).query<TransferState>('status'));
    } catch (error) {
      if (error instanceof WorkflowNotFoundError) return { orderId, status: 'Missing' };
      if (error instanceof QueryRejectedError) {
        if (error.status === WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_COMPLETED) {
          return summarize(orderId, await client.workflow.getHandle(workflowId).result() as TransferState);
        }
        const name = WorkflowExecutionStatus[error.status] ?? String(error.status);
        return { orderId, status: 'Closed', closedAs: name.replace(/^WORKFLOW_EXECUTION_STATUS_/, '') };
      }
      errors += 1;
      lastError = error;
      return { orderId, status: 'Unknown' };
    }
  });
  // Temporal itself unreachable: let the activity retry rather than report nothing but Unknown.
  if (orderIds.length > 0 && errors === orderIds.length) {
    throw ApplicationFailure.retryable(`No transfer state could be read: ${lastError instanceof Error ? lastError.message : String(lastError)}`, 'TransferStatesUnavailable');
  }
  return states;
}

function summarize(orderId: string, state: TransferState): TransferStateSummary {
  return { orderId, status: state.status, ...(state.problem ? { problemKind: state.problem.kind } : {}) };
}

/** A workflow client on the same connection whose queries are rejected by closed workflows (so nothing is replayed for them). */
const openOnlyClients = new WeakMap<Client, WorkflowClient>();
function openOnlyClient(client: Client): WorkflowClient {
  let found = openOnlyClients.get(client);
  if (!found) {
    found = new WorkflowClient({
      connection: client.connection,
      namespace: client.options.namespace,
      dataConverter: client.options.dataConverter,
      queryRejectCondition: 'NOT_OPEN',
    });
    openOnlyClients.set(client, found);
  }
  return found;
}

/**
 * `work`, unless the activity is cancelled first: then its CancelledFailure at once. Temporal
 * client calls take no abort signal, and a query to a transfer whose worker is shutting down can
 * hang; without this a worker stopping would leave the attempt to its heartbeat or start-to-close
 * timeout instead of the immediate retry Temporal makes after a 'WorkerShutdown' failure.
 */
function untilCancelled<T>(work: Promise<T>): Promise<T> {
  let context: Context;
  try {
    context = Context.current();
  } catch {
    return work;
  }
  return Promise.race([work, context.cancelled]);
}

async function mapInParallel<T, R>(items: readonly T[], parallel: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const lane = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.min(parallel, items.length) }, lane));
  return results;
}

const wholeSeconds = (ms: number) => Math.floor(ms / 1000) * 1000;

/** YYYY-MM-DD → midnight in Oslo; anything else must be an ISO 8601 instant. */
function instantOf(value: string, name: string): number {
  const date = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  const ms = date ? osloMidnight(Number(date[1]), Number(date[2]), Number(date[3])) : Date.parse(value);
  if (Number.isNaN(ms)) {
    throw ApplicationFailure.nonRetryable(`${name} must be a date YYYY-MM-DD or an ISO 8601 instant, got "${value}"`, 'InvalidBackfillRange');
  }
  return ms;
}

const OSLO_OFFSET = new Intl.DateTimeFormat('en-US', { timeZone: 'Europe/Oslo', timeZoneName: 'longOffset' });

/** Oslo's offset from UTC at an instant, in ms (+1 h in winter, +2 h in summer). */
function osloOffsetMs(instantMs: number): number {
  const name = OSLO_OFFSET.formatToParts(new Date(instantMs)).find((part) => part.type === 'timeZoneName')?.value ?? 'GMT';
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(name);
  if (!match) return 0;
  return (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3])) * 60_000;
}

/** The instant a calendar day starts in Oslo. */
export function osloMidnight(year: number, month: number, day: number): number {
  const utcMidnight = Date.UTC(year, month - 1, day);
  // 2026-02-31 is not a day (Date.UTC would roll it over into March).
  if (new Date(utcMidnight).getUTCDate() !== day || month < 1 || month > 12) return NaN;
  // Twice: the offset at the first guess may differ from the offset at the answer around a DST change.
  const guess = utcMidnight - osloOffsetMs(utcMidnight);
  return utcMidnight - osloOffsetMs(guess);
}
