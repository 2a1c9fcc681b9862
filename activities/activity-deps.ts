/**
 * What activities need from the outside world, passed in by the worker (real clients) or a test.
 * Activities never read process.env or construct clients themselves.
 */
import type { Logger } from '../common/logger';
import type { TripletexClient } from './tripletex/tripletex-client';

export interface ActivityDeps {
  /** A Tripletex client for this employee token; clients for the same token share one session. */
  tripletexClient(employeeToken: string): TripletexClient;
  logger: Logger;
  now(): Date;
}
