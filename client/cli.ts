/**
 * The operator's command line: `npm run cli -- <command> [options]`. Every argument is checked
 * with zod before anything starts, and expected failures print one clear message and a
 * documented exit code (see client/cli-error.ts).
 */
import { Command } from 'commander';
import { ZodError } from 'zod';
import { ConfigError, loadConfig } from '../common/config';
import { TemporalUnreachableError } from '../common/temporal-client';
import { CliError, EXIT_CODES } from './cli-error';
import { formatOnboardingState, onboardOptionsSchema, readTokenFromStdin, runOnboard } from './commands/onboard-command';
import {
  exitCodeForTransfer, formatTransferState, retryOptionsSchema, runRetry, runStatus, runTransfer, transferOptionsSchema,
} from './commands/transfer-commands';

const program = new Command()
  .name('npm run cli --')
  .description('Operate mystore-tripletex: onboard shops, start, inspect and retry order transfers.')
  .showHelpAfterError();

program
  .command('onboard')
  .description("Validate a shop's Tripletex employee token and what invoicing needs in the company")
  .requiredOption('--shop <id>', 'the shop id (lower-case letters, digits, dashes)')
  .option('--tripletex-employee-token <token>', 'the employee token (prefer TRIPLETEX_EMPLOYEE_TOKEN or --tripletex-employee-token-stdin: they keep it out of shell history)')
  .option('--tripletex-employee-token-stdin', 'read the employee token from the first line of stdin')
  .option('--json', 'print the outcome as one JSON line')
  .action(async (raw: { shop: string; tripletexEmployeeToken?: string; tripletexEmployeeTokenStdin?: boolean; json?: boolean }) => {
    const token = raw.tripletexEmployeeTokenStdin
      ? await readTokenFromStdin()
      : raw.tripletexEmployeeToken ?? process.env.TRIPLETEX_EMPLOYEE_TOKEN;
    if (!token) {
      throw new CliError('No Tripletex employee token given. Pass --tripletex-employee-token, set TRIPLETEX_EMPLOYEE_TOKEN, or pipe it with --tripletex-employee-token-stdin.', EXIT_CODES.usage);
    }
    const options = onboardOptionsSchema.parse({ shop: raw.shop, tripletexEmployeeToken: token, json: raw.json ?? false });
    const { state, exitCode } = await runOnboard(loadConfig(), options);
    console.log(options.json ? JSON.stringify(state) : formatOnboardingState(state));
    process.exitCode = exitCode;
  });

program
  .command('transfer')
  .description("Start an order's transfer to Tripletex (or find the one running) and show where it stands")
  .requiredOption('--shop <id>', 'the shop id')
  .requiredOption('--order <id>', 'the Mystore order id')
  .option('--json', 'print the transfer state as one JSON line')
  .action(async (raw: { shop: string; order: string; json?: boolean }) => {
    const options = transferOptionsSchema.parse({ ...raw, json: raw.json ?? false });
    const state = await runTransfer(loadConfig(), options);
    console.log(options.json ? JSON.stringify(state) : formatTransferState(state));
    process.exitCode = exitCodeForTransfer(state);
  });

program
  .command('status')
  .description("Show where an order's transfer stands: status, Tripletex invoice, credits, what to do, steps")
  .requiredOption('--shop <id>', 'the shop id')
  .requiredOption('--order <id>', 'the Mystore order id')
  .option('--json', 'print the transfer state as one JSON line')
  .action(async (raw: { shop: string; order: string; json?: boolean }) => {
    const options = transferOptionsSchema.parse({ ...raw, json: raw.json ?? false });
    const state = await runStatus(loadConfig(), options);
    console.log(options.json ? JSON.stringify(state) : formatTransferState(state));
    process.exitCode = exitCodeForTransfer(state);
  });

program
  .command('retry')
  .description('Resume a transfer that needs attention (after fixing its cause), or all of a shop\'s')
  .requiredOption('--shop <id>', 'the shop id')
  .option('--order <id>', 'the Mystore order id')
  .option('--all-needing-attention', "every transfer of the shop whose status is NeedsAttention")
  .option('--json', 'print the retried order ids as one JSON line')
  .action(async (raw: { shop: string; order?: string; allNeedingAttention?: boolean; json?: boolean }) => {
    const options = retryOptionsSchema.parse({ ...raw, allNeedingAttention: raw.allNeedingAttention ?? false, json: raw.json ?? false });
    const retried = await runRetry(loadConfig(), options);
    console.log(options.json ? JSON.stringify({ retried }) : retried.length ? `Retry sent to order(s) ${retried.join(', ')}.` : 'No transfer of this shop needs attention.');
  });

program.parseAsync(process.argv).catch((error: unknown) => {
  if (error instanceof CliError) {
    console.error(error.message);
    process.exitCode = error.exitCode;
  } else if (error instanceof ZodError) {
    console.error(`Invalid arguments:\n${error.issues.map((issue) => `  --${issue.path.join('.')}: ${issue.message}`).join('\n')}`);
    process.exitCode = EXIT_CODES.usage;
  } else if (error instanceof ConfigError) {
    console.error(error.message);
    process.exitCode = EXIT_CODES.usage;
  } else if (error instanceof TemporalUnreachableError) {
    console.error(error.message);
    process.exitCode = EXIT_CODES.unavailable;
  } else {
    console.error(error);
    process.exitCode = 1;
  }
});
