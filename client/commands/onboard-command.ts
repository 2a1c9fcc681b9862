/**
 * `npm run cli -- onboard --shop <id> [--tripletex-employee-token <token> | --tripletex-employee-token-stdin] [--json]`
 *
 * Starts the shop's onboarding workflow, waits for its outcome and prints it. The token can come
 * from the TRIPLETEX_EMPLOYEE_TOKEN variable or stdin, so it need not stand in shell history; it
 * travels to the worker only inside encrypted payloads.
 */
import { WorkflowExecutionAlreadyStartedError } from '@temporalio/client';
import { TypedSearchAttributes } from '@temporalio/common';
import { z } from 'zod';
import type { Config } from '../../common/config';
import { onboardingWorkflowId, shopIdSchema } from '../../common/ids';
import { ShopIdKey } from '../../common/search-attributes';
import { connectTemporalClient } from '../../common/temporal-client';
import type { OnboardingState } from '../../workflows';
import { CliError, EXIT_CODES } from '../cli-error';

export const onboardOptionsSchema = z.object({
  shop: shopIdSchema,
  tripletexEmployeeToken: z.string().trim().min(1, 'the Tripletex employee token is empty'),
  json: z.boolean(),
});

export type OnboardOptions = z.infer<typeof onboardOptionsSchema>;

export async function readTokenFromStdin(stdin: NodeJS.ReadableStream = process.stdin): Promise<string> {
  let text = '';
  for await (const chunk of stdin) text += chunk.toString();
  return text.split(/\r?\n/)[0]?.trim() ?? '';
}

export async function runOnboard(config: Config, options: OnboardOptions): Promise<{ state: OnboardingState; exitCode: number }> {
  const client = await connectTemporalClient(config);
  try {
    const workflowId = onboardingWorkflowId(options.shop);
    let handle;
    try {
      handle = await client.workflow.start('onboardShop', {
        workflowId,
        taskQueue: config.TEMPORAL_TASK_QUEUE,
        args: [{ shopId: options.shop, tripletexEmployeeToken: options.tripletexEmployeeToken }],
        typedSearchAttributes: new TypedSearchAttributes([{ key: ShopIdKey, value: options.shop }]),
        workflowIdConflictPolicy: 'FAIL',
      });
    } catch (error) {
      if (error instanceof WorkflowExecutionAlreadyStartedError) {
        throw new CliError(`Onboarding of shop "${options.shop}" is already running (workflow ${workflowId}). Follow it in the Temporal UI, or wait for it to finish before starting it again.`, EXIT_CODES.usage);
      }
      throw error;
    }
    const state = (await handle.result()) as OnboardingState;
    return { state, exitCode: exitCodeFor(state) };
  } finally {
    await client.connection.close();
  }
}

function exitCodeFor(state: OnboardingState): number {
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
