import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { buildInvoiceDraft } from '../../domain/invoice-draft';
import { DEFAULT_SHOP_SETTINGS, type ShopSettings } from '../../domain/shop-settings';
import { buildOrder } from '../support/order-builder';

const settings: ShopSettings = {
  ...DEFAULT_SHOP_SETTINGS,
  paymentMethods: {
    klarna: { prepaid: true, tripletexPaymentTypeId: 11, sendInvoice: false },
    invoice: { prepaid: false, tripletexPaymentTypeId: null, sendInvoice: true },
    cod: { prepaid: false, tripletexPaymentTypeId: null, sendInvoice: false },
    giftcard: { prepaid: true, tripletexPaymentTypeId: 44, sendInvoice: false },
  },
};

const order = () => buildOrder({ lines: [{ quantity: 2, unitPriceIncludingVat: 24_900, vatRate: 2500 }, { quantity: 1, unitPriceIncludingVat: 5_990, vatRate: 0 }], shipping: { amount: 9_900, vatRate: 2500 } });

describe('buildInvoiceDraft', () => {
  test('a prepaid order: payment registered for the whole amount, invoice not sent, VAT codes by rate', () => {
    const outcome = buildInvoiceDraft(order(), settings, { invoiceDate: '2026-12-04' });
    assert.ok(outcome.ok);
    const { draft } = outcome;
    assert.deepEqual(draft.payments, [{ purpose: 'order', paymentTypeId: 11, amount: 2 * 24_900 + 5_990 + 9_900 }]);
    assert.equal(draft.sendToCustomer, false);
    assert.deepEqual(draft.lines.map((line) => line.vatCode), ['3', '5', '3']);
    assert.equal(draft.dueDate, '2026-12-18');
    assert.equal(draft.reference, 'mystore:test-shop:6001');
    assert.deepEqual(draft.customer.match, { by: 'customerNumber', customerNumber: 501 });
    assert.equal(draft.customer.customerNumber, 501);
    assert.equal(draft.customer.isPrivateIndividual, true);
  });

  test('an invoice order stays outstanding and is sent as the shop says; cash on delivery is not sent', () => {
    const invoiceOrder = { ...order(), paymentModule: 'invoice' };
    const sent = buildInvoiceDraft(invoiceOrder, settings, { invoiceDate: '2026-12-04' });
    assert.ok(sent.ok);
    assert.deepEqual(sent.draft.payments, []);
    assert.equal(sent.draft.sendToCustomer, true);
    const cod = buildInvoiceDraft({ ...order(), paymentModule: 'cod' }, settings, { invoiceDate: '2026-12-04' });
    assert.ok(cod.ok && cod.draft.sendToCustomer === false);
  });

  test('a gift card is registered as a payment of its own', () => {
    const withGiftCard = buildOrder({ lines: [{ quantity: 1, unitPriceIncludingVat: 50_000, vatRate: 2500 }], giftCard: 20_000 });
    const outcome = buildInvoiceDraft({ ...withGiftCard, paymentModule: 'invoice' }, settings, { invoiceDate: '2026-12-04' });
    assert.ok(outcome.ok);
    assert.deepEqual(outcome.draft.payments, [{ purpose: 'gift-card', paymentTypeId: 44, amount: 20_000 }]);
    assert.equal(outcome.draft.amountIncludingVat, 50_000);
  });

  test('an unmapped payment method parks with its name', () => {
    const outcome = buildInvoiceDraft({ ...order(), paymentModule: 'vipps', paymentMethod: 'Vipps' }, settings, { invoiceDate: '2026-12-04' });
    assert.ok(!outcome.ok && outcome.rejection.reason === 'unmapped-payment-method');
    assert.match(outcome.rejection.message, /"Vipps" \(vipps\) has no Tripletex payment type/);
  });

  test('business customers by organisation number when the shop says so; guests by e-mail', () => {
    const business = order();
    business.customer = { ...business.customer, organizationNumber: '912 345 678', name: 'Fjellsport AS' };
    const byNumber = buildInvoiceDraft(business, settings, { invoiceDate: '2026-12-04' });
    assert.ok(byNumber.ok && byNumber.draft.customer.isPrivateIndividual === false && byNumber.draft.customer.match.by === 'customerNumber');
    const byOrg = buildInvoiceDraft(business, { ...settings, lookUpCustomersByOrganizationNumber: true }, { invoiceDate: '2026-12-04' });
    assert.ok(byOrg.ok);
    assert.deepEqual(byOrg.draft.customer.match, { by: 'organizationNumber', organizationNumber: '912345678' });
    assert.equal(byOrg.draft.customer.customerNumber, null);

    const guest = order();
    guest.customer = { ...guest.customer, customerId: null, email: ' Ola@Example.NO ' };
    const byEmail = buildInvoiceDraft(guest, { ...settings, doNotOverwriteCustomers: true }, { invoiceDate: '2026-12-04' });
    assert.ok(byEmail.ok);
    assert.deepEqual(byEmail.draft.customer.match, { by: 'email', email: 'ola@example.no' });
    assert.equal(byEmail.draft.customer.updateExisting, false);

    const anonymous = order();
    anonymous.customer = { ...anonymous.customer, customerId: null, email: '' };
    const refused = buildInvoiceDraft(anonymous, settings, { invoiceDate: '2026-12-04' });
    assert.ok(!refused.ok && refused.rejection.reason === 'no-customer-identity');
  });

  test('a VAT rate Norway does not have is refused with the line named', () => {
    const odd = buildOrder({ lines: [{ quantity: 1, unitPriceIncludingVat: 11_650, vatRate: 1650, name: 'Gammel vare' }] });
    const outcome = buildInvoiceDraft(odd, settings, { invoiceDate: '2026-12-04' });
    assert.ok(!outcome.ok && outcome.rejection.reason === 'unsupported-vat-rate');
    assert.match(outcome.rejection.message, /"Gammel vare" has VAT 16.5 %/);
  });
});
