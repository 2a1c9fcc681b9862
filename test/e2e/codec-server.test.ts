/**
 * The codec server as the Temporal UI uses it: decrypts what the payload codec encrypted, for
 * the UI's origin only, and with CODEC_SERVER_TOKEN only for requests that carry it.
 */
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import getPort from 'get-port';
import { defaultPayloadConverter } from '@temporalio/common';
import { ConfigError, loadConfig } from '../../common/config';
import { createPayloadCodec } from '../../common/payload-codec';
import { startCodecServer } from '../../client/codec-server';
import { testLogger } from '../support/temporal';

// The test run's environment (its payload key), plus a port of our own.
const config = loadConfig({ ...process.env, CODEC_SERVER_PORT: String(await getPort()) });
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

test('with CODEC_SERVER_TOKEN, /decode and /encode need the bearer token; preflight stays open', async () => {
  const token = 'codec-server-test-token-0123456789';
  const guarded = await startCodecServer({ ...config, CODEC_SERVER_PORT: await getPort(), CODEC_SERVER_TOKEN: token }, testLogger());
  try {
    const [encrypted] = await createPayloadCodec(config).encode([defaultPayloadConverter.toPayload('Kari Nordmann')]);
    const body = JSON.stringify({ payloads: [{ metadata: Object.fromEntries(Object.entries(encrypted!.metadata!).map(([k, v]) => [k, Buffer.from(v!).toString('base64')])), data: Buffer.from(encrypted!.data!).toString('base64') }] });
    const post = (operation: string, authorization?: string) =>
      fetch(`${guarded.url}/${operation}`, { method: 'POST', headers: { origin, 'content-type': 'application/json', ...(authorization === undefined ? {} : { authorization }) }, body });

    for (const operation of ['decode', 'encode']) {
      const missing = await post(operation);
      assert.equal(missing.status, 401);
      assert.match(((await missing.json()) as { error: string }).error, /missing Authorization header.*Bearer <CODEC_SERVER_TOKEN>/);
      assert.match(missing.headers.get('www-authenticate') ?? '', /^Bearer/);
      assert.equal(missing.headers.get('access-control-allow-origin'), origin, 'the UI can read why');

      const notBearer = await post(operation, `Basic ${Buffer.from(`x:${token}`).toString('base64')}`);
      assert.equal(notBearer.status, 401);
      assert.match(((await notBearer.json()) as { error: string }).error, /not "Bearer <token>"/);

      const wrong = await post(operation, `Bearer ${token.slice(0, -1)}x`);
      assert.equal(wrong.status, 401);
      assert.match(((await wrong.json()) as { error: string }).error, /wrong bearer token \(CODEC_SERVER_TOKEN\)/);
      const shorter = await post(operation, 'Bearer x');
      assert.equal(shorter.status, 401);

      const right = await post(operation, `Bearer ${token}`);
      assert.equal(right.status, 200, operation);
    }
    const decoded = (await (await post('decode', `bearer ${token}`)).json()) as { payloads: Array<{ metadata: Record<string, string>; data: string }> };
    const payload = decoded.payloads[0]!;
    assert.equal(defaultPayloadConverter.fromPayload({ metadata: Object.fromEntries(Object.entries(payload.metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')])), data: Buffer.from(payload.data, 'base64') }), 'Kari Nordmann');

    const preflight = await fetch(`${guarded.url}/decode`, { method: 'OPTIONS', headers: { origin, 'access-control-request-headers': 'authorization,x-namespace' } });
    assert.equal(preflight.status, 204);
    assert.match(preflight.headers.get('access-control-allow-headers') ?? '', /Authorization/);
  } finally {
    await guarded.close();
  }
});

test('off loopback, the codec server does not start without CODEC_SERVER_TOKEN', async () => {
  assert.throws(() => loadConfig({ ...process.env, CODEC_SERVER_HOST: '0.0.0.0' }), /CODEC_SERVER_TOKEN: must be set when CODEC_SERVER_HOST/);
  await assert.rejects(startCodecServer({ ...config, CODEC_SERVER_HOST: '0.0.0.0', CODEC_SERVER_PORT: await getPort(), CODEC_SERVER_TOKEN: undefined }, testLogger()), (error: unknown) => {
    assert.ok(error instanceof ConfigError);
    assert.match(error.message, /CODEC_SERVER_TOKEN/);
    return true;
  });
});
