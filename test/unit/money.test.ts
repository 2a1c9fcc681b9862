import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decimalToScaled, divideRoundHalfAway, formatMinor, InexactAmountError, spreadByLargestRemainder, unitPriceIncludingVat, vatIncluded, vatRateToBasisPoints } from '../../domain/money';

test('decimals are read exactly, from text or from a JSON number', () => {
  assert.equal(decimalToScaled('337.6', 4), 3_376_000);
  assert.equal(decimalToScaled(19.99, 2), 1999);
  assert.equal(decimalToScaled('-12.5000', 2), -1250);
  assert.equal(decimalToScaled(491.63, 2), 49_163);
  assert.throws(() => decimalToScaled('1.23456', 4), InexactAmountError);
  assert.throws(() => decimalToScaled('12,50', 2), InexactAmountError);
  assert.throws(() => decimalToScaled(1e21, 2), InexactAmountError);
  assert.equal(vatRateToBasisPoints('25'), 2500);
  assert.equal(vatRateToBasisPoints(16.5), 1650);
});

test('rounding is half away from zero, also for negative amounts', () => {
  assert.equal(divideRoundHalfAway(5, 2), 3);
  assert.equal(divideRoundHalfAway(-5, 2), -3);
  assert.equal(divideRoundHalfAway(4, 3), 1);
  assert.equal(divideRoundHalfAway(-4, 3), -1);
});

test('VAT and prices as the shop computes them', () => {
  assert.equal(vatIncluded(12_500, 2500), 2_500);
  assert.equal(vatIncluded(-12_500, 2500), -2_500);
  assert.equal(vatIncluded(9_282, 1200), 994);
  assert.equal(unitPriceIncludingVat(decimalToScaled('337.6', 4), 2500), 42_200);
  assert.equal(unitPriceIncludingVat(decimalToScaled('89.2857', 4), 1200), 10_000);
  assert.equal(formatMinor(-1250), '-12.50');
  assert.equal(formatMinor(7), '0.07');
});

test('a spread always adds up to the amount and follows the weights', () => {
  fc.assert(fc.property(fc.integer({ min: -10_000_000, max: 10_000_000 }), fc.array(fc.integer({ min: 0, max: 100_000_000 }), { minLength: 1, maxLength: 6 }).filter((w) => w.some((x) => x > 0)), (total, weights) => {
    const parts = spreadByLargestRemainder(total, weights);
    assert.equal(parts.reduce((a, b) => a + b, 0), total);
    parts.forEach((part, index) => {
      const exact = (total * weights[index]!) / weights.reduce((a, b) => a + b, 0);
      assert.ok(Math.abs(part - exact) < 1 + 1e-9);
    });
  }));
  assert.deepEqual(spreadByLargestRemainder(-1001, [10_000, 10_000]), [-501, -500]);
});
