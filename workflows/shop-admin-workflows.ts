/**
 * Changes to a live shop that must not half-happen: rotating its credentials (validated before
 * they replace the old ones, then the transfers that waited for them released) and offboarding.
 */
import { ActivityFailure, proxyActivities } from '@temporalio/workflow';
import { assessMystoreReadiness } from '../domain/mystore-readiness';
import { assessTripletexReadiness } from '../domain/tripletex-readiness';
import type { createActivities } from '../activities';

const activities = proxyActivities<ReturnType<typeof createActivities>>({
  startToCloseTimeout: '2 minutes',
  retry: { initialInterval: '1 second', backoffCoefficient: 2, maximumInterval: '15 seconds', maximumAttempts: 5 },
});

export interface RotateCredentialsInput {
  shopId: string;
  tripletexEmployeeToken?: string;
  mystoreToken?: string;
}

export interface RotateCredentialsOutcome {
  replaced: boolean;
  /** Why the new credentials were refused, with the fix; empty when replaced. */
  problems: string[];
  credentialsVersion?: number;
  /** Transfers that waited for credentials and were told to try again. */
  releasedOrders: string[];
}

/** Workflow id: `rotate-<shop>-<request id>`. The old credentials stay until the new ones pass. */
export async function rotateShopCredentials(input: RotateCredentialsInput): Promise<RotateCredentialsOutcome> {
  const shop = await activities.readShopRecord({ shopId: input.shopId });
  const problems: string[] = [];

  if (input.tripletexEmployeeToken) {
    try {
      const readiness = assessTripletexReadiness(await activities.gatherTripletexKeyFacts({ employeeToken: input.tripletexEmployeeToken }));
      if (!readiness.ready) {
        problems.push(...readiness.checks.filter((check) => !check.ok && check.severity === 'blocking').map((check) => `Tripletex: ${check.message} ${check.fix ?? ''}`.trim()));
      }
      if (shop.tripletexCompanyId !== undefined && readiness.company.id !== shop.tripletexCompanyId) {
        problems.push(`Tripletex: the new key belongs to company ${readiness.company.name} (id ${readiness.company.id}), not to company ${shop.tripletexCompanyId} this shop invoices into. Create the key in the right company.`);
      }
    } catch (error) {
      problems.push(`Tripletex did not accept the new key: ${reasonOf(error)}`);
    }
  }
  if (input.mystoreToken) {
    try {
      const readiness = assessMystoreReadiness(await activities.gatherMystoreKeyFacts({ mystoreShop: shop.mystoreShop, mystoreToken: input.mystoreToken }));
      if (!readiness.ready) {
        problems.push(...readiness.checks.filter((check) => !check.ok && check.severity === 'blocking').map((check) => `Mystore: ${check.message} ${check.fix ?? ''}`.trim()));
      }
    } catch (error) {
      problems.push(`Mystore could not check the new token: ${reasonOf(error)}`);
    }
  }
  if (!input.tripletexEmployeeToken && !input.mystoreToken) problems.push('No new credentials were given.');
  if (problems.length > 0) return { replaced: false, problems, releasedOrders: [] };

  const credentialsVersion = await activities.replaceShopCredentials({
    shopId: input.shopId,
    credentials: {
      tripletexEmployeeToken: input.tripletexEmployeeToken ?? shop.credentials.tripletexEmployeeToken,
      mystoreToken: input.mystoreToken ?? shop.credentials.mystoreToken,
    },
  });
  const releasedOrders = await activities.releaseTransfersWaitingForCredentials({ shopId: input.shopId });
  return { replaced: true, problems: [], credentialsVersion, releasedOrders };
}

export interface OffboardOutcome {
  webhooksDeleted: number;
  /** Whether the shop's reconciliation Schedule was found and deleted. */
  scheduleDeleted: boolean;
  /** What could not be undone automatically, in plain words. */
  notes: string[];
}

/** Workflow id: `offboard-<shop>`. History stays: transfers and the shop's workflow are kept, closed. */
export async function offboardShop(input: { shopId: string }): Promise<OffboardOutcome> {
  const shop = await activities.readShopRecord({ shopId: input.shopId });
  const notes: string[] = [];
  let webhooksDeleted = 0;
  try {
    webhooksDeleted = await activities.deleteMystoreWebhooks({ shopId: input.shopId, mystoreShop: shop.mystoreShop, mystoreToken: shop.credentials.mystoreToken, language: shop.settings.language });
  } catch (error) {
    notes.push(`The Mystore webhooks could not be deleted (${reasonOf(error)}); the receiver refuses them anyway. Delete them in Mystore if they keep arriving.`);
  }
  const { deleted: scheduleDeleted } = await activities.deleteShopReconciliationSchedule({ shopId: input.shopId });
  if (!scheduleDeleted) notes.push('The shop had no reconciliation schedule to stop.');
  await activities.markShopOffboarded({ shopId: input.shopId });
  return { webhooksDeleted, scheduleDeleted, notes };
}

function reasonOf(error: unknown): string {
  const cause = error instanceof ActivityFailure ? error.cause : undefined;
  return cause?.message ?? (error instanceof Error ? error.message : String(error));
}
