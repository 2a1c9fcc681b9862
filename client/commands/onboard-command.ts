/**
 * `npm run cli -- onboard --shop <id> [--tripletex-employee-token <token> | --tripletex-employee-token-stdin] [--json]`
 *
 * Starts the shop's onboarding workflow, waits for its outcome and prints it. The token can come
 * from the TRIPLETEX_EMPLOYEE_TOKEN variable or stdin, so it need not stand in shell history; it
 * travels to the worker only inside encrypted payloads.
 */
import { WorkflowExecutionAlreadyStartedError, WorkflowNotFoundError, type WorkflowHandle } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { z } from 'zod';
import type { Config } from '../../common/config';
import { shopIdSchema } from '../../common/id-schemas';
import { onboardingWorkflowId } from '../../common/ids';
import { ShopIdKey } from '../../common/search-attributes';
import { connectTemporalClient } from '../../common/temporal-client';
import type { OnboardingState } from '../../workflows';
import { CliError, EXIT_CODES } from '../cli-error';

export const onboardOptionsSchema = z.object({
  shop: shopIdSchema,
  tripletexEmployeeToken: z.string().trim().min(1, 'the Tripletex employee token is empty').optional(),
  mystoreShop: z.string().regex(/^[a-z0-9][a-z0-9.-]{0,62}$/, "the Mystore shop is the store's name in Mystore (lower-case letters, digits, dots, dashes)").optional(),
  mystoreToken: z.string().trim().min(1, 'the Mystore token is empty').optional(),
  /** module → Tripletex payment type id, from repeated --map-payment module=id. */
  mapPayment: z.record(z.string(), z.number().int().positive()).default({}),
  acceptSuggestedMapping: z.boolean().default(false),
  confirmNumbering: z.boolean().default(false),
  numbering: z.enum(['tripletex', 'shop'], { message: "--numbering is tripletex (Tripletex numbers the invoices) or shop (the shop's own numbers)" }).optional(),
  retry: z.boolean().default(false),
  json: z.boolean(),
});

export type OnboardOptions = z.input<typeof onboardOptionsSchema>;

/** `klarna=12` → ['klarna', 12]; anything else names the flag and the expected form. */
export function parsePaymentMapping(values: string[]): Record<string, number> {
  const mapping: Record<string, number> = {};
  for (const value of values) {
    const match = /^([a-z0-9_-]+)=(\d+)$/i.exec(value.trim());
    if (!match) throw new CliError(`--map-payment ${value}: expected module=paymentTypeId, e.g. --map-payment klarna=12`, EXIT_CODES.usage);
    mapping[match[1]!.toLowerCase()] = Number(match[2]);
  }
  return mapping;
}

/** The non-empty lines piped to stdin, trimmed: secrets come this way to stay out of shell history. */
export async function readLinesFromStdin(stdin: NodeJS.ReadableStream = process.stdin): Promise<string[]> {
  let text = '';
  for await (const chunk of stdin) text += chunk.toString();
  return text.split(/\r?\n/).map((line) => line.trim()).filter(Boolean);
}

/**
 * Starts the shop's onboarding, or hands what the options carry (new keys, a payment mapping,
 * the numbering confirmation, a retry) to the one already running; then waits until it is live,
 * finished, or waiting on someone, and returns where it stands.
 */
export async function runOnboard(config: Config, rawOptions: OnboardOptions, settleMs = 60_000): Promise<{ state: OnboardingState; exitCode: number }> {
  const options = onboardOptionsSchema.parse(rawOptions);
  const client = await connectTemporalClient(config);
  try {
    const workflowId = onboardingWorkflowId(options.shop);
    const handle = client.workflow.getHandle(workflowId);
    const running = await handle.describe().then((description) => description.status.name === 'RUNNING', (error: unknown) => {
      if (error instanceof WorkflowNotFoundError) return false;
      throw error;
    });

    if (running) {
      if (options.tripletexEmployeeToken || options.mystoreToken) {
        await handle.executeUpdate('provideCredentials', { args: [{ tripletexEmployeeToken: options.tripletexEmployeeToken, mystoreToken: options.mystoreToken }] });
      }
      if (Object.keys(options.mapPayment).length > 0) await handle.signal('confirmPaymentMapping', options.mapPayment);
      if (options.acceptSuggestedMapping) await handle.signal('acceptSuggestedMapping');
      // The mode first: a confirmation given with it is for that mode's instructions.
      if (options.numbering) await handle.signal('chooseNumberingMode', options.numbering);
      if (options.confirmNumbering) await handle.signal('confirmNumbering');
      if (options.retry) await handle.signal('retry');
    } else {
      if (!options.tripletexEmployeeToken) {
        throw new CliError('No Tripletex employee token given. Pass --tripletex-employee-token, set TRIPLETEX_EMPLOYEE_TOKEN, or pipe it with --tripletex-employee-token-stdin.', EXIT_CODES.usage);
      }
      if ((options.mystoreShop === undefined) !== (options.mystoreToken === undefined)) {
        throw new CliError('Give both --mystore-shop and a Mystore token (--mystore-token, MYSTORE_TOKEN or --mystore-token-stdin), or neither to check only the Tripletex key.', EXIT_CODES.usage);
      }
      await client.workflow.start('onboardShop', {
        workflowId,
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        args: [{
          shopId: options.shop,
          tripletexEmployeeToken: options.tripletexEmployeeToken,
          ...(options.mystoreShop ? { mystoreShop: options.mystoreShop, mystoreToken: options.mystoreToken } : {}),
          paymentMapping: options.mapPayment,
          acceptSuggestedMapping: options.acceptSuggestedMapping,
          numberingConfirmed: options.confirmNumbering,
          ...(options.numbering ? { numberingMode: options.numbering } : {}),
        }],
        typedSearchAttributes: new TypedSearchAttributes([{ key: ShopIdKey, value: options.shop }]),
        workflowIdConflictPolicy: 'FAIL',
      });
    }

    const state = await settledState(handle, settleMs);
    return { state, exitCode: exitCodeFor(state) };
  } catch (error) {
    if (error instanceof WorkflowExecutionAlreadyStartedError) {
      throw new CliError(`Onboarding of shop "${options.shop}" was started by someone else just now. Run the command again to hand it your options.`, EXIT_CODES.usage);
    }
    throw error;
  } finally {
    await client.connection.close();
  }
}

/** Where onboarding stands once nothing is running: live, finished, or waiting on someone. */
async function settledState(handle: WorkflowHandle, settleMs: number): Promise<OnboardingState> {
  const deadline = Date.now() + settleMs;
  // Give signals sent just now a moment to be applied before reading.
  await new Promise((resolve) => setTimeout(resolve, 200));
  for (;;) {
    const state = await handle.query<OnboardingState>('onboardingState');
    const settled = state.stage === 'live' || state.stage === 'finished' || (state.steps?.some((step) => step.status === 'waiting') ?? false);
    if (settled || Date.now() > deadline) return state;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

/** The shop's onboarding state (`npm run cli -- status --shop S`). */
export async function readOnboardingState(config: Config, shopId: string): Promise<OnboardingState> {
  const client = await connectTemporalClient(config);
  try {
    return await client.workflow.getHandle(onboardingWorkflowId(shopId)).query<OnboardingState>('onboardingState');
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) throw new CliError(`Shop "${shopId}" has no onboarding yet. Start it with npm run cli -- onboard --shop ${shopId} …`, EXIT_CODES.usage);
    throw error;
  } finally {
    await client.connection.close();
  }
}

export function exitCodeFor(state: OnboardingState): number {
  if (state.steps) {
    if (state.stage === 'live') return EXIT_CODES.ok;
    if (state.tripletexKey?.status === 'key-rejected') return EXIT_CODES.keyRejected;
    return EXIT_CODES.needsAttention;
  }
  switch (state.tripletexKey?.status) {
    case 'ready':
      return EXIT_CODES.ok;
    case 'needs-attention':
      return EXIT_CODES.needsAttention;
    case 'key-rejected':
      return EXIT_CODES.keyRejected;
    default:
      return EXIT_CODES.unavailable;
  }
}

/** The outcome in plain words for a terminal. */
export function formatOnboardingState(state: OnboardingState): string {
  if (state.steps) return formatOnboardingSteps(state);
  return formatTripletexKey(state);
}

const STEP_TITLES: Record<string, string> = {
  'tripletex-key': 'Tripletex key',
  'mystore-key': 'Mystore key',
  'payment-mapping': 'Payment mapping',
  numbering: 'Number series',
  'go-live': 'Go live',
};

function formatOnboardingSteps(state: OnboardingState): string {
  const lines = [`Onboarding of shop ${state.shopId}: ${state.stage === 'live' ? 'LIVE' : 'IN PROGRESS'}`];
  for (const step of state.steps ?? []) {
    const mark = step.status === 'done' ? 'done   ' : step.status === 'waiting' ? `waiting on the ${step.waitingOn}` : step.status;
    lines.push(`  [${mark}] ${STEP_TITLES[step.id] ?? step.id}${step.message ? `: ${step.message}` : ''}`);
  }
  if (state.nextAction) lines.push('', `Next: ${state.nextAction}`);
  return lines.join('\n');
}

function formatTripletexKey(state: OnboardingState): string {
  const outcome = state.tripletexKey;
  if (!outcome) return `Onboarding of shop ${state.shopId}: ${state.stage}`;
  if (outcome.status === 'key-rejected' || outcome.status === 'tripletex-unavailable') {
    const title = outcome.status === 'key-rejected' ? 'KEY REJECTED' : 'TRIPLETEX UNAVAILABLE';
    return [`Tripletex key for shop ${state.shopId}: ${title}`, `  ${outcome.message}`, `  Fix: ${outcome.fix}`].join('\n');
  }
  const { readiness } = outcome;
  const company = readiness.company;
  const lines = [
    `Tripletex key for shop ${state.shopId}: ${outcome.status === 'ready' ? 'READY' : 'NEEDS ATTENTION'}`,
    `Company: ${company.name} (id ${company.id}${company.organizationNumber ? `, org. no. ${company.organizationNumber}` : ''}); the key belongs to ${readiness.employee.name || `employee ${readiness.employee.id}`}.`,
  ];
  for (const check of readiness.checks) {
    const mark = check.ok ? 'ok  ' : check.severity === 'blocking' ? 'MISSING' : 'warn';
    lines.push(`  [${mark}] ${check.message}`);
    if (!check.ok && check.fix) lines.push(`         Fix: ${check.fix}`);
  }
  return lines.join('\n');
}
