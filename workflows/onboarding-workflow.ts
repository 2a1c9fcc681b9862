/**
 * Onboarding of one shop (workflow id `onboarding-<shopId>`): Tripletex key → Mystore key →
 * payment mapping → numbering → go live. Every step's state is visible through the
 * `onboardingState` query: what is done, what waits on whom, and the exact next action. A step
 * that fails says why and how to fix it and resumes from that step once fixed (a `retry`
 * signal, or new credentials through the `provideCredentials` update), never from the start.
 *
 * Started with only a Tripletex key (no Mystore shop), it checks that key and finishes, as the
 * first version of this workflow did: histories recorded then replay through the same path.
 */
import {
  ActivityFailure, ApplicationFailure, condition, defineQuery, defineSignal, defineUpdate, proxyActivities, setHandler, upsertMemo,
} from '@temporalio/workflow';
import { TripletexFailureType } from '../common/failure-types';
import { assessMystoreReadiness, type MystoreReadiness } from '../domain/mystore-readiness';
import type { NumberingVerification } from '../domain/numbering';
import { assessNumberingInMode, shopNumberingSettings, verifyNumberingInMode, type ModeNumberingAssessment } from '../domain/shop-numbering';
import { paymentMethodsFromMapping, suggestPaymentMapping, type PaymentMappingSuggestion } from '../domain/payment-mapping';
import { DEFAULT_SHOP_SETTINGS, type InvoiceNumbering, type InvoiceNumberingMode } from '../domain/shop-settings';
import { assessTripletexReadiness, type TripletexReadiness } from '../domain/tripletex-readiness';
import type { createActivities } from '../activities';

export interface OnboardShopInput {
  shopId: string;
  /** The merchant's Tripletex employee token. Encrypted by the payload codec in history. */
  tripletexEmployeeToken: string;
  /** The shop's name in Mystore's API. Without it, only the Tripletex key is checked. */
  mystoreShop?: string;
  /** The shop's Mystore personal access token. */
  mystoreToken?: string;
  /** Payment module → Tripletex payment type id, confirmed up front (CLI --map-payment). */
  paymentMapping?: Record<string, number>;
  /** Accept the suggested payment mapping for every module that has one (CLI --accept-suggested-mapping). */
  acceptSuggestedMapping?: boolean;
  /** The merchant has set the number series already (CLI --confirm-numbering). */
  numberingConfirmed?: boolean;
  /** Who numbers the invoices (CLI --numbering): Tripletex (default) or the shop's own numbers. */
  numberingMode?: InvoiceNumberingMode;
}

export type TripletexKeyOutcome =
  | { status: 'ready' | 'needs-attention'; readiness: TripletexReadiness }
  | { status: 'key-rejected'; message: string; fix: string }
  | { status: 'tripletex-unavailable'; message: string; fix: string };

export type OnboardingStage = 'validating-tripletex-key' | 'onboarding' | 'live' | 'finished';

export type OnboardingStepId = 'tripletex-key' | 'mystore-key' | 'payment-mapping' | 'numbering' | 'go-live';

export interface OnboardingStep {
  id: OnboardingStepId;
  status: 'pending' | 'running' | 'done' | 'waiting';
  /** Who must act while the step waits. */
  waitingOn?: 'merchant' | 'operator';
  /** What was found, in plain words. */
  message?: string;
  /** The exact next action, while the step waits. */
  nextAction?: string;
}

export interface OnboardingState {
  shopId: string;
  stage: OnboardingStage;
  steps?: OnboardingStep[];
  tripletexKey?: TripletexKeyOutcome;
  mystoreKey?: MystoreReadiness | { status: 'key-rejected'; message: string; fix: string };
  paymentMapping?: PaymentMappingSuggestion;
  numbering?: { assessment: ModeNumberingAssessment; confirmed: boolean; reminders: number; verification?: NumberingVerification };
  /** The one thing to do next, for the operator (absent when live). */
  nextAction?: string;
}

export const onboardingStateQuery = defineQuery<OnboardingState>('onboardingState');
/** Something was fixed (in Tripletex or Mystore): try the current step again. */
export const onboardingRetrySignal = defineSignal('retry');
/** The operator confirms (part of) the payment mapping: module → Tripletex payment type id. */
export const confirmPaymentMappingSignal = defineSignal<[Record<string, number>]>('confirmPaymentMapping');
/** The operator accepts every suggested payment type. */
export const acceptSuggestedMappingSignal = defineSignal('acceptSuggestedMapping');
/** The merchant set the number series in Tripletex as shown. */
export const confirmNumberingSignal = defineSignal('confirmNumbering');
/** The operator chooses who numbers the invoices (before go-live): the numbering step starts over in that mode. */
export const chooseNumberingModeSignal = defineSignal<[InvoiceNumberingMode]>('chooseNumberingMode');
/** New keys for a step that rejected the old ones. */
export const provideCredentialsUpdate = defineUpdate<void, [{ tripletexEmployeeToken?: string; mystoreToken?: string }]>('provideCredentials');

const quickActivities = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '2 minutes',
  // An operator is waiting at the CLI: a few quick retries cover a blip; a longer outage is
  // reported as such instead of leaving them waiting.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '15 seconds', maximumAttempts: 5 },
});
const { gatherTripletexKeyFacts } = quickActivities;

/** How often the merchant is reminded that the number series still wait for them. */
const NUMBERING_REMINDER = '1 day';

export async function onboardShop(input: OnboardShopInput): Promise<OnboardingState> {
  const state: OnboardingState = { shopId: input.shopId, stage: 'validating-tripletex-key' };
  setHandler(onboardingStateQuery, () => state);

  if (input.mystoreShop === undefined || input.mystoreToken === undefined) {
    // The first version of onboarding: the Tripletex key only.
    state.tripletexKey = await validateTripletexKey(input.tripletexEmployeeToken);
    state.stage = 'finished';
    return state;
  }
  return completeOnboarding(input as Required<Pick<OnboardShopInput, 'mystoreShop' | 'mystoreToken'>> & OnboardShopInput, state);
}

async function completeOnboarding(input: OnboardShopInput & { mystoreShop: string; mystoreToken: string }, state: OnboardingState): Promise<OnboardingState> {
  const credentials = { tripletexEmployeeToken: input.tripletexEmployeeToken, mystoreToken: input.mystoreToken };
  const confirmedMapping: Record<string, number> = { ...(input.paymentMapping ?? {}) };
  let acceptSuggested = input.acceptSuggestedMapping ?? false;
  let numberingConfirmed = input.numberingConfirmed ?? false;
  let numberingMode: InvoiceNumberingMode = input.numberingMode ?? 'tripletex';
  let retryRequested = false;
  let credentialsProvided = false;

  setHandler(onboardingRetrySignal, () => {
    retryRequested = true;
  });
  setHandler(confirmPaymentMappingSignal, (mapping) => {
    Object.assign(confirmedMapping, mapping);
    retryRequested = true;
  });
  setHandler(acceptSuggestedMappingSignal, () => {
    acceptSuggested = true;
    retryRequested = true;
  });
  setHandler(confirmNumberingSignal, () => {
    numberingConfirmed = true;
  });
  let numberingModeChanged = false;
  setHandler(chooseNumberingModeSignal, (mode) => {
    if (mode === numberingMode) return;
    numberingMode = mode;
    // What the merchant confirmed was for the other mode's instructions.
    numberingConfirmed = false;
    numberingModeChanged = true;
    retryRequested = true;
  });
  setHandler(provideCredentialsUpdate, (provided) => {
    if (provided.tripletexEmployeeToken) credentials.tripletexEmployeeToken = provided.tripletexEmployeeToken;
    if (provided.mystoreToken) credentials.mystoreToken = provided.mystoreToken;
    credentialsProvided = true;
  });

  state.stage = 'onboarding';
  const steps: OnboardingStep[] = (['tripletex-key', 'mystore-key', 'payment-mapping', 'numbering', 'go-live'] as const).map((id) => ({ id, status: 'pending' }));
  state.steps = steps;
  const step = (id: OnboardingStepId) => steps.find((candidate) => candidate.id === id)!;

  const publish = () => {
    const waiting = steps.find((candidate) => candidate.status === 'waiting');
    state.nextAction = waiting?.nextAction;
    upsertMemo({ summary: waiting ? `Waiting on the ${waiting.waitingOn} (${waiting.id}): ${waiting.nextAction}` : state.stage });
  };
  const begin = (id: OnboardingStepId) => {
    Object.assign(step(id), { status: 'running', waitingOn: undefined, nextAction: undefined });
    publish();
  };
  const done = (id: OnboardingStepId, message: string) => {
    Object.assign(step(id), { status: 'done', message, waitingOn: undefined, nextAction: undefined });
    publish();
  };
  /** Parks the step until the fix arrives: a retry signal, or new credentials when they were the problem. */
  const waitFor = async (id: OnboardingStepId, waitingOn: 'merchant' | 'operator', message: string, nextAction: string, until: () => boolean = () => retryRequested || credentialsProvided) => {
    Object.assign(step(id), { status: 'waiting', waitingOn, message, nextAction });
    publish();
    retryRequested = false;
    credentialsProvided = false;
    await condition(until);
    retryRequested = false;
    credentialsProvided = false;
  };
  const resumeHint = (what: string) => `${what}, then run: npm run cli -- onboard --shop ${input.shopId} --retry`;

  // ── 1. Tripletex key ─────────────────────────────────────────────────────────────────────────
  let tripletex: TripletexReadiness;
  for (;;) {
    begin('tripletex-key');
    const outcome = await validateTripletexKey(credentials.tripletexEmployeeToken);
    state.tripletexKey = outcome;
    if (outcome.status === 'ready') {
      tripletex = outcome.readiness;
      done('tripletex-key', `The key works for ${outcome.readiness.company.name} (id ${outcome.readiness.company.id}) and everything invoicing needs is in place.`);
      break;
    }
    if (outcome.status === 'needs-attention') {
      const missing = outcome.readiness.checks.filter((check) => !check.ok && check.severity === 'blocking');
      await waitFor('tripletex-key', 'merchant', missing.map((check) => check.message).join(' '), resumeHint(missing.map((check) => check.fix).join(' ')));
    } else if (outcome.status === 'key-rejected') {
      await waitFor('tripletex-key', 'operator', outcome.message, `${outcome.fix} Give it with: npm run cli -- onboard --shop ${input.shopId} --tripletex-employee-token-stdin`);
    } else if (outcome.status === 'tripletex-unavailable') {
      await waitFor('tripletex-key', 'operator', outcome.message, resumeHint('Wait until Tripletex answers again'));
    }
  }

  // ── 2. Mystore key ───────────────────────────────────────────────────────────────────────────
  let mystore: MystoreReadiness;
  for (;;) {
    begin('mystore-key');
    let facts;
    try {
      facts = await quickActivities.gatherMystoreKeyFacts({ mystoreShop: input.mystoreShop, mystoreToken: credentials.mystoreToken });
    } catch (error) {
      const reason = failureMessage(error);
      await waitFor('mystore-key', 'operator', `Mystore could not be reached or answered with an error: ${reason}`, resumeHint('Wait until Mystore answers again'));
      continue;
    }
    const readiness = assessMystoreReadiness(facts);
    state.mystoreKey = readiness;
    if (readiness.ready) {
      mystore = readiness;
      done('mystore-key', `The Mystore token works for shop "${input.mystoreShop}" with every scope the integration needs.`);
      break;
    }
    const missing = readiness.checks.filter((check) => !check.ok && check.severity === 'blocking');
    const keyProblem = missing.some((check) => check.id === 'token' || check.id.startsWith('scope-'));
    await waitFor(
      'mystore-key',
      keyProblem ? 'operator' : 'merchant',
      missing.map((check) => check.message).join(' '),
      keyProblem
        ? `${missing.map((check) => check.fix).join(' ')} Give the new token with: npm run cli -- onboard --shop ${input.shopId} --mystore-token-stdin`
        : resumeHint(missing.map((check) => check.fix).join(' ')),
    );
  }

  // ── 3. Payment mapping ───────────────────────────────────────────────────────────────────────
  let mapping: PaymentMappingSuggestion;
  for (;;) {
    begin('payment-mapping');
    mapping = suggestPaymentMapping(mystore.paymentModules, tripletex.paymentTypes, acceptSuggested ? withSuggestions(mystore, tripletex, confirmedMapping) : confirmedMapping);
    state.paymentMapping = mapping;
    if (mapping.unmapped.length === 0) {
      done('payment-mapping', mapping.modules.map((module) => `${module.title}: ${module.prepaid ? `paid, payment type ${module.confirmedPaymentTypeId}` : 'invoice stays outstanding'}`).join('; '));
      break;
    }
    const flags = mapping.modules
      .filter((module) => mapping.unmapped.includes(module.module))
      .map((module) => `--map-payment ${module.module}=${module.suggestedPaymentTypeId ?? '<payment type id>'}`)
      .join(' ');
    await waitFor(
      'payment-mapping',
      'operator',
      `No Tripletex payment type is confirmed for: ${mapping.unmapped.join(', ')}.`,
      `Confirm them: npm run cli -- onboard --shop ${input.shopId} ${flags} (or --accept-suggested-mapping). Payment types: ${tripletex.paymentTypes.map((type) => `${type.id} ${type.description}`).join(', ')}.`,
      () => retryRequested,
    );
  }

  // ── 4. Numbering ─────────────────────────────────────────────────────────────────────────────
  let numbering: InvoiceNumbering = { mode: 'tripletex' };
  numberingStep: for (;;) {
    begin('numbering');
    numberingModeChanged = false;
    const mode = numberingMode;
    const before = await quickActivities.gatherNumberingFacts({ mystoreShop: input.mystoreShop, mystoreToken: credentials.mystoreToken, tripletexEmployeeToken: credentials.tripletexEmployeeToken, language: mystore.language });
    const assessment = assessNumberingInMode(before, mode);
    state.numbering = { assessment, confirmed: numberingConfirmed, reminders: 0 };
    if (!numberingConfirmed) {
      Object.assign(step('numbering'), {
        status: 'waiting', waitingOn: 'merchant',
        message: [...(assessment.shopNumbering?.problems ?? []), ...assessment.instructions].join(' '),
        nextAction: `The merchant sets this in Tripletex: ${assessment.instructions.join(' ')} Then confirm: npm run cli -- onboard --shop ${input.shopId} --confirm-numbering`,
      });
      publish();
      // Remind every day until the merchant confirms; the wait survives restarts.
      while (!(await condition(() => numberingConfirmed || numberingModeChanged, NUMBERING_REMINDER))) {
        state.numbering.reminders += 1;
        step('numbering').message = `Reminder ${state.numbering.reminders}: ${assessment.instructions.join(' ')}`;
        publish();
      }
      if (numberingModeChanged) continue numberingStep;
      state.numbering.confirmed = true;
    }
    const after = await quickActivities.gatherNumberingFacts({ mystoreShop: input.mystoreShop, mystoreToken: credentials.mystoreToken, tripletexEmployeeToken: credentials.tripletexEmployeeToken, language: mystore.language });
    const verification = verifyNumberingInMode(before, after, mode);
    state.numbering.verification = verification;
    if (verification.ok) {
      numbering = mode === 'shop' && assessment.shopNumbering ? shopNumberingSettings(assessment.shopNumbering) : { mode: 'tripletex' };
      const modeWords = mode === 'shop' ? `Invoices carry the shop's own numbers; Tripletex's own series starts at ${assessment.invoiceNumbers.suggestedStart}.` : 'Tripletex numbers the invoices.';
      done('numbering', [modeWords, ...verification.verified, ...verification.notVerifiable.map((item) => `Not verifiable through the API: ${item}`)].join(' '));
      break;
    }
    numberingConfirmed = false;
    const otherMode = mode === 'shop' ? ` Or let Tripletex number the invoices: npm run cli -- onboard --shop ${input.shopId} --numbering tripletex` : '';
    await waitFor('numbering', 'merchant', verification.problems.join(' '), `${resumeHint('Correct the number series in Tripletex as shown')}.${otherMode}`);
  }

  // ── 5. Go live ───────────────────────────────────────────────────────────────────────────────
  for (;;) {
    begin('go-live');
    try {
      const webhooks = await quickActivities.registerMystoreWebhooks({ shopId: input.shopId, mystoreShop: input.mystoreShop, mystoreToken: credentials.mystoreToken, language: mystore.language });
      await quickActivities.saveShop({
        shopId: input.shopId,
        mystoreShop: input.mystoreShop,
        settings: { ...DEFAULT_SHOP_SETTINGS, language: mystore.language, paymentMethods: paymentMethodsFromMapping(mapping), invoiceNumbering: numbering },
        credentials,
        webhookSecrets: webhooks.secrets,
        tripletexCompanyId: tripletex.company.id,
      });
      // After the shop is saved: the schedule reads its interval and start date from the record.
      const schedule = await quickActivities.ensureShopReconciliationSchedule({ shopId: input.shopId });
      done('go-live', `Order webhooks registered to ${webhooks.address}; reconciliation runs on schedule ${schedule.scheduleId}; the shop is active and its completed orders are transferred from now on.`);
      break;
    } catch (error) {
      await waitFor('go-live', 'operator', `Going live failed: ${failureMessage(error)}`, resumeHint('Fix the cause above'));
    }
  }
  state.stage = 'live';
  publish();
  return state;
}

function withSuggestions(mystore: MystoreReadiness, tripletex: TripletexReadiness, confirmed: Record<string, number>): Record<string, number> {
  const suggested = suggestPaymentMapping(mystore.paymentModules, tripletex.paymentTypes, {});
  const accepted: Record<string, number> = {};
  for (const module of suggested.modules) if (module.suggestedPaymentTypeId !== null) accepted[module.module] = module.suggestedPaymentTypeId;
  return { ...accepted, ...confirmed };
}

function failureMessage(error: unknown): string {
  const cause = error instanceof ActivityFailure ? error.cause : undefined;
  return cause?.message ?? (error instanceof Error ? error.message : String(error));
}

async function validateTripletexKey(employeeToken: string): Promise<TripletexKeyOutcome> {
  try {
    const facts = await gatherTripletexKeyFacts({ employeeToken });
    const readiness = assessTripletexReadiness(facts);
    return { status: readiness.ready ? 'ready' : 'needs-attention', readiness };
  } catch (error) {
    const cause = error instanceof ActivityFailure ? error.cause : undefined;
    if (cause instanceof ApplicationFailure && cause.type === TripletexFailureType.Authentication) {
      return {
        status: 'key-rejected',
        message: `Tripletex did not accept the employee token: ${cause.message}`,
        fix: 'Create a new employee token in Tripletex (user settings, "API access"), choose this integration, and run onboarding again with it.',
      };
    }
    if (cause instanceof ApplicationFailure && cause.type === TripletexFailureType.Permission) {
      return {
        status: 'key-rejected',
        message: `Tripletex refused the key access it needs: ${cause.message}`,
        fix: 'Check that the company has API access (the integrations module) and that the token was created with full access for this integration.',
      };
    }
    const reason = cause?.message ?? (error instanceof Error ? error.message : String(error));
    return {
      status: 'tripletex-unavailable',
      message: `Tripletex could not be reached or answered with an error: ${reason}`,
      fix: 'Nothing is wrong with the key as far as we know; run onboarding again in a few minutes.',
    };
  }
}

