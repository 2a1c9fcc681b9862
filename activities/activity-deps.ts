/**
 * What activities need from the outside world, passed in by the worker (real clients) or a test.
 * Activities never read process.env or construct clients themselves.
 */
import type { Logger } from '../common/logger';
import type { TripletexClient } from './tripletex/tripletex-client';
import type { ShopDirectory } from './shop-directory';
import type { MystoreClient } from './mystore/mystore-client';
import type { TransferSignal } from '../common/transfers';

export interface ActivityDeps {
  /** A Tripletex client for this employee token; clients for the same token share one session. */
  tripletexClient(employeeToken: string): TripletexClient;
  /** A Mystore client for this shop and token; the same client (and its caches) for the same pair. */
  mystoreClient(mystoreShop: string, token: string, language: string): MystoreClient;
  /** Signal-with-start of an order's transfer workflow (one per order, whoever starts it). */
  signalTransfer(shopId: string, orderId: string, signal: TransferSignal): Promise<void>;
  /** Each shop's settings and credentials. */
  shops: ShopDirectory;
  logger: Logger;
  now(): Date;
}
