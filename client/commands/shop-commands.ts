/**
 * `npm run cli -- rotate-credentials|numbering|offboard --shop S`: changes to a live shop, each run as a
 * workflow so it completes (or says why not) even if the CLI is stopped half-way.
 */
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import type { Config } from '../../common/config';
import { shopIdSchema } from '../../common/id-schemas';
import { connectTemporalClient } from '../../common/temporal-client';
import type { ChangeNumberingOutcome, OffboardOutcome, RotateCredentialsOutcome } from '../../workflows';
import { CliError, EXIT_CODES } from '../cli-error';

export const rotateOptionsSchema = z
  .object({ shop: shopIdSchema, tripletexEmployeeToken: z.string().min(1).optional(), mystoreToken: z.string().min(1).optional(), json: z.boolean() })
  .refine((options) => options.tripletexEmployeeToken !== undefined || options.mystoreToken !== undefined, {
    message: 'give a new token: pipe it with --tripletex-employee-token-stdin and/or --mystore-token-stdin, or set TRIPLETEX_EMPLOYEE_TOKEN / MYSTORE_TOKEN',
    path: ['tripletex-employee-token-stdin'],
  });

export async function runRotateCredentials(config: Config, options: z.infer<typeof rotateOptionsSchema>): Promise<RotateCredentialsOutcome> {
  const client = await connectTemporalClient(config);
  try {
    return await client.workflow.execute('rotateShopCredentials', {
      workflowId: `rotate-${options.shop}-${randomUUID()}`,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      args: [{ shopId: options.shop, tripletexEmployeeToken: options.tripletexEmployeeToken, mystoreToken: options.mystoreToken }],
    });
  } finally {
    await client.connection.close();
  }
}

export function formatRotation(shopId: string, outcome: RotateCredentialsOutcome): string {
  if (!outcome.replaced) return [`The new credentials for shop ${shopId} were NOT taken; the old ones stay:`, ...outcome.problems.map((problem) => `  - ${problem}`)].join('\n');
  const released = outcome.releasedOrders.length ? ` Transfers that waited for them resume now: orders ${outcome.releasedOrders.join(', ')}.` : '';
  return `The new credentials for shop ${shopId} are in use (version ${outcome.credentialsVersion}).${released}`;
}

export const numberingOptionsSchema = z.object({
  shop: shopIdSchema,
  mode: z.enum(['tripletex', 'shop'], { message: '--mode is tripletex (Tripletex numbers the invoices) or shop (the shop\'s own numbers)' }),
  tripletexSeriesStart: z.coerce.number().int('--tripletex-series-start is a whole number').positive().max(2_147_483_647).optional(),
  json: z.boolean(),
}).refine((options) => options.mode === 'shop' || options.tripletexSeriesStart === undefined, {
  message: 'only with --mode shop', path: ['tripletex-series-start'],
});

export async function runChangeNumbering(config: Config, options: z.infer<typeof numberingOptionsSchema>): Promise<ChangeNumberingOutcome> {
  const client = await connectTemporalClient(config);
  try {
    return await client.workflow.execute('changeNumberingMode', {
      workflowId: `numbering-${options.shop}-${randomUUID()}`,
      taskQueue: config.TEMPORAL_TASK_QUEUE,
      args: [{ shopId: options.shop, mode: options.mode, ...(options.tripletexSeriesStart !== undefined ? { tripletexSeriesStart: options.tripletexSeriesStart } : {}) }],
    });
  } finally {
    await client.connection.close();
  }
}

export function formatNumberingChange(shopId: string, outcome: ChangeNumberingOutcome): string {
  if (outcome.changed) return `Shop ${shopId}: ${outcome.message}`;
  if (outcome.problems.length === 0) return `Shop ${shopId}: ${outcome.message}`;
  return [`Shop ${shopId}: numbering NOT changed (still ${outcome.numbering.mode}).`, ...outcome.problems.map((problem) => `  - ${problem}`), ...(outcome.assessment && !outcome.inFlight.length ? [`  ${outcome.message}`] : [])].join('\n');
}

export async function runOffboard(config: Config, shopId: string): Promise<OffboardOutcome> {
  const client = await connectTemporalClient(config);
  try {
    return await client.workflow.execute('offboardShop', { workflowId: `offboard-${shopId}`, taskQueue: config.TEMPORAL_TASK_QUEUE, args: [{ shopId }] });
  } catch (error) {
    throw new CliError(`Offboarding shop ${shopId} failed: ${error instanceof Error ? error.message : String(error)}`, EXIT_CODES.unavailable);
  } finally {
    await client.connection.close();
  }
}
