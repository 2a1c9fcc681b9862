import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_ORE, MoneyConversionError, kronerToOre, oreToKroner } from '../../activities/tripletex/money';

describe('money: øre ↔ kroner, exactly', () => {
  test('øre → kroner', () => {
    assert.equal(oreToKroner(1999), 19.99);
    assert.equal(JSON.stringify({ amount: oreToKroner(1999) }), '{"amount":19.99}');
    assert.equal(oreToKroner(0), 0);
    assert.equal(oreToKroner(-50), -0.5);
    assert.equal(oreToKroner(4200000), 42000);
    assert.throws(() => oreToKroner(10.5), MoneyConversionError);
    assert.throws(() => oreToKroner(Number.NaN), MoneyConversionError);
  });

  test('kroner → øre from numbers, never via float multiplication', () => {
    assert.equal(kronerToOre(19.99), 1999); // 19.99 * 100 === 1998.9999999999998
    assert.equal(kronerToOre(1.15), 115); // 1.15 * 100 === 114.99999999999999
    assert.equal(kronerToOre(0.1), 10);
    assert.equal(kronerToOre(42000), 4200000);
    assert.equal(kronerToOre(-249.5), -24950);
    assert.equal(kronerToOre(1e21 / 1e10), 10000000000000); // String() gives "100000000000"; 1e21 would give "1e+21"
    assert.equal(kronerToOre(1e-2), 1);
    assert.equal(kronerToOre(0), 0);
  });

  test('kroner → øre from decimal strings', () => {
    assert.equal(kronerToOre('19.99'), 1999);
    assert.equal(kronerToOre('19.9'), 1990);
    assert.equal(kronerToOre('19.9900'), 1999);
    assert.equal(kronerToOre('-0.01'), -1);
    assert.equal(kronerToOre('.5'), 50);
    assert.equal(kronerToOre('1e2'), 10000);
    assert.equal(kronerToOre('1.5E-1'), 15);
    assert.equal(kronerToOre(' 7 '), 700);
  });

  test('amounts that are not whole øre, or not amounts, throw instead of rounding', () => {
    assert.throws(() => kronerToOre(0.1 + 0.2), MoneyConversionError); // 0.30000000000000004
    assert.throws(() => kronerToOre('19.999'), MoneyConversionError);
    assert.throws(() => kronerToOre('1,50'), MoneyConversionError);
    assert.throws(() => kronerToOre(''), MoneyConversionError);
    assert.throws(() => kronerToOre(Number.POSITIVE_INFINITY), MoneyConversionError);
    assert.throws(() => kronerToOre('1e20'), MoneyConversionError);
  });

  test('round trip over every øre value of a range', () => {
    for (let ore = -20_000; ore <= 20_000; ore += 1) assert.equal(kronerToOre(oreToKroner(ore)), ore);
    for (const ore of [MAX_ORE, -MAX_ORE, 123456789012345, 100000000000001]) assert.equal(kronerToOre(oreToKroner(ore)), ore);
    assert.throws(() => oreToKroner(MAX_ORE + 1), MoneyConversionError);
  });
});
