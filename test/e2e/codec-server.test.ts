/**
 * The codec server as the Temporal UI uses it: decrypts what the payload codec encrypted, for
 * the UI's origin only.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import getPort from 'get-port';
import { defaultPayloadConverter } from '@temporalio/common';
import { loadConfig } from '../../common/config';
import { createPayloadCodec } from '../../common/payload-codec';
import { startCodecServer } from '../../client/codec-server';
import { testLogger } from '../support/temporal';

const config = loadConfig({ CODEC_SERVER_PORT: String(await getPort()) });
const server = await startCodecServer(config, testLogger());
after(() => server.close());
const origin = `http://localhost:${config.TEMPORAL_UI_PORT}`;

test('decodes encrypted payloads for the UI, with CORS for its origin', async () => {
  const [encrypted] = await createPayloadCodec(config).encode([defaultPayloadConverter.toPayload({ summary: 'NeedsAttention: VAT code 3 is not active' })]);
  const body = { payloads: [{ metadata: Object.fromEntries(Object.entries(encrypted!.metadata!).map(([k, v]) => [k, Buffer.from(v!).toString('base64')])), data: Buffer.from(encrypted!.data!).toString('base64') }] };
  const response = await fetch(`${server.url}/decode`, { method: 'POST', headers: { origin, 'content-type': 'application/json', 'x-namespace': 'default' }, body: JSON.stringify(body) });
  assert.equal(response.status, 200);
  assert.equal(response.headers.get('access-control-allow-origin'), origin);
  const decoded = (await response.json()) as { payloads: Array<{ metadata: Record<string, string>; data: string }> };
  const payload = decoded.payloads[0]!;
  const value = defaultPayloadConverter.fromPayload({ metadata: Object.fromEntries(Object.entries(payload.metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')])), data: Buffer.from(payload.data, 'base64') });
  assert.deepEqual(value, { summary: 'NeedsAttention: VAT code 3 is not active' });

  const preflight = await fetch(`${server.url}/decode`, { method: 'OPTIONS', headers: { origin, 'access-control-request-headers': 'x-namespace' } });
  assert.equal(preflight.status, 204);
  assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /X-Namespace/);
});

test('another origin, a malformed body and a wrong path are refused', async () => {
  const foreign = await fetch(`${server.url}/decode`, { method: 'POST', headers: { origin: 'https://evil.example', 'content-type': 'application/json' }, body: '{"payloads":[]}' });
  assert.equal(foreign.status, 403);
  const malformed = await fetch(`${server.url}/decode`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"nope":1}' });
  assert.equal(malformed.status, 400);
  const wrongPath = await fetch(`${server.url}/keys`, { method: 'POST' });
  assert.equal(wrongPath.status, 404);
});
