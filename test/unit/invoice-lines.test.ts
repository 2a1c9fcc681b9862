import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { mapInvoiceLines } from '../../domain/invoice-lines';
import { buildOrder, referenceVat, type OrderSpec } from '../support/order-builder';

const vatRate = fc.constantFrom(2500, 1500, 1200, 0);
const line = fc.record({
  quantity: fc.integer({ min: 1, max: 20 }),
  unitPriceIncludingVat: fc.integer({ min: 100, max: 1_000_000 }),
  vatRate,
});
const orderSpec: fc.Arbitrary<OrderSpec> = fc.record({
  lines: fc.array(line, { minLength: 1, maxLength: 50 }),
  shipping: fc.option(fc.record({ amount: fc.integer({ min: 0, max: 50_000 }), vatRate: fc.constantFrom(2500, 0) }), { nil: undefined }),
  paymentFee: fc.option(fc.record({ amount: fc.integer({ min: 100, max: 10_000 }), vatRate: fc.constantFrom(2500, 0) }), { nil: undefined }),
  discount: fc.option(fc.integer({ min: 1, max: 50_000 }), { nil: undefined }),
  coupon: fc.option(fc.integer({ min: 1, max: 20_000 }), { nil: undefined }),
  giftCard: fc.option(fc.integer({ min: 1, max: 100_000 }), { nil: undefined }),
}).filter((spec) => {
  const goods = spec.lines.reduce((sum, l) => sum + l.quantity * l.unitPriceIncludingVat, 0);
  const fees = (spec.shipping?.amount ?? 0) + (spec.paymentFee?.amount ?? 0);
  return (spec.discount ?? 0) + (spec.coupon ?? 0) < goods && goods + fees - (spec.discount ?? 0) - (spec.coupon ?? 0) - (spec.giftCard ?? 0) >= 0;
});

describe('mapInvoiceLines', () => {
  test('an order whose totals add up always balances: invoice total and VAT per rate equal the shop\'s to the øre', () => {
    fc.assert(
      fc.property(orderSpec, (spec) => {
        const order = buildOrder(spec);
        const outcome = mapInvoiceLines(order);
        assert.ok(outcome.ok, JSON.stringify(!outcome.ok && outcome.rejection));
        const shopTotal = order.totals.find((t) => t.class === 'ot_total')!.value;
        assert.equal(outcome.value.amountIncludingVat - outcome.value.giftCardAmount, shopTotal);
        assert.equal(outcome.value.giftCardAmount, spec.giftCard ?? 0);
        for (const line of outcome.value.lines) {
          assert.equal(line.amountIncludingVat, line.quantity * line.unitPriceIncludingVat);
          assert.equal(line.vat, referenceVat(line.amountIncludingVat, line.vatRate), 'VAT per line as Tripletex computes it');
        }
      }),
      { numRuns: 400 },
    );
  });

  test('a total that does not add up is rejected with both figures, never rounded away', () => {
    fc.assert(
      fc.property(orderSpec, fc.integer({ min: -500, max: 500 }).filter((d) => d !== 0), (spec, delta) => {
        const order = buildOrder(spec);
        const totalRow = order.totals.find((t) => t.class === 'ot_total')!;
        totalRow.value += delta;
        const outcome = mapInvoiceLines(order);
        assert.ok(!outcome.ok);
        assert.equal(outcome.rejection.reason, 'amount-mismatch');
        assert.ok(outcome.rejection.reason === 'amount-mismatch' && outcome.rejection.shopTotal === totalRow.value);
        assert.match(outcome.rejection.message, /Amount mismatch: the shop's total is/);
      }),
      { numRuns: 200 },
    );
  });

  test('VAT that differs at one rate is rejected, naming the rate', () => {
    const order = buildOrder({ lines: [{ quantity: 2, unitPriceIncludingVat: 24_900, vatRate: 2500 }, { quantity: 1, unitPriceIncludingVat: 5_990, vatRate: 1500 }] });
    const food = order.totals.find((t) => t.class === 'ot_tax' && t.vatRate === 1500)!;
    food.value += 1;
    const outcome = mapInvoiceLines(order);
    assert.ok(!outcome.ok && outcome.rejection.reason === 'amount-mismatch');
    assert.deepEqual(outcome.rejection.vatDifferences, [{ vatRate: 1500, shop: food.value, invoice: food.value - 1 }]);
    assert.match(outcome.rejection.message, /VAT at 15 %: shop 7\.82, invoice 7\.81/);
  });

  test('a discount over two rates becomes one line per rate, in proportion, ties to the higher rate', () => {
    const order = buildOrder({
      lines: [{ quantity: 1, unitPriceIncludingVat: 10_000, vatRate: 2500 }, { quantity: 1, unitPriceIncludingVat: 10_000, vatRate: 1500 }],
      discount: 1_001,
    });
    const outcome = mapInvoiceLines(order);
    assert.ok(outcome.ok);
    const discounts = outcome.value.lines.filter((l) => l.kind === 'discount');
    assert.deepEqual(discounts.map((l) => [l.vatRate, l.amountIncludingVat]), [[2500, -501], [1500, -500]]);
    assert.deepEqual(discounts.map((l) => l.description), ['Rabatt (25 % mva)', 'Rabatt (15 % mva)']);
  });

  test('shipping and fees are lines of their own with their own VAT; a gift card is payment, not a line', () => {
    const order = buildOrder({
      lines: [{ quantity: 3, unitPriceIncludingVat: 19_990, vatRate: 2500, name: 'Genser', options: [{ name: 'Farge', value: 'Korallrød' }] }],
      shipping: { amount: 9_900, vatRate: 2500 },
      paymentFee: { amount: 2_900, vatRate: 0 },
      giftCard: 20_000,
    });
    const outcome = mapInvoiceLines(order);
    assert.ok(outcome.ok);
    assert.deepEqual(outcome.value.lines.map((l) => [l.kind, l.description, l.quantity, l.unitPriceIncludingVat]), [
      ['product', 'Genser (Farge: Korallrød)', 3, 19_990],
      ['shipping', 'Fast fraktpris', 1, 9_900],
      ['fee', 'Fakturagebyr', 1, 2_900],
    ]);
    assert.equal(outcome.value.giftCardAmount, 20_000);
    assert.equal(outcome.value.amountIncludingVat, 3 * 19_990 + 9_900 + 2_900);
  });

  test('a credit order (negative quantities) balances the same way', () => {
    fc.assert(
      fc.property(orderSpec, (spec) => {
        const credit = buildOrder({ ...spec, lines: spec.lines.map((l) => ({ ...l, quantity: -l.quantity })), shipping: undefined, paymentFee: undefined, discount: undefined, coupon: undefined, giftCard: undefined });
        const outcome = mapInvoiceLines(credit);
        assert.ok(outcome.ok, JSON.stringify(!outcome.ok && outcome.rejection));
        assert.ok(outcome.value.amountIncludingVat < 0);
      }),
      { numRuns: 100 },
    );
  });

  test('an unknown order-total line without a VAT rate is named, and an order without lines is refused', () => {
    const order = buildOrder({ lines: [{ quantity: 1, unitPriceIncludingVat: 1_000, vatRate: 2500 }] });
    order.totals.push({ class: 'ot_mystery', kind: 'line', title: 'Noe rart:', value: -100, valueExcludingVat: -100, vatRate: null, sort: 33 });
    const unknown = mapInvoiceLines(order);
    assert.ok(!unknown.ok && unknown.rejection.reason === 'unknown-order-total' && unknown.rejection.totalClass === 'ot_mystery');

    const empty = mapInvoiceLines({ ...order, lines: [] });
    assert.ok(!empty.ok && empty.rejection.reason === 'no-lines');
  });
});
