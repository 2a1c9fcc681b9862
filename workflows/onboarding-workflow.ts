/**
 * Onboarding of one shop (workflow id `onboarding-<shopId>`). Its first step validates the
 * merchant's Tripletex employee token and what invoicing needs in the company; later steps
 * (Mystore key, payment mapping, numbering, webhook, schedule) are added by the onboarding issue.
 */
import { ActivityFailure, ApplicationFailure, defineQuery, proxyActivities, setHandler } from '@temporalio/workflow';
import { assessTripletexReadiness, type TripletexReadiness } from '../domain/tripletex-readiness';
import { TripletexFailureType } from '../common/failure-types';
import type { createActivities } from '../activities';

export interface OnboardShopInput {
  shopId: string;
  /** The merchant's Tripletex employee token. Encrypted by the payload codec in history. */
  tripletexEmployeeToken: string;
}

export type TripletexKeyOutcome =
  | { status: 'ready' | 'needs-attention'; readiness: TripletexReadiness }
  | { status: 'key-rejected'; message: string; fix: string }
  | { status: 'tripletex-unavailable'; message: string; fix: string };

export type OnboardingStage = 'validating-tripletex-key' | 'finished';

export interface OnboardingState {
  shopId: string;
  stage: OnboardingStage;
  tripletexKey?: TripletexKeyOutcome;
}

export const onboardingStateQuery = defineQuery<OnboardingState>('onboardingState');

const { gatherTripletexKeyFacts } = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '2 minutes',
  // An operator is waiting at the CLI: a few quick retries cover a blip; a longer outage is
  // reported as such instead of leaving them waiting.
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '15 seconds', maximumAttempts: 5 },
});

export async function onboardShop(input: OnboardShopInput): Promise<OnboardingState> {
  const state: OnboardingState = { shopId: input.shopId, stage: 'validating-tripletex-key' };
  setHandler(onboardingStateQuery, () => state);

  state.tripletexKey = await validateTripletexKey(input.tripletexEmployeeToken);
  state.stage = 'finished';
  return state;
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
