/**
 * One Temporal Schedule per shop, `reconcile-<shop>`, that runs `reconcileShop` every
 * `reconciliationIntervalMinutes` (the shop's settings). Overlap SKIP: a run that takes longer
 * than the interval is never joined by a second one (the next simply starts from the watermark
 * later). Catch-up window one hour: after an outage of the server, at most the runs of the last
 * hour are made up, and those are one and the same window anyway. Used by the go-live step of
 * onboarding and by offboarding through the activities in activities/reconciliation-activities.ts.
 */
import { ScheduleAlreadyRunning, ScheduleNotFoundError, ScheduleOverlapPolicy, WorkflowNotFoundError, type Client, type ScheduleHandle } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { transferWorkflowId } from './ids';
import { ShopIdKey } from './search-attributes';
import type { TransferState } from '../workflows/transfer-workflow';

/** The shop's reconciliation Schedule; its workflows get ids `reconcile-<shop>-<time>`. */
export function reconciliationScheduleId(shopId: string): string {
  return `reconcile-${shopId}`;
}

/** A reconciliation started by hand (CLI): never mistaken for a scheduled one. */
export function manualReconciliationWorkflowId(shopId: string, unique: string): string {
  return `reconcile-${shopId}-manual-${unique}`;
}

export const RECONCILIATION_WORKFLOW_TYPE = 'reconcileShop';
/** How far back a Schedule makes up runs it missed (server down, paused and unpaused). */
export const RECONCILIATION_CATCHUP_WINDOW = '1 hour';

export interface ReconciliationScheduleOptions {
  shopId: string;
  taskQueue: string;
  intervalMinutes: number;
}

export interface ReconciliationScheduleOutcome {
  scheduleId: string;
  outcome: 'created' | 'updated';
}

function checkInterval(intervalMinutes: number): void {
  if (!Number.isInteger(intervalMinutes) || intervalMinutes < 1 || intervalMinutes > 7 * 24 * 60) {
    throw new RangeError(`reconciliation interval must be a whole number of minutes from 1 to ${7 * 24 * 60}, got ${intervalMinutes}`);
  }
}

function scheduleBody(options: ReconciliationScheduleOptions) {
  const searchAttributes = new TypedSearchAttributes([{ key: ShopIdKey, value: options.shopId }]);
  return {
    spec: { intervals: [{ every: `${options.intervalMinutes} minutes` as const }] },
    action: {
      type: 'startWorkflow' as const,
      workflowType: RECONCILIATION_WORKFLOW_TYPE,
      workflowId: reconciliationScheduleId(options.shopId),
      taskQueue: options.taskQueue,
      args: [{ shopId: options.shopId }],
      typedSearchAttributes: searchAttributes,
    },
    policies: { overlap: ScheduleOverlapPolicy.SKIP, catchupWindow: RECONCILIATION_CATCHUP_WINDOW, pauseOnFailure: false },
  };
}

/**
 * Creates the shop's Schedule, or, when it exists, updates its interval, task queue and action
 * (keeping whether it is paused). Safe to call again (a retried activity, a second go-live).
 */
export async function ensureReconciliationSchedule(client: Client, options: ReconciliationScheduleOptions): Promise<ReconciliationScheduleOutcome> {
  checkInterval(options.intervalMinutes);
  const scheduleId = reconciliationScheduleId(options.shopId);
  const body = scheduleBody(options);
  const handle = client.schedule.getHandle(scheduleId);
  try {
    await handle.describe();
  } catch (error) {
    if (!(error instanceof ScheduleNotFoundError)) throw error;
    try {
      await client.schedule.create({
        scheduleId,
        ...body,
        typedSearchAttributes: new TypedSearchAttributes([{ key: ShopIdKey, value: options.shopId }]),
        memo: { purpose: `Reconciles shop ${options.shopId}: Mystore orders against transfers and Tripletex invoices.` },
      });
      return { scheduleId, outcome: 'created' };
    } catch (createError) {
      // Created by a concurrent call between describe and create: update it below.
      if (!(createError instanceof ScheduleAlreadyRunning)) throw createError;
    }
  }
  await handle.update((previous) => ({ ...previous, spec: body.spec, action: body.action, policies: body.policies }));
  return { scheduleId, outcome: 'updated' };
}

export function reconciliationScheduleHandle(client: Client, shopId: string): ScheduleHandle {
  return client.schedule.getHandle(reconciliationScheduleId(shopId));
}

export async function pauseReconciliationSchedule(client: Client, shopId: string, note = 'Paused by an operator.'): Promise<void> {
  await reconciliationScheduleHandle(client, shopId).pause(note);
}

export async function unpauseReconciliationSchedule(client: Client, shopId: string, note = 'Unpaused by an operator.'): Promise<void> {
  await reconciliationScheduleHandle(client, shopId).unpause(note);
}

/** Deletes the shop's Schedule (offboarding); returns false when there was none. Runs already started finish. */
export async function deleteReconciliationSchedule(client: Client, shopId: string): Promise<boolean> {
  try {
    await reconciliationScheduleHandle(client, shopId).delete();
    return true;
  } catch (error) {
    if (error instanceof ScheduleNotFoundError) return false;
    throw error;
  }
}

/** Queries at a time when reconciliation reads a page of transfers. */
const TRANSFER_QUERY_CONCURRENCY = 10;

/**
 * The `status` query of each order's transfer (null where there is none), a few at a time:
 * what reconciliation compares with Mystore and Tripletex. A closed transfer answers too (the
 * server replays it on a worker).
 */
export async function readTransferStates(client: Client, shopId: string, orderIds: string[]): Promise<Array<{ orderId: string; state: TransferState | null }>> {
  const results: Array<{ orderId: string; state: TransferState | null }> = orderIds.map((orderId) => ({ orderId, state: null }));
  let next = 0;
  const worker = async () => {
    while (next < orderIds.length) {
      const index = next++;
      const orderId = orderIds[index]!;
      try {
        results[index] = { orderId, state: await client.workflow.getHandle(transferWorkflowId(shopId, orderId)).query<TransferState>('status') };
      } catch (error) {
        if (!(error instanceof WorkflowNotFoundError)) throw error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(TRANSFER_QUERY_CONCURRENCY, orderIds.length) }, worker));
  return results;
}
