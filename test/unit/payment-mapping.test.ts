import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  PAYMENT_MODULE_KINDS, normaliseName, paymentMethodsFromMapping, paymentModuleKind, suggestPaymentMapping,
} from '../../domain/payment-mapping';

const TYPES = [
  { id: 11, description: 'Betalt til bank' },
  { id: 12, description: 'Kontant' },
  { id: 13, description: 'Vipps' },
  { id: 14, description: 'Klarna' },
];

const MODULES = [
  { code: 'klarna', title: 'Klarna', enabled: true },
  { code: 'vipps', title: 'Vipps', enabled: true },
  { code: 'card', title: 'Kort (Visa/Mastercard)', enabled: true },
  { code: 'invoice', title: 'Faktura', enabled: true },
  { code: 'cod', title: 'Postoppkrav', enabled: true },
  { code: 'giftcard', title: 'Gavekort', enabled: true },
  { code: 'paypal', title: 'PayPal', enabled: false },
];

const byModule = (mapping: ReturnType<typeof suggestPaymentMapping>, code: string) => mapping.modules.find((module) => module.module === code);

describe('which payment modules are prepaid', () => {
  test('klarna, vipps, card and giftcard are; invoice and cash on delivery are not', () => {
    const prepaid = Object.fromEntries(MODULES.map((module) => [module.code, paymentModuleKind(module).prepaid]));
    assert.deepEqual(prepaid, { klarna: true, vipps: true, card: true, invoice: false, cod: false, giftcard: true, paypal: true });
  });

  test('a name that says so decides: "gavekort" is a gift card, not a card; "Klarna faktura" is Klarna, not an invoice', () => {
    assert.equal(paymentModuleKind({ code: 'gk', title: 'Gavekort' }).kind, 'giftcard');
    assert.equal(paymentModuleKind({ code: 'kl_inv', title: 'Klarna faktura' }).kind, 'klarna');
    assert.equal(paymentModuleKind({ code: 'x', title: 'Forskuddsbetaling' }).prepaid, true);
    assert.equal(paymentModuleKind({ code: 'bill', title: 'Faktura 14 dager' }).kind, 'invoice');
  });

  test('the knowledge is in one constant', () => {
    assert.deepEqual(PAYMENT_MODULE_KINDS.filter((kind) => !kind.prepaid).map((kind) => kind.kind).sort(), ['cod', 'invoice']);
  });

  test('names are compared case- and accent-insensitively', () => {
    assert.equal(normaliseName('  BETALT til  Bånk '), 'betalt til bank');
    assert.equal(normaliseName('Forhåndsbetalt – Øre'), 'forhandsbetalt ore');
    assert.equal(normaliseName('Crème'), 'creme');
  });
});

describe('suggestPaymentMapping', () => {
  test('suggests by name, with the reason, for every enabled module; prepaid ones stay unmapped until confirmed', () => {
    const mapping = suggestPaymentMapping(MODULES, TYPES, {});
    assert.deepEqual(mapping.modules.map((module) => module.module), ['klarna', 'vipps', 'card', 'invoice', 'cod', 'giftcard']);
    assert.equal(byModule(mapping, 'klarna')?.suggestedPaymentTypeId, 14);
    assert.equal(byModule(mapping, 'vipps')?.suggestedPaymentTypeId, 13);
    assert.equal(byModule(mapping, 'card')?.suggestedPaymentTypeId, 11);
    assert.match(byModule(mapping, 'card')?.reason ?? '', /usual bank settlement/);
    assert.equal(byModule(mapping, 'giftcard')?.suggestedPaymentTypeId, 11, 'no gavekort type: Betalt til bank');
    assert.equal(byModule(mapping, 'invoice')?.prepaid, false);
    assert.equal(byModule(mapping, 'invoice')?.suggestedPaymentTypeId, null);
    assert.match(byModule(mapping, 'cod')?.reason ?? '', /no payment type is needed/);
    assert.deepEqual(mapping.unmapped, ['klarna', 'vipps', 'card', 'giftcard']);
    assert.ok(mapping.modules.every((module) => module.confirmedPaymentTypeId === null));
  });

  test('a gift card goes to a type containing "gavekort" when there is one; matching ignores case and accents', () => {
    const mapping = suggestPaymentMapping(
      [{ code: 'giftcard', title: 'Gavekort', enabled: true }, { code: 'klarna', title: 'KLARNA', enabled: true }],
      [...TYPES.filter((type) => type.id !== 14), { id: 20, description: 'Innløst gavekort' }, { id: 21, description: 'klärna' }],
      {},
    );
    assert.equal(byModule(mapping, 'giftcard')?.suggestedPaymentTypeId, 20);
    assert.equal(byModule(mapping, 'klarna')?.suggestedPaymentTypeId, 21);
  });

  test('no matching type: no suggestion, and the reason says what to create', () => {
    const mapping = suggestPaymentMapping([{ code: 'klarna', title: 'Klarna', enabled: true }], [{ id: 11, description: 'Betalt til bank' }], {});
    assert.equal(byModule(mapping, 'klarna')?.suggestedPaymentTypeId, null);
    assert.match(byModule(mapping, 'klarna')?.reason ?? '', /No Tripletex payment type is named like "Klarna".*Create one/);
  });

  test('a card type is not suggested for a card module because "giftcard" contains "card"', () => {
    const mapping = suggestPaymentMapping([{ code: 'card', title: 'Kort', enabled: true }], [{ id: 30, description: 'Giftcard' }, { id: 11, description: 'Betalt til bank' }], {});
    assert.equal(byModule(mapping, 'card')?.suggestedPaymentTypeId, 11);
  });

  test('confirmed types map the prepaid modules; a type Tripletex no longer has does not count', () => {
    const mapping = suggestPaymentMapping(MODULES, TYPES, { klarna: 14, vipps: 13, card: 11, giftcard: 999, invoice: 11 });
    assert.equal(byModule(mapping, 'klarna')?.confirmedPaymentTypeId, 14);
    assert.match(byModule(mapping, 'klarna')?.reason ?? '', /^Confirmed: registered as paid on "Klarna"/);
    assert.equal(byModule(mapping, 'giftcard')?.confirmedPaymentTypeId, null);
    assert.match(byModule(mapping, 'giftcard')?.reason ?? '', /999 does not exist/);
    assert.equal(byModule(mapping, 'invoice')?.confirmedPaymentTypeId, null, 'not prepaid: no type');
    assert.deepEqual(mapping.unmapped, ['giftcard']);
  });

  test('an unknown module is treated as prepaid, so it waits for a type instead of billing a customer twice', () => {
    const mapping = suggestPaymentMapping([{ code: 'zzpay', title: 'ZZ Pay', enabled: true }], TYPES, { zzpay: null });
    assert.equal(byModule(mapping, 'zzpay')?.prepaid, true);
    assert.deepEqual(mapping.unmapped, ['zzpay']);
  });

  test('property: unmapped is exactly the enabled prepaid modules without an existing confirmed type', () => {
    const moduleArb = fc.record({ code: fc.constantFrom('klarna', 'vipps', 'card', 'invoice', 'cod', 'giftcard', 'other'), title: fc.string(), enabled: fc.boolean() });
    fc.assert(fc.property(
      fc.uniqueArray(moduleArb, { selector: (module) => module.code }),
      fc.dictionary(fc.constantFrom('klarna', 'vipps', 'card', 'invoice', 'cod', 'giftcard', 'other'), fc.option(fc.constantFrom(11, 12, 13, 14, 99), { nil: null })),
      (modules, confirmed) => {
        const mapping = suggestPaymentMapping(modules, TYPES, confirmed);
        const expected = mapping.modules.filter((module) => module.prepaid && !TYPES.some((type) => type.id === confirmed[module.module])).map((module) => module.module);
        assert.deepEqual(mapping.unmapped, expected);
        assert.equal(mapping.modules.length, modules.filter((module) => module.enabled).length);
        const methods = paymentMethodsFromMapping(mapping);
        for (const module of mapping.modules) {
          if (mapping.unmapped.includes(module.module)) assert.equal(methods[module.module], undefined);
          else assert.ok(methods[module.module]);
        }
      },
    ));
  });
});

describe('paymentMethodsFromMapping', () => {
  test('invoice sends the invoice, cash on delivery does not, prepaid ones are registered as paid on their type and not sent', () => {
    const mapping = suggestPaymentMapping(MODULES, TYPES, { klarna: 14, vipps: 13, card: 11 });
    assert.deepEqual(paymentMethodsFromMapping(mapping), {
      klarna: { prepaid: true, tripletexPaymentTypeId: 14, sendInvoice: false },
      vipps: { prepaid: true, tripletexPaymentTypeId: 13, sendInvoice: false },
      card: { prepaid: true, tripletexPaymentTypeId: 11, sendInvoice: false },
      invoice: { prepaid: false, tripletexPaymentTypeId: null, sendInvoice: true },
      cod: { prepaid: false, tripletexPaymentTypeId: null, sendInvoice: false },
    });
  });
});
