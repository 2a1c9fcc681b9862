/**
 * The Mystore webhook receiver: `POST /webhooks/mystore/:shop` turns a signed order webhook into
 * a signal-with-start of the order's transfer (`transfer-<shop>-<order>`) and answers 202 at once;
 * the transfer reads the order through the API later, so nothing here calls Mystore or Tripletex
 * while Mystore waits. `GET /health` answers 200 while Temporal does.
 *
 * Checks, in this order, each refusing before anything is started: body size (413, read no
 * further), the shop (404 unknown or offboarded), the HMAC signature against the shop's webhook
 * secrets and the named Mystore shop (401), the body (400 naming the field), the topic (400).
 * When Temporal cannot be asked (shop lookup or start), 503, so Mystore redelivers.
 *
 * Plain node:http: two routes and a body limit do not need a framework, and the raw bytes must
 * reach the HMAC untouched (a body parser would have to be told not to parse). Logs name the
 * shop, topic, order and outcome; never the body, the signature or a secret.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { Connection, type Client } from '@temporalio/client';
import { ApplicationFailure } from '@temporalio/common';
import type { Config } from '../common/config';
import { ShopFailureType } from '../common/failure-types';
import { shopIdSchema } from '../common/id-schemas';
import { transferWorkflowId } from '../common/ids';
import type { Logger } from '../common/logger';
import { startOrSignalTransfer } from '../common/transfers';
import type { ShopDirectory } from '../activities/shop-directory';
import { MystoreWebhookTopics, WebhookHeaders, webhookDeliveryBodySchema, type MystoreWebhookTopic } from '../activities/mystore/mystore-api-assumptions';
import { verifyMystoreWebhook, WebhookReplayGuard, type WebhookVerification } from '../activities/mystore/webhook-signature';
import type { ShopRecord } from '../workflows/shop-workflow';

/** Mystore's webhook bodies are a few hundred bytes; anything near this is not one. */
export const MAX_WEBHOOK_BODY_BYTES = 256 * 1024;

const WEBHOOK_PATH = /^\/webhooks\/mystore\/([^/?#]+)\/?$/;

export interface WebhookReceiverOptions {
  config: Pick<Config, 'WEBHOOK_PORT'>;
  logger: Logger;
  client: Client;
  /** Where shop records come from: the Temporal shop directory (cached), or any lookup. */
  shops: ShopDirectory | ((shopId: string) => Promise<ShopRecord>);
  taskQueue: string;
  /** Default config.WEBHOOK_PORT; 0 picks a free port. */
  port?: number;
  /** Default: every interface (Mystore must reach it). */
  host?: string;
  maxBodyBytes?: number;
  /** How long one Temporal call (shop lookup, start, health) may take before the answer is 503. Default 5 s (Mystore waits 10 s). */
  temporalTimeoutMs?: number;
  /** How long close() lets requests in flight finish before cutting their connections. Default 10 s. */
  shutdownGraceMs?: number;
  replayGuard?: WebhookReplayGuard;
}

export interface WebhookReceiver {
  /** Base URL, e.g. http://127.0.0.1:8703 (webhooks go to `${url}/webhooks/mystore/<shop>`). */
  url: string;
  /** Stops accepting, lets requests in flight finish (bounded by shutdownGraceMs), then closes. */
  close(): Promise<void>;
}

/** One answer: status, JSON body, and what to log about it. */
interface Outcome {
  status: number;
  body: Record<string, unknown>;
  outcome: string;
  shopId?: string;
  topic?: string;
  orderId?: string;
  reason?: string;
}

class BodyTooLarge extends Error {}

/** Thrown when a Temporal call did not answer within temporalTimeoutMs. */
class TemporalTimeout extends Error {}

export async function startWebhookReceiver(options: WebhookReceiverOptions): Promise<WebhookReceiver> {
  const { client, logger, taskQueue } = options;
  const maxBodyBytes = options.maxBodyBytes ?? MAX_WEBHOOK_BODY_BYTES;
  const temporalTimeoutMs = options.temporalTimeoutMs ?? 5_000;
  const shutdownGraceMs = options.shutdownGraceMs ?? 10_000;
  const replayGuard = options.replayGuard ?? new WebhookReplayGuard();
  const lookup = shopLookup(options.shops);
  const inFlight = new Set<Promise<void>>();
  let closing = false;

  /**
   * Runs a Temporal call with a gRPC deadline of temporalTimeoutMs (so the call itself ends, and
   * nothing is left pending after the answer), and a backstop a second later for calls that do not
   * honour it (e.g. a lookup function of the caller's).
   */
  const withTimeout = <T>(what: string, fn: () => Promise<T>): Promise<T> => {
    let timer: NodeJS.Timeout | undefined;
    const backstop = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new TemporalTimeout(`${what}: Temporal did not answer within ${temporalTimeoutMs} ms`)), temporalTimeoutMs + 1_000);
    });
    const call = client.connection.withDeadline(Date.now() + temporalTimeoutMs, fn);
    return Promise.race([call, backstop]).finally(() => clearTimeout(timer));
  };

  async function handleWebhook(request: http.IncomingMessage, rawShopId: string): Promise<Outcome> {
    const shopId = safeDecode(rawShopId);
    const declared = Number(request.headers['content-length']);
    if (Number.isFinite(declared) && declared > maxBodyBytes) return tooLarge(shopId, maxBodyBytes);
    let rawBody: Buffer;
    try {
      rawBody = await readBody(request, maxBodyBytes);
    } catch (error) {
      if (error instanceof BodyTooLarge) return tooLarge(shopId, maxBodyBytes);
      throw error;
    }

    if (!shopIdSchema.safeParse(shopId).success) return { status: 404, body: { error: 'no such shop' }, outcome: 'unknown-shop', shopId };
    let record: ShopRecord;
    try {
      record = await withTimeout('shop lookup', () => lookup.get(shopId));
    } catch (error) {
      const type = error instanceof ApplicationFailure ? error.type : undefined;
      if (type === ShopFailureType.NotRegistered) return { status: 404, body: { error: 'no such shop' }, outcome: 'unknown-shop', shopId };
      if (type === ShopFailureType.Offboarded) return { status: 404, body: { error: 'shop offboarded' }, outcome: 'shop-offboarded', shopId };
      return unavailable(shopId, 'shop lookup failed', error);
    }
    if (record.offboarded) return { status: 404, body: { error: 'shop offboarded' }, outcome: 'shop-offboarded', shopId };

    let verification = verifyMystoreWebhook({ rawBody, headers: request.headers, secret: record.webhookSecrets });
    if (!verification.ok && verification.reason === 'bad-signature' && lookup.refresh(shopId)) {
      // The webhooks may have been registered again since the record was cached (new secrets).
      try {
        record = await withTimeout('shop lookup', () => lookup.get(shopId));
      } catch (error) {
        return unavailable(shopId, 'shop lookup failed', error);
      }
      verification = verifyMystoreWebhook({ rawBody, headers: request.headers, secret: record.webhookSecrets });
    }
    if (!verification.ok && !signatureValid(verification)) {
      return { status: 401, body: { error: signatureProblem(verification.reason) }, outcome: 'refused-signature', shopId, reason: verification.reason };
    }
    const host = headerValue(request, WebhookHeaders.shop);
    if (host !== undefined && host !== record.mystoreShop) {
      return { status: 401, body: { error: `${WebhookHeaders.shop} names Mystore shop "${host}", not this shop's` }, outcome: 'refused-host', shopId, reason: 'wrong-host' };
    }

    let json: unknown;
    try {
      json = JSON.parse(rawBody.toString('utf8'));
    } catch {
      return { status: 400, body: { error: 'body is not JSON' }, outcome: 'refused-body', shopId, reason: 'not-json' };
    }
    const parsed = webhookDeliveryBodySchema.safeParse(json);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      const field = issue && issue.path.length > 0 ? issue.path.join('.') : '(body)';
      return { status: 400, body: { error: `body field "${field}": ${issue?.message ?? 'invalid'}`, field }, outcome: 'refused-body', shopId, reason: `field ${field}` };
    }
    const delivery = parsed.data;
    const orderId = delivery.id;
    if (delivery.shop !== undefined && delivery.shop !== record.mystoreShop) {
      return { status: 401, body: { error: `the body names Mystore shop "${delivery.shop}", not this shop's` }, outcome: 'refused-host', shopId, orderId, reason: 'wrong-shop-in-body' };
    }
    const headerTopic = headerValue(request, WebhookHeaders.topic);
    const topic = headerTopic ?? delivery.topic;
    if (topic === undefined) return { status: 400, body: { error: `no topic (${WebhookHeaders.topic})`, field: 'topic' }, outcome: 'refused-topic', shopId, orderId };
    if (headerTopic !== undefined && delivery.topic !== undefined && headerTopic !== delivery.topic) {
      return { status: 400, body: { error: `topic "${headerTopic}" in ${WebhookHeaders.topic} but "${delivery.topic}" in the body`, field: 'topic' }, outcome: 'refused-topic', shopId, topic, orderId };
    }
    if (!isKnownTopic(topic)) {
      return { status: 400, body: { error: `unknown topic "${topic}" (expected ${MystoreWebhookTopics.join(' or ')})`, field: 'topic' }, outcome: 'refused-topic', shopId, topic, orderId };
    }

    const workflowId = transferWorkflowId(shopId, orderId);
    const scope = `${shopId}\0${topic}`;
    if (replayGuard.isDuplicate(rawBody, scope)) {
      // Already signalled for this very body: a redelivery (or a replay) changes nothing, so no second signal.
      return { status: 202, body: { accepted: true, workflowId, duplicate: true }, outcome: 'duplicate', shopId, topic, orderId };
    }
    try {
      await withTimeout('signal-with-start', () => startOrSignalTransfer(client, taskQueue, shopId, orderId));
    } catch (error) {
      return { ...unavailable(shopId, 'could not start or signal the transfer', error), topic, orderId };
    }
    replayGuard.remember(rawBody, scope);
    return { status: 202, body: { accepted: true, workflowId }, outcome: 'accepted', shopId, topic, orderId };
  }

  async function handleHealth(): Promise<Outcome> {
    try {
      await withTimeout('health check', () =>
        // The gRPC health service where the connection has one (a real Connection), else the cheapest frontend call.
        client.connection instanceof Connection ? client.connection.healthService.check({}).then(servingOrThrow) : client.workflowService.getSystemInfo({}).then(() => undefined),
      );
      return { status: 200, body: { ok: true }, outcome: 'healthy' };
    } catch (error) {
      return { status: 503, body: { ok: false, error: 'Temporal does not answer' }, outcome: 'unhealthy', reason: errorText(error) };
    }
  }

  async function handle(request: http.IncomingMessage, response: http.ServerResponse): Promise<void> {
    const started = Date.now();
    const path = (request.url ?? '/').split('?')[0]!;
    const webhook = WEBHOOK_PATH.exec(path);
    let result: Outcome;
    try {
      if (webhook && request.method === 'POST') result = await handleWebhook(request, webhook[1]!);
      else if (webhook) result = { status: 405, body: { error: 'POST only' }, outcome: 'wrong-method' };
      else if (path === '/health' && (request.method === 'GET' || request.method === 'HEAD')) result = await handleHealth();
      else result = { status: 404, body: { error: 'POST /webhooks/mystore/:shop or GET /health' }, outcome: 'no-route' };
    } catch (error) {
      result = { status: 500, body: { error: 'internal error' }, outcome: 'error', reason: errorText(error) };
    }
    const fields = {
      method: request.method, status: result.status, outcome: result.outcome, ms: Date.now() - started,
      ...(result.shopId !== undefined ? { shopId: result.shopId } : {}),
      ...(result.topic !== undefined ? { topic: result.topic } : {}),
      ...(result.orderId !== undefined ? { orderId: result.orderId } : {}),
      ...(result.reason !== undefined ? { reason: result.reason } : {}),
    };
    if (result.outcome === 'healthy') logger.debug(fields, 'health check');
    else if (result.status >= 500) logger.error(fields, 'webhook not taken; Mystore will redeliver');
    else if (result.status >= 400) logger.warn(fields, 'webhook refused');
    else logger.info(fields, result.outcome === 'duplicate' ? 'webhook redelivered; transfer already signalled' : 'webhook accepted');
    await send(request, response, result, closing);
  }

  const server = http.createServer((request, response) => {
    const done = handle(request, response).catch((error: unknown) => {
      logger.error({ err: errorText(error) }, 'webhook receiver failed to answer');
      response.destroy();
    });
    inFlight.add(done);
    void done.finally(() => inFlight.delete(done));
  });
  // Slow senders must not hold a connection for ever (Mystore gives up after 10 s anyway).
  server.requestTimeout = 30_000;
  server.headersTimeout = 15_000;

  const port = options.port ?? options.config.WEBHOOK_PORT;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    const listening = () => {
      server.removeListener('error', reject);
      resolve();
    };
    if (options.host !== undefined) server.listen(port, options.host, listening);
    else server.listen(port, listening);
  });
  const address = server.address() as AddressInfo;
  const urlHost = options.host === undefined || options.host === '0.0.0.0' || options.host === '::' ? '127.0.0.1' : options.host.includes(':') ? `[${options.host}]` : options.host;
  logger.info({ port: address.port }, 'webhook receiver listening');

  let closed: Promise<void> | undefined;
  return {
    url: `http://${urlHost}:${address.port}`,
    close() {
      closed ??= (async () => {
        closing = true;
        const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
        server.closeIdleConnections();
        let timer: NodeJS.Timeout | undefined;
        const graceOver = new Promise<'timeout'>((resolve) => {
          timer = setTimeout(() => resolve('timeout'), shutdownGraceMs);
        });
        const finished = await Promise.race([Promise.allSettled([...inFlight]).then(() => 'done' as const), graceOver]);
        clearTimeout(timer);
        if (finished === 'timeout') logger.warn({ inFlight: inFlight.size }, 'webhook receiver closed with requests still in flight; Mystore will redeliver them');
        server.closeAllConnections();
        await serverClosed;
      })();
      return closed;
    },
  };
}

function shopLookup(shops: WebhookReceiverOptions['shops']): { get(shopId: string): Promise<ShopRecord>; refresh(shopId: string): boolean } {
  if (typeof shops === 'function') return { get: shops, refresh: () => false };
  // A forged signature must not make every request ask Temporal again: one refresh a second per shop.
  const lastRefresh = new Map<string, number>();
  return {
    get: (shopId) => shops.get(shopId),
    refresh(shopId) {
      const now = Date.now();
      if ((lastRefresh.get(shopId) ?? 0) > now - 1_000) return false;
      lastRefresh.set(shopId, now);
      if (lastRefresh.size > 10_000) lastRefresh.clear();
      shops.forget(shopId);
      return true;
    },
  };
}

/**
 * The signature is good once verification got past it: the header checks that follow it in
 * verifyMystoreWebhook (topic, host) are optional here, because the topic may come from the body
 * and a missing host is allowed; both are checked below.
 */
function signatureValid(verification: WebhookVerification): boolean {
  return verification.ok || verification.reason === 'missing-topic' || verification.reason === 'missing-shop';
}

function signatureProblem(reason: Extract<WebhookVerification, { ok: false }>['reason']): string {
  switch (reason) {
    case 'missing-secret': return 'the shop has no webhook secret registered; register its webhooks again';
    case 'missing-signature': return `missing ${WebhookHeaders.signature} header`;
    case 'malformed-signature': return `${WebhookHeaders.signature} is not a base64 HMAC-SHA256`;
    case 'bad-signature': return `${WebhookHeaders.signature} does not match the body`;
    default: return `webhook headers incomplete (${reason})`;
  }
}

/** grpc.health.v1 ServingStatus: 1 is SERVING. */
function servingOrThrow(answer: { status?: number | null }): void {
  if (answer.status !== 1) throw new Error(`Temporal health status ${answer.status ?? 'unknown'}`);
}

function isKnownTopic(topic: string): topic is MystoreWebhookTopic {
  return (MystoreWebhookTopics as readonly string[]).includes(topic);
}

function headerValue(request: http.IncomingMessage, name: string): string | undefined {
  const value = request.headers[name];
  const first = (Array.isArray(value) ? value[0] : value)?.trim();
  return first ? first : undefined;
}

function tooLarge(shopId: string, maxBodyBytes: number): Outcome {
  return { status: 413, body: { error: `body larger than ${maxBodyBytes} bytes` }, outcome: 'refused-size', shopId };
}

function unavailable(shopId: string, what: string, error: unknown): Outcome {
  return { status: 503, body: { error: `${what}: Temporal is not available; redeliver later` }, outcome: 'temporal-unavailable', shopId, reason: errorText(error) };
}

/** A path segment decoded, or as it came when it is not valid percent-encoding (then no shop has that id). */
function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function errorText(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : String(error);
}

/** The raw body, or BodyTooLarge as soon as it passes the limit (the rest is not read). */
function readBody(request: http.IncomingMessage, maxBodyBytes: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      size += chunk.length;
      if (size > maxBodyBytes) {
        request.removeListener('data', onData);
        request.pause();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    };
    request.on('data', onData);
    request.once('end', () => resolve(Buffer.concat(chunks)));
    request.once('error', reject);
    request.once('aborted', () => reject(new Error('request aborted')));
  });
}

async function send(request: http.IncomingMessage, response: http.ServerResponse, result: Outcome, closing: boolean): Promise<void> {
  if (response.headersSent || response.destroyed) return;
  // A body we did not read (413) must not be read by Node either: close the connection after the answer.
  const dropConnection = result.status === 413 || !request.complete;
  const headers: http.OutgoingHttpHeaders = { 'content-type': 'application/json', 'cache-control': 'no-store' };
  if (dropConnection || closing) headers.connection = 'close';
  await new Promise<void>((resolve) => {
    response.once('close', () => resolve());
    response.writeHead(result.status, headers).end(request.method === 'HEAD' ? undefined : JSON.stringify(result.body), () => {
      if (dropConnection) request.socket.destroySoon();
      resolve();
    });
  });
}
