import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RateLimitPacer, readRateLimitHeaders } from '../../activities/tripletex/rate-limit-pacer';
import { fakeClock } from '../support/tripletex-test-server';

function pacer(options: ConstructorParameters<typeof RateLimitPacer>[0] = {}) {
  const clock = fakeClock('2026-12-04T10:00:00Z');
  const slept: number[] = [];
  const instance = new RateLimitPacer({
    now: clock.now,
    sleep: async (ms) => {
      slept.push(ms);
      clock.advance(ms);
    },
    ...options,
  });
  return { clock, slept, pacer: instance };
}

describe('rate-limit pacer (pure, fake clock)', () => {
  test('an unknown token and plenty remaining send at once', () => {
    const { pacer: p } = pacer();
    assert.equal(p.reserve('t'), 0);
    p.observe('t', { limit: 100, remaining: 80, resetSeconds: 60 });
    for (let i = 0; i < 10; i += 1) assert.equal(p.reserve('t'), 0);
  });

  test('low remaining spaces requests evenly over the time left', () => {
    const { pacer: p } = pacer();
    p.observe('t', { limit: 100, remaining: 10, resetSeconds: 20 }); // 10 ≤ 20 % of 100
    // 20 s for 10 requests → one every 2 s.
    assert.deepEqual([p.reserve('t'), p.reserve('t'), p.reserve('t')], [0, 2_000, 4_000]);
  });

  test('spacing follows the clock: later requests wait only for their own slot', async () => {
    const { pacer: p, slept, clock } = pacer();
    p.observe('t', { limit: 100, remaining: 4, resetSeconds: 8 });
    await p.acquire('t');
    await p.acquire('t');
    clock.advance(5_000);
    await p.acquire('t');
    assert.deepEqual(slept, [2_000]);
  });

  test('remaining 0 waits until the reset', () => {
    const { pacer: p, clock } = pacer();
    p.observe('t', { limit: 100, remaining: 0, resetSeconds: 42 });
    assert.equal(p.reserve('t'), 42_000);
    clock.advance(40_000);
    assert.equal(p.reserve('t'), 2_000);
    clock.advance(2_000);
    assert.equal(p.reserve('t'), 0, 'a new period has begun');
  });

  test('a 429 without Reset waits from the last known reset and blocks everyone on the token', () => {
    const { pacer: p, clock } = pacer();
    p.observe('t', { limit: 100, remaining: 50, resetSeconds: 30 });
    clock.advance(12_000);
    assert.equal(p.onRateLimited('t'), 18_000);
    assert.equal(p.reserve('t'), 18_000);
    assert.equal(p.reserve('other'), 0, 'other tokens are not affected');
  });

  test('a 429 with no reset known backs off exponentially, capped, and a good response clears it', () => {
    const { pacer: p } = pacer({ backoffBaseMs: 1_000, backoffMaxMs: 5_000 });
    assert.deepEqual([1, 2, 3, 4].map(() => p.onRateLimited('t')), [1_000, 2_000, 4_000, 5_000]);
    p.observe('t', {});
    assert.equal(p.reserve('t'), 0);
    assert.equal(p.onRateLimited('t'), 1_000);
  });

  test('a 429 that carries a Reset after all uses it', () => {
    const { pacer: p } = pacer();
    assert.equal(p.onRateLimited('t', { resetSeconds: 7 }), 7_000);
  });

  test('a wait longer than maxWaitMs is returned instead of slept', async () => {
    const { pacer: p, slept } = pacer({ maxWaitMs: 10_000 });
    p.observe('t', { limit: 100, remaining: 0, resetSeconds: 600 });
    assert.deepEqual(await p.acquire('t'), { waitedMs: 0, tooLongMs: 600_000 });
    assert.deepEqual(slept, []);
  });

  test('headers are read case-insensitively; missing or garbage values are ignored', () => {
    const headers = new Headers({ 'X-Rate-Limit-Limit': '500', 'x-rate-limit-remaining': '12', 'X-Rate-Limit-Reset': 'soon' });
    assert.deepEqual(readRateLimitHeaders(headers), { limit: 500, remaining: 12, resetSeconds: undefined });
  });
});
