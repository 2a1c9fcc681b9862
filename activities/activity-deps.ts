/**
 * What activities need from the outside world, passed in by the worker (real clients) or a test.
 * Activities never read process.env or construct clients themselves.
 */
import type { Logger } from '../common/logger';
import type { TripletexClient } from './tripletex/tripletex-client';
import type { ShopDirectory } from './shop-directory';
import type { MystoreClient } from './mystore/mystore-client';
import type { NewShopRecord, ShopChange, TransferSignal } from '../common/transfers';
import type { TransferStateSummary } from './backfill-activities';
import type { ReconciliationWatermark } from '../workflows/shop-workflow';
import type { TransferState, TransferStatus } from '../workflows/transfer-workflow';

export interface ActivityDeps {
  /** A Tripletex client for this employee token; clients for the same token share one session. */
  tripletexClient(employeeToken: string): TripletexClient;
  /** A Mystore client for this shop and token; the same client (and its caches) for the same pair. */
  mystoreClient(mystoreShop: string, token: string, language: string): MystoreClient;
  /** Signal-with-start of an order's transfer workflow (one per order, whoever starts it). */
  signalTransfer(shopId: string, orderId: string, signal: TransferSignal): Promise<void>;
  /** Starts or updates a shop's workflow (its settings and credentials). */
  saveShop(record: NewShopRecord): Promise<'registered' | 'updated'>;
  /** Changes a running shop workflow: new credentials (returns the new version), offboarding, or settings. */
  updateShop(shopId: string, change: ShopChange): Promise<number>;
  /** Order ids of the shop's transfers in the middle of invoicing (common/transfers.ts transfersInFlight). */
  transfersInFlight(shopId: string): Promise<string[]>;
  /** Signals `retry` to the shop's running transfers in a status; returns their order ids. */
  retryTransfers(shopId: string, status: TransferStatus): Promise<string[]>;
  /** The `status` query of each order's transfer, null where the shop has no transfer for the order. */
  readTransferStates(shopId: string, orderIds: string[]): Promise<Array<{ orderId: string; state: TransferState | null }>>;
  /** Signals `retry` to one order's transfer. */
  retryTransfer(shopId: string, orderId: string): Promise<void>;
  /** Merges a reconciliation watermark into the shop's record (its `setReconciliationWatermark` update). */
  setReconciliationWatermark(shopId: string, change: Partial<ReconciliationWatermark>): Promise<ReconciliationWatermark>;
  /** The shop's reconciliation Schedule (common/reconciliation-schedule.ts), on the worker's task queue. */
  reconciliationSchedules: {
    ensure(shopId: string, intervalMinutes: number): Promise<{ scheduleId: string; outcome: 'created' | 'updated' }>;
    delete(shopId: string): Promise<boolean>;
  };
  /**
   * Each order's transfer in brief, for a backfill's progress: its status and problem kind.
   * Unlike `readTransferStates`, a transfer whose workflow ended without finishing (failed,
   * terminated, timed out) is `Closed` rather than its last state, a finished one is read from
   * its result (no replay), and none is `Missing` (activities/backfill-activities.ts).
   */
  transferStates(shopId: string, orderIds: string[]): Promise<TransferStateSummary[]>;
  /** Public base URL of the webhook receiver, where Mystore's webhooks are registered to. */
  webhookBaseUrl: string;
  /** Each shop's settings and credentials. */
  shops: ShopDirectory;
  logger: Logger;
  now(): Date;
}
