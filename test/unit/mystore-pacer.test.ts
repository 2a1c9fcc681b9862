import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { MystoreRateLimitPacer, parseRetryAfter, sharedMystorePacer } from '../../activities/mystore/mystore-rate-limit-pacer';
import { fakeClock } from '../support/mystore-test-server';

function pacer(options: ConstructorParameters<typeof MystoreRateLimitPacer>[0] = {}) {
  const clock = fakeClock('2026-12-04T10:00:00Z');
  const slept: number[] = [];
  const instance = new MystoreRateLimitPacer({
    now: clock.now,
    sleep: async (ms) => {
      slept.push(ms);
      clock.advance(ms);
    },
    ...options,
  });
  return { clock, slept, pacer: instance };
}

/** The most starts in any window of `windowMs` (half-open [t, t+window)). */
function maxInAnyWindow(starts: readonly number[], windowMs: number): number {
  const sorted = [...starts].sort((a, b) => a - b);
  let best = 0;
  for (let i = 0, j = 0; i < sorted.length; i += 1) {
    while ((sorted[i] ?? 0) - (sorted[j] ?? 0) >= windowMs) j += 1;
    best = Math.max(best, i - j + 1);
  }
  return best;
}

describe('Mystore pacer (pure, fake clock)', () => {
  test('defaults: 120 per 61 s window, 127 ms spacing', () => {
    const { pacer: p } = pacer();
    assert.equal(p.limit, 120);
    assert.equal(p.windowMs, 61_000);
    assert.equal(p.minSpacingMs, 127);
    assert.equal(sharedMystorePacer(), sharedMystorePacer(120));
    assert.notEqual(sharedMystorePacer(60), sharedMystorePacer(120));
    assert.equal(sharedMystorePacer(60).limit, 60);
  });

  test('a burst is spread by the minimum spacing, then held to the window', () => {
    const { pacer: p } = pacer({ limit: 4, windowMs: 60_000, minSpacingMs: 100 });
    assert.deepEqual([p.reserve('t'), p.reserve('t'), p.reserve('t'), p.reserve('t')], [0, 100, 200, 300]);
    // The fifth may start only 60 s after the first.
    assert.equal(p.reserve('t'), 60_000);
    assert.equal(p.reserve('t'), 60_100);
    assert.equal(p.reserve('other'), 0, 'another token has its own quota');
  });

  test('time passing frees slots', async () => {
    const { pacer: p, clock, slept } = pacer({ limit: 2, windowMs: 10_000, minSpacingMs: 0 });
    await p.acquire('t');
    await p.acquire('t');
    clock.advance(4_000);
    await p.acquire('t');
    assert.deepEqual(slept, [6_000]);
    clock.advance(10_000);
    await p.acquire('t');
    assert.deepEqual(slept, [6_000]);
  });

  test('never more than N calls in any 60 s window (property: random arrivals, concurrent callers)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.array(fc.integer({ min: 0, max: 5_000 }), { minLength: 1, maxLength: 300 }),
        (limit, gaps) => {
          const { pacer: p, clock } = pacer({ limit, windowMs: 60_000, minSpacingMs: 0 });
          const starts: number[] = [];
          for (const gap of gaps) {
            clock.advance(gap);
            // reserve() without sleeping: callers that arrive while others wait (concurrency).
            starts.push(clock.now() + p.reserve('t'));
          }
          return maxInAnyWindow(starts, 60_000) <= limit;
        },
      ),
      { numRuns: 300 },
    );
  });

  test('120/min default: 1 000 back-to-back calls never exceed 120 in any 60 s, and take about 8 windows', async () => {
    const { pacer: p, clock } = pacer();
    const starts: number[] = [];
    for (let i = 0; i < 1_000; i += 1) {
      const wait = p.reserve('t');
      starts.push(clock.now() + wait);
    }
    assert.ok(maxInAnyWindow(starts, 60_000) <= 120);
    assert.ok(maxInAnyWindow(starts, 61_000) <= 120);
    const spanMs = (starts.at(-1) ?? 0) - (starts[0] ?? 0);
    assert.ok(spanMs >= 8 * 61_000 && spanMs < 9 * 61_000, `span ${spanMs}`);
  });

  test('a 429 pauses the token until Retry-After (or a whole window without it)', async () => {
    const { pacer: p, slept } = pacer({ minSpacingMs: 0 });
    assert.equal(p.onRateLimited('t', 17_000), 17_000);
    assert.equal(p.peek('t'), 17_000);
    await p.acquire('t');
    assert.deepEqual(slept, [17_000]);
    assert.equal(p.onRateLimited('u'), 60_000);
    assert.equal(p.reserve('other'), 0);
  });

  test('a wait longer than maxWaitMs is returned, not slept, and reserves nothing', async () => {
    const { pacer: p, slept } = pacer({ minSpacingMs: 0 });
    p.onRateLimited('t', 90_000);
    assert.deepEqual(await p.acquire('t'), { waitedMs: 0, tooLongMs: 90_000 });
    assert.deepEqual(slept, []);
    assert.equal(p.startsOf('t').length, 0);
  });

  test('memory is bounded: idle tokens are forgotten first', () => {
    const { pacer: p, clock } = pacer({ maxKeys: 3, minSpacingMs: 0 });
    p.reserve('a');
    p.reserve('b');
    clock.advance(70_000);
    p.reserve('c');
    p.reserve('d');
    assert.equal(p.startsOf('a').length, 0);
    assert.equal(p.startsOf('d').length, 1);
  });

  test('Retry-After in seconds or as an HTTP date', () => {
    const now = Date.parse('2026-12-04T10:00:00Z');
    assert.equal(parseRetryAfter('17', now), 17_000);
    assert.equal(parseRetryAfter('0.5', now), 500);
    assert.equal(parseRetryAfter('Fri, 04 Dec 2026 10:00:30 GMT', now), 30_000);
    assert.equal(parseRetryAfter(null, now), undefined);
    assert.equal(parseRetryAfter('soon', now), undefined);
  });
});
