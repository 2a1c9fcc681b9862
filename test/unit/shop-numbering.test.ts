import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { assessNumbering, type NumberingFacts } from '../../domain/numbering';
import {
  addTripletexNumbered, assessNumberingInMode, assessSeriesGap, assessShopNumbering, checkShopModeSeriesStart, emptyTripletexNumberedSeen,
  isShopNumbered, mergeTripletexNumberedSeen, MINIMUM_GAP, NUMBERS_KEPT, shopInvoiceNumber, shopNumbersPerYear, verifyNumberingInMode, YEARS_OF_ROOM,
  type ShopNumbering,
} from '../../domain/shop-numbering';
import { buildInvoiceDraft } from '../../domain/invoice-draft';
import { DEFAULT_SHOP_SETTINGS, type ShopSettings } from '../../domain/shop-settings';
import { buildOrder } from '../support/order-builder';

const order = (overrides: { orderId: string }) => ({ ...buildOrder({ lines: [{ quantity: 1, unitPriceIncludingVat: 24_900, vatRate: 2500 }] }), ...overrides });

/** A shop at order 6420 that used 400 numbers over the 73 days before: 2,000 a year. */
function facts(overrides: { tripletex?: Partial<NumberingFacts['tripletex']>; mystore?: Partial<NumberingFacts['mystore']> } = {}): NumberingFacts {
  return {
    gatheredAt: '2026-12-04T12:00:00.000Z',
    tripletex: { customerCount: 0, highestCustomerNumber: null, customerNumbersBelowStart: [], highestInvoiceNumber: null, ...overrides.tripletex },
    mystore: {
      highestCustomerId: 1450, highestOrderId: 6420, ordersRead: 100,
      span: { lowest: { orderId: 6020, createdAt: '2026-09-21T12:00:00.000Z' }, highest: { orderId: 6420, createdAt: '2026-12-03T12:00:00.000Z' } },
      ...overrides.mystore,
    },
  };
}

const SHOP: ShopNumbering = { mode: 'shop', tripletexSeriesStart: 50_000, shopSeriesFrom: 6000, shopNumbersPerYear: 2000 };

describe('the shop\'s own invoice number', () => {
  test('is the order number when it is a whole number Tripletex can store', () => {
    assert.equal(shopInvoiceNumber('6001'), 6001);
    assert.equal(shopInvoiceNumber('2147483647'), 2_147_483_647);
    for (const unusable of ['0', '06001', '-5', '6001a', '', '2147483648', '99999999999', 'A-17']) assert.equal(shopInvoiceNumber(unusable), null, unusable);
    assert.equal(isShopNumbered(6001, '6001'), true);
    assert.equal(isShopNumbered(50_000, '6001'), false);
    assert.equal(isShopNumbered(null, '6001'), false);
  });

  test('goes on the draft only in shop mode, unless the operator let Tripletex number this order', () => {
    const settings: ShopSettings = { ...DEFAULT_SHOP_SETTINGS, paymentMethods: { klarna: { prepaid: true, tripletexPaymentTypeId: 7, sendInvoice: false } } };
    const source = order({ orderId: '6123' });
    const tripletexMode = buildInvoiceDraft(source, settings, { invoiceDate: '2026-12-04' });
    assert.ok(tripletexMode.ok);
    assert.equal(tripletexMode.draft.invoiceNumber, undefined);
    const shopMode = buildInvoiceDraft(source, { ...settings, invoiceNumbering: SHOP }, { invoiceDate: '2026-12-04' });
    assert.ok(shopMode.ok);
    assert.equal(shopMode.draft.invoiceNumber, 6123);
    const overridden = buildInvoiceDraft(source, { ...settings, invoiceNumbering: SHOP }, { invoiceDate: '2026-12-04', tripletexNumbers: true });
    assert.ok(overridden.ok);
    assert.equal(overridden.draft.invoiceNumber, undefined);
    const unusable = buildInvoiceDraft(order({ orderId: 'A-17' }), { ...settings, invoiceNumbering: SHOP }, { invoiceDate: '2026-12-04' });
    assert.ok(!unusable.ok);
    assert.equal(unusable.rejection.reason, 'no-shop-invoice-number');
    assert.match(unusable.rejection.message, /--tripletex-number/);
  });
});

describe('onboarding in shop mode', () => {
  test('measures the shop\'s growth from the orders read', () => {
    assert.equal(shopNumbersPerYear(facts()), 2000);
    assert.equal(shopNumbersPerYear(facts({ mystore: { span: null } })), 0, 'unknown without dated orders');
    assert.equal(shopNumbersPerYear(facts({ mystore: { span: { lowest: { orderId: 6400, createdAt: '2026-12-03T10:00:00Z' }, highest: { orderId: 6420, createdAt: '2026-12-03T12:00:00Z' } } } })), 0, 'a few hours say nothing about a year');
  });

  test('puts Tripletex\'s own series ten years of growth above the shop\'s numbers and says so', () => {
    const assessment = assessShopNumbering(facts({ tripletex: { highestInvoiceNumber: 212 } }));
    assert.deepEqual(assessment.shopSeries, { from: 6000, highestSeen: 6420, next: 6421, numbersPerYear: 2000 });
    assert.equal(assessment.suggestedStart, 50_000, 'never below 50000, which is above 6420 + 2000 × 10 = 26420');
    assert.equal(assessment.yearsOfRoom, 21);
    assert.equal(assessment.ok, true);
    assert.match(assessment.instructions[0]!, /start the outgoing invoice series at 50000/);
    assert.match(assessment.instructions[0]!, /about 2000 a year/);
    const fastShop = assessShopNumbering(facts({ mystore: { highestOrderId: 90_000, span: { lowest: { orderId: 40_000, createdAt: '2025-12-04T00:00:00Z' }, highest: { orderId: 90_000, createdAt: '2026-12-04T00:00:00Z' } } } }));
    assert.equal(fastShop.suggestedStart, 590_000, '50,000 orders a year: 90,000 + 10 years × 50,000');
  });

  test('says when Tripletex\'s invoices already sit in the numbers the shop will use, and what to do instead', () => {
    const blocked = assessShopNumbering(facts({ tripletex: { highestInvoiceNumber: 7000 } }));
    assert.equal(blocked.ok, false);
    assert.match(blocked.problems[0]!, /already holds invoice number 7000/);
    assert.match(blocked.problems[0]!, /--numbering tripletex/);
    const farAbove = assessShopNumbering(facts({ tripletex: { highestInvoiceNumber: 50_012 } }));
    assert.equal(farAbove.ok, true, 'an already moved series far above is fine');
    assert.ok(farAbove.notVerifiable.some((line) => /between 6421 and 26420/.test(line)), 'what the API cannot show is said');
    const past = assessShopNumbering(facts({ tripletex: { highestInvoiceNumber: 6100 } }));
    assert.equal(past.ok, true);
    assert.ok(past.instructions.some((line) => /backfill/.test(line)), 'older orders may meet old invoices: said');
  });

  test('keeps the customer-number part and swaps in the mode\'s invoice part; Tripletex mode is unchanged', () => {
    const general = assessNumbering(facts());
    assert.deepEqual(assessNumberingInMode(facts(), 'tripletex'), { ...general, mode: 'tripletex' });
    const shop = assessNumberingInMode(facts(), 'shop');
    assert.equal(shop.instructions[0], general.instructions[0]);
    assert.equal(shop.invoiceNumbers.suggestedStart, 50_000);
    assert.ok(shop.shopNumbering);
  });

  test('after confirmation: a new Tripletex invoice below the asked start means the series was not moved', () => {
    const before = facts({ tripletex: { highestInvoiceNumber: 212 } });
    const moved = verifyNumberingInMode(before, facts({ tripletex: { highestInvoiceNumber: 50_000 } }), 'shop');
    assert.equal(moved.ok, true, moved.problems.join(' '));
    const notMoved = verifyNumberingInMode(before, facts({ tripletex: { highestInvoiceNumber: 213 } }), 'shop');
    assert.equal(notMoved.ok, false);
    assert.match(notMoved.problems[0]!, /number 213 .*below the 50000 asked for/);
    const lowCustomer = verifyNumberingInMode(before, facts({ tripletex: { highestInvoiceNumber: 212, customerNumbersBelowStart: [10_001] } }), 'shop');
    assert.equal(lowCustomer.ok, false, 'the customer-number check holds in shop mode too');
  });
});

describe('switching a live shop to shop numbering', () => {
  test('needs a series start at least a year of growth above the shop, with nothing in between', () => {
    const ok = checkShopModeSeriesStart(facts({ tripletex: { highestInvoiceNumber: 300 } }), 50_000);
    assert.equal(ok.ok, true);
    assert.deepEqual(ok.numbering, { mode: 'shop', tripletexSeriesStart: 50_000, shopSeriesFrom: 6000, shopNumbersPerYear: 2000 });
    const tooClose = checkShopModeSeriesStart(facts(), 7000);
    assert.equal(tooClose.ok, false);
    assert.match(tooClose.problems[0]!, /too little room.*at least 8421/);
    const inBetween = checkShopModeSeriesStart(facts({ tripletex: { highestInvoiceNumber: 9000 } }), 50_000);
    assert.equal(inBetween.ok, false);
    assert.match(inBetween.problems.join(' '), /already holds invoice number 9000/);
  });
});

describe('the gap between the two series, as reconciliation judges it', () => {
  const seen = (numbers: number[]) => addTripletexNumbered(emptyTripletexNumberedSeen(), numbers, SHOP.shopSeriesFrom);

  test('the shop growing towards Tripletex\'s series start: fine far off, a warning within a year of growth', () => {
    const far = assessSeriesGap({ numbering: SHOP, shopHighestSeen: 6420, seen: seen([]), tripletexHighest: 50_012 });
    assert.deepEqual([far.status, far.approaching, far.gap], ['ok', 'shop', 50_000 - 6420 - 1]);
    const near = assessSeriesGap({ numbering: SHOP, shopHighestSeen: 48_500, seen: seen([]), tripletexHighest: 50_012 });
    assert.deepEqual([near.status, near.approaching, near.gap, near.warnBelow], ['small', 'shop', 1499, 2000]);
    assert.match(near.message, /only 1499 below Tripletex's own invoice numbers \(from 50000\) \(about 0\.7 years at 2000 orders a year\)/);
    assert.match(near.message, /move the outgoing invoice series to \d+/);
  });

  test('Tripletex\'s own numbers seen above the shop count even below the series start the merchant set', () => {
    const report = assessSeriesGap({ numbering: SHOP, shopHighestSeen: 6420, seen: seen([7000, 7001]), tripletexHighest: 50_012 });
    assert.deepEqual([report.status, report.gap], ['small', 7000 - 6420 - 1]);
  });

  test('Tripletex\'s series growing from below towards the shop\'s start', () => {
    const far = assessSeriesGap({ numbering: SHOP, shopHighestSeen: 6420, seen: seen([1200]), tripletexHighest: 6420 });
    assert.deepEqual([far.status, far.approaching, far.gap], ['ok', 'tripletex', 4799]);
    const near = assessSeriesGap({ numbering: SHOP, shopHighestSeen: 6420, seen: seen([5600, 5601]), tripletexHighest: 6420 });
    assert.deepEqual([near.status, near.approaching, near.gap], ['small', 'tripletex', 398]);
  });

  test('a number Tripletex gave itself inside the shop\'s used series is a collision', () => {
    const report = assessSeriesGap({ numbering: SHOP, shopHighestSeen: 6420, seen: seen([6300]), tripletexHighest: 6420 });
    assert.equal(report.status, 'collided');
    assert.deepEqual(report.inside, [6300]);
    assert.match(report.message, /InvoiceNumberTaken/);
  });

  test('property: a warning always comes before the series meet, at any growth', () => {
    fc.assert(fc.property(fc.integer({ min: 6000, max: 1_000_000 }), fc.integer({ min: 0, max: 100_000 }), fc.integer({ min: 1, max: 3000 }), (shopHighest, perYear, distance) => {
      const numbering: ShopNumbering = { ...SHOP, shopNumbersPerYear: perYear, tripletexSeriesStart: shopHighest + distance };
      const report = assessSeriesGap({ numbering, shopHighestSeen: shopHighest, seen: seen([]), tripletexHighest: null });
      // Closer than MINIMUM_GAP is always a warning; the gap is exact.
      return report.gap === distance - 1 && (distance - 1 >= MINIMUM_GAP || report.status === 'small');
    }));
    assert.ok(YEARS_OF_ROOM >= 1);
  });

  test('what was seen stays small across batches: the highest below, the lowest few from the shop\'s start', () => {
    const merged = mergeTripletexNumberedSeen(seen([10, 5999, 9000]), seen([200, 6001, ...Array.from({ length: 100 }, (_, i) => 70_000 + i)]));
    assert.equal(merged.highestBelowShop, 5999);
    assert.equal(merged.lowestFromShop.length, NUMBERS_KEPT);
    assert.deepEqual(merged.lowestFromShop.slice(0, 3), [6001, 9000, 70_000]);
  });
});
