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
import { formatOnboardingState, onboardOptionsSchema, parsePaymentMapping, readLinesFromStdin, readOnboardingState, runOnboard, exitCodeFor as onboardingExitCode } from './commands/onboard-command';
import { formatNumberingChange, formatRotation, numberingOptionsSchema, rotateOptionsSchema, runChangeNumbering, runOffboard, runRotateCredentials } from './commands/shop-commands';
import { formatShops, runShops } from './commands/shops-command';
import { backfillOptionsSchema, exitCodeForBackfill, runBackfill } from './commands/backfill-command';
import { formatReconciliationReport, reconcileOptionsSchema, reconciliationExitCode, runReconcile } from './commands/reconcile-command';
import { shopIdSchema } from '../common/id-schemas';
import {
  exitCodeForTransfer, formatTransferState, retryOptionsSchema, runRetry, runStatus, runTransfer, transferOptionsSchema,
} from './commands/transfer-commands';

const program = new Command()
  .name('npm run cli --')
  .description('Operate mystore-tripletex: onboard shops, start, inspect and retry order transfers.')
  .showHelpAfterError();

program
  .command('onboard')
  .description("Onboard a shop: Tripletex key, Mystore key, payment mapping, number series, go live. Run again with more flags to hand the running onboarding what it waits for.")
  .requiredOption('--shop <id>', 'the shop id (lower-case letters, digits, dashes)')
  .option('--tripletex-employee-token <token>', 'the employee token (prefer TRIPLETEX_EMPLOYEE_TOKEN or --tripletex-employee-token-stdin: they keep it out of shell history)')
  .option('--tripletex-employee-token-stdin', 'read the employee token from the first line of stdin')
  .option('--mystore-shop <name>', "the shop's name in Mystore's API (without it, only the Tripletex key is checked)")
  .option('--mystore-token <token>', 'the Mystore personal access token (prefer MYSTORE_TOKEN or --mystore-token-stdin)')
  .option('--mystore-token-stdin', 'read the Mystore token from stdin (the line after the Tripletex token when both are piped)')
  .option('--map-payment <module=typeId>', 'confirm a Mystore payment module → Tripletex payment type (repeatable)', (value: string, previous: string[] = []) => [...previous, value])
  .option('--accept-suggested-mapping', 'accept the suggested payment type for every module that has one')
  .option('--confirm-numbering', 'the merchant has set the number series in Tripletex as onboarding showed')
  .option('--numbering <mode>', "who numbers the invoices: tripletex (default) or shop (the shop's own numbers)")
  .option('--retry', 'something was fixed: try the waiting step again')
  .option('--json', 'print the outcome as one JSON line')
  .action(async (raw: {
    shop: string; tripletexEmployeeToken?: string; tripletexEmployeeTokenStdin?: boolean; mystoreShop?: string; mystoreToken?: string; mystoreTokenStdin?: boolean;
    mapPayment?: string[]; acceptSuggestedMapping?: boolean; confirmNumbering?: boolean; numbering?: string; retry?: boolean; json?: boolean;
  }) => {
    const stdinLines = raw.tripletexEmployeeTokenStdin || raw.mystoreTokenStdin ? await readLinesFromStdin() : [];
    const tripletexEmployeeToken = raw.tripletexEmployeeTokenStdin ? stdinLines.shift() : raw.tripletexEmployeeToken ?? (process.env.TRIPLETEX_EMPLOYEE_TOKEN || undefined);
    const mystoreToken = raw.mystoreTokenStdin ? stdinLines.shift() : raw.mystoreToken ?? (process.env.MYSTORE_TOKEN || undefined);
    const mapPayment = parsePaymentMapping(raw.mapPayment ?? []);
    const handsSomething = mystoreToken || Object.keys(mapPayment).length > 0 || raw.acceptSuggestedMapping || raw.confirmNumbering || raw.numbering || raw.retry;
    if (!tripletexEmployeeToken && !handsSomething) {
      throw new CliError('No Tripletex employee token given. Pass --tripletex-employee-token, set TRIPLETEX_EMPLOYEE_TOKEN, or pipe it with --tripletex-employee-token-stdin.', EXIT_CODES.usage);
    }
    const options = onboardOptionsSchema.parse({
      shop: raw.shop, tripletexEmployeeToken, mystoreShop: raw.mystoreShop, mystoreToken, mapPayment,
      acceptSuggestedMapping: raw.acceptSuggestedMapping ?? false, confirmNumbering: raw.confirmNumbering ?? false, numbering: raw.numbering, retry: raw.retry ?? false, json: raw.json ?? false,
    });
    const { state, exitCode } = await runOnboard(loadConfig(), options);
    console.log(options.json ? JSON.stringify(state) : formatOnboardingState(state));
    process.exitCode = exitCode;
  });

program
  .command('rotate-credentials')
  .description("Replace a live shop's Tripletex and/or Mystore token: validated first, then transfers waiting for them resume")
  .requiredOption('--shop <id>', 'the shop id')
  .option('--tripletex-employee-token-stdin', 'read the new Tripletex employee token from stdin (first line)')
  .option('--mystore-token-stdin', 'read the new Mystore token from stdin (the next line)')
  .option('--json', 'print the outcome as one JSON line')
  .action(async (raw: { shop: string; tripletexEmployeeTokenStdin?: boolean; mystoreTokenStdin?: boolean; json?: boolean }) => {
    const stdinLines = raw.tripletexEmployeeTokenStdin || raw.mystoreTokenStdin ? await readLinesFromStdin() : [];
    const tripletexEmployeeToken = raw.tripletexEmployeeTokenStdin ? stdinLines.shift() : process.env.TRIPLETEX_EMPLOYEE_TOKEN || undefined;
    const mystoreToken = raw.mystoreTokenStdin ? stdinLines.shift() : process.env.MYSTORE_TOKEN || undefined;
    const options = rotateOptionsSchema.parse({ shop: raw.shop, tripletexEmployeeToken, mystoreToken, json: raw.json ?? false });
    const outcome = await runRotateCredentials(loadConfig(), options);
    console.log(options.json ? JSON.stringify(outcome) : formatRotation(options.shop, outcome));
    process.exitCode = outcome.replaced ? EXIT_CODES.ok : EXIT_CODES.keyRejected;
  });

program
  .command('numbering')
  .description("Switch a live shop between Tripletex's invoice numbers and the shop's own; refused while transfers are in flight")
  .requiredOption('--shop <id>', 'the shop id')
  .requiredOption('--mode <mode>', "tripletex (Tripletex numbers the invoices) or shop (invoices carry the shop's own numbers)")
  .option('--tripletex-series-start <n>', "with --mode shop: where the merchant started Tripletex's own invoice series (without it: print what to set)")
  .option('--json', 'print the outcome as one JSON line')
  .action(async (raw: { shop: string; mode: string; tripletexSeriesStart?: string; json?: boolean }) => {
    const options = numberingOptionsSchema.parse({ ...raw, json: raw.json ?? false });
    const outcome = await runChangeNumbering(loadConfig(), options);
    console.log(options.json ? JSON.stringify(outcome) : formatNumberingChange(options.shop, outcome));
    const alreadySo = !outcome.changed && outcome.problems.length === 0 && outcome.assessment === undefined;
    process.exitCode = outcome.changed || alreadySo ? EXIT_CODES.ok : EXIT_CODES.needsAttention;
  });

program
  .command('reconcile')
  .description("Reconcile a shop now: every completed order transferred, every transfer exactly one invoice with the same amount")
  .requiredOption('--shop <id>', 'the shop id')
  .option('--from <date>', 'start of the window (YYYY-MM-DD or an ISO instant); default: since the last run, with overlap')
  .option('--to <date>', 'end of the window (exclusive); default now')
  .option('--retry-parked', 'also send retry to transfers that need attention (their cause may have been fixed)')
  .option('--json', 'print the report as one JSON line')
  .action(async (raw: { shop: string; from?: string; to?: string; retryParked?: boolean; json?: boolean }) => {
    const options = reconcileOptionsSchema.parse({ ...raw, retryParked: raw.retryParked ?? false, json: raw.json ?? false });
    const report = await runReconcile(loadConfig(), options);
    console.log(options.json ? JSON.stringify(report) : formatReconciliationReport(report));
    process.exitCode = reconciliationExitCode(report);
  });

program
  .command('backfill')
  .description("Transfer a shop's past orders changed in a date range (a durable workflow: stopping this command stops watching, not the backfill)")
  .requiredOption('--shop <id>', 'the shop id')
  .requiredOption('--from <date>', 'first day, YYYY-MM-DD (Oslo calendar days)')
  .requiredOption('--to <date>', 'day after the last, YYYY-MM-DD (exclusive)')
  .option('--concurrency <n>', 'transfers in flight at most (default 20)')
  .option('--json', 'one JSON line per progress step, then a summary line')
  .action(async (raw: { shop: string; from: string; to: string; concurrency?: string; json?: boolean }) => {
    const options = backfillOptionsSchema.parse({ ...raw, ...(raw.concurrency !== undefined ? { concurrency: Number(raw.concurrency) } : {}), json: raw.json ?? false });
    const result = await runBackfill(loadConfig(), options, { stream: process.stdout });
    process.exitCode = exitCodeForBackfill(result);
  });

program
  .command('shops')
  .description('List the shops: live or offboarded, since when, and their transfers by status')
  .option('--no-counts', 'skip counting each shop\'s transfers (one query per status)')
  .option('--json', 'print the shops as one JSON line')
  .action(async (raw: { counts: boolean; json?: boolean }) => {
    const shops = await runShops(loadConfig(), { counts: raw.counts });
    console.log(raw.json ? JSON.stringify(shops) : formatShops(shops));
  });

program
  .command('offboard')
  .description("Stop a shop: delete its Mystore webhooks, refuse its webhooks and transfers from now on; history stays")
  .requiredOption('--shop <id>', 'the shop id')
  .option('--json', 'print the outcome as one JSON line')
  .action(async (raw: { shop: string; json?: boolean }) => {
    const shop = shopIdSchema.parse(raw.shop);
    const outcome = await runOffboard(loadConfig(), shop);
    console.log(raw.json ? JSON.stringify(outcome) : [`Shop ${shop} is offboarded; ${outcome.webhooksDeleted} webhook(s) deleted in Mystore${outcome.scheduleDeleted ? ', its reconciliation schedule deleted' : ''}.`, ...outcome.notes].join('\n'));
  });

/** A transfer's state, as text or one JSON line; the exit code says whether it needs a person. */
function printTransfer(state: Parameters<typeof formatTransferState>[0], json: boolean): void {
  console.log(json ? JSON.stringify(state) : formatTransferState(state));
  process.exitCode = exitCodeForTransfer(state);
}

program
  .command('transfer')
  .description("Start an order's transfer to Tripletex (or find the one running) and show where it stands")
  .requiredOption('--shop <id>', 'the shop id')
  .requiredOption('--order <id>', 'the Mystore order id')
  .option('--json', 'print the transfer state as one JSON line')
  .action(async (raw: { shop: string; order: string; json?: boolean }) => {
    const options = transferOptionsSchema.parse({ ...raw, json: raw.json ?? false });
    const state = await runTransfer(loadConfig(), options);
    printTransfer(state, options.json);
  });

program
  .command('status')
  .description("With --order: where an order's transfer stands (status, Tripletex invoice, credits, what to do, steps). Without: the shop's onboarding, step by step, and who must act next")
  .requiredOption('--shop <id>', 'the shop id')
  .option('--order <id>', 'the Mystore order id')
  .option('--json', 'print the state as one JSON line')
  .action(async (raw: { shop: string; order?: string; json?: boolean }) => {
    if (raw.order === undefined) {
      const state = await readOnboardingState(loadConfig(), shopIdSchema.parse(raw.shop));
      console.log(raw.json ? JSON.stringify(state) : formatOnboardingState(state));
      process.exitCode = onboardingExitCode(state);
      return;
    }
    const options = transferOptionsSchema.parse({ ...raw, json: raw.json ?? false });
    const state = await runStatus(loadConfig(), options);
    printTransfer(state, options.json);
  });

program
  .command('retry')
  .description('Resume a transfer that needs attention (after fixing its cause), or all of a shop\'s')
  .requiredOption('--shop <id>', 'the shop id')
  .option('--order <id>', 'the Mystore order id')
  .option('--all-needing-attention', "every transfer of the shop whose status is NeedsAttention")
  .option('--tripletex-number', "shop numbering: let Tripletex number this order's invoice (its own number is taken or unusable)")
  .option('--json', 'print the retried order ids as one JSON line')
  .action(async (raw: { shop: string; order?: string; allNeedingAttention?: boolean; tripletexNumber?: boolean; json?: boolean }) => {
    const options = retryOptionsSchema.parse({ ...raw, allNeedingAttention: raw.allNeedingAttention ?? false, tripletexNumber: raw.tripletexNumber ?? false, json: raw.json ?? false });
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
