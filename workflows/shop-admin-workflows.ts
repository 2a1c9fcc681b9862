/**
 * Changes to a live shop that must not half-happen: rotating its credentials (validated before
 * they replace the old ones, then the transfers that waited for them released) and offboarding.
 */
import { ActivityFailure, proxyActivities } from '@temporalio/workflow';
import { assessMystoreReadiness } from '../domain/mystore-readiness';
import { assessShopNumbering, checkShopModeSeriesStart, type ShopNumberingAssessment } from '../domain/shop-numbering';
import { invoiceNumberingOf, type InvoiceNumbering, type InvoiceNumberingMode } from '../domain/shop-settings';
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

export interface ChangeNumberingInput {
  shopId: string;
  mode: InvoiceNumberingMode;
  /** Shop numbering: where the merchant has started Tripletex's own invoice series. Without it, only the instructions come back. */
  tripletexSeriesStart?: number;
}

export interface ChangeNumberingOutcome {
  changed: boolean;
  /** The shop's numbering now (changed or not). */
  numbering: InvoiceNumbering;
  /** Why nothing changed, with what to do; empty when changed or already so. */
  problems: string[];
  /** Transfers in the middle of invoicing that stopped the switch. */
  inFlight: string[];
  /** Shop numbering: the shop's series and the series start to set in Tripletex. */
  assessment?: ShopNumberingAssessment;
  message: string;
}

/**
 * Workflow id: `numbering-<shop>-<request id>`. Switches a live shop between Tripletex numbering
 * and the shop's own numbers. Refused while any of its transfers is in the middle of invoicing,
 * so no order's invoices are numbered half one way and half the other; to shop numbering only
 * once the merchant has moved Tripletex's own series clear of the shop's, as onboarding asks.
 */
export async function changeNumberingMode(input: ChangeNumberingInput): Promise<ChangeNumberingOutcome> {
  const shop = await activities.readShopRecord({ shopId: input.shopId });
  const current = invoiceNumberingOf(shop.settings);
  if (current.mode === input.mode && input.tripletexSeriesStart === undefined) {
    return { changed: false, numbering: current, problems: [], inFlight: [], message: `The shop already uses ${input.mode} numbering.` };
  }
  const inFlight = await activities.shopTransfersInFlight({ shopId: input.shopId });
  if (inFlight.length > 0) {
    return {
      changed: false, numbering: current, inFlight,
      problems: [`${inFlight.length} transfer(s) are in the middle of invoicing (orders ${inFlight.slice(0, 20).join(', ')}${inFlight.length > 20 ? ', …' : ''}). Switching now could number one order's invoices half one way, half the other. Let them finish (retry or fix the ones that need attention: npm run cli -- retry --shop ${input.shopId} --all-needing-attention), then switch.`],
      message: 'Numbering not changed: transfers in flight.',
    };
  }
  let numbering: InvoiceNumbering;
  let assessment: ShopNumberingAssessment | undefined;
  if (input.mode === 'tripletex') {
    numbering = { mode: 'tripletex' };
  } else {
    const facts = await activities.gatherNumberingFacts({
      mystoreShop: shop.mystoreShop, mystoreToken: shop.credentials.mystoreToken, tripletexEmployeeToken: shop.credentials.tripletexEmployeeToken, language: shop.settings.language,
    });
    if (input.tripletexSeriesStart === undefined) {
      assessment = assessShopNumbering(facts);
      return {
        changed: false, numbering: current, inFlight: [], problems: assessment.problems, assessment,
        message: `${assessment.problems.join(' ')} ${assessment.instructions.join(' ')} Then switch: npm run cli -- numbering --shop ${input.shopId} --mode shop --tripletex-series-start ${assessment.suggestedStart}`.trim(),
      };
    }
    const check = checkShopModeSeriesStart(facts, input.tripletexSeriesStart);
    assessment = check.assessment;
    if (!check.ok) return { changed: false, numbering: current, inFlight: [], problems: check.problems, assessment, message: 'Numbering not changed.' };
    numbering = check.numbering;
  }
  await activities.updateShopSettings({ shopId: input.shopId, settings: { invoiceNumbering: numbering } });
  return {
    changed: true, numbering, problems: [], inFlight: [], ...(assessment ? { assessment } : {}),
    message: numbering.mode === 'shop'
      ? `From now on the shop's invoices carry the shop's own numbers; Tripletex's own series starts at ${numbering.tripletexSeriesStart}.`
      : 'From now on Tripletex numbers the shop\'s invoices; each number is written back to the Mystore order.',
  };
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
