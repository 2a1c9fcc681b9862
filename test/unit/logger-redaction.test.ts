import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLogger, redactUrl } from '../../common/logger';

function capture() {
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, callback) {
      lines.push(chunk.toString());
      callback();
    },
  });
  return { lines, logger: createLogger({ level: 'info' }, stream) };
}

test('tokens, authorization headers and passwords never reach the log', () => {
  const { lines, logger } = capture();
  logger.info({
    employeeToken: 'secret-employee',
    headers: { authorization: 'Basic c2VjcmV0' },
    request: { body: { consumerToken: 'secret-consumer', password: 'hunter2' } },
    url: 'http://x/v2/token/session/:create?consumerToken=secret-consumer&employeeToken=secret-employee&expirationDate=2026-12-05',
  }, 'hello');
  const written = lines.join('');
  for (const secret of ['secret-employee', 'secret-consumer', 'c2VjcmV0', 'hunter2']) assert.ok(!written.includes(secret), `${secret} leaked: ${written}`);
  assert.match(written, /expirationDate=2026-12-05/);
});

test('redactUrl masks every token query parameter and keeps the rest', () => {
  assert.equal(
    redactUrl('/v2/token/session/:create?consumerToken=a&employeeToken=b&expirationDate=2026-12-05'),
    '/v2/token/session/:create?consumerToken=[REDACTED]&employeeToken=[REDACTED]&expirationDate=2026-12-05',
  );
});
