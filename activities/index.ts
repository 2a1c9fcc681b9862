/**
 * `createActivities(deps)` returns every activity the worker registers; workflows proxy
 * `ReturnType<typeof createActivities>` so the types follow the implementation.
 */
import type { ActivityDeps } from './activity-deps';
import { createOnboardingActivities } from './onboarding-activities';
import { createMystoreTransferActivities } from './mystore-transfer-activities';
import { createTripletexTransferActivities } from './tripletex-transfer-activities';
import { createShopLifecycleActivities } from './shop-lifecycle-activities';
import { createBackfillActivities } from './backfill-activities';
import { createReconciliationActivities } from './reconciliation-activities';

export type { ActivityDeps } from './activity-deps';

export function createActivities(deps: ActivityDeps) {
  return {
    ...createOnboardingActivities(deps),
    ...createMystoreTransferActivities(deps),
    ...createTripletexTransferActivities(deps),
    ...createShopLifecycleActivities(deps),
    ...createBackfillActivities(deps),
    ...createReconciliationActivities(deps),
  };
}
