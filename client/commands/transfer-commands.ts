/**
 * `npm run cli -- transfer|status|retry …`: an operator starts an order's transfer, reads where it
 * stands, or resumes transfers that needed a human. All go through common/transfers.ts, so a
 * transfer started here is the same workflow the webhook receiver or reconciliation would use.
 */
import { WorkflowNotFoundError } from '@temporalio/client';
import { z } from 'zod';
import type { Config } from '../../common/config';
import { shopIdSchema } from '../../common/id-schemas';
import { connectTemporalClient } from '../../common/temporal-client';
import { retryTransfer, retryTransfersNeedingAttention, startOrSignalTransfer, transferStatus } from '../../common/transfers';
import type { TransferState } from '../../workflows';
import { CliError, EXIT_CODES } from '../cli-error';

export const orderIdSchema = z.string().regex(/^[A-Za-z0-9-]{1,40}$/, 'an order id is 1-40 letters, digits or dashes');

export const transferOptionsSchema = z.object({ shop: shopIdSchema, order: orderIdSchema, json: z.boolean() });
export const retryOptionsSchema = z
  .object({ shop: shopIdSchema, order: orderIdSchema.optional(), allNeedingAttention: z.boolean(), tripletexNumber: z.boolean().default(false), json: z.boolean() })
  .refine((options) => (options.order !== undefined) !== options.allNeedingAttention, { message: 'give either --order O or --all-needing-attention', path: ['order'] })
  .refine((options) => !options.tripletexNumber || options.order !== undefined, { message: '--tripletex-number applies to one order: give --order O', path: ['tripletexNumber'] });

type TransferOptions = z.infer<typeof transferOptionsSchema>;
type RetryOptions = z.infer<typeof retryOptionsSchema>;

async function withClient<T>(config: Config, body: (client: Awaited<ReturnType<typeof connectTemporalClient>>) => Promise<T>): Promise<T> {
  const client = await connectTemporalClient(config);
  try {
    return await body(client);
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) throw new CliError(`${error.message}. No transfer exists for that order yet: start one with \`npm run cli -- transfer --shop S --order O\`.`, EXIT_CODES.usage);
    throw error;
  } finally {
    await client.connection.close();
  }
}

/** Starts (or finds) the transfer and waits briefly for it to settle, then prints where it stands. */
export async function runTransfer(config: Config, options: TransferOptions, settleMs = 20_000): Promise<TransferState> {
  return withClient(config, async (client) => {
    await startOrSignalTransfer(client, config.TEMPORAL_TASK_QUEUE, options.shop, options.order);
    const deadline = Date.now() + settleMs;
    let state = await transferStatus(client, options.shop, options.order);
    while (state.status === 'Transferring' && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 250));
      state = await transferStatus(client, options.shop, options.order);
    }
    return state;
  });
}

export async function runStatus(config: Config, options: TransferOptions): Promise<TransferState> {
  return withClient(config, (client) => transferStatus(client, options.shop, options.order));
}

export async function runRetry(config: Config, options: RetryOptions): Promise<string[]> {
  return withClient(config, async (client) => {
    if (options.order !== undefined) {
      await retryTransfer(client, options.shop, options.order, { tripletexNumber: options.tripletexNumber });
      return [options.order];
    }
    return retryTransfersNeedingAttention(client, options.shop);
  });
}

export function exitCodeForTransfer(state: TransferState): number {
  return state.status === 'NeedsAttention' || state.status === 'WaitingForCredentials' ? EXIT_CODES.needsAttention : EXIT_CODES.ok;
}

/** Where a transfer stands, in plain words for a terminal. */
export function formatTransferState(state: TransferState): string {
  const lines = [`Order ${state.orderId} of shop ${state.shopId}: ${state.status}`];
  if (state.tripletex.invoiceNumber !== undefined) {
    lines.push(`  Tripletex invoice ${state.tripletex.invoiceNumber} (id ${state.tripletex.invoiceId}), dated ${state.tripletex.invoiceDate}, customer id ${state.tripletex.customerId}`);
  }
  for (const credit of state.credits) {
    lines.push(`  ${credit.kind === 'credit-note' ? 'Credit note' : 'Credit invoice'} ${credit.tripletexInvoiceNumber}${credit.creditOrderId ? ` for credit order ${credit.creditOrderId}` : ' (order cancelled)'}`);
  }
  if (state.problem) lines.push(`  What to do: ${state.problem.message}`);
  lines.push('  Steps:', ...state.steps.map((step) => `    - ${step}`));
  return lines.join('\n');
}
