/**
 * The remote codec endpoint of the Temporal Web UI: it decrypts payloads (workflow inputs,
 * results, memos, query answers, failure messages) for an operator looking at them in the UI,
 * which otherwise shows only ciphertext. It holds the payload key, so it listens on loopback by
 * default and answers only the configured UI origin; in production put it behind the same
 * sign-in as the UI. Protocol: POST /decode and /encode with {"payloads":[{metadata, data}]},
 * bytes in base64, as the Temporal UI sends them. With CODEC_SERVER_TOKEN (required off
 * loopback) every /decode and /encode must carry `Authorization: Bearer <token>`; preflight
 * (OPTIONS) stays open. The Temporal UI sends no such static token by itself (its "pass access
 * token" setting sends the signed-in user's token), so off loopback put the codec server behind a
 * proxy or sign-in that adds the header.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import type { Payload } from '@temporalio/common';
import { ConfigError, isLoopbackHost, type Config } from '../common/config';
import type { Logger } from '../common/logger';
import { createPayloadCodec, type PayloadKeyConfig } from '../common/payload-codec';

const MAX_BODY_BYTES = 4 * 1024 * 1024;

const jsonPayloadsSchema = z.object({
  payloads: z.array(z.object({ metadata: z.record(z.string(), z.string()).optional(), data: z.string().optional() })),
});

type JsonPayload = z.infer<typeof jsonPayloadsSchema>['payloads'][number];

function fromJson(payload: JsonPayload): Payload {
  return {
    metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value, 'base64')])),
    data: Buffer.from(payload.data ?? '', 'base64'),
  };
}

function toJson(payload: Payload): JsonPayload {
  return {
    metadata: Object.fromEntries(Object.entries(payload.metadata ?? {}).map(([key, value]) => [key, Buffer.from(value ?? new Uint8Array()).toString('base64')])),
    data: Buffer.from(payload.data ?? new Uint8Array()).toString('base64'),
  };
}

export interface CodecServer {
  url: string;
  close(): Promise<void>;
}

export async function startCodecServer(
  config: PayloadKeyConfig & Pick<Config, 'CODEC_SERVER_PORT' | 'CODEC_SERVER_HOST' | 'CODEC_SERVER_ALLOWED_ORIGINS' | 'TEMPORAL_UI_PORT'> & Partial<Pick<Config, 'CODEC_SERVER_TOKEN'>>,
  logger: Logger,
): Promise<CodecServer> {
  // loadConfig refuses this already; checked again for configs put together by hand.
  if (!isLoopbackHost(config.CODEC_SERVER_HOST) && !config.CODEC_SERVER_TOKEN) {
    throw new ConfigError([`CODEC_SERVER_TOKEN: must be set when CODEC_SERVER_HOST (${config.CODEC_SERVER_HOST}) is not loopback`]);
  }
  const codec = createPayloadCodec(config);
  const checkToken = config.CODEC_SERVER_TOKEN ? bearerTokenCheck(config.CODEC_SERVER_TOKEN) : undefined;
  const allowedOrigins = new Set(allowedCodecOrigins(config));
  const server = http.createServer((request, response) => {
    const origin = request.headers.origin;
    if (origin !== undefined && allowedOrigins.has(origin)) {
      response.setHeader('Access-Control-Allow-Origin', origin);
      response.setHeader('Access-Control-Allow-Methods', 'POST, OPTIONS');
      response.setHeader('Access-Control-Allow-Headers', 'Content-Type, X-Namespace, Authorization');
      response.setHeader('Vary', 'Origin');
    } else if (origin !== undefined) {
      // A page from any other origin must not be able to make the browser decrypt for it.
      response.writeHead(403, { 'content-type': 'application/json' }).end(JSON.stringify({ error: `origin ${origin} is not allowed (CODEC_SERVER_ALLOWED_ORIGINS)` }));
      return;
    }
    if (request.method === 'OPTIONS') {
      response.writeHead(204).end();
      return;
    }
    const operation = request.url === '/decode' ? 'decode' : request.url === '/encode' ? 'encode' : undefined;
    if (request.method !== 'POST' || !operation) {
      response.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'POST /decode or /encode' }));
      return;
    }
    if (checkToken) {
      const problem = checkToken(request.headers.authorization);
      if (problem) {
        logger.warn({ operation, problem }, 'codec request without a valid bearer token');
        response.writeHead(401, { 'content-type': 'application/json', 'www-authenticate': 'Bearer realm="codec-server"' }).end(JSON.stringify({ error: problem }));
        request.resume();
        return;
      }
    }
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        response.writeHead(413, { 'content-type': 'application/json' }).end(JSON.stringify({ error: `body larger than ${MAX_BODY_BYTES} bytes` }));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => {
      void (async () => {
        try {
          const body = jsonPayloadsSchema.parse(JSON.parse(Buffer.concat(chunks).toString('utf8')));
          const payloads = body.payloads.map(fromJson);
          const result = operation === 'decode' ? await codec.decode(payloads) : await codec.encode(payloads);
          response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ payloads: result.map(toJson) }));
        } catch (error) {
          logger.warn({ operation, err: error instanceof Error ? error.message : String(error) }, 'codec request refused');
          response.writeHead(400, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'expected {"payloads":[{"metadata":{…},"data":"…"}]} with base64 bytes, encrypted with a known key' }));
        }
      })();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.CODEC_SERVER_PORT, config.CODEC_SERVER_HOST, resolve);
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${config.CODEC_SERVER_HOST}:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/**
 * Checks an Authorization header against the token: undefined when it matches, else what is
 * wrong. The comparison is constant-time (both sides hashed to the same length first, so not even
 * the token's length leaks).
 */
export function bearerTokenCheck(token: string): (authorization: string | undefined) => string | undefined {
  const expected = createHash('sha256').update(token).digest();
  return (authorization) => {
    if (authorization === undefined || authorization.trim() === '') return 'missing Authorization header: send "Authorization: Bearer <CODEC_SERVER_TOKEN>"';
    const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization);
    if (!match?.[1]) return 'Authorization header is not "Bearer <token>" (CODEC_SERVER_TOKEN)';
    const given = createHash('sha256').update(match[1]).digest();
    return timingSafeEqual(given, expected) ? undefined : 'wrong bearer token (CODEC_SERVER_TOKEN)';
  };
}

/** The UI origins that may use the codec server: configured, or the local UI by both its names. */
export function allowedCodecOrigins(config: Pick<Config, 'CODEC_SERVER_ALLOWED_ORIGINS' | 'TEMPORAL_UI_PORT'>): string[] {
  if (config.CODEC_SERVER_ALLOWED_ORIGINS) return config.CODEC_SERVER_ALLOWED_ORIGINS.split(',').map((origin) => origin.trim());
  return [`http://127.0.0.1:${config.TEMPORAL_UI_PORT}`, `http://localhost:${config.TEMPORAL_UI_PORT}`];
}
