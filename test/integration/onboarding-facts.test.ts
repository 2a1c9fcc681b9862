/**
 * Onboarding's fact-gathering activities against both sandboxes over HTTP, called directly (no
 * Temporal), with the verdicts they feed: a good Mystore key, a revoked one, one missing scopes,
 * a shop without a completed status, a Mystore outage (thrown, so Temporal retries), and the
 * numbering facts of a company with customers and an invoice made by hand.
 */
import { after, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApplicationFailure } from '@temporalio/common';
import type { ActivityDeps } from '../../activities/activity-deps';
import { createOnboardingActivities } from '../../activities/onboarding-activities';
import { createMystoreClient } from '../../activities/mystore/mystore-client';
import { MystoreRateLimitPacer } from '../../activities/mystore/mystore-rate-limit-pacer';
import { createTripletexClient } from '../../activities/tripletex/tripletex-client';
import { assessMystoreReadiness } from '../../domain/mystore-readiness';
import { assessNumbering, verifyNumberingAfterConfirmation } from '../../domain/numbering';
import { paymentMethodsFromMapping, suggestPaymentMapping } from '../../domain/payment-mapping';
import { assessTripletexReadiness } from '../../domain/tripletex-readiness';
import { startMystoreSandbox } from '../../sandbox/mystore';
import { startTripletexSandboxForTest } from '../support/tripletex-sandbox';
import { testLogger } from '../support/temporal';

const { sandbox: tripletexSandbox, consumerToken } = await startTripletexSandboxForTest();
const mystoreSandbox = await startMystoreSandbox({ port: 0, rateLimitPerMinute: null, seed: 4711 });
after(() => mystoreSandbox.close());

const logger = testLogger();
const pacer = new MystoreRateLimitPacer({ limit: 100_000, minSpacingMs: 0 });
const notUsed = () => {
  throw new Error('not used by the onboarding fact activities');
};
// Only what these activities use is real; the rest of ActivityDeps (shops, transfers) is not needed.
const deps = {
  tripletexClient: (employeeToken: string) => createTripletexClient({ baseUrl: tripletexSandbox.baseUrl, consumerToken, employeeToken, logger }),
  mystoreClient: (shop: string, token: string, language: string) => createMystoreClient({ baseUrl: mystoreSandbox.baseUrl, shop, token, language, logger, pacer }),
  signalTransfer: notUsed,
  shops: new Proxy({}, { get: notUsed }),
  logger,
  now: () => new Date(),
} as unknown as ActivityDeps;
const activities = createOnboardingActivities(deps);

let shops = 0;
function shop(options: Omit<Parameters<typeof mystoreSandbox.admin.createShop>[0], 'shop'> = {}): string {
  shops += 1;
  const name = `facts-shop-${shops}`;
  mystoreSandbox.admin.createShop({ shop: name, storeName: `Fjellsport ${shops}`, ...options });
  return name;
}

function company(name: string) {
  const { companyId } = tripletexSandbox.admin.createCompany({ name });
  return { companyId, employeeToken: tripletexSandbox.admin.createEmployeeToken(companyId) };
}

describe('gatherMystoreKeyFacts against the Mystore sandbox', () => {
  test('a good token: accepted, every scope, statuses with their tags, payment modules and settings; ready', async () => {
    const mystoreShop = shop();
    const mystoreToken = mystoreSandbox.admin.createToken(mystoreShop);
    const facts = await activities.gatherMystoreKeyFacts({ mystoreShop, mystoreToken });
    assert.equal(facts.tokenAccepted, true);
    assert.equal(facts.rejection, null);
    assert.deepEqual(new Set(facts.scopes), new Set(facts.requiredScopes.map((required) => required.scope)));
    assert.deepEqual(facts.tokenShops, [mystoreShop]);
    assert.deepEqual(facts.settings, { language: 'no', currency: 'NOK', storeName: `Fjellsport ${shops}` });
    assert.deepEqual(facts.orderStatuses?.filter((status) => status.completed).map((status) => status.name), ['Sendt']);
    assert.deepEqual(facts.orderStatuses?.filter((status) => status.cancelled).map((status) => status.name), ['Kansellert']);
    assert.deepEqual(facts.paymentModules?.map((module) => module.code), ['klarna', 'vipps', 'card', 'invoice', 'cod', 'giftcard']);
    assert.deepEqual(facts.unreadable, []);

    const readiness = assessMystoreReadiness(facts);
    assert.equal(readiness.ready, true, JSON.stringify(readiness.checks.filter((check) => !check.ok)));
    assert.equal(readiness.language, 'no');
    assert.deepEqual(readiness.completedStatuses.map((status) => status.name), ['Sendt']);

    // The payment mapping from what both sides show: a fresh Tripletex company's payment types.
    const { employeeToken } = company('Fjellsport Nettbutikk AS');
    const tripletex = assessTripletexReadiness(await activities.gatherTripletexKeyFacts({ employeeToken }));
    assert.equal(tripletex.ready, true);
    assert.equal(tripletex.checks.find((check) => check.id === 'credit-note-access')?.inferred, true);
    const mapping = suggestPaymentMapping(readiness.paymentModules, tripletex.paymentTypes, {});
    const typeOf = (description: string) => tripletex.paymentTypes.find((type) => type.description === description)?.id;
    assert.deepEqual(Object.fromEntries(mapping.modules.map((module) => [module.module, module.suggestedPaymentTypeId])), {
      klarna: typeOf('Klarna'), vipps: typeOf('Vipps'), card: typeOf('Betalt til bank'), invoice: null, cod: null, giftcard: typeOf('Betalt til bank'),
    });
    assert.deepEqual(mapping.unmapped, ['klarna', 'vipps', 'card', 'giftcard']);
    const confirmed = Object.fromEntries(mapping.modules.map((module) => [module.module, module.suggestedPaymentTypeId]));
    const methods = paymentMethodsFromMapping(suggestPaymentMapping(readiness.paymentModules, tripletex.paymentTypes, confirmed));
    assert.deepEqual(methods.klarna, { prepaid: true, tripletexPaymentTypeId: typeOf('Klarna'), sendInvoice: false });
    assert.deepEqual(methods.invoice, { prepaid: false, tripletexPaymentTypeId: null, sendInvoice: true });
  });

  test('a revoked token is a fact with Mystore\'s words, not a crash', async () => {
    const mystoreShop = shop();
    const mystoreToken = mystoreSandbox.admin.createToken(mystoreShop);
    mystoreSandbox.admin.revokeToken(mystoreToken);
    const facts = await activities.gatherMystoreKeyFacts({ mystoreShop, mystoreToken });
    assert.equal(facts.tokenAccepted, false);
    assert.equal(facts.rejection, 'Token has expired or is invalid');
    const readiness = assessMystoreReadiness(facts);
    assert.equal(readiness.ready, false);
    assert.deepEqual(readiness.checks.map((check) => check.id), ['token']);
    assert.match(readiness.checks[0]?.fix ?? '', /personal access token/);
  });

  test('a token for another shop is refused and named as such', async () => {
    const mine = shop();
    const theirs = shop();
    const facts = await activities.gatherMystoreKeyFacts({ mystoreShop: mine, mystoreToken: mystoreSandbox.admin.createToken(theirs) });
    assert.equal(facts.tokenAccepted, false);
    assert.match(assessMystoreReadiness(facts).checks[0]?.message ?? '', new RegExp(`made for "${theirs}", not for "${mine}"`));
  });

  test('a token missing scopes: accepted, each missing scope named, what it could not read left empty', async () => {
    const mystoreShop = shop();
    const mystoreToken = mystoreSandbox.admin.createToken(mystoreShop, { scopes: ['read:orders', 'read:settings'] });
    const facts = await activities.gatherMystoreKeyFacts({ mystoreShop, mystoreToken });
    assert.equal(facts.tokenAccepted, true);
    assert.deepEqual(facts.scopes, ['read:orders', 'read:settings']);
    assert.equal(facts.orderStatuses, null);
    assert.notEqual(facts.paymentModules, null, '/payment needs read:settings only');
    assert.deepEqual(facts.unreadable.map((entry) => [entry.what, entry.scope]), [['order statuses', 'read:order-status']]);

    const readiness = assessMystoreReadiness(facts);
    assert.equal(readiness.ready, false);
    const failed = readiness.checks.filter((check) => !check.ok).map((check) => check.id);
    assert.deepEqual(failed, [
      'scope-read:order-products', 'scope-read:order-product-attributes', 'scope-read:order-totals', 'scope-read:customers', 'scope-read:order-status',
      'scope-write:orders', 'scope-write:webhooks', 'scope-read:webhooks', 'completed-status',
    ]);
    assert.ok(readiness.checks.filter((check) => !check.ok).every((check) => check.fix));
  });

  test('a shop with no status tagged completed is blocked, with the fix', async () => {
    const mystoreShop = shop({ statuses: [{ name: 'Ny', tag: 'standard' }, { name: 'Sendt' }, { name: 'Kansellert', tag: 'cancelled' }] });
    const facts = await activities.gatherMystoreKeyFacts({ mystoreShop, mystoreToken: mystoreSandbox.admin.createToken(mystoreShop) });
    const readiness = assessMystoreReadiness(facts);
    assert.equal(readiness.ready, false);
    assert.deepEqual(readiness.checks.filter((check) => !check.ok).map((check) => check.id), ['completed-status']);
    assert.match(readiness.checks.find((check) => check.id === 'completed-status')?.fix ?? '', /Fullført/);
  });

  test('Mystore answering 503 is thrown as a retryable failure, so Temporal retries', async () => {
    const mystoreShop = shop();
    const mystoreToken = mystoreSandbox.admin.createToken(mystoreShop);
    mystoreSandbox.admin.setFaults({ http503: 1 });
    try {
      await assert.rejects(activities.gatherMystoreKeyFacts({ mystoreShop, mystoreToken }), (error: unknown) => error instanceof ApplicationFailure && !error.nonRetryable);
    } finally {
      mystoreSandbox.admin.setFaults({});
    }
  });
});

describe('gatherNumberingFacts against both sandboxes', () => {
  test('customers made by hand below 100000 and an invoice made in the UI are seen; the newest orders are read in two calls', async () => {
    const { companyId, employeeToken } = company('Nummer AS');
    const tripletex = createTripletexClient({ baseUrl: tripletexSandbox.baseUrl, consumerToken, employeeToken, logger });
    // Customers made "by hand" in Tripletex's own series (10001, 10002), one with a number the shop uses.
    const first = await tripletex.createCustomer({ name: 'Kari Hånd' });
    await tripletex.createCustomer({ name: 'Ola Hånd' });
    await tripletex.createCustomer({ name: 'Per Butikk', customerNumber: 1005 });
    await tripletex.createCustomer({ name: 'Nils Ny', customerNumber: 100003 });
    tripletexSandbox.admin.createInvoiceManually(companyId, { customerId: first.id, invoiceDate: '2026-11-20', lines: [{ description: 'Fra skjermen', unitPrice: 250 }] });

    const mystoreShop = shop();
    const mystoreToken = mystoreSandbox.admin.createToken(mystoreShop);
    const orderIds = mystoreSandbox.admin.generateOrders(mystoreShop, { count: 150, seed: 7 });
    const newest = orderIds.map(Number).sort((a, b) => a - b).slice(100);
    const newestCustomers = newest
      .map((id) => mystoreSandbox.admin.getOrder(mystoreShop, String(id)).customer?.id)
      .filter((id): id is string => id !== undefined)
      .map(Number);

    const requestsBefore = mystoreSandbox.requestCount();
    const input = { mystoreShop, mystoreToken, tripletexEmployeeToken: employeeToken, language: 'no' };
    const facts = await activities.gatherNumberingFacts(input);
    assert.equal(mystoreSandbox.requestCount() - requestsBefore, 2, 'the first page names the last; the last is read');
    assert.deepEqual(facts.tripletex, { customerCount: 4, highestCustomerNumber: 100003, customerNumbersBelowStart: [1005, 10001, 10002], highestInvoiceNumber: 1 });
    const { span, ...mystoreFacts } = facts.mystore;
    assert.deepEqual(mystoreFacts, { highestOrderId: Math.max(...orderIds.map(Number)), highestCustomerId: Math.max(...newestCustomers), ordersRead: 50 });
    assert.equal(span?.highest.orderId, Math.max(...orderIds.map(Number)), 'the series\' span: its newest order…');
    assert.equal(span?.lowest.orderId, Math.max(...orderIds.map(Number)) - 49, '…and the oldest order read');
    assert.ok(Date.parse(span!.lowest.createdAt) < Date.parse(span!.highest.createdAt), 'with when each was created');

    const assessment = assessNumbering(facts);
    assert.deepEqual(assessment.customerNumbers.collisions, [1005, 10001, 10002]);
    assert.deepEqual(assessment.customerNumbers.alreadyInShopRange, [1005]);
    assert.equal(assessment.customerNumbers.nextCustomerNumber, 100004);
    assert.equal(assessment.invoiceNumbers.ok, true);
    assert.equal(assessment.invoiceNumbers.suggestedStart, 50000);
    assert.match(assessment.instructions.join('\n'), /set the next customer number to 100004[\s\S]*start the outgoing invoice series at 50000/);

    // The merchant says it is done but did not change the customer series: a new customer shows it.
    await tripletex.createCustomer({ name: 'Glemt Innstilling' });
    const notDone = verifyNumberingAfterConfirmation(facts, await activities.gatherNumberingFacts(input));
    assert.equal(notDone.ok, false);
    assert.match(notDone.problems.join(' '), /number 10003 after the instructions/);

    // Done as told (what Tripletex's screens do): the next customer and invoice come from the new series.
    tripletexSandbox.admin.updateCompanySettings(companyId, { nextCustomerNumber: 100004, nextInvoiceNumber: 50000 });
    const before = await activities.gatherNumberingFacts(input);
    await tripletex.createCustomer({ name: 'Ny Serie' });
    tripletexSandbox.admin.createInvoiceManually(companyId, { customerId: first.id, invoiceDate: '2026-12-01', lines: [{ unitPrice: 100 }] });
    const done = verifyNumberingAfterConfirmation(before, await activities.gatherNumberingFacts(input));
    assert.equal(done.ok, true, done.problems.join(' '));
    assert.ok(done.verified.some((line) => /got number 100004/.test(line)));
    assert.ok(done.verified.some((line) => /got number 50000/.test(line)));
    assert.equal(done.notVerifiable.length, 2);
  });

  test('a shop without orders and a company without customers or invoices', async () => {
    const { employeeToken } = company('Tom AS');
    const mystoreShop = shop();
    const facts = await activities.gatherNumberingFacts({ mystoreShop, mystoreToken: mystoreSandbox.admin.createToken(mystoreShop), tripletexEmployeeToken: employeeToken, language: 'no' });
    assert.deepEqual(facts.tripletex, { customerCount: 0, highestCustomerNumber: null, customerNumbersBelowStart: [], highestInvoiceNumber: null });
    assert.deepEqual(facts.mystore, { highestOrderId: null, highestCustomerId: null, ordersRead: 0, span: null });
    assert.equal(assessNumbering(facts).invoiceNumbers.suggestedStart, 50000);
  });
});
