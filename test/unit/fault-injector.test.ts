/**
 * The sandboxes' fault injector: a seed gives the same faults as before bursts of 429 existed,
 * bursts draw from their own stream (enabling them changes no other fault), and a burst refuses
 * every request for its stretch of time.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FaultInjector, type FaultConfig, type FaultKind } from '../../sandbox/shared/faults';

const EVERY_KIND: FaultConfig = { http500: 0.05, http503: 0.05, http504: 0.05, slow: 0.05, resetBeforeWrite: 0.05, commitThenDrop: 0.05 };
const MYSTORE_KINDS: readonly FaultKind[] = ['resetBeforeWrite', 'http500', 'http503', 'http504', 'slow', 'commitThenDrop'];

function picks(injector: FaultInjector, count: number, beforeEach: (i: number) => void = () => undefined): Array<FaultKind | null> {
  return Array.from({ length: count }, (_, i) => {
    beforeEach(i);
    return injector.pick(i % 3 === 0 ? 'POST' : 'GET', '/x');
  });
}

const faultsAt = (sequence: Array<FaultKind | null>) => sequence.flatMap((kind, i) => (kind ? [`${i}:${kind}`] : [])).slice(0, 12);

test('a seed gives the same faults as before bursts of 429 were added', () => {
  // Recorded with the injector as it was before http429Burst existed.
  assert.deepEqual(faultsAt(picks(new FaultInjector(EVERY_KIND, 7), 200)), [
    '0:resetBeforeWrite', '7:http503', '8:http500', '15:http503', '18:http503', '19:http503',
    '27:http503', '49:http503', '55:http503', '60:http500', '75:slow', '83:resetBeforeWrite',
  ]);
  assert.deepEqual(faultsAt(picks(new FaultInjector(EVERY_KIND, 7, { kinds: MYSTORE_KINDS, writeMethods: ['POST', 'PUT', 'PATCH', 'DELETE'] }), 200)), [
    '0:resetBeforeWrite', '6:http500', '9:commitThenDrop', '12:commitThenDrop', '15:http503', '16:http500',
    '23:http500', '41:http500', '46:http500', '50:http500', '62:http503', '63:resetBeforeWrite',
  ]);
});

test('bursts of 429 change no other fault: outside a burst every request gets what it got without bursts', () => {
  let clock = 0;
  const without = picks(new FaultInjector(EVERY_KIND, 11, { now: () => clock }), 2_000, (i) => { clock = i * 10; });
  const withBursts = picks(new FaultInjector({ ...EVERY_KIND, http429Burst: 0.01, http429BurstMs: 50 }, 11, { now: () => clock }), 2_000, (i) => { clock = i * 10; });
  const bursts = withBursts.filter((kind) => kind === 'http429Burst').length;
  assert.ok(bursts > 0, 'some bursts happened');
  withBursts.forEach((kind, i) => {
    if (kind !== 'http429Burst') assert.equal(kind, without[i], `request ${i}`);
  });
});

test('a burst refuses every request until its time is up, and ends when faults are cleared', () => {
  let clock = 1_000;
  const injector = new FaultInjector({ http429Burst: 1, http429BurstMs: 2_000 }, 3, { now: () => clock });
  assert.equal(injector.pick('GET', '/x'), 'http429Burst');
  injector.setConfig({ http429Burst: 0, http429BurstMs: 2_000 }); // no new bursts; and the one under way ends
  assert.equal(injector.pick('GET', '/x'), null);

  injector.setConfig({ http429Burst: 1, http429BurstMs: 2_000 });
  assert.equal(injector.pick('GET', '/x'), 'http429Burst');
  clock += 1_999;
  assert.equal(injector.pick('GET', '/x'), 'http429Burst');
  injector.setConfig({});
  assert.equal(injector.pick('GET', '/x'), null);
});

test('a burst lasts its time however few requests come, and says how long is left', () => {
  let clock = 0;
  const injector = new FaultInjector({ http429Burst: 0.5, http429BurstMs: 1_500 }, 5, { now: () => clock });
  let first = picks(injector, 1)[0];
  while (first !== 'http429Burst') {
    clock += 10_000;
    first = picks(injector, 1)[0];
  }
  const startedAt = clock;
  assert.equal(injector.burstLeftMs, 1_500);
  clock = startedAt + 1_499;
  assert.equal(injector.pick('GET', '/x'), 'http429Burst', 'still in the burst');
  assert.equal(injector.burstLeftMs, 1);
  // An hour later it is over.
  clock = startedAt + 3_600_000;
  assert.equal(injector.burstLeftMs, 0);
});
