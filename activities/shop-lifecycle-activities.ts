/**
 * Going live, rotating credentials and offboarding: the side effects of a shop's lifecycle.
 */
import type { NewShopRecord } from '../common/transfers';
import type { ShopCredentials, ShopRecord } from '../workflows/shop-workflow';
import type { ShopSettings } from '../domain/shop-settings';
import type { ActivityDeps } from './activity-deps';
import { MystoreWebhookTopics } from './mystore/mystore-api-assumptions';
import { withMystoreFailures } from './mystore/to-application-failure';

export function createShopLifecycleActivities(deps: ActivityDeps) {
  const webhookAddress = (shopId: string) => `${deps.webhookBaseUrl}/webhooks/mystore/${shopId}`;

  return {
    /**
     * Registers the shop's order webhooks (one per topic) to the webhook receiver and returns
     * their secrets. Mystore never shows a secret again, so webhooks already pointing at our
     * address are deleted and registered anew: a retry after a lost answer leaves no stray one.
     */
    async registerMystoreWebhooks(input: { shopId: string; mystoreShop: string; mystoreToken: string; language: string }): Promise<{ secrets: string[]; address: string }> {
      return withMystoreFailures(async () => {
        const mystore = deps.mystoreClient(input.mystoreShop, input.mystoreToken, input.language);
        const address = webhookAddress(input.shopId);
        for (const existing of await mystore.listWebhooks()) {
          if (existing.address === address) await mystore.deleteWebhook(existing.id);
        }
        const secrets: string[] = [];
        for (const topic of MystoreWebhookTopics) secrets.push((await mystore.registerWebhook({ topic, address })).secret);
        return { secrets, address };
      });
    },

    /** Removes the shop's webhooks that point at the receiver (offboarding). */
    async deleteMystoreWebhooks(input: { shopId: string; mystoreShop: string; mystoreToken: string; language: string }): Promise<number> {
      return withMystoreFailures(async () => {
        const mystore = deps.mystoreClient(input.mystoreShop, input.mystoreToken, input.language);
        let deleted = 0;
        for (const existing of await mystore.listWebhooks()) {
          if (existing.address === webhookAddress(input.shopId) && (await mystore.deleteWebhook(existing.id))) deleted += 1;
        }
        return deleted;
      });
    },

    /** Starts the shop's workflow with its settings and credentials, or updates the running one. */
    async saveShop(record: NewShopRecord): Promise<'registered' | 'updated'> {
      const outcome = await deps.saveShop(record);
      deps.shops.forget(record.shopId);
      return outcome;
    },

    /** The shop's record as its workflow holds it now (no cache). */
    async readShopRecord(input: { shopId: string }): Promise<ShopRecord> {
      deps.shops.forget(input.shopId);
      return deps.shops.get(input.shopId);
    },

    /** Replaces the shop's credentials (already validated by the caller); returns the new version. */
    async replaceShopCredentials(input: { shopId: string; credentials: ShopCredentials }): Promise<number> {
      const version = await deps.updateShop(input.shopId, { credentials: input.credentials });
      deps.shops.forget(input.shopId);
      return version;
    },

    /** Marks the shop offboarded: its workflow ends, its transfers and webhooks are refused from then on. */
    async markShopOffboarded(input: { shopId: string }): Promise<void> {
      await deps.updateShop(input.shopId, { offboard: true });
      deps.shops.forget(input.shopId);
    },

    /** Tells the shop's transfers that wait for credentials to try again now (after a rotation). */
    /** Changes some of a live shop's settings (the shop's workflow merges them). */
    async updateShopSettings(input: { shopId: string; settings: Partial<ShopSettings> }): Promise<void> {
      await deps.updateShop(input.shopId, { settings: input.settings });
      deps.shops.forget(input.shopId);
    },

    /** Order ids of the shop's transfers in the middle of invoicing (Transferring, NeedsAttention, WaitingForCredentials). */
    async shopTransfersInFlight(input: { shopId: string }): Promise<string[]> {
      return deps.transfersInFlight(input.shopId);
    },

    async releaseTransfersWaitingForCredentials(input: { shopId: string }): Promise<string[]> {
      return deps.retryTransfers(input.shopId, 'WaitingForCredentials');
    },
  };
}
