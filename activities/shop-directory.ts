/**
 * How activities find a shop's settings and credentials: a query to the shop's workflow
 * (workflows/shop-workflow.ts) behind a short cache, so a burst of transfers for one shop costs
 * one query, and a credential change reaches every worker within the cache's lifetime.
 */
import { WorkflowNotFoundError, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import { shopWorkflowId } from '../common/ids';
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
    record = await client.workflow.getHandle(shopWorkflowId(shopId)).query<ShopRecord>('shopRecord');
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
