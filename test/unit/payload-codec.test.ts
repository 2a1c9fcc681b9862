import { test } from 'node:test';
import assert from 'node:assert/strict';
import { defaultPayloadConverter } from '@temporalio/common';
import { AesGcmPayloadCodec, UnknownEncryptionKeyError } from '../../common/payload-codec';

const key = Buffer.alloc(32, 1).toString('base64');

test('payloads are encrypted (no plain text) and decrypt to the original', async () => {
  const codec = new AesGcmPayloadCodec('k1', { k1: key });
  const original = defaultPayloadConverter.toPayload({ tripletexEmployeeToken: 'very-secret-token', email: 'ola@example.no' });
  const [encoded] = await codec.encode([original]);
  assert.ok(encoded);
  const bytes = Buffer.from(encoded.data!).toString('latin1');
  assert.ok(!bytes.includes('very-secret-token'));
  assert.ok(!bytes.includes('ola@example.no'));
  const [decoded] = await codec.decode([encoded]);
  assert.deepEqual(defaultPayloadConverter.fromPayload(decoded!), { tripletexEmployeeToken: 'very-secret-token', email: 'ola@example.no' });
});

test('old payloads stay readable after a key rotation; an unknown key id is named', async () => {
  const oldCodec = new AesGcmPayloadCodec('k1', { k1: key });
  const [encoded] = await oldCodec.encode([defaultPayloadConverter.toPayload('hello')]);
  const rotated = new AesGcmPayloadCodec('k2', { k1: key, k2: Buffer.alloc(32, 2).toString('base64') });
  assert.equal(defaultPayloadConverter.fromPayload((await rotated.decode([encoded!]))[0]!), 'hello');
  const stranger = new AesGcmPayloadCodec('k3', { k3: Buffer.alloc(32, 3).toString('base64') });
  await assert.rejects(stranger.decode([encoded!]), UnknownEncryptionKeyError);
});

test('a tampered payload is rejected', async () => {
  const codec = new AesGcmPayloadCodec('k1', { k1: key });
  const [encoded] = await codec.encode([defaultPayloadConverter.toPayload('amount: 100')]);
  const data = Buffer.from(encoded!.data!);
  data.writeUInt8(data.readUInt8(data.length - 20) ^ 1, data.length - 20);
  await assert.rejects(codec.decode([{ ...encoded!, data }]));
});
