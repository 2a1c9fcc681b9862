import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { assessTripletexReadiness, type TripletexKeyFacts } from '../../domain/tripletex-readiness';

function facts(overrides: Partial<TripletexKeyFacts> = {}): TripletexKeyFacts {
  return {
    company: { id: 7, name: 'Demo Nettbutikk AS', organizationNumber: '999888777' },
    employee: { id: 3, name: 'Kari Nordmann' },
    access: { customers: true, invoices: true, ledger: true, paymentTypes: true },
    bankAccounts: [{ number: 1920, name: 'Bankinnskudd', isInvoiceAccount: true, bankAccountNumber: '15037112345' }],
    outgoingVatTypes: [
      { id: 3, number: '3', percentage: 25 },
      { id: 31, number: '31', percentage: 15 },
      { id: 32, number: '33', percentage: 12 },
      { id: 5, number: '5', percentage: 0 },
      { id: 6, number: '6', percentage: 0 },
    ],
    paymentTypes: [{ id: 11, description: 'Betalt til bank' }],
    ...overrides,
  };
}

describe('assessTripletexReadiness', () => {
  test('a fully set-up company is ready and maps VAT code numbers to their ids', () => {
    const readiness = assessTripletexReadiness(facts());
    assert.equal(readiness.ready, true);
    assert.ok(readiness.checks.every((check) => check.ok));
    assert.deepEqual(readiness.vatCodes.find((code) => code.number === '33'), { number: '33', description: '12 % (low rate)', active: true, vatTypeId: 32 });
  });

  test('no bank account number on the invoice account blocks invoicing and says how to fix it', () => {
    const readiness = assessTripletexReadiness(facts({ bankAccounts: [{ number: 1920, name: 'Bank', isInvoiceAccount: true, bankAccountNumber: '' }] }));
    assert.equal(readiness.ready, false);
    const check = readiness.checks.find((candidate) => candidate.id === 'bank-account');
    assert.equal(check?.ok, false);
    assert.match(check?.fix ?? '', /1920/);
  });

  test('an inactive standard-rate code blocks; an inactive reduced-rate code only warns', () => {
    const withoutStandard = assessTripletexReadiness(facts({ outgoingVatTypes: [{ id: 6, number: '6', percentage: 0 }] }));
    assert.equal(withoutStandard.ready, false);
    assert.equal(withoutStandard.checks.find((check) => check.id === 'vat-code-3')?.severity, 'blocking');

    const withoutFood = assessTripletexReadiness(facts({ outgoingVatTypes: facts().outgoingVatTypes.filter((type) => type.number !== '31') }));
    assert.equal(withoutFood.ready, true);
    const foodCheck = withoutFood.checks.find((check) => check.id === 'vat-code-31');
    assert.equal(foodCheck?.ok, false);
    assert.equal(foodCheck?.severity, 'warning');
    assert.match(foodCheck?.fix ?? '', /activate outgoing VAT code 31/);
  });

  test('each missing access and missing payment types are named', () => {
    const readiness = assessTripletexReadiness(facts({ access: { customers: false, invoices: false, ledger: true, paymentTypes: true }, paymentTypes: [] }));
    assert.equal(readiness.ready, false);
    const failed = readiness.checks.filter((check) => !check.ok).map((check) => check.id);
    assert.deepEqual(failed, ['customer-access', 'invoice-access', 'credit-note-access', 'payment-types']);
    const creditNotes = readiness.checks.find((check) => check.id === 'credit-note-access');
    assert.equal(creditNotes?.inferred, true);
    assert.match(creditNotes?.fix ?? '', /invoicing/);
  });

  test('the key\'s ability for each thing the integration does is named: customers, invoices, payments, credit notes', () => {
    const readiness = assessTripletexReadiness(facts());
    const byId = new Map(readiness.checks.map((check) => [check.id, check]));
    for (const id of ['customer-access', 'invoice-access', 'payment-type-access', 'credit-note-access']) assert.equal(byId.get(id)?.ok, true, id);
    assert.match(byId.get('payment-type-access')?.message ?? '', /payments/);
    // Credit notes cannot be probed without making one: said as an inference, never as verified.
    const creditNotes = byId.get('credit-note-access');
    assert.equal(creditNotes?.inferred, true);
    assert.match(creditNotes?.message ?? '', /inferred from its invoice access, not tried/);
    assert.equal(readiness.checks.filter((check) => check.inferred).length, 1, 'only the credit note check is inferred');
  });

  test('without payment access, prepaid orders are named as what cannot be done', () => {
    const readiness = assessTripletexReadiness(facts({ access: { customers: true, invoices: true, ledger: true, paymentTypes: false }, paymentTypes: [] }));
    const check = readiness.checks.find((candidate) => candidate.id === 'payment-type-access');
    assert.equal(check?.ok, false);
    assert.match(check?.message ?? '', /prepaid orders cannot be registered as paid/);
    assert.equal(readiness.checks.find((candidate) => candidate.id === 'credit-note-access')?.ok, true);
  });

  test('what the key may not read is reported as missing access, not as missing settings', () => {
    const readiness = assessTripletexReadiness(facts({ access: { customers: true, invoices: true, ledger: false, paymentTypes: false }, bankAccounts: [], outgoingVatTypes: [], paymentTypes: [] }));
    assert.equal(readiness.ready, false);
    const failed = readiness.checks.filter((check) => !check.ok).map((check) => check.id);
    assert.deepEqual(failed, ['ledger-access', 'payment-type-access']);
  });
});
