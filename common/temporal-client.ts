/**
 * The one way client code (CLI, webhook receiver, tests) connects to Temporal: the configured
 * address and namespace, and the payload codec, so nothing it sends is readable in history.
 */
import { Client, Connection } from '@temporalio/client';
import { createDataConverter, type PayloadKeyConfig } from './payload-codec';
import type { Config } from './config';

type TemporalClientConfig = Pick<Config, 'TEMPORAL_ADDRESS' | 'TEMPORAL_NAMESPACE'> & PayloadKeyConfig;

/** Thrown when the Temporal frontend cannot be reached. */
export class TemporalUnreachableError extends Error {
  constructor(address: string, cause: unknown) {
    super(`Cannot reach the Temporal server at ${address} (${cause instanceof Error ? cause.message : String(cause)}). Start it with \`npm start\`, or set TEMPORAL_ADDRESS to a running server.`);
    this.name = 'TemporalUnreachableError';
  }
}

export async function connectTemporalClient(config: TemporalClientConfig): Promise<Client> {
  let connection: Connection;
  try {
    connection = await Connection.connect({ address: config.TEMPORAL_ADDRESS, connectTimeout: 10_000 });
  } catch (error) {
    throw new TemporalUnreachableError(config.TEMPORAL_ADDRESS, error);
  }
  return new Client({
    connection,
    namespace: config.TEMPORAL_NAMESPACE,
    dataConverter: createDataConverter(config),
  });
}
