/**
 * What activities need from the outside world, passed in by the worker (real clients) or a test.
 * Activities never read process.env or construct clients themselves.
 */
import type { Logger } from '../common/logger';
import type { TripletexClient } from './tripletex/tripletex-client';
import type { ShopDirectory } from './shop-directory';
import type { MystoreClient } from './mystore/mystore-client';
import type { NewShopRecord, TransferSignal } from '../common/transfers';
import type { ShopCredentials } from '../workflows/shop-workflow';
import type { TransferStatus } from '../workflows/transfer-workflow';

export interface ActivityDeps {
  /** A Tripletex client for this employee token; clients for the same token share one session. */
  tripletexClient(employeeToken: string): TripletexClient;
  /** A Mystore client for this shop and token; the same client (and its caches) for the same pair. */
  mystoreClient(mystoreShop: string, token: string, language: string): MystoreClient;
  /** Signal-with-start of an order's transfer workflow (one per order, whoever starts it). */
  signalTransfer(shopId: string, orderId: string, signal: TransferSignal): Promise<void>;
  /** Starts or updates a shop's workflow (its settings and credentials). */
  saveShop(record: NewShopRecord): Promise<'registered' | 'updated'>;
  /** Changes a running shop workflow: new credentials (returns the new version), or offboarding. */
  updateShop(shopId: string, change: { credentials: ShopCredentials } | { offboard: true }): Promise<number>;
  /** Signals `retry` to the shop's running transfers in a status; returns their order ids. */
  retryTransfers(shopId: string, status: TransferStatus): Promise<string[]>;
  /** Public base URL of the webhook receiver, where Mystore's webhooks are registered to. */
  webhookBaseUrl: string;
  /** Each shop's settings and credentials. */
  shops: ShopDirectory;
  logger: Logger;
  now(): Date;
}
