import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { WebhookReplayGuard, signMystoreWebhook, verifyMystoreWebhook } from '../../activities/mystore/webhook-signature';
import { webhookDeliveryBodySchema } from '../../activities/mystore/mystore-api-assumptions';
import { fakeClock } from '../support/mystore-test-server';

const SECRET = 'whsec-test-secret';
const body = Buffer.from('{"id":"1001","topic":"orders/update","shop":"testbutikk","updated_at":"2026-12-04T09:30:00+01:00"}');
const sign = (raw: Buffer, secret = SECRET) => createHmac('sha256', secret).update(raw).digest('base64');
const headers = (signature: string | undefined, extra: Record<string, string> = {}) => ({
  'content-type': 'application/json',
  'x-no-mystore-topic': 'orders/update',
  'x-no-mystore-host': 'testbutikk',
  ...(signature === undefined ? {} : { 'x-no-mystore-hmac-sha256': signature }),
  ...extra,
});

describe('Mystore webhook signature', () => {
  test('a good signature gives topic and shop', () => {
    assert.deepEqual(verifyMystoreWebhook({ rawBody: body, headers: headers(sign(body)), secret: SECRET }), { ok: true, topic: 'orders/update', shop: 'testbutikk' });
    assert.equal(signMystoreWebhook(body, SECRET), sign(body));
    assert.equal(webhookDeliveryBodySchema.parse(JSON.parse(body.toString())).id, '1001');
  });

  test('Fetch Headers and mixed-case keys work too', () => {
    const fetchHeaders = new Headers({ 'X-No-Mystore-Hmac-Sha256': sign(body), 'X-No-Mystore-Topic': 'orders/create', 'X-No-Mystore-Host': 'testbutikk' });
    assert.deepEqual(verifyMystoreWebhook({ rawBody: body, headers: fetchHeaders, secret: SECRET }), { ok: true, topic: 'orders/create', shop: 'testbutikk' });
    const mixed = { 'X-No-Mystore-Hmac-Sha256': sign(body), 'X-No-Mystore-Topic': 'orders/update', 'X-No-Mystore-Host': 'testbutikk' };
    assert.equal(verifyMystoreWebhook({ rawBody: body, headers: mixed, secret: SECRET }).ok, true);
  });

  test('bad signature, wrong secret, tampered body', () => {
    const otherSignature = sign(Buffer.from('something else'));
    assert.deepEqual(verifyMystoreWebhook({ rawBody: body, headers: headers(otherSignature), secret: SECRET }), { ok: false, reason: 'bad-signature' });
    assert.deepEqual(verifyMystoreWebhook({ rawBody: body, headers: headers(sign(body)), secret: 'another-secret' }), { ok: false, reason: 'bad-signature' });
    const tampered = Buffer.from(body.toString().replace('1001', '1002'));
    assert.deepEqual(verifyMystoreWebhook({ rawBody: tampered, headers: headers(sign(body)), secret: SECRET }), { ok: false, reason: 'bad-signature' });
    // One byte of whitespace is a different body: the HMAC is over the raw bytes, never re-serialised JSON.
    const reformatted = Buffer.from(JSON.stringify(JSON.parse(body.toString()), null, 1));
    assert.equal(verifyMystoreWebhook({ rawBody: reformatted, headers: headers(sign(body)), secret: SECRET }).ok, false);
  });

  test('missing signature, missing secret, length mismatch and non-base64 are refused without comparing', () => {
    assert.deepEqual(verifyMystoreWebhook({ rawBody: body, headers: headers(undefined), secret: SECRET }), { ok: false, reason: 'missing-signature' });
    assert.deepEqual(verifyMystoreWebhook({ rawBody: body, headers: headers('   '), secret: SECRET }), { ok: false, reason: 'missing-signature' });
    assert.deepEqual(verifyMystoreWebhook({ rawBody: body, headers: headers(sign(body)), secret: '' }), { ok: false, reason: 'missing-secret' });
    const short = sign(body).slice(0, 20);
    assert.deepEqual(verifyMystoreWebhook({ rawBody: body, headers: headers(short), secret: SECRET }), { ok: false, reason: 'malformed-signature' });
    const long = Buffer.concat([Buffer.from(sign(body), 'base64'), Buffer.from([0])]).toString('base64');
    assert.deepEqual(verifyMystoreWebhook({ rawBody: body, headers: headers(long), secret: SECRET }), { ok: false, reason: 'malformed-signature' });
    const hex = createHmac('sha256', SECRET).update(body).digest('hex');
    assert.deepEqual(verifyMystoreWebhook({ rawBody: body, headers: headers(hex), secret: SECRET }), { ok: false, reason: 'malformed-signature' });
    assert.deepEqual(verifyMystoreWebhook({ rawBody: body, headers: headers('not base64!'), secret: SECRET }), { ok: false, reason: 'malformed-signature' });
  });

  test('missing topic or shop after a valid signature', () => {
    const noTopic = { 'x-no-mystore-hmac-sha256': sign(body), 'x-no-mystore-host': 'testbutikk' };
    assert.deepEqual(verifyMystoreWebhook({ rawBody: body, headers: noTopic, secret: SECRET }), { ok: false, reason: 'missing-topic' });
    const noShop = { 'x-no-mystore-hmac-sha256': sign(body), 'x-no-mystore-topic': 'orders/update' };
    assert.deepEqual(verifyMystoreWebhook({ rawBody: body, headers: noShop, secret: SECRET }), { ok: false, reason: 'missing-shop' });
  });

  test('secret rotation: any of several secrets may match', () => {
    assert.equal(verifyMystoreWebhook({ rawBody: body, headers: headers(sign(body, 'old')), secret: ['new', 'old'] }).ok, true);
    assert.equal(verifyMystoreWebhook({ rawBody: body, headers: headers(sign(body, 'older')), secret: ['new', 'old'] }).ok, false);
  });
});

describe('Webhook replay guard', () => {
  test('a repeated body within the TTL is a duplicate; after the TTL it is new again', () => {
    const clock = fakeClock('2026-12-04T10:00:00Z');
    const guard = new WebhookReplayGuard({ ttlMs: 60_000, now: clock.now });
    assert.equal(guard.checkAndRemember(body, 'testbutikk'), 'new');
    clock.advance(30_000);
    assert.equal(guard.checkAndRemember(body, 'testbutikk'), 'duplicate');
    assert.equal(guard.checkAndRemember(body, 'otherbutikk'), 'new', 'scoped per shop');
    assert.equal(guard.checkAndRemember(Buffer.from(`${body.toString()} `), 'testbutikk'), 'new');
    clock.advance(61_000);
    assert.equal(guard.isDuplicate(body, 'testbutikk'), false);
  });

  test('isDuplicate does not record: a redelivery after a failed attempt is still new', () => {
    const guard = new WebhookReplayGuard();
    assert.equal(guard.isDuplicate(body), false);
    assert.equal(guard.isDuplicate(body), false);
    guard.remember(body);
    assert.equal(guard.isDuplicate(body), true);
  });

  test('bounded memory: the oldest digests go first', () => {
    const guard = new WebhookReplayGuard({ maxEntries: 100 });
    for (let i = 0; i < 1_000; i += 1) guard.remember(Buffer.from(`{"id":"${i}"}`));
    assert.equal(guard.size, 100);
    assert.equal(guard.isDuplicate(Buffer.from('{"id":"999"}')), true);
    assert.equal(guard.isDuplicate(Buffer.from('{"id":"0"}')), false);
  });
});
