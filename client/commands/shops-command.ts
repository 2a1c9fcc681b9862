/**
 * `npm run cli -- shops [--json]`: every shop this Temporal namespace knows (its `shop-<shop>`
 * workflows, running and closed), whether it is live or offboarded, and how many of its
 * transfers stand in each TransferStatus. Visibility only: no query, so no worker is needed.
 */
import type { Client, WorkflowExecutionInfo } from '@temporalio/client';
import type { Config } from '../../common/config';
import { ShopIdKey } from '../../common/search-attributes';
import { connectTemporalClient } from '../../common/temporal-client';
import type { TransferStatus } from '../../workflows/transfer-workflow';
import { CliError, EXIT_CODES } from '../cli-error';

/** Every TransferStatus, in the order a person reads them (the `satisfies` keeps it complete). */
const TRANSFER_STATUSES = Object.keys({
  Waiting: true, Transferring: true, Invoiced: true, NeedsAttention: true, WaitingForCredentials: true,
  PartiallyCredited: true, Credited: true, Cancelled: true, Forwarded: true,
} satisfies Record<TransferStatus, true>) as TransferStatus[];

export interface ShopSummary {
  shopId: string;
  /** live: its workflow runs; offboarded: it completed (it only completes when offboarded); else how its workflow ended. */
  state: 'live' | 'offboarded' | 'failed' | 'terminated' | 'cancelled' | 'timed-out' | 'unknown';
  workflowId: string;
  startedAt: string;
  closedAt?: string;
  /** Transfers of the shop (running and closed), and how many stand in each status (statuses with none left out). */
  transfers?: { total: number; byStatus: Partial<Record<TransferStatus, number>> };
}

export async function runShops(config: Config, options: { counts?: boolean } = {}): Promise<ShopSummary[]> {
  let client: Client;
  try {
    client = await connectTemporalClient(config);
  } catch (error) {
    throw new CliError(error instanceof Error ? error.message : String(error), EXIT_CODES.unavailable);
  }
  try {
    return await listShops(client, options);
  } finally {
    await client.connection.close();
  }
}

/** The shops with their state and, unless `counts: false`, their transfer counts (1 + 9 count queries a shop, in parallel). */
export async function listShops(client: Client, options: { counts?: boolean } = {}): Promise<ShopSummary[]> {
  // One workflow id may have several runs (continue-as-new, a re-registration): the newest tells.
  const newest = new Map<string, WorkflowExecutionInfo>();
  for await (const execution of client.workflow.list({ query: 'WorkflowType = "shopWorkflow"' })) {
    const known = newest.get(execution.workflowId);
    if (!known || execution.startTime > known.startTime) newest.set(execution.workflowId, execution);
  }
  const shops = [...newest.values()]
    .map((execution): ShopSummary => ({
      shopId: execution.typedSearchAttributes.get(ShopIdKey) ?? execution.workflowId.replace(/^shop-/, ''),
      state: shopState(execution.status.name),
      workflowId: execution.workflowId,
      startedAt: execution.startTime.toISOString(),
      ...(execution.closeTime ? { closedAt: execution.closeTime.toISOString() } : {}),
    }))
    .sort((a, b) => a.shopId.localeCompare(b.shopId));
  if (options.counts === false) return shops;
  return Promise.all(shops.map(async (shop) => ({ ...shop, transfers: await transferCounts(client, shop.shopId) })));
}

async function transferCounts(client: Client, shopId: string): Promise<NonNullable<ShopSummary['transfers']>> {
  // Temporal's count groups only by ExecutionStatus, so one count per TransferStatus.
  const base = `WorkflowType = "transferOrder" AND ShopId = "${shopId}"`;
  const [total, ...perStatus] = await Promise.all([
    client.workflow.count(base),
    ...TRANSFER_STATUSES.map((status) => client.workflow.count(`${base} AND TransferStatus = "${status}"`)),
  ]);
  const byStatus: Partial<Record<TransferStatus, number>> = {};
  TRANSFER_STATUSES.forEach((status, index) => {
    const count = perStatus[index]!.count;
    if (count > 0) byStatus[status] = count;
  });
  return { total: total!.count, byStatus };
}

function shopState(status: WorkflowExecutionInfo['status']['name']): ShopSummary['state'] {
  switch (status) {
    case 'RUNNING': return 'live';
    case 'COMPLETED': return 'offboarded';
    case 'FAILED': return 'failed';
    case 'TERMINATED': return 'terminated';
    case 'CANCELLED': return 'cancelled';
    case 'TIMED_OUT': return 'timed-out';
    default: return 'unknown';
  }
}

export function formatShops(shops: ShopSummary[]): string {
  if (shops.length === 0) return 'No shops yet. Onboard one: npm run cli -- onboard --shop <id>';
  return shops
    .map((shop) => {
      const since = shop.state === 'live' ? `since ${shop.startedAt}` : `since ${shop.closedAt ?? shop.startedAt}`;
      const head = `${shop.shopId}: ${shop.state} (${since})`;
      if (!shop.transfers) return head;
      const parts = Object.entries(shop.transfers.byStatus).map(([status, count]) => `${status} ${count}`);
      return `${head}\n  transfers: ${shop.transfers.total}${parts.length > 0 ? ` (${parts.join(', ')})` : ''}`;
    })
    .join('\n');
}
