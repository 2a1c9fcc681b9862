import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConfigError, DEV_PAYLOAD_ENCRYPTION_KEY, loadConfig } from '../../common/config';

test('an empty environment gives the embedded default', () => {
  const config = loadConfig({});
  assert.equal(config.TEMPORAL_ADDRESS, '127.0.0.1:7233');
  assert.equal(config.TRIPLETEX_BASE_URL, 'http://127.0.0.1:8701/v2');
  assert.equal(config.TRIPLETEX_TIMEOUT_MS, 30_000);
});

test('a wrong value fails with the name of the variable', () => {
  assert.throws(() => loadConfig({ TRIPLETEX_TIMEOUT_MS: 'soon', TEMPORAL_ADDRESS: 'localhost' }), (error: unknown) => {
    assert.ok(error instanceof ConfigError);
    assert.match(error.message, /TRIPLETEX_TIMEOUT_MS/);
    assert.match(error.message, /TEMPORAL_ADDRESS: must be host:port/);
    return true;
  });
});

test('the development encryption key is refused with real endpoints', () => {
  assert.throws(() => loadConfig({ TRIPLETEX_BASE_URL: 'https://tripletex.no/v2' }), /PAYLOAD_ENCRYPTION_KEY: the built-in development key/);
  const key = Buffer.alloc(32, 7).toString('base64');
  assert.notEqual(key, DEV_PAYLOAD_ENCRYPTION_KEY);
  assert.equal(loadConfig({ TRIPLETEX_BASE_URL: 'https://tripletex.no/v2', PAYLOAD_ENCRYPTION_KEY: key }).TRIPLETEX_BASE_URL, 'https://tripletex.no/v2');
});

test('a key that is not 32 bytes is refused', () => {
  assert.throws(() => loadConfig({ PAYLOAD_ENCRYPTION_KEY: Buffer.alloc(16).toString('base64') }), /PAYLOAD_ENCRYPTION_KEY: must be base64 of exactly 32 bytes/);
});
