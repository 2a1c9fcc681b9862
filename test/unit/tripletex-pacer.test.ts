import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { RateLimitPacer, readRateLimitHeaders } from '../../activities/tripletex/rate-limit-pacer';
import { fakeClock } from '../support/tripletex-test-server';
import { RateLimiter } from '../../sandbox/tripletex/rate-limit';

/**
 * Callers sharing one pacer against the Tripletex sandbox's own limiter (fixed windows, Reset in
 * whole seconds rounded up, none on a 429), on a simulated clock: each caller reserves, sends
 * (answered `latencyMs` later), and after an answer works `thinkMs` before its next request; a
 * 429 is retried after the delay the pacer gives (at least a second, as a Temporal retry would).
 * Returns how many requests were answered 429 and the accepted requests a second against the limit.
 */
function simulate(options: { limit: number; windowSeconds: number; callers: number; accepted: number; latencyMs: number; thinkMs: number }) {
  let now = Date.parse('2026-12-04T10:00:00.123Z');
  const p = new RateLimitPacer({ now: () => now, sleep: async () => {} });
  const limiter = new RateLimiter({ limit: options.limit, windowSeconds: options.windowSeconds });
  const events: Array<{ at: number; seq: number; run: () => void }> = [];
  let seq = 0;
  const at = (time: number, run: () => void) => events.push({ at: time, seq: seq++, run });
  let accepted = 0;
  let rejected = 0;
  let started = 0;
  const caller = () => {
    if (started >= options.accepted) return;
    started += 1;
    const sendAt = now + p.reserve('t');
    at(sendAt + options.latencyMs / 2, () => {
      const decision = limiter.check('t', now)!;
      const reset = decision.headers['X-Rate-Limit-Reset'];
      const headers = { limit: Number(decision.headers['X-Rate-Limit-Limit']), remaining: Number(decision.headers['X-Rate-Limit-Remaining']), resetSeconds: reset === undefined ? undefined : Number(reset) };
      at(now + options.latencyMs / 2, () => {
        if (decision.allowed) {
          accepted += 1;
          p.observe('t', headers);
          at(now + options.thinkMs, caller);
        } else {
          rejected += 1;
          started -= 1;
          at(now + Math.max(1_000, p.onRateLimited('t', headers)), caller);
        }
      });
    });
  };
  const begin = now;
  for (let i = 0; i < options.callers; i += 1) at(now + i, caller);
  while (events.length > 0) {
    events.sort((a, b) => a.at - b.at || a.seq - b.seq);
    const next = events.shift()!;
    now = Math.max(now, next.at);
    next.run();
  }
  return { share429: rejected / (accepted + rejected), shareOfLimit: accepted / ((now - begin) / 1000) / (options.limit / options.windowSeconds) };
}

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

  test('answers that lag behind do not give back slots already let through', () => {
    const { pacer: p } = pacer({ lowShare: 0, lowFloor: 0 });
    p.observe('t', { limit: 10, remaining: 10, resetSeconds: 10 });
    for (let i = 0; i < 10; i += 1) assert.equal(p.reserve('t'), 0);
    assert.equal(p.reserve('t'), 10_000, 'the period is spent');
    // The answer to the first of them still says 9 remain: 9 others (and one waiting) are on their way.
    p.observe('t', { limit: 10, remaining: 9, resetSeconds: 10 });
    assert.ok(p.reserve('t') > 0);
  });

  test('an answer that overtook an earlier one does not raise what remains', () => {
    const { pacer: p } = pacer({ lowShare: 0, lowFloor: 0 });
    p.observe('t', { limit: 10, remaining: 3, resetSeconds: 10 });
    assert.deepEqual([p.reserve('t'), p.reserve('t')], [0, 0]);
    p.observe('t', { limit: 10, remaining: 1, resetSeconds: 10 });
    p.observe('t', { limit: 10, remaining: 2, resetSeconds: 10 });
    // At most the one the server last said remains, never the two the late answer says.
    assert.equal(p.reserve('t'), 10_000);
  });

  test('after the reset, a new period has the last known limit less what is outstanding', () => {
    const { pacer: p, clock } = pacer({ lowShare: 0, lowFloor: 0 });
    p.observe('t', { limit: 4, remaining: 0, resetSeconds: 2 });
    assert.deepEqual([p.reserve('t'), p.reserve('t')], [2_000, 2_000]);
    clock.advance(2_000);
    // Those two go now and count in the new period: two more may go, the next waits for the one after.
    assert.deepEqual([p.reserve('t'), p.reserve('t'), p.reserve('t')], [0, 0, 2_000]);
  });

  test('more requests waiting for the reset than a period allows go a period later', () => {
    const { pacer: p } = pacer();
    p.observe('t', { limit: 2, remaining: 0, resetSeconds: 1 });
    assert.deepEqual([1, 2, 3, 4, 5].map(() => p.reserve('t')), [1_000, 1_000, 2_000, 2_000, 3_000]);
  });

  test('the end of the period is the earliest bound its answers give (Reset is rounded up)', () => {
    const { pacer: p, clock } = pacer();
    p.observe('t', { limit: 100, remaining: 90, resetSeconds: 10 });
    clock.advance(300);
    p.observe('t', { limit: 100, remaining: 80, resetSeconds: 9 }); // ends by 9.3 s, not 10 s
    assert.equal(p.knownResetAt('t'), clock.now() + 9_000);
  });

  test('a slot too far away is given back, not held', async () => {
    const { pacer: p } = pacer({ maxWaitMs: 1_000, lowShare: 0, lowFloor: 0 });
    p.observe('t', { limit: 1, remaining: 0, resetSeconds: 5 });
    for (let i = 0; i < 3; i += 1) assert.deepEqual(await p.acquire('t'), { waitedMs: 0, tooLongMs: 5_000 });
  });

  for (const [limit, windowSeconds, callers] of [[50, 10, 20], [600, 60, 20], [5, 1, 20], [20, 1, 5]] as const) {
    test(`${callers} callers against the sandbox's limiter, ${limit} per ${windowSeconds} s: under 1 % 429s, at least 95 % of the limit (simulated clock)`, () => {
      const result = simulate({ limit, windowSeconds, callers, accepted: limit * Math.max(20, 200 / windowSeconds), latencyMs: 6, thinkMs: 20 });
      assert.ok(result.share429 < 0.01, `429s: ${result.share429}`);
      assert.ok(result.shareOfLimit >= 0.95, `share of the limit: ${result.shareOfLimit}`);
    });
  }

  test('headers are read case-insensitively; missing or garbage values are ignored', () => {
    const headers = new Headers({ 'X-Rate-Limit-Limit': '500', 'x-rate-limit-remaining': '12', 'X-Rate-Limit-Reset': 'soon' });
    assert.deepEqual(readRateLimitHeaders(headers), { limit: 500, remaining: 12, resetSeconds: undefined });
  });
});
