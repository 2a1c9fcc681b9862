/**
 * `npm run cli -- reconcile --shop S [--from ISO] [--to ISO] [--retry-parked] [--json]`: runs the
 * shop's reconciliation now (besides its Schedule) and prints what it found in plain words.
 * Without --from/--to it looks at the same window a scheduled run would, and moves the watermark.
 */
import { randomUUID } from 'node:crypto';
import { TypedSearchAttributes } from '@temporalio/common';
import { z } from 'zod';
import type { Config } from '../../common/config';
import { shopIdSchema } from '../../common/id-schemas';
import { manualReconciliationWorkflowId } from '../../common/reconciliation-schedule';
import { ShopIdKey } from '../../common/search-attributes';
import { connectTemporalClient } from '../../common/temporal-client';
import type { ReconcileShopInput, ReconciliationReport } from '../../workflows/reconciliation-workflow';

const instantSchema = z.string().refine((value) => !Number.isNaN(Date.parse(value)), 'an ISO 8601 instant, e.g. 2026-12-01T00:00:00Z');

export const reconcileOptionsSchema = z
  .object({
    shop: shopIdSchema,
    from: instantSchema.optional(),
    to: instantSchema.optional(),
    retryParked: z.boolean().optional(),
    json: z.boolean(),
  })
  .refine((options) => options.from === undefined || options.to === undefined || Date.parse(options.from) < Date.parse(options.to), {
    message: '--from must be before --to',
    path: ['from'],
  });

export type ReconcileOptions = z.infer<typeof reconcileOptionsSchema>;

/** Starts `reconcileShop` as `reconcile-<shop>-manual-<uuid>`, waits for it, and returns its report. */
export async function runReconcile(config: Config, options: ReconcileOptions): Promise<ReconciliationReport> {
  const parsed = reconcileOptionsSchema.parse(options);
  const client = await connectTemporalClient(config);
  try {
    const input: ReconcileShopInput = {
      shopId: parsed.shop,
      ...(parsed.from !== undefined ? { from: new Date(parsed.from).toISOString() } : {}),
      ...(parsed.to !== undefined ? { to: new Date(parsed.to).toISOString() } : {}),
      ...(parsed.retryParked ? { retryParked: true } : {}),
    };
    return await client.workflow.execute('reconcileShop', {
      workflowId: manualReconciliationWorkflowId(parsed.shop, randomUUID()),
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      args: [input],
      typedSearchAttributes: new TypedSearchAttributes([{ key: ShopIdKey, value: parsed.shop }]),
    }) as ReconciliationReport;
  } finally {
    await client.connection.close();
  }
}

const kroner = (ore: number) => `${(ore / 100).toFixed(2)} kr`;

/** Exit code for a report: 2 when something needs a person, 0 otherwise. */
export function reconciliationExitCode(report: ReconciliationReport): number {
  const needsPerson = report.missingInvoices.length + report.duplicates.length + report.amountMismatches.length
    + Object.values(report.parked).reduce((sum, ids) => sum + ids.length, 0) + report.waitingForCredentials.length;
  return needsPerson > 0 ? 2 : 0;
}

/** The report in plain words: what is missing, doubled or different, and what to do about each. */
export function formatReconciliationReport(report: ReconciliationReport): string {
  const shop = report.shopId;
  const lines: string[] = [];
  lines.push(`Reconciliation of shop ${shop}, orders changed ${report.window.from} – ${report.window.to}${report.fullPass ? ' (full pass)' : ''}:`);
  lines.push(`  ${report.ordersSeen} orders changed, ${report.completed} completed, ${report.transferred} with a Tripletex invoice.`);
  if (report.startedNow.length > 0) {
    lines.push(`  Started ${report.startedNow.length} missing transfer(s) (their webhooks were lost): orders ${report.startedNow.join(', ')}. Nothing to do; follow them with npm run cli -- status --shop ${shop} --order O.`);
  }
  if (report.woken.length > 0) {
    lines.push(`  Woke ${report.woken.length} transfer(s) that had missed a change of their order: orders ${report.woken.join(', ')}.`);
  }
  for (const [kind, orderIds] of Object.entries(report.parked)) {
    lines.push(`  ${orderIds.length} transfer(s) need attention (${kind}): orders ${orderIds.join(', ')}. See what to do with npm run cli -- status --shop ${shop} --order O, fix it, then npm run cli -- retry --shop ${shop} --order O.`);
  }
  if (report.retried.length > 0) lines.push(`  Sent retry to: orders ${report.retried.join(', ')}.`);
  if (report.waitingForCredentials.length > 0) {
    lines.push(`  ${report.waitingForCredentials.length} transfer(s) wait for new credentials: orders ${report.waitingForCredentials.join(', ')}. Give the shop a working key with onboarding; they resume by themselves.`);
  }
  for (const missing of report.missingInvoices) {
    const others = missing.others.length > 0 ? ` Tripletex has instead: ${missing.others.map((other) => `invoice ${other.invoiceNumber} (id ${other.invoiceId}, ${kroner(other.amount)})`).join(', ')}.` : '';
    lines.push(`  MISSING: order ${missing.orderId}'s invoice ${missing.expected.invoiceNumber} (id ${missing.expected.invoiceId}, ${missing.expected.invoiceDate}, ${kroner(missing.expected.amount)}) is gone from Tripletex.${others} If it was deleted by mistake, invoice the order again in Tripletex (or ask us to re-run its transfer); if on purpose, credit or cancel the order in Mystore so the books agree.`);
  }
  for (const duplicate of report.duplicates) {
    const list = duplicate.invoices.map((invoice) => `${invoice.invoiceNumber} (id ${invoice.invoiceId}, ${invoice.invoiceDate}, ${kroner(invoice.amount)})`).join(', ');
    lines.push(`  DOUBLED: order ${duplicate.orderId} has ${duplicate.invoices.length} invoices in Tripletex: ${list}. The integration made ${duplicate.expected.invoiceNumber}; credit the other(s) in Tripletex so the customer is billed once.`);
  }
  for (const mismatch of report.amountMismatches) {
    lines.push(`  DIFFERENT: order ${mismatch.orderId}'s invoice ${mismatch.invoiceNumber} (id ${mismatch.invoiceId}) is ${kroner(mismatch.actualAmount)} in Tripletex, but was made for ${kroner(mismatch.expectedAmount)} (the shop's total). Check who changed it; credit it and invoice the right amount if the change was wrong.`);
  }
  for (const warning of report.warnings) lines.push(`  Note: ${warning}`);
  const problems = report.missingInvoices.length + report.duplicates.length + report.amountMismatches.length;
  if (problems === 0 && Object.keys(report.parked).length === 0 && report.waitingForCredentials.length === 0) {
    lines.push('  Everything agrees: every completed order has its transfer and every invoice is in Tripletex once, with its amount.');
  }
  lines.push(`  (${report.calls.mystorePages} Mystore page(s), ${report.calls.tripletexSearches} Tripletex search(es).)`);
  return lines.join('\n');
}
