// The Mystore sandbox's order generator: every order's totals add up exactly by the rules of
// docs/mystore-api-model.md "How the totals add up" (re-derived here from the served lines, with
// BigInt decimals, independently of the sandbox's own totals code), organisation numbers are
// valid, the same seed gives the same orders, and a few hundred orders cover every feature.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import fc from 'fast-check';
import { generateOrderSpecs, startMystoreSandbox, type MystoreSandbox, type OrderView } from '../../sandbox/mystore';

type Attrs = Record<string, unknown>;

/** A JSON number or decimal text as an exact BigInt in units of 10^-scale. */
function dec(value: unknown, scale: number): bigint {
  const text = typeof value === 'number' ? String(value) : String(value);
  const m = /^(-)?(\d+)(?:\.(\d+))?$/.exec(text);
  assert.ok(m, `not a plain decimal: ${text}`);
  const frac = (m[3] ?? '').padEnd(scale, '0');
  assert.ok(frac.length === scale || /^0+$/.test(frac.slice(scale)), `${text} has more than ${scale} decimals`);
  const units = BigInt(m[2] ?? '0') * 10n ** BigInt(scale) + BigInt(frac.slice(0, scale) || '0');
  return m[1] ? -units : units;
}

/** n / d rounded half away from zero (d > 0). */
function div(n: bigint, d: bigint): bigint {
  const q = n / d;
  const r = n % d;
  const abs = r < 0n ? -r : r;
  if (2n * abs >= d) return n < 0n ? q - 1n : q + 1n;
  return q;
}

/** Rate as hundredths of a percent (25 → 2500n). */
const bp = (rate: unknown) => dec(rate, 2);
/** VAT contained in an amount including VAT (øre): L − round2(L / (1 + r)). */
const vatOf = (amount: bigint, rateBp: bigint) => amount - div(amount * 10000n, 10000n + rateBp);

interface Derived { subtotal: bigint; vatByRate: Map<bigint, bigint>; total: bigint }

/** The doc's rules, from the lines and the line-type total rows. */
function derive(order: OrderView): Derived {
  const vatByRate = new Map<bigint, bigint>();
  const add = (r: bigint, v: bigint) => vatByRate.set(r, (vatByRate.get(r) ?? 0n) + v);
  const lineValueByRate = new Map<bigint, bigint>();
  let subtotal = 0n;
  for (const line of order.lines) {
    const a = line.attributes;
    const r = bp(a.tax_rate);
    // final_price = price + option surcharges (4 decimals, excluding VAT).
    const options = line.options.reduce((s, o) => s + (o.attributes.option_values_price_prefix === '-' ? -1n : 1n) * dec(o.attributes.option_values_price, 4), 0n);
    assert.equal(dec(a.final_price, 4), dec(a.price, 4) + options, `final_price of line ${line.id}`);
    const unit = div(dec(a.final_price, 4) * (10000n + r), 1000000n); // øre
    const value = unit * BigInt(a.quantity as number);
    subtotal += value;
    add(r, vatOf(value, r));
    lineValueByRate.set(r, (lineValueByRate.get(r) ?? 0n) + value);
  }
  let total = subtotal;
  for (const t of order.totals.map((x) => x.attributes)) {
    const value = dec(t.value, 2);
    if (t.class === 'ot_shipping' || t.class === 'ot_payment_fee') {
      assert.notEqual(t.tax_rate, '');
      add(bp(t.tax_rate), vatOf(value, bp(t.tax_rate)));
      total += value;
    } else if (t.class === 'ot_discount' || t.class === 'ot_coupon') {
      assert.equal(t.tax_rate, '');
      // Spread over the product lines' rates by their value, largest remainder, ties to the higher rate.
      const D = value < 0n ? -value : value;
      const rates = [...lineValueByRate.keys()].sort((x, y) => (x > y ? -1 : x < y ? 1 : 0));
      const abs = (v: bigint) => (v < 0n ? -v : v);
      const S = rates.reduce((s, r) => s + abs(lineValueByRate.get(r) ?? 0n), 0n);
      const parts = rates.map((r) => ({ r, base: S === 0n ? 0n : (D * abs(lineValueByRate.get(r) ?? 0n)) / S, rem: S === 0n ? 0n : (D * abs(lineValueByRate.get(r) ?? 0n)) % S }));
      let left = D - parts.reduce((s, p) => s + p.base, 0n);
      for (const p of [...parts].sort((x, y) => (y.rem > x.rem ? 1 : y.rem < x.rem ? -1 : x.r > y.r ? -1 : 1))) {
        if (left <= 0n) break;
        p.base += 1n;
        left -= 1n;
      }
      const sign = value < 0n ? -1n : 1n;
      for (const p of parts) add(p.r, vatOf(sign * p.base, p.r));
      total += value;
    } else if (t.class === 'ot_gv') {
      assert.equal(t.tax_rate, '');
      total += value;
    }
  }
  return { subtotal, vatByRate, total };
}

function assertTotalsAddUp(order: OrderView): void {
  const d = derive(order);
  const rows = order.totals.map((t) => t.attributes);
  const one = (cls: string): Attrs => {
    const found = rows.filter((r) => r.class === cls);
    assert.equal(found.length, 1, `${cls} rows in order ${order.id}`);
    return found[0] as Attrs;
  };
  assert.equal(dec(one('ot_subtotal').value, 2), d.subtotal, `subtotal of ${order.id}`);
  assert.equal(dec(one('ot_total').value, 2), d.total, `total of ${order.id}`);
  const taxRows = rows.filter((r) => r.class === 'ot_tax');
  const expected = [...d.vatByRate.entries()].filter(([r, v]) => r !== 0n && v !== 0n);
  assert.deepEqual(
    new Map(taxRows.map((r) => [bp(r.tax_rate), dec(r.value, 2)])),
    new Map(expected),
    `ot_tax rows of ${order.id}`,
  );
  for (const r of rows) assert.equal(r.sort, { ot_subtotal: 10, ot_shipping: 20, ot_payment_fee: 25, ot_discount: 30, ot_coupon: 31, ot_gv: 35, ot_tax: 40, ot_total: 50 }[r.class as string]);
  assert.ok(d.total >= 0n, `order ${order.id} total is not negative`);
}

function isValidOrgNumber(v: string): boolean {
  if (!/^\d{9}$/.test(v)) return false;
  const w = [3, 2, 7, 6, 5, 4, 3, 2];
  const sum = w.reduce((s, x, i) => s + x * Number(v[i]), 0);
  const c = 11 - (sum % 11);
  return c !== 10 && (c === 11 ? 0 : c) === Number(v[8]);
}

const START = new Date('2026-09-01T00:00:00Z');
const END = new Date('2026-12-01T00:00:00Z');
let sb: MystoreSandbox;
let shopNo = 0;
const newShop = () => { shopNo += 1; const shop = `gen-${shopNo}`; sb.admin.createShop({ shop }); return shop; };
const ordersOf = (shop: string, ids: string[]) => ids.map((id) => sb.admin.getOrder(shop, id));

before(async () => { sb = await startMystoreSandbox({ now: () => END }); });
after(async () => { await sb.close(); });

describe('mystore order generator', () => {
  test('every order adds up exactly and org numbers are valid (property, over seeds and counts)', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 40 }), (seed, count) => {
      const shop = newShop();
      const orders = ordersOf(shop, sb.admin.generateOrders(shop, { count, seed, startAt: START, endAt: END }));
      assert.equal(orders.length, count);
      for (const o of orders) {
        assertTotalsAddUp(o);
        const org = o.attributes.customer_org_number;
        if (org !== null) assert.ok(isValidOrgNumber(String(org)), `org number ${String(org)}`);
        const created = Date.parse(String(o.attributes.created_at));
        const updated = Date.parse(String(o.attributes.updated_at));
        assert.ok(created >= START.getTime() && updated >= created && updated <= END.getTime(), `dates of ${o.id}`);
      }
    }), { numRuns: 40 });
  });

  test('the same seed gives the same orders', () => {
    fc.assert(fc.property(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.integer({ min: 1, max: 25 }), (seed, count) => {
      const opts = { seed, count, startAt: START, endAt: END };
      assert.deepEqual(generateOrderSpecs(opts), generateOrderSpecs(opts));
      const a = newShop();
      const b = newShop();
      assert.deepEqual(ordersOf(a, sb.admin.generateOrders(a, opts)), ordersOf(b, sb.admin.generateOrders(b, opts)));
    }), { numRuns: 15 });
  });

  test('500 orders cover every feature', () => {
    const shop = newShop();
    const orders = ordersOf(shop, sb.admin.generateOrders(shop, { count: 500, seed: 2026, startAt: START, endAt: END }));
    const seen = new Set<string>();
    const customerOrders = new Map<string, number>();
    for (const o of orders) {
      assertTotalsAddUp(o);
      const a = o.attributes;
      const rows = o.totals.map((t) => t.attributes);
      if (o.customer === null) seen.add('guest');
      else {
        customerOrders.set(o.customer.id, (customerOrders.get(o.customer.id) ?? 0) + 1);
        seen.add(o.customer.attributes.org_number === null ? 'private' : 'business');
        if (o.customer.attributes.org_number !== null) assert.ok(isValidOrgNumber(String(o.customer.attributes.org_number)));
      }
      if (o.lines.length === 1) seen.add('one line');
      if (o.lines.length >= 10) seen.add('10+ lines');
      assert.ok(o.lines.length >= 1 && o.lines.length <= 50);
      const rates = new Set(o.lines.map((l) => String(l.attributes.tax_rate)));
      for (const r of rates) seen.add(`rate ${r}`);
      if (rates.size > 1) seen.add('mixed rates');
      for (const l of o.lines) {
        const name = String(l.attributes.name);
        for (const e of ['&oslash;', '&amp;', '&#248;']) if (name.includes(e)) seen.add(`entity ${e}`);
        if (dec(l.attributes.final_price, 4) !== 0n && div(dec(l.attributes.final_price, 4) * (10000n + bp(l.attributes.tax_rate)), 1000000n) % 100n !== 0n) seen.add('price with øre');
        if ((l.attributes.quantity as number) > 1) seen.add('quantity > 1');
        for (const opt of l.options) {
          if (opt.attributes.option_values_price_prefix === '-' && (opt.attributes.option_values_price as number) > 0) seen.add('option -');
          if (opt.attributes.option_values_price_prefix === '+' && (opt.attributes.option_values_price as number) > 0) seen.add('option +');
        }
      }
      const text = JSON.stringify([a.customer_address_name, a.customer_address_street, a.customer_address_city, o.lines.map((l) => l.attributes.name)]);
      for (const ch of ['æ', 'ø', 'å', 'Æ', 'Ø', 'Å', 'é', 'ü']) if (text.includes(ch)) seen.add(`letter ${ch}`);
      for (const r of rows) {
        if (r.class === 'ot_shipping') seen.add(`shipping ${String(r.tax_rate)}`);
        if (['ot_discount', 'ot_coupon', 'ot_payment_fee'].includes(String(r.class))) seen.add(String(r.class));
        if (r.class === 'ot_gv') seen.add(rows.find((x) => x.class === 'ot_total')?.value === 0 ? 'gift card covers all' : 'gift card partial');
      }
      seen.add(`currency ${String(a.currency)}`);
      if (a.currency !== 'NOK') assert.notEqual(a.currency_value, 1);
      seen.add(`payment ${String(a.payment_module)}`);
      if (o.statusHistory.length > 1) seen.add('status changes');
      assert.match(String(a.customer_email), /^[^@\s]+@[^@\s]+\.[a-z]+$/);
      assert.match(String(a.customer_phone), /^(\+47 )?[49]\d/);
      assert.match(String(a.customer_address_postcode), /^\d{4}$/);
    }
    const repeat = [...customerOrders.values()].filter((n) => n > 1).length;
    if (repeat > 0) seen.add('repeat customer');
    if ([...customerOrders.values()].some((n) => n === 1)) seen.add('one-time customer');
    const want = [
      'guest', 'private', 'business', 'one line', '10+ lines', 'rate 25', 'rate 15', 'rate 12', 'rate 0', 'mixed rates',
      'entity &oslash;', 'entity &amp;', 'entity &#248;', 'price with øre', 'quantity > 1', 'option +', 'option -',
      'letter æ', 'letter ø', 'letter å', 'letter Æ', 'letter Ø', 'letter Å', 'letter é', 'letter ü',
      'shipping 25', 'shipping 0', 'ot_discount', 'ot_coupon', 'ot_payment_fee', 'gift card covers all', 'gift card partial',
      'currency NOK', 'currency EUR', 'currency SEK', 'payment klarna', 'payment vipps', 'payment card', 'payment invoice', 'payment cod', 'payment giftcard',
      'status changes', 'repeat customer', 'one-time customer',
    ];
    assert.deepEqual(want.filter((f) => !seen.has(f)), []);
    // About 30 % of account orders come from a first-time customer.
    const accountOrders = orders.filter((o) => o.customer !== null).length;
    const firstTime = customerOrders.size / accountOrders;
    assert.ok(firstTime > 0.2 && firstTime < 0.45, `first-time share ${firstTime}`);
  });
});
