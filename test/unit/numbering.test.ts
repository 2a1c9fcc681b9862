import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  SHOP_INVOICE_SERIES_START, TRIPLETEX_CUSTOMER_NUMBER_START, TRIPLETEX_INVOICE_SERIES_MIN_START, assessNumbering, suggestedInvoiceSeriesStart,
  verifyNumberingAfterConfirmation, type NumberingFacts,
} from '../../domain/numbering';

function facts(overrides: { tripletex?: Partial<NumberingFacts['tripletex']>; mystore?: Partial<NumberingFacts['mystore']> } = {}): NumberingFacts {
  return {
    gatheredAt: '2026-12-04T12:00:00.000Z',
    tripletex: { customerCount: 0, highestCustomerNumber: null, customerNumbersBelowStart: [], highestInvoiceNumber: null, ...overrides.tripletex },
    mystore: { highestCustomerId: 1450, highestOrderId: 6420, ordersRead: 100, ...overrides.mystore },
  };
}

describe('assessNumbering', () => {
  test('a fresh company: no collisions, and exactly what to set in Tripletex', () => {
    const assessment = assessNumbering(facts());
    assert.deepEqual(assessment.customerNumbers, { collisions: [], alreadyInShopRange: [], ok: true, nextCustomerNumber: 100000 });
    assert.equal(assessment.invoiceNumbers.ok, true);
    assert.equal(assessment.invoiceNumbers.suggestedStart, 50000);
    assert.deepEqual(assessment.instructions, [
      'In Tripletex, Customer → Settings: set the next customer number to 100000.',
      'In Tripletex, Accounting → Accounting settings → Voucher types / number sequences: start the outgoing invoice series at 50000.',
    ]);
    assert.equal(assessment.verifiableAfterConfirmation.length, 2);
    assert.ok(assessment.notVerifiable.every((line) => /API does not show it/.test(line)));
  });

  test('customers made by hand below 100000 are collisions; the ones in the shop\'s range already are named apart', () => {
    const assessment = assessNumbering(facts({ tripletex: { customerCount: 3, highestCustomerNumber: 10003, customerNumbersBelowStart: [10001, 1001, 10002] } }));
    assert.deepEqual(assessment.customerNumbers.collisions, [1001, 10001, 10002]);
    assert.deepEqual(assessment.customerNumbers.alreadyInShopRange, [1001]);
    assert.equal(assessment.customerNumbers.ok, false);
    assert.equal(assessment.instructions.length, 3);
    assert.match(assessment.instructions[2] ?? '', /customers numbered 1001, 10001, 10002 new customer numbers of 100000 or above/);
  });

  test('customers already at or above 100000: the next number goes above the highest', () => {
    const assessment = assessNumbering(facts({ tripletex: { customerCount: 2, highestCustomerNumber: 100007, customerNumbersBelowStart: [] } }));
    assert.equal(assessment.customerNumbers.nextCustomerNumber, 100008);
    assert.match(assessment.instructions[0] ?? '', /set the next customer number to 100008/);
  });

  test('the invoice series starts clear of the shop\'s series and above Tripletex\'s highest number', () => {
    assert.equal(assessNumbering(facts({ tripletex: { highestInvoiceNumber: 57 } })).invoiceNumbers.suggestedStart, 50000);
    assert.equal(assessNumbering(facts({ tripletex: { highestInvoiceNumber: 61234 } })).invoiceNumbers.suggestedStart, 70000);
    // A big shop at 45000: the series leaves it room to grow (at least as much again).
    assert.equal(assessNumbering(facts({ mystore: { highestOrderId: 45000 } })).invoiceNumbers.suggestedStart, 90000);
  });

  test('Tripletex\'s highest invoice number inside the shop\'s series is not ok', () => {
    const inside = assessNumbering(facts({ tripletex: { highestInvoiceNumber: 6100 } }));
    assert.equal(inside.invoiceNumbers.ok, false);
    assert.deepEqual(inside.invoiceNumbers.shopSeries, { from: 6000, highestSeen: 6420 });
    assert.equal(assessNumbering(facts({ tripletex: { highestInvoiceNumber: 50012 } })).invoiceNumbers.ok, true, 'already moved');
    assert.equal(assessNumbering(facts({ tripletex: { highestInvoiceNumber: 5999 } })).invoiceNumbers.ok, true);
  });

  test('property: the suggested start is round, at least 50000, above Tripletex\'s highest and above the shop\'s series', () => {
    fc.assert(fc.property(fc.option(fc.integer({ min: 1, max: 5_000_000 }), { nil: null }), fc.option(fc.integer({ min: 6000, max: 5_000_000 }), { nil: null }), (highestInvoice, highestOrder) => {
      const start = suggestedInvoiceSeriesStart(facts({ tripletex: { highestInvoiceNumber: highestInvoice }, mystore: { highestOrderId: highestOrder } }));
      assert.equal(start % 10000, 0);
      assert.ok(start >= TRIPLETEX_INVOICE_SERIES_MIN_START);
      assert.ok(start > (highestInvoice ?? 0));
      assert.ok(start > Math.max(highestOrder ?? 0, SHOP_INVOICE_SERIES_START));
    }));
  });
});

describe('verifyNumberingAfterConfirmation', () => {
  test('nothing changed: ok, saying what was checked and what cannot be', () => {
    const before = facts({ tripletex: { highestInvoiceNumber: 12 } });
    const verification = verifyNumberingAfterConfirmation(before, before);
    assert.equal(verification.ok, true);
    assert.deepEqual(verification.problems, []);
    assert.equal(verification.verified.length, 2);
    assert.equal(verification.notVerifiable.length, 2);
  });

  test('a customer created meanwhile below 100000 shows the setting did not take', () => {
    const before = facts({ tripletex: { customerCount: 1, highestCustomerNumber: 10001, customerNumbersBelowStart: [10001] } });
    const after = facts({ tripletex: { customerCount: 2, highestCustomerNumber: 10002, customerNumbersBelowStart: [10001, 10002] } });
    const verification = verifyNumberingAfterConfirmation(before, after);
    assert.equal(verification.ok, false);
    assert.match(verification.problems[0] ?? '', /number 10002 after the instructions/);
  });

  test('a customer created meanwhile at 100000 is evidence the setting took', () => {
    const before = facts({ tripletex: { customerCount: 1, highestCustomerNumber: 10001, customerNumbersBelowStart: [10001] } });
    const after = facts({ tripletex: { customerCount: 2, highestCustomerNumber: 100000, customerNumbersBelowStart: [10001] } });
    const verification = verifyNumberingAfterConfirmation(before, after);
    assert.equal(verification.ok, true);
    assert.ok(verification.verified.some((line) => /got number 100000/.test(line)));
    assert.ok(verification.verified.some((line) => /still hold numbers below 100000/.test(line)));
  });

  test('Tripletex\'s highest invoice number inside the shop\'s series is a problem with the fix', () => {
    const verification = verifyNumberingAfterConfirmation(facts({ tripletex: { highestInvoiceNumber: 6050 } }), facts({ tripletex: { highestInvoiceNumber: 6051 } }));
    assert.equal(verification.ok, false);
    assert.match(verification.problems[0] ?? '', /6051, inside the shop's own series \(6000–6420\).*start the outgoing invoice series at 50000/);
  });

  test('an invoice made meanwhile in the old series is a problem; one in the new series is evidence', () => {
    const before = facts({ tripletex: { highestInvoiceNumber: 12 } });
    const old = verifyNumberingAfterConfirmation(before, facts({ tripletex: { highestInvoiceNumber: 13 } }));
    assert.equal(old.ok, false);
    assert.match(old.problems[0] ?? '', /number 13 after the instructions, below the 50000 asked for/);
    const moved = verifyNumberingAfterConfirmation(before, facts({ tripletex: { highestInvoiceNumber: 50000 } }));
    assert.equal(moved.ok, true);
    assert.ok(moved.verified.some((line) => /got number 50000/.test(line)));
  });

  test('property: with no new low customer numbers and no new invoices, the verification holds whenever the assessment did', () => {
    fc.assert(fc.property(fc.uniqueArray(fc.integer({ min: 1, max: TRIPLETEX_CUSTOMER_NUMBER_START - 1 })), fc.option(fc.integer({ min: 1, max: 5999 }), { nil: null }), (low, invoice) => {
      const before = facts({ tripletex: { customerNumbersBelowStart: [...low].sort((a, b) => a - b), highestInvoiceNumber: invoice } });
      assert.equal(verifyNumberingAfterConfirmation(before, before).ok, true);
    }));
  });
});
