import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  MoneyConversionError, formatScaled, readDecimal, rescaleHalfAwayFromZero, toScaledInteger,
} from '../../activities/money/exact-decimal';
import { MystoreResponseError } from '../../activities/mystore/mystore-errors';
import type { ResourceObject } from '../../activities/mystore/mystore-jsonapi';
import {
  groupOptionsByLine, mapOrderAggregate, norwegianOrgNumber, type LocatedResource, type OrderResources,
} from '../../activities/mystore/mystore-order-mapper';
import { ORDER_ID, orderFixture, type Resource } from '../support/mystore-order-fixture';

const at = (pointer: string) => ({ method: 'GET', path: `/orders/${ORDER_ID}`, pointer });
const located = (resource: Resource, pointer: string): LocatedResource => ({
  resource: { relationships: {}, ...resource } as ResourceObject,
  at: at(pointer),
});

function resourcesOf(f: ReturnType<typeof orderFixture>, overrides: Partial<OrderResources> = {}): OrderResources {
  const products = f.products.map((p, i) => located(p, `included[${i}]`));
  const options = f.options.map((o, i) => located(o, `included[${10 + i}]`));
  return {
    shop: 'testbutikk',
    order: located(f.order, 'data'),
    products,
    optionsByLine: groupOptionsByLine(products, options),
    totals: f.totals.map((t, i) => located(t, `included[${20 + i}]`)),
    customer: located(f.customer, 'included[30]'),
    status: located(f.status, 'included[31]'),
    ...overrides,
  };
}

describe('Mystore order mapper', () => {
  test('every kind of total, options with + and −, four-decimal prices: the exact aggregate', () => {
    const f = orderFixture();
    assert.deepEqual(mapOrderAggregate(resourcesOf(f)), f.expected);
  });

  test('totals come out sorted by `sort`, stable for equal sorts', () => {
    const f = orderFixture();
    const shuffled = resourcesOf(f, { totals: [...f.totals].reverse().map((t, i) => located(t, `included[${i}]`)) });
    const classes = mapOrderAggregate(shuffled).totals.map((t) => `${t.class}:${t.vatRate}`);
    assert.deepEqual(classes, ['ot_subtotal:null', 'ot_shipping:2500', 'ot_payment_fee:2500', 'ot_discount:null', 'ot_coupon:null', 'ot_gv:null', 'ot_tax:1500', 'ot_tax:2500', 'ot_total:null']);
  });

  test('a credit order: negative quantities and values, the order it credits', () => {
    const f = orderFixture();
    f.order.attributes.order_type = 'credit';
    f.order.relationships = { ...f.order.relationships, 'credited-order': { data: { type: 'orders', id: '990' } } };
    const line = f.products[0];
    assert.ok(line);
    line.attributes.quantity = -2;
    f.totals.forEach((t) => {
      t.attributes.value = -Number(t.attributes.value);
      t.attributes.value_without_tax = -Number(t.attributes.value_without_tax);
    });
    const aggregate = mapOrderAggregate(resourcesOf(f));
    assert.equal(aggregate.creditsOrderId, '990');
    assert.equal(aggregate.lines[0]?.quantity, -2);
    assert.equal(aggregate.totals.find((t) => t.class === 'ot_total')?.value, -97499);
    assert.equal(aggregate.totals.find((t) => t.class === 'ot_discount')?.value, 10000);
  });

  test('a private guest: no customer resource, customer_address only, no org number, name of the person', () => {
    const f = orderFixture();
    Object.assign(f.order.attributes, {
      customer_org_number: null, customer_address_company: '', billing_address_name: '', billing_address_company: '',
      billing_address_street: '', billing_address_postcode: '', billing_address_city: '', billing_address_country: '',
      customer_email: 'ola@example.no', customer_address_name: 'Ola  Nordmann',
    });
    f.order.relationships = { ...f.order.relationships, customer: { data: null } };
    const { customer } = mapOrderAggregate(resourcesOf(f, { customer: null }));
    assert.deepEqual(customer, {
      customerId: null,
      email: 'ola@example.no',
      phone: '+47 912 34 567',
      organizationNumber: null,
      name: 'Ola  Nordmann',
      billingAddress: { name: 'Ola  Nordmann', company: '', street: 'Storgata 1', postcode: '0155', city: 'Oslo', country: 'Norway' },
      shippingAddress: { name: 'Ola  Nordmann', company: '', street: 'Storgata 1', postcode: '0155', city: 'Oslo', country: 'Norway' },
    });
  });

  test('amounts as decimal strings and a 16.5 % rate are read exactly', () => {
    const f = orderFixture();
    Object.assign(f.products[0]?.attributes ?? {}, { final_price: '422.0000', tax_rate: 16.5 });
    Object.assign(f.totals[1]?.attributes ?? {}, { value: '99.00', value_without_tax: '79.2000' });
    const aggregate = mapOrderAggregate(resourcesOf(f));
    assert.equal(aggregate.lines[0]?.unitPriceExcludingVat, '422.0000');
    assert.equal(aggregate.lines[0]?.vatRate, 1650);
    assert.equal(aggregate.totals[1]?.value, 9900);
    assert.equal(aggregate.totals[1]?.valueExcludingVat, 7920);
  });

  const refusals: { name: string; change: (f: ReturnType<typeof orderFixture>) => void; path: string; message: RegExp }[] = [
    { name: 'a price with five decimals', change: (f) => { (f.products[1] as Resource).attributes.final_price = 79.99201; }, path: 'included[1].attributes.final_price', message: /more than 4 decimals/ },
    { name: 'a total with a sub-øre part', change: (f) => { (f.totals[0] as Resource).attributes.value = 1196.995; }, path: 'included[20].attributes.value', message: /whole number of øre/ },
    { name: 'an amount beyond decimal(15,4)', change: (f) => { (f.totals[0] as Resource).attributes.value = 1e12; }, path: 'included[20].attributes.value', message: /decimal\(15,4\)/ },
    { name: 'a fractional quantity', change: (f) => { (f.products[0] as Resource).attributes.quantity = 1.5; }, path: 'included[0].attributes.quantity', message: /int/i },
    { name: 'an unknown total type', change: (f) => { (f.totals[2] as Resource).attributes.order_total_type = 'fee'; }, path: 'included[22].attributes.order_total_type', message: /./ },
    { name: 'an unknown option prefix', change: (f) => { (f.options[0] as Resource).attributes.option_values_price_prefix = '*'; }, path: 'included[10].attributes.option_values_price_prefix', message: /'\+' or '-'/ },
    { name: 'a missing currency', change: (f) => { delete f.order.attributes.currency; }, path: 'data.attributes.currency', message: /./ },
    { name: 'a date that is not ISO 8601', change: (f) => { f.order.attributes.updated_at = '04.12.2026'; }, path: 'data.attributes.updated_at', message: /ISO 8601/ },
  ];
  for (const r of refusals) {
    test(`refused, naming the field: ${r.name}`, () => {
      const f = orderFixture();
      r.change(f);
      assert.throws(() => mapOrderAggregate(resourcesOf(f)), (error: unknown) => {
        assert.ok(error instanceof MystoreResponseError, String(error));
        assert.equal(error.fieldPath, r.path);
        assert.match(error.message, r.message);
        assert.equal(error.path, `/orders/${ORDER_ID}`);
        return true;
      });
    });
  }

  test('org numbers: Norwegian forms normalised, anything else null', () => {
    assert.equal(norwegianOrgNumber('999888777'), '999888777');
    assert.equal(norwegianOrgNumber('NO 999 888 777 MVA'), '999888777');
    assert.equal(norwegianOrgNumber('999.888.777'), '999888777');
    assert.equal(norwegianOrgNumber('SE556677889901'), null);
    assert.equal(norwegianOrgNumber(''), null);
  });
});

describe('exact decimals (shared by both clients)', () => {
  test('four decimals from JSON numbers exactly, over the whole decimal(15,4) range', () => {
    assert.equal(toScaledInteger(79.992, 4), 799_920n);
    assert.equal(toScaledInteger(0.0001, 4), 1n); // String(0.0001) is "0.0001"; 1e-7 would be "1e-7"
    assert.equal(toScaledInteger(1e-7, 4, 'half-away-from-zero'), 0n);
    assert.equal(toScaledInteger(99_999_999_999.9999, 4), 999_999_999_999_999n);
    assert.equal(toScaledInteger(-99_999_999_999.9999, 4), -999_999_999_999_999n);
    // Every 4-decimal value near the top of the range survives JSON.parse → String → digits.
    for (let k = 0n; k < 2_000n; k += 1n) {
      const value = 999_999_999_990_000n + k * 3n;
      const text = formatScaled(value, 4);
      assert.equal(toScaledInteger(JSON.parse(text) as number, 4), value, text);
    }
    assert.throws(() => toScaledInteger(0.1 + 0.2, 4), MoneyConversionError);
  });

  test('rounding half away from zero only when asked', () => {
    assert.equal(toScaledInteger('0.005', 2, 'half-away-from-zero'), 1n);
    assert.equal(toScaledInteger('-0.005', 2, 'half-away-from-zero'), -1n);
    assert.equal(toScaledInteger('0.0049', 2, 'half-away-from-zero'), 0n);
    assert.equal(toScaledInteger(527.4999, 2, 'half-away-from-zero'), 52_750n);
    assert.throws(() => toScaledInteger('0.005', 2), MoneyConversionError);
    assert.equal(rescaleHalfAwayFromZero(5_274_999n, 4, 2), 52_750n);
    assert.equal(rescaleHalfAwayFromZero(-50n, 4, 2), -1n);
    assert.equal(rescaleHalfAwayFromZero(-49n, 4, 2), 0n);
    assert.equal(rescaleHalfAwayFromZero(12n, 2, 4), 1_200n);
  });

  test('format and read', () => {
    assert.equal(formatScaled(-12_345n, 4), '-1.2345');
    assert.equal(formatScaled(5n, 4), '0.0005');
    assert.equal(formatScaled(0n, 4), '0.0000');
    assert.equal(formatScaled(4_220_000n, 4), '422.0000');
    assert.deepEqual(readDecimal('1.5E-1'), { negative: false, whole: '0', fraction: '15', text: '1.5E-1' });
    assert.throws(() => readDecimal('1,50'), MoneyConversionError);
    assert.throws(() => readDecimal(Number.NaN), MoneyConversionError);
  });
});
