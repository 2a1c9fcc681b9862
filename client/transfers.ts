/**
 * Starting and steering transfers from outside a workflow: the CLI, the webhook receiver and
 * reconciliation all go through these, so "one workflow per order" holds whoever starts it.
 */
import type { Client, WorkflowHandle } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { shopWorkflowId, transferWorkflowId } from '../common/ids';
import { MystoreOrderIdKey, ShopIdKey } from '../common/search-attributes';
import type { ShopRecord, TransferState } from '../workflows';

/**
 * Starts the order's transfer, or finds the one already running, and tells it the order changed
 * (signal-with-start): a second call never makes a second transfer.
 */
export async function startOrSignalTransfer(client: Client, taskQueue: string, shopId: string, orderId: string): Promise<WorkflowHandle> {
  return client.workflow.signalWithStart('transferOrder', {
    workflowId: transferWorkflowId(shopId, orderId),
    taskQueue,
    args: [{ shopId, orderId }],
    signal: 'orderUpdated',
    signalArgs: [],
    typedSearchAttributes: new TypedSearchAttributes([
      { key: ShopIdKey, value: shopId },
      { key: MystoreOrderIdKey, value: orderId },
    ]),
  });
}

export async function transferStatus(client: Client, shopId: string, orderId: string): Promise<TransferState> {
  return client.workflow.getHandle(transferWorkflowId(shopId, orderId)).query<TransferState>('status');
}

export async function retryTransfer(client: Client, shopId: string, orderId: string): Promise<void> {
  await client.workflow.getHandle(transferWorkflowId(shopId, orderId)).signal('retry');
}

/** Signals `retry` to every transfer of the shop that needs attention; returns their order ids. */
export async function retryTransfersNeedingAttention(client: Client, shopId: string): Promise<string[]> {
  const orderIds: string[] = [];
  const query = `WorkflowType = "transferOrder" AND ExecutionStatus = "Running" AND ShopId = "${shopId}" AND TransferStatus = "NeedsAttention"`;
  for await (const execution of client.workflow.list({ query })) {
    await client.workflow.getHandle(execution.workflowId).signal('retry');
    const orderId = execution.typedSearchAttributes.get(MystoreOrderIdKey);
    if (orderId) orderIds.push(orderId);
  }
  return orderIds;
}

/** Starts the shop's workflow (the home of its settings and credentials); fails if it runs already. */
export async function registerShop(client: Client, taskQueue: string, record: Omit<ShopRecord, 'credentialsVersion' | 'offboarded'>): Promise<void> {
  await client.workflow.start('shopWorkflow', {
    workflowId: shopWorkflowId(record.shopId),
    taskQueue,
    args: [{ ...record, credentialsVersion: 1, offboarded: false }],
    typedSearchAttributes: new TypedSearchAttributes([{ key: ShopIdKey, value: record.shopId }]),
    workflowIdConflictPolicy: 'FAIL',
  });
}
