// The order-total rows of an order, computed exactly as docs/mystore-api-model.md "How the totals
// add up" says (the app checks its invoice against these rows, so they must be right to the øre).
// Works for credit orders too: there every value simply has the opposite sign.
import { formatAmount, unitInclVatOre, vatOfInclOre } from './money';

export type TotalClass = 'ot_subtotal' | 'ot_shipping' | 'ot_payment_fee' | 'ot_discount' | 'ot_coupon' | 'ot_gv' | 'ot_tax' | 'ot_total';

export const TOTAL_SORT: Record<TotalClass, number> = {
  ot_subtotal: 10, ot_shipping: 20, ot_payment_fee: 25, ot_discount: 30, ot_coupon: 31, ot_gv: 35, ot_tax: 40, ot_total: 50,
};

/** A computed order-total row (ids are given when the order is stored). */
export interface TotalRow {
  class: TotalClass;
  title: string;
  text: string;
  valueOre: number;
  valueWithoutTaxOre: number;
  sort: number;
  /** "25", "16.5", or "" for a row without a single rate. */
  taxRate: string;
  type: 'line' | 'total';
}

export interface TotalsInput {
  currency: string;
  /** Product lines: final_price (1e-4 units, per unit excl. VAT), quantity (negative on a credit), rate in bp. */
  lines: Array<{ finalPrice4: number; quantity: number; rateBp: number }>;
  /** Shipping and payment fees: the row's value including VAT (øre, signed as the row shows it). */
  charges: Array<{ class: 'ot_shipping' | 'ot_payment_fee'; title: string; valueOre: number; rateBp: number }>;
  /** Discounts and coupons: the row's value (negative on an order, positive on a credit). */
  reductions: Array<{ class: 'ot_discount' | 'ot_coupon'; title: string; valueOre: number }>;
  /** Gift cards used as payment: the row's value (negative on an order). */
  giftCards: Array<{ title: string; valueOre: number }>;
}

export function bpToRateText(bp: number): string {
  const whole = Math.trunc(bp / 100);
  const frac = bp % 100;
  return frac === 0 ? String(whole) : `${whole}.${String(frac).padStart(2, '0').replace(/0$/, '')}`;
}

/** Spreads `amount` (øre, signed) over rates in proportion to `weights` (øre per rate), largest remainder, ties to the higher rate. */
export function spreadByLargestRemainder(amount: number, weights: Map<number, number>): Map<number, number> {
  const rates = [...weights.keys()].sort((a, b) => b - a);
  const total = rates.reduce((s, r) => s + Math.abs(weights.get(r) ?? 0), 0);
  const out = new Map<number, number>();
  if (rates.length === 0) return out;
  const abs = Math.abs(amount);
  if (total === 0) {
    // No weight anywhere (only free lines): everything goes to the highest rate.
    out.set(rates[0] ?? 0, amount);
    return out;
  }
  const parts = rates.map((r) => {
    const num = abs * Math.abs(weights.get(r) ?? 0);
    if (!Number.isSafeInteger(num)) throw new Error('spread: amount too large');
    return { r, base: Math.floor(num / total), rem: num % total };
  });
  let left = abs - parts.reduce((s, p) => s + p.base, 0);
  const order = [...parts].sort((a, b) => b.rem - a.rem || b.r - a.r);
  for (const p of order) {
    if (left <= 0) break;
    p.base += 1;
    left -= 1;
  }
  for (const p of parts) out.set(p.r, Math.sign(amount) * p.base);
  return out;
}

export function computeTotals(input: TotalsInput): TotalRow[] {
  const cur = input.currency;
  const vatByRate = new Map<number, number>();
  const addVat = (bp: number, v: number) => vatByRate.set(bp, (vatByRate.get(bp) ?? 0) + v);
  const lineValueByRate = new Map<number, number>();
  let subtotal = 0;
  let subtotalVat = 0;
  for (const l of input.lines) {
    const value = unitInclVatOre(l.finalPrice4, l.rateBp) * l.quantity;
    const vat = vatOfInclOre(value, l.rateBp);
    subtotal += value;
    subtotalVat += vat;
    addVat(l.rateBp, vat);
    lineValueByRate.set(l.rateBp, (lineValueByRate.get(l.rateBp) ?? 0) + value);
  }
  const rows: TotalRow[] = [];
  const row = (cls: TotalClass, title: string, valueOre: number, valueWithoutTaxOre: number, taxRate: string, type: 'line' | 'total', html = false): TotalRow => ({
    class: cls, title, text: html ? `<b>${formatAmount(valueOre, cur)}</b>` : formatAmount(valueOre, cur),
    valueOre, valueWithoutTaxOre, sort: TOTAL_SORT[cls], taxRate, type,
  });
  rows.push(row('ot_subtotal', 'Delsum:', subtotal, subtotal - subtotalVat, '', 'total'));
  let total = subtotal;
  for (const c of input.charges) {
    const vat = vatOfInclOre(c.valueOre, c.rateBp);
    addVat(c.rateBp, vat);
    rows.push(row(c.class, c.title, c.valueOre, c.valueOre - vat, bpToRateText(c.rateBp), 'line'));
    total += c.valueOre;
  }
  for (const d of input.reductions) {
    // The row's value is −D; its parts per rate carry the VAT they take off.
    const parts = spreadByLargestRemainder(d.valueOre, lineValueByRate);
    let vatTotal = 0;
    for (const [bp, part] of parts) {
      const vat = vatOfInclOre(part, bp);
      addVat(bp, vat);
      vatTotal += vat;
    }
    rows.push(row(d.class, d.title, d.valueOre, d.valueOre - vatTotal, '', 'line'));
    total += d.valueOre;
  }
  for (const g of input.giftCards) {
    rows.push(row('ot_gv', g.title, g.valueOre, g.valueOre, '', 'line'));
    total += g.valueOre;
  }
  let taxSum = 0;
  // One row per rate whose VAT is not zero (0 % never has one; neither has e.g. a free 25 % pickup shipping row alone).
  for (const bp of [...vatByRate.keys()].filter((r) => r !== 0 && vatByRate.get(r) !== 0).sort((a, b) => b - a)) {
    const vat = vatByRate.get(bp) ?? 0;
    taxSum += vat;
    rows.push(row('ot_tax', `Herav ${bpToRateText(bp).replace('.', ',')}% mva:`, vat, 0, bpToRateText(bp), 'total'));
  }
  rows.push(row('ot_total', 'Totalt:', total, total - taxSum, '', 'total', true));
  return rows;
}

/** Remaining amount to pay before gift cards (used to size a gift card that covers everything). */
export function amountBeforeGiftCards(input: Omit<TotalsInput, 'giftCards'>): number {
  let t = 0;
  for (const l of input.lines) t += unitInclVatOre(l.finalPrice4, l.rateBp) * l.quantity;
  for (const c of input.charges) t += c.valueOre;
  for (const d of input.reductions) t += d.valueOre;
  return t;
}
