import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { assessMystoreReadiness, type MystoreKeyFacts, type RequiredMystoreScope } from '../../domain/mystore-readiness';
import { MystoreScopes, SCOPES_BY_OPERATION, requiredMystoreScopes } from '../../activities/mystore/mystore-api-assumptions';

const REQUIRED = requiredMystoreScopes();
const ALL = REQUIRED.map((required) => required.scope);

function facts(overrides: Partial<MystoreKeyFacts> = {}): MystoreKeyFacts {
  return {
    shop: 'fjellsport',
    gatheredAt: '2026-12-04T12:00:00.000Z',
    tokenAccepted: true,
    rejection: null,
    scopes: [...ALL],
    tokenShops: ['fjellsport'],
    tokenExpiresAt: null,
    requiredScopes: REQUIRED,
    settings: { language: 'no', currency: 'NOK', storeName: 'Fjellsport' },
    orderStatuses: [
      { statusId: '1', name: 'Ikke behandlet', completed: false, cancelled: false },
      { statusId: '3', name: 'Sendt', completed: true, cancelled: false },
      { statusId: '4', name: 'Kansellert', completed: false, cancelled: true },
    ],
    paymentModules: [
      { code: 'klarna', title: 'Klarna', enabled: true },
      { code: 'cod', title: 'Postoppkrav', enabled: false },
    ],
    unreadable: [],
    ...overrides,
  };
}

const failed = (readiness: ReturnType<typeof assessMystoreReadiness>) => readiness.checks.filter((check) => !check.ok).map((check) => check.id);

describe('the scopes the integration needs', () => {
  test('are every scope of the client\'s table, each with what it is needed for', () => {
    const fromTable = new Set(Object.values(SCOPES_BY_OPERATION).flat());
    assert.deepEqual(new Set(ALL), fromTable);
    for (const scope of [MystoreScopes.readOrders, MystoreScopes.readOrderProducts, MystoreScopes.readOrderProductAttributes, MystoreScopes.readOrderTotals,
      MystoreScopes.readCustomers, MystoreScopes.readOrderStatus, MystoreScopes.readSettings, MystoreScopes.readWebhooks, MystoreScopes.writeWebhooks, MystoreScopes.writeOrders]) {
      assert.ok(ALL.includes(scope), scope);
    }
    assert.match(REQUIRED.find((required) => required.scope === MystoreScopes.writeOrders)?.neededFor ?? '', /invoice number back/);
  });
});

describe('assessMystoreReadiness', () => {
  test('a good token for a set-up shop is ready, and gives the completed statuses, modules and language', () => {
    const readiness = assessMystoreReadiness(facts());
    assert.equal(readiness.ready, true);
    assert.deepEqual(failed(readiness), []);
    assert.deepEqual(readiness.completedStatuses, [{ statusId: '3', name: 'Sendt' }]);
    assert.equal(readiness.paymentModules.length, 2);
    assert.equal(readiness.language, 'no');
    assert.ok(readiness.checks.every((check) => check.ok || check.fix), 'every problem has a fix');
  });

  test('the required scopes default to the ones in the facts', () => {
    assert.deepEqual(assessMystoreReadiness(facts()), assessMystoreReadiness(facts(), REQUIRED));
  });

  test('a refused token blocks with Mystore\'s words and the scopes to tick, and nothing else is judged', () => {
    const readiness = assessMystoreReadiness(facts({ tokenAccepted: false, rejection: 'Token has expired or is invalid', settings: null, orderStatuses: null, paymentModules: null }));
    assert.equal(readiness.ready, false);
    assert.deepEqual(readiness.checks.map((check) => check.id), ['token']);
    assert.match(readiness.checks[0]?.message ?? '', /Token has expired or is invalid/);
    assert.match(readiness.checks[0]?.fix ?? '', /read:orders/);
  });

  test('a token for another shop, or an expired one, says so', () => {
    const other = assessMystoreReadiness(facts({ tokenAccepted: false, rejection: 'Token has expired or is invalid', tokenShops: ['annen-butikk'] }));
    assert.match(other.checks[0]?.message ?? '', /made for "annen-butikk", not for "fjellsport"/);
    const expired = assessMystoreReadiness(facts({ tokenAccepted: false, rejection: 'Token has expired or is invalid', tokenExpiresAt: '2026-11-30T00:00:00.000Z' }));
    assert.match(expired.checks[0]?.message ?? '', /expired on 2026-11-30/);
  });

  test('each missing scope is named as a blocking check of its own, with what it is needed for', () => {
    const readiness = assessMystoreReadiness(facts({ scopes: ALL.filter((scope) => scope !== 'write:orders' && scope !== 'read:order-totals') }));
    assert.equal(readiness.ready, false);
    assert.deepEqual(failed(readiness), ['scope-read:order-totals', 'scope-write:orders']);
    const writeOrders = readiness.checks.find((check) => check.id === 'scope-write:orders');
    assert.match(writeOrders?.message ?? '', /writing the invoice number back/);
    assert.match(writeOrders?.fix ?? '', /write:orders/);
  });

  test('property: exactly the missing required scopes fail', () => {
    fc.assert(fc.property(fc.subarray(ALL), (held) => {
      const readiness = assessMystoreReadiness(facts({ scopes: held }));
      const missing = ALL.filter((scope) => !held.includes(scope)).map((scope) => `scope-${scope}`);
      assert.deepEqual(failed(readiness).filter((id) => id.startsWith('scope-')), missing);
      assert.equal(readiness.ready, missing.length === 0);
    }));
  });

  test('a token that is not a JWT: scopes judged from the reads Mystore refused, with a warning', () => {
    const readiness = assessMystoreReadiness(facts({
      scopes: null, tokenShops: null, orderStatuses: null,
      unreadable: [{ what: 'order statuses', scope: 'read:order-status', message: 'Missing scope: read:order-status' }],
    }));
    assert.deepEqual(failed(readiness), ['scope-read:order-status', 'scopes-unknown', 'completed-status']);
    assert.equal(readiness.checks.find((check) => check.id === 'scopes-unknown')?.severity, 'warning');
    assert.match(readiness.checks.find((check) => check.id === 'completed-status')?.message ?? '', /Missing scope: read:order-status/);
  });

  test('no status with the completed tag blocks, and says to tag one "Fullført"', () => {
    const readiness = assessMystoreReadiness(facts({ orderStatuses: [{ statusId: '1', name: 'Ny', completed: false, cancelled: false }] }));
    assert.equal(readiness.ready, false);
    const check = readiness.checks.find((candidate) => candidate.id === 'completed-status');
    assert.equal(check?.severity, 'blocking');
    assert.match(check?.fix ?? '', /order status settings.*"Fullført"/);
    assert.deepEqual(readiness.completedStatuses, []);
  });

  test('no cancelled tag, no payment module and a token about to expire only warn', () => {
    const readiness = assessMystoreReadiness(facts({
      orderStatuses: [{ statusId: '3', name: 'Sendt', completed: true, cancelled: false }],
      paymentModules: [{ code: 'klarna', title: 'Klarna', enabled: false }],
      tokenExpiresAt: '2026-12-14T12:00:00.000Z',
    }));
    assert.equal(readiness.ready, true);
    assert.deepEqual(failed(readiness), ['token-expiry', 'cancelled-status', 'payment-modules']);
    assert.match(readiness.checks.find((check) => check.id === 'token-expiry')?.message ?? '', /in 10 days/);
  });

  test('settings unreadable: language falls back to Norwegian', () => {
    const readiness = assessMystoreReadiness(facts({ settings: null }), [] as RequiredMystoreScope[]);
    assert.equal(readiness.language, 'no');
    assert.equal(readiness.checks.some((check) => check.id === 'settings'), false);
  });
});
