/**
 * Typed builder for Mystore order aggregates in tests. Its totals are computed here, with BigInt
 * rational arithmetic written independently of domain/money.ts, from the rules in
 * docs/mystore-api-model.md ("How the totals add up"), so a mistake in the app's arithmetic is
 * not repeated by the test data.
 */
import type { MystoreOrderAggregate, MystoreOrderLine, MystoreOrderTotal } from '../../domain/mystore-order';

export interface LineSpec {
  name?: string;
  sku?: string;
  quantity: number;
  /** The shop's price per unit including VAT, in øre. */
  unitPriceIncludingVat: number;
  /** Basis points. */
  vatRate: number;
  options?: Array<{ name: string; value: string }>;
}

export interface OrderSpec {
  orderId?: string;
  currency?: string;
  lines: LineSpec[];
  shipping?: { amount: number; vatRate: number } | undefined;
  paymentFee?: { amount: number; vatRate: number } | undefined;
  /** Positive øre taken off, spread over the product rates by Mystore. */
  discount?: number | undefined;
  coupon?: number | undefined;
  /** Positive øre paid by gift card. */
  giftCard?: number | undefined;
}

/** round(n / d) half away from zero, BigInt. */
function roundDiv(n: bigint, d: bigint): bigint {
  const negative = n < 0n !== d < 0n;
  const an = n < 0n ? -n : n;
  const ad = d < 0n ? -d : d;
  const q = (an * 2n + ad) / (ad * 2n);
  return negative ? -q : q;
}

/** VAT inside an amount including VAT: L − round(L × 10000 / (10000 + bp)). */
export function referenceVat(amountIncludingVat: number, vatRate: number): number {
  const amount = BigInt(amountIncludingVat);
  return Number(amount - roundDiv(amount * 10000n, BigInt(10000 + vatRate)));
}

/** Mystore's final_price (4 decimals, excluding VAT) for a price including VAT in øre. */
export function referenceFinalPrice(unitPriceIncludingVat: number, vatRate: number): string {
  // price incl / (1 + r), in ten-thousandths of a krone: øre × 100 × 10000 / (10000 + bp)
  const scaled = roundDiv(BigInt(unitPriceIncludingVat) * 100n * 10000n, BigInt(10000 + vatRate));
  const negative = scaled < 0n;
  const digits = (negative ? -scaled : scaled).toString().padStart(5, '0');
  return `${negative ? '-' : ''}${digits.slice(0, -4)}.${digits.slice(-4)}`;
}

/** Largest-remainder split, ties to the earlier weight (the higher rate). */
function referenceSpread(total: number, weights: number[]): number[] {
  if (total < 0) return referenceSpread(-total, weights).map((part) => -part);
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (BigInt(total) * BigInt(w)));
  const parts = exact.map((e) => e / BigInt(sum));
  let left = BigInt(total) - parts.reduce((a, b) => a + b, 0n);
  const order = exact.map((e, i) => ({ i, r: e % BigInt(sum) })).sort((a, b) => (b.r > a.r ? 1 : b.r < a.r ? -1 : a.i - b.i));
  for (const { i } of order) {
    if (left === 0n) break;
    parts[i] = parts[i]! + 1n;
    left -= 1n;
  }
  return parts.map(Number);
}

export function buildOrder(spec: OrderSpec): MystoreOrderAggregate {
  const lines: MystoreOrderLine[] = spec.lines.map((line, index) => ({
    lineId: String(index + 1),
    productId: String(1000 + index),
    name: line.name ?? `Vare ${index + 1}`,
    sku: line.sku ?? `SKU-${index + 1}`,
    quantity: line.quantity,
    unitPriceExcludingVat: referenceFinalPrice(line.unitPriceIncludingVat, line.vatRate),
    vatRate: line.vatRate,
    options: (line.options ?? []).map((option) => ({ ...option, priceExcludingVat: '0.0000' })),
  }));

  const vat = new Map<number, number>();
  const addVat = (amount: number, rate: number) => vat.set(rate, (vat.get(rate) ?? 0) + referenceVat(amount, rate));
  const goodsByRate = new Map<number, number>();
  let subtotal = 0;
  for (const line of spec.lines) {
    const amount = line.unitPriceIncludingVat * line.quantity;
    subtotal += amount;
    goodsByRate.set(line.vatRate, (goodsByRate.get(line.vatRate) ?? 0) + amount);
    addVat(amount, line.vatRate);
  }
  const totals: MystoreOrderTotal[] = [{ class: 'ot_subtotal', kind: 'total', title: 'Delsum:', value: subtotal, valueExcludingVat: 0, vatRate: null, sort: 10 }];
  let total = subtotal;
  if (spec.shipping) {
    totals.push({ class: 'ot_shipping', kind: 'line', title: 'Fast fraktpris:', value: spec.shipping.amount, valueExcludingVat: spec.shipping.amount - referenceVat(spec.shipping.amount, spec.shipping.vatRate), vatRate: spec.shipping.vatRate, sort: 20 });
    addVat(spec.shipping.amount, spec.shipping.vatRate);
    total += spec.shipping.amount;
  }
  if (spec.paymentFee) {
    totals.push({ class: 'ot_payment_fee', kind: 'line', title: 'Fakturagebyr:', value: spec.paymentFee.amount, valueExcludingVat: spec.paymentFee.amount - referenceVat(spec.paymentFee.amount, spec.paymentFee.vatRate), vatRate: spec.paymentFee.vatRate, sort: 25 });
    addVat(spec.paymentFee.amount, spec.paymentFee.vatRate);
    total += spec.paymentFee.amount;
  }
  const rates = [...goodsByRate.keys()].sort((a, b) => b - a);
  for (const [cls, amount, sort, title] of [['ot_discount', spec.discount, 30, 'Rabatt:'], ['ot_coupon', spec.coupon, 31, 'Kupong SOMMER:']] as const) {
    if (!amount) continue;
    totals.push({ class: cls, kind: 'line', title, value: -amount, valueExcludingVat: 0, vatRate: null, sort });
    const parts = referenceSpread(-amount, rates.map((rate) => Math.abs(goodsByRate.get(rate)!)));
    rates.forEach((rate, index) => addVat(parts[index]!, rate));
    total -= amount;
  }
  if (spec.giftCard) {
    totals.push({ class: 'ot_gv', kind: 'line', title: 'Gavekort:', value: -spec.giftCard, valueExcludingVat: -spec.giftCard, vatRate: null, sort: 35 });
    total -= spec.giftCard;
  }
  for (const [rate, amount] of [...vat.entries()].sort(([a], [b]) => b - a)) {
    if (amount !== 0 || rate !== 0) totals.push({ class: 'ot_tax', kind: 'total', title: `Herav ${rate / 100}% mva:`, value: amount, valueExcludingVat: 0, vatRate: rate, sort: 40 });
  }
  totals.push({ class: 'ot_total', kind: 'total', title: 'Totalt:', value: total, valueExcludingVat: 0, vatRate: null, sort: 50 });

  const address = { name: 'Kari Nordmann', company: '', street: 'Storgata 1', postcode: '0155', city: 'Oslo', country: 'Norway' };
  return {
    shop: 'test-shop',
    orderId: spec.orderId ?? '6001',
    createdAt: '2026-12-01T10:00:00+01:00',
    updatedAt: '2026-12-01T12:00:00+01:00',
    currency: spec.currency ?? 'NOK',
    paymentModule: 'klarna',
    paymentMethod: 'Klarna',
    shippingMethod: 'servicepakke',
    customer: { customerId: '501', email: 'kari@example.no', phone: '+4791234567', organizationNumber: null, name: 'Kari Nordmann', billingAddress: address, shippingAddress: address },
    lines,
    totals,
    status: { statusId: '3', name: 'Sendt', completed: true, cancelled: false },
    creditsOrderId: null,
    invoiceNumber: null,
    invoiceDate: null,
  };
}
