/**
 * What the one-shot runs of the whole product share (`npm run demo`, `npm run chaos`): a
 * configuration on free local ports, faults in both sandboxes, the demo shop's completed orders,
 * waiting until every transfer has settled, reconciliation, and the count taken from the
 * Tripletex sandbox's own invoices (not from what the workflows believe).
 */
import getPort from 'get-port';
import type { Client } from '@temporalio/client';
import { z } from 'zod';
import { createTemporalShopDirectory } from '../activities/shop-directory';
import { ConfigError, type Config } from '../common/config';
import type { Logger } from '../common/logger';
import { decimalToScaled } from '../domain/money';
import { tripletexOrderReference } from '../domain/invoice-draft';
import type { TransferState } from '../workflows';
import { runReconcile } from './commands/reconcile-command';
import { DEFAULT_WEBHOOK_RETRY_DELAYS_MS } from '../sandbox/mystore';
import { DEMO_SHOP_ID, onboardDemoShop, type RunningSandboxes } from './local-stack';
import { startWebhookReceiver } from './webhook-receiver';

type Servers = RunningSandboxes['servers'];

export interface InvoiceCounts {
  orders: number;
  /** Orders with exactly one (non-credit) invoice in the Tripletex sandbox. */
  invoices: number;
  /** Invoices beyond the first for the same order. */
  duplicates: number;
  /** Orders without an invoice. */
  missing: number;
  /** Orders whose invoice total differs from the shop's. */
  amountMismatches: number;
}

/** Pass: every order has exactly one invoice with the right amount. */
export function everyOrderInvoicedOnce(counts: InvoiceCounts): boolean {
  return counts.invoices === counts.orders && counts.duplicates === 0 && counts.missing === 0 && counts.amountMismatches === 0;
}

/**
 * The configuration of a run on its own: its Temporal server, free ports for both sandboxes and
 * the webhook receiver, a task queue of its own. With faults, a short HTTP timeout turns the
 * sandboxes' "slow" fault into a timeout. Mystore's per-token limit is lifted: these runs measure
 * the pipeline, not that limit (the benchmarks do).
 */
export async function oneShotConfig(base: Config, options: { temporalAddress: string; taskQueue: string; faulty: boolean }): Promise<Config> {
  const [tripletexPort, mystorePort, webhookPort] = [await getPort(), await getPort(), await getPort()];
  return {
    ...base,
    TEMPORAL_ADDRESS: options.temporalAddress,
    TEMPORAL_TASK_QUEUE: options.taskQueue,
    SANDBOX_TRIPLETEX_PORT: tripletexPort,
    SANDBOX_MYSTORE_PORT: mystorePort,
    WEBHOOK_PORT: webhookPort,
    WEBHOOK_PUBLIC_URL: undefined,
    TRIPLETEX_BASE_URL: `http://127.0.0.1:${tripletexPort}/v2`,
    MYSTORE_BASE_URL: `http://127.0.0.1:${mystorePort}`,
    TRIPLETEX_TIMEOUT_MS: options.faulty ? 2_000 : base.TRIPLETEX_TIMEOUT_MS,
    MYSTORE_TIMEOUT_MS: options.faulty ? 2_000 : base.MYSTORE_TIMEOUT_MS,
    MYSTORE_RATE_LIMIT_PER_MINUTE: 60_000,
  };
}

/**
 * Starts the webhook receiver in this process and onboards the demo shop to go-live (a worker
 * must be polling the task queue). Returns the receiver, to close.
 */
export async function receiveAndOnboard(config: Config, logger: Logger, client: Client, sandboxes: RunningSandboxes, say: (line: string) => void): Promise<{ close(): Promise<void> }> {
  const receiver = await startWebhookReceiver({ config, logger: logger.child({ component: 'webhooks' }), client, shops: createTemporalShopDirectory(client), taskQueue: config.TEMPORAL_TASK_QUEUE, host: '127.0.0.1' });
  try {
    say(`Onboarding the demo shop "${DEMO_SHOP_ID}"...`);
    const onboarding = await onboardDemoShop(config, sandboxes);
    if (onboarding.stage !== 'live') throw new Error(`onboarding did not go live: ${onboarding.nextAction ?? onboarding.stage}`);
  } catch (error) {
    await receiver.close();
    throw error;
  }
  return receiver;
}

/** How long a "slow" answer takes: longer than oneShotConfig's 2 s timeout. */
const SLOW_DELAY_MS = 2_500;

/**
 * Faults at `rate` (a share of requests) spread evenly over every kind each sandbox knows, and
 * optionally bursts of 429: a burst starts at `bursts.rate` of requests and refuses every request
 * for `bursts.ms`. Returns the kinds, in words.
 */
export function injectFaults(servers: Servers, rate: number, bursts?: { rate: number; ms: number }): string {
  const burst = bursts && bursts.rate > 0 ? { http429Burst: bursts.rate, http429BurstMs: bursts.ms } : {};
  const tripletexShare = rate / 5;
  servers.tripletex.admin.setFaults({ http500: tripletexShare, http503: tripletexShare, resetBeforeWrite: tripletexShare, slow: tripletexShare, commitThenDrop: tripletexShare, slowDelayMs: SLOW_DELAY_MS, ...burst });
  const mystoreShare = rate / 6;
  servers.mystore.admin.setFaults({ http500: mystoreShare, http503: mystoreShare, http504: mystoreShare, resetBeforeWrite: mystoreShare, slow: mystoreShare, commitThenDrop: mystoreShare, slowDelayMs: SLOW_DELAY_MS, ...burst });
  return `500, 503, 504, reset, slow, commit-then-drop${bursts && bursts.rate > 0 ? `, ${bursts.ms} ms bursts of 429` : ''}`;
}

export function clearFaults(servers: Servers): void {
  servers.tripletex.admin.setFaults({});
  servers.mystore.admin.setFaults({});
}

/** Generates `count` completed orders in the demo shop (they go out by webhook); returns those that should be invoiced. */
export function generateCompletedOrders(servers: Servers, count: number): string[] {
  const generated = servers.mystore.admin.generateOrders(DEMO_SHOP_ID, { count, status: 'completed' });
  // A credit order is a refund of another order, not a sale: it is not expected to be invoiced.
  return generated.filter((orderId) => servers.mystore.admin.getOrder(DEMO_SHOP_ID, orderId).attributes.order_type !== 'credit');
}

const SETTLED: ReadonlyArray<TransferState['status']> = ['Invoiced', 'NeedsAttention', 'Credited', 'PartiallyCredited', 'Cancelled', 'Forwarded'];

/** The demo shop's transfers as Temporal's visibility counts them (every transfer of this run's server). */
export async function countTransfers(client: Client): Promise<{ total: number; settled: number; needsAttention: number }> {
  const base = `WorkflowType = "transferOrder" AND ShopId = "${DEMO_SHOP_ID}"`;
  const [total, settled, needsAttention] = await Promise.all([
    client.workflow.count(base),
    client.workflow.count(`${base} AND TransferStatus IN (${SETTLED.map((status) => `"${status}"`).join(', ')})`),
    client.workflow.count(`${base} AND TransferStatus = "NeedsAttention"`),
  ]);
  return { total: total.count, settled: settled.count, needsAttention: needsAttention.count };
}

/** Number of (non-credit) invoices per order reference in the Tripletex sandbox. */
function invoicesByReference(servers: Servers, companyId: number): Map<string, Array<{ amountOre: number }>> {
  const byReference = new Map<string, Array<{ amountOre: number }>>();
  for (const invoice of servers.tripletex.admin.listInvoices(companyId)) {
    if (invoice.isCreditNote) continue;
    const list = byReference.get(invoice.reference) ?? [];
    list.push(invoice);
    byReference.set(invoice.reference, list);
  }
  return byReference;
}

const orderReference = (orderId: string) => tripletexOrderReference(DEMO_SHOP_ID, orderId);

export interface WaitOptions {
  say: (line: string) => void;
  timeoutMs: number;
  /** Called on every round (the chaos run kills the Temporal server from here); `invoiced` orders so far. */
  onProgress?: (invoiced: number) => Promise<void>;
  /** While this says true, more orders are coming (`orderIds` grows), so the wait goes on. */
  placing?: () => boolean;
}

export interface WaitOutcome {
  /** Every transfer settled, and every order has an invoice or a transfer that needs attention. */
  settled: boolean;
  /**
   * Not settled, but nothing will move by itself: no transfer under way, and no webhook the
   * Mystore sandbox will deliver again. The orders without a transfer are reconciliation's.
   */
  quiet: boolean;
  needsAttention: number;
}

/** How long nothing must be under way before the wait calls it quiet (a webhook's first try is not in the log until it is answered). */
const QUIET_MS = 10_000;

/** Webhooks whose last delivery failed and that the Mystore sandbox will deliver again. */
export function webhooksToRedeliver(servers: Servers): number {
  const last = new Map<string, { ok: boolean; attempt: number }>();
  for (const delivery of servers.mystore.admin.webhookDeliveries(DEMO_SHOP_ID)) last.set(`${delivery.webhookId}\n${delivery.body}`, delivery);
  return [...last.values()].filter((delivery) => !delivery.ok && delivery.attempt <= DEFAULT_WEBHOOK_RETRY_DELAYS_MS.length).length;
}

/**
 * Waits until no transfer is under way (every one settled, by visibility) and every order has an
 * invoice in the Tripletex sandbox or a transfer that needs attention; or until it is quiet (see
 * WaitOutcome); or the timeout. Tolerates Temporal being unreachable meanwhile.
 */
export async function waitForTransfers(client: Client, servers: Servers, companyId: number, orderIds: string[], options: WaitOptions): Promise<WaitOutcome> {
  const deadline = Date.now() + options.timeoutMs;
  let lastLine = '';
  let needsAttention = 0;
  let quietSince: number | undefined;
  while (Date.now() < deadline) {
    const byReference = invoicesByReference(servers, companyId);
    const invoiced = orderIds.filter((orderId) => byReference.has(orderReference(orderId))).length;
    await options.onProgress?.(invoiced);
    const placing = options.placing?.() ?? false;
    const counts = await countTransfers(client).catch(() => undefined);
    if (counts) needsAttention = counts.needsAttention;
    const underWay = counts ? counts.total - counts.settled : undefined;
    const redeliveries = webhooksToRedeliver(servers);
    const line = `  ${invoiced}/${orderIds.length} invoiced, ${needsAttention} needing attention, ${underWay ?? '?'} transfer(s) under way${counts ? '' : ' (Temporal unreachable)'}, ${redeliveries} webhook(s) to deliver again`;
    if (line !== lastLine) options.say(line);
    lastLine = line;
    if (!placing && underWay === 0 && invoiced + needsAttention >= orderIds.length) return { settled: true, quiet: false, needsAttention };
    if (!placing && underWay === 0 && redeliveries === 0) {
      quietSince ??= Date.now();
      if (Date.now() - quietSince >= QUIET_MS) return { settled: false, quiet: true, needsAttention };
    } else {
      quietSince = undefined;
    }
    await new Promise((resolve) => setTimeout(resolve, 1_000));
  }
  return { settled: false, quiet: false, needsAttention };
}

/**
 * Reconciles the demo shop over the last 40 days and waits for the transfers it had to start
 * (their webhooks were lost). Returns the report.
 */
export async function reconcileAndWait(config: Config, client: Client, servers: Servers, companyId: number, orderIds: string[], say: (line: string) => void): Promise<Awaited<ReturnType<typeof runReconcile>>> {
  const windowStart = new Date(Date.now() - 40 * 24 * 3600 * 1000).toISOString();
  const report = await runReconcile(config, { shop: DEMO_SHOP_ID, from: windowStart, to: new Date(Date.now() + 60_000).toISOString(), json: true });
  if (report.startedNow.length > 0) {
    say(`Reconciliation started ${report.startedNow.length} transfer(s) whose webhook was lost; waiting for them...`);
    await waitForTransfers(client, servers, companyId, orderIds, { say, timeoutMs: 120_000 });
  }
  return report;
}

/** How one order ended in the Tripletex sandbox: its (non-credit) invoices and their amounts against the shop's total. */
export interface OrderOutcome {
  orderId: string;
  invoices: number;
  /** The shop's total less gift cards (what the invoice must come to), in øre. */
  expectedOre: number;
  amountsOre: number[];
}

/** Each order's outcome, from the Tripletex sandbox's own invoices and the Mystore sandbox's orders. */
export function orderOutcomes(servers: Servers, companyId: number, orderIds: string[]): OrderOutcome[] {
  const byReference = invoicesByReference(servers, companyId);
  return orderIds.map((orderId) => {
    const forOrder = byReference.get(orderReference(orderId)) ?? [];
    const totals = servers.mystore.admin.getOrder(DEMO_SHOP_ID, orderId).totals;
    const sum = (cls: string) => totals.filter((row) => row.attributes.class === cls).reduce((acc, row) => acc + decimalToScaled(row.attributes.value as number, 2), 0);
    return { orderId, invoices: forOrder.length, expectedOre: sum('ot_total') - sum('ot_gv'), amountsOre: forOrder.map((invoice) => invoice.amountOre) };
  });
}

/** The outcomes that are not exactly one invoice of the right amount. */
export function wrongOutcomes(outcomes: OrderOutcome[]): OrderOutcome[] {
  return outcomes.filter((outcome) => outcome.invoices !== 1 || outcome.amountsOre.some((amount) => amount !== outcome.expectedOre));
}

export function countInvoices(outcomes: OrderOutcome[]): InvoiceCounts {
  return {
    orders: outcomes.length,
    invoices: outcomes.filter((outcome) => outcome.invoices === 1).length,
    duplicates: outcomes.reduce((sum, outcome) => sum + Math.max(0, outcome.invoices - 1), 0),
    missing: outcomes.filter((outcome) => outcome.invoices === 0).length,
    amountMismatches: outcomes.filter((outcome) => outcome.amountsOre.some((amount) => amount !== outcome.expectedOre)).length,
  };
}

/**
 * Runs a one-shot script's `main` and exits with its code; bad configuration or arguments are
 * printed as such (`--fault-rate: …`), anything else with its stack.
 */
export function runOneShot(main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      if (error instanceof ConfigError) console.error(error.message);
      else if (error instanceof z.ZodError) console.error(`Invalid arguments:\n${error.issues.map((issue) => `  --${String(issue.path[0]).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: ${issue.message}`).join('\n')}`);
      else console.error(error);
      process.exit(1);
    },
  );
}
