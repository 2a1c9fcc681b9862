/**
 * Starting and steering transfers from outside a workflow: the CLI, the webhook receiver,
 * reconciliation and the activity that forwards a credit order all go through these, so "one
 * workflow per order" holds whoever starts it.
 */
import { WorkflowExecutionAlreadyStartedError, type Client, type WorkflowHandle } from '@temporalio/client';
import type { Workflow } from '@temporalio/common';
import { TypedSearchAttributes } from '@temporalio/common';
import { SHOP_RECORD_MEMO_KEY, shopWorkflowId, transferWorkflowId } from './ids';
import { MystoreOrderIdKey, ShopIdKey } from './search-attributes';
import type { ShopRecord } from '../workflows/shop-workflow';
import type { TransferState } from '../workflows/transfer-workflow';

/** The signals a transfer takes from outside: the order changed, or a credit order for it arrived. */
export type TransferSignal = { name: 'orderUpdated' } | { name: 'refund'; creditOrderId: string };

/**
 * Starts the order's transfer, or finds the one already running, and signals it (by default
 * that the order changed): signal-with-start, so a second call never makes a second transfer.
 */
export async function startOrSignalTransfer(
  client: Client,
  taskQueue: string,
  shopId: string,
  orderId: string,
  signal: TransferSignal = { name: 'orderUpdated' },
): Promise<WorkflowHandle> {
  return client.workflow.signalWithStart<Workflow, unknown[]>('transferOrder', {
    workflowId: transferWorkflowId(shopId, orderId),
    taskQueue,
    args: [{ shopId, orderId }],
    signal: signal.name,
    signalArgs: signal.name === 'refund' ? [signal.creditOrderId] : ([] as unknown[]),
    typedSearchAttributes: new TypedSearchAttributes([
      { key: ShopIdKey, value: shopId },
      { key: MystoreOrderIdKey, value: orderId },
    ]),
  });
}

export async function transferStatus(client: Client, shopId: string, orderId: string): Promise<TransferState> {
  return client.workflow.getHandle(transferWorkflowId(shopId, orderId)).query<TransferState>('status');
}

/** Sends `retry`; with `tripletexNumber`, `useTripletexNumber` instead (shop numbering: Tripletex numbers this order's invoices). */
export async function retryTransfer(client: Client, shopId: string, orderId: string, options: { tripletexNumber?: boolean } = {}): Promise<void> {
  await client.workflow.getHandle(transferWorkflowId(shopId, orderId)).signal(options.tripletexNumber ? 'useTripletexNumber' : 'retry');
}

/** Signals `retry` to every transfer of the shop that needs attention; returns their order ids. */
export function retryTransfersNeedingAttention(client: Client, shopId: string): Promise<string[]> {
  return retryTransfersInStatus(client, shopId, 'NeedsAttention');
}

/** Starts the shop's workflow (the home of its settings and credentials); fails if it runs already. */
export type NewShopRecord = Omit<ShopRecord, 'credentialsVersion' | 'offboarded' | 'webhookSecrets'> & { webhookSecrets?: string[] };

export async function registerShop(client: Client, taskQueue: string, record: NewShopRecord): Promise<void> {
  const initial: ShopRecord = { ...record, webhookSecrets: record.webhookSecrets ?? [], credentialsVersion: 1, offboarded: false };
  await client.workflow.start('shopWorkflow', {
    workflowId: shopWorkflowId(record.shopId),
    taskQueue,
    args: [initial],
    // Readable at once (activities/shop-directory.ts), before a worker has run the workflow's first task.
    memo: { [SHOP_RECORD_MEMO_KEY]: initial },
    typedSearchAttributes: new TypedSearchAttributes([{ key: ShopIdKey, value: record.shopId }]),
    workflowIdConflictPolicy: 'FAIL',
  });
}

/**
 * Registers the shop, or, when its workflow runs already, replaces its settings and credentials
 * (the caller has validated them). Used by `npm start` for the demo shop.
 */
export async function registerOrUpdateShop(client: Client, taskQueue: string, record: NewShopRecord): Promise<'registered' | 'updated'> {
  try {
    await registerShop(client, taskQueue, record);
    return 'registered';
  } catch (error) {
    if (!(error instanceof WorkflowExecutionAlreadyStartedError)) throw error;
    const handle = client.workflow.getHandle(shopWorkflowId(record.shopId));
    await handle.executeUpdate('updateSettings', { args: [record.settings] });
    await handle.executeUpdate('replaceCredentials', { args: [record.credentials] });
    if (record.webhookSecrets) await handle.executeUpdate('replaceWebhookSecrets', { args: [record.webhookSecrets] });
    return 'updated';
  }
}

/** The shop's running transfers in any of these statuses (visibility), with their order ids. */
async function* runningTransfers(client: Client, shopId: string, statuses: ReadonlyArray<TransferState['status']>): AsyncGenerator<{ workflowId: string; orderId: string }> {
  const query = `WorkflowType = "transferOrder" AND ExecutionStatus = "Running" AND ShopId = "${shopId}" AND TransferStatus IN (${statuses.map((status) => `"${status}"`).join(', ')})`;
  for await (const execution of client.workflow.list({ query })) {
    yield { workflowId: execution.workflowId, orderId: execution.typedSearchAttributes.get(MystoreOrderIdKey) ?? execution.workflowId };
  }
}

/** Signals `retry` to every running transfer of the shop in the given status; returns their order ids. */
export async function retryTransfersInStatus(client: Client, shopId: string, status: TransferState['status']): Promise<string[]> {
  const orderIds: string[] = [];
  for await (const transfer of runningTransfers(client, shopId, [status])) {
    await client.workflow.getHandle(transfer.workflowId).signal('retry');
    orderIds.push(transfer.orderId);
  }
  return orderIds;
}

/**
 * The order ids of the shop's running transfers that are in the middle of invoicing: Transferring,
 * NeedsAttention or WaitingForCredentials (an invoice may be half made). Waiting ones have made
 * nothing yet and read the shop's settings when their order completes.
 */
export async function transfersInFlight(client: Client, shopId: string): Promise<string[]> {
  const orderIds: string[] = [];
  for await (const transfer of runningTransfers(client, shopId, ['Transferring', 'NeedsAttention', 'WaitingForCredentials'])) orderIds.push(transfer.orderId);
  return orderIds;
}

export type ShopChange = { credentials: ShopRecord['credentials'] } | { offboard: true } | { settings: Partial<ShopRecord['settings']> };

/** Changes a running shop workflow: new (validated) credentials, returning their version; offboarding; or settings. */
export async function updateShop(client: Client, shopId: string, change: ShopChange): Promise<number> {
  const handle = client.workflow.getHandle(shopWorkflowId(shopId));
  if ('offboard' in change) {
    await handle.signal('offboard');
    return 0;
  }
  if ('settings' in change) {
    await handle.executeUpdate('updateSettings', { args: [change.settings] });
    return 0;
  }
  return handle.executeUpdate<number, [ShopRecord['credentials']]>('replaceCredentials', { args: [change.credentials] });
}
