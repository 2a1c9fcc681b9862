/**
 * How activities and the webhook receiver find a shop's settings and credentials: the record the
 * shop's workflow (workflows/shop-workflow.ts) publishes in its memo, read with a describe behind
 * a short cache, so a burst of transfers for one shop costs one read, and a credential change
 * reaches every worker within the cache's lifetime. A describe is answered by the Temporal server
 * alone: no worker has to be up (the receiver keeps taking webhooks while workers restart), and a
 * local activity never waits on a workflow task it holds itself. A shop workflow started before
 * the memo has none until its next run: it is asked with a query instead.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { SHOP_RECORD_MEMO_KEY, shopWorkflowId } from '../common/ids';
import { ShopFailureType } from '../common/failure-types';
import type { ShopRecord } from '../workflows/shop-workflow';

export interface ShopDirectory {
  get(shopId: string): Promise<ShopRecord>;
  /** Forget a cached record, e.g. after a token was rejected, so the next read asks again. */
  forget(shopId: string): void;
}

export function createTemporalShopDirectory(client: Client, options: { ttlMs?: number; now?: () => number } = {}): ShopDirectory {
  const ttlMs = options.ttlMs ?? 15_000;
  const now = options.now ?? Date.now;
  const cache = new Map<string, { record: Promise<ShopRecord>; expiresAt: number }>();
  return {
    get(shopId) {
      const cached = cache.get(shopId);
      if (cached && cached.expiresAt > now()) return cached.record;
      const record = readShop(client, shopId);
      cache.set(shopId, { record, expiresAt: now() + ttlMs });
      record.catch(() => cache.delete(shopId));
      return record;
    },
    forget(shopId) {
      cache.delete(shopId);
    },
  };
}

async function readShop(client: Client, shopId: string): Promise<ShopRecord> {
  let record: ShopRecord;
  try {
    const handle = client.workflow.getHandle(shopWorkflowId(shopId));
    const { memo } = await handle.describe();
    record = (memo?.[SHOP_RECORD_MEMO_KEY] as ShopRecord | undefined) ?? (await handle.query<ShopRecord>('shopRecord'));
  } catch (error) {
    if (error instanceof WorkflowNotFoundError) throw notRegistered(shopId);
    throw error;
  }
  if (record.offboarded) {
    throw ApplicationFailure.create({
      type: ShopFailureType.Offboarded,
      nonRetryable: true,
      message: `Shop "${shopId}" was offboarded; nothing is transferred for it any more.`,
    });
  }
  return record;
}

function notRegistered(shopId: string): ApplicationFailure {
  return ApplicationFailure.create({
    type: ShopFailureType.NotRegistered,
    nonRetryable: true,
    message: `Shop "${shopId}" is not registered (no workflow ${shopWorkflowId(shopId)}). Onboard it first.`,
  });
}
