/**
 * The durable home of one shop's settings and credentials (workflow id `shop-<shopId>`), shared
 * by every worker without a database of our own. It publishes the record in its memo after every
 * change, so activities and the webhook receiver read it from the server (describe) without a
 * worker: a read never waits for a workflow-task slot that the reader's own workflow may hold
 * (activities/shop-directory.ts; the query stays for runs started before the memo). Its history
 * and memo hold the tokens only inside encrypted payloads. It runs until the shop is offboarded,
 * continuing as new when its history grows.
 */
import { condition, continueAsNew, defineQuery, defineSignal, defineUpdate, patched, setHandler, upsertMemo, workflowInfo } from '@temporalio/workflow';
import type { ShopSettings } from '../domain/shop-settings';
import { SHOP_RECORD_MEMO_KEY } from '../common/ids';

export interface ShopCredentials {
  tripletexEmployeeToken: string;
  mystoreToken: string;
}

export interface ShopRecord {
  shopId: string;
  /** The shop's name in Mystore's API (`/shops/{mystoreShop}/`). */
  mystoreShop: string;
  settings: ShopSettings;
  credentials: ShopCredentials;
  /** Increases with every credential change, so a transfer can tell that new credentials arrived. */
  credentialsVersion: number;
  /** The Tripletex company the shop invoices into: a rotated key must belong to the same one. */
  tripletexCompanyId?: number;
  /** The secrets of the shop's Mystore webhooks (one per registered webhook), for the receiver's HMAC check. */
  webhookSecrets: string[];
  offboarded: boolean;
  /** Where the shop's scheduled reconciliation stands (workflows/reconciliation-workflow.ts); absent until its first run. */
  reconciliationWatermark?: ReconciliationWatermark;
}

/** What the shop's scheduled reconciliation keeps between runs, without a database of its own. */
export interface ReconciliationWatermark {
  /** The end (exclusive, ISO instant) of the last completed default-window run: the next one starts there, minus an overlap. */
  upTo?: string;
  /** When the shop went live (set when its reconciliation Schedule is first created): no run looks before it by itself. */
  since?: string;
  /** Default-window runs since the last full pass. */
  runsSinceFullPass: number;
  lastFullPassAt?: string;
}

export const shopRecordQuery = defineQuery<ShopRecord>('shopRecord');
/** Replaces the credentials (after they were validated, see onboarding); returns the new version. */
export const replaceCredentialsUpdate = defineUpdate<number, [ShopCredentials]>('replaceCredentials');
export const updateSettingsUpdate = defineUpdate<ShopSettings, [Partial<ShopSettings>]>('updateSettings');
/** Replaces the webhook secrets after the webhooks were registered again. */
export const replaceWebhookSecretsUpdate = defineUpdate<void, [string[]]>('replaceWebhookSecrets');
export const offboardSignal = defineSignal('offboard');
/** Merges a reconciliation watermark into the record; `upTo` never moves backwards. Returns the stored watermark. */
export const setReconciliationWatermarkUpdate = defineUpdate<ReconciliationWatermark, [Partial<ReconciliationWatermark>]>('setReconciliationWatermark');

export async function shopWorkflow(initial: ShopRecord): Promise<ShopRecord> {
  const record: ShopRecord = { ...initial };
  // Runs started before the memo existed replay without it (and are read through the query).
  const inMemo = patched('shop-record-in-memo');
  const publish = () => {
    if (inMemo) upsertMemo({ [SHOP_RECORD_MEMO_KEY]: record });
  };
  publish();
  setHandler(shopRecordQuery, () => record);
  setHandler(replaceCredentialsUpdate, (credentials) => {
    record.credentials = credentials;
    record.credentialsVersion += 1;
    publish();
    return record.credentialsVersion;
  });
  setHandler(updateSettingsUpdate, (changes) => {
    record.settings = { ...record.settings, ...changes };
    publish();
    return record.settings;
  });
  setHandler(replaceWebhookSecretsUpdate, (secrets) => {
    record.webhookSecrets = secrets;
    publish();
  });
  setHandler(setReconciliationWatermarkUpdate, (change) => {
    const current: ReconciliationWatermark = record.reconciliationWatermark ?? { runsSinceFullPass: 0 };
    const merged: ReconciliationWatermark = { ...current, ...change };
    // ISO instants in UTC ("…Z") compare as strings.
    if (current.upTo !== undefined && change.upTo !== undefined && change.upTo < current.upTo) merged.upTo = current.upTo;
    record.reconciliationWatermark = merged;
    publish();
    return merged;
  });
  setHandler(offboardSignal, () => {
    record.offboarded = true;
    publish();
  });

  await condition(() => record.offboarded || workflowInfo().continueAsNewSuggested);
  if (record.offboarded) return record;
  return continueAsNew<typeof shopWorkflow>(record);
}
