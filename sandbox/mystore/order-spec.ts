// The typed description of an order the sandbox should hold (what a shopper's checkout would
// produce), used by `admin.createOrder` and produced by the order generator, and the pure step
// that turns it into order lines and order-total rows. Prices are given as the shop shows them,
// including VAT; excluding-VAT unit prices are derived to 4 decimals as Mystore stores them.
import { exclFromInclOre4, parseDecimal, rateToBp } from './money';
import type { Address } from './store';
import { amountBeforeGiftCards, computeTotals, type TotalRow, type TotalsInput } from './totals';

export type PaymentModuleCode = 'klarna' | 'vipps' | 'card' | 'invoice' | 'cod' | 'giftcard';
/** The default statuses by meaning: new = the "standard" tag, completed = "Fullført", cancelled = "Kansellert". */
export type StatusKey = 'new' | 'processing' | 'completed' | 'cancelled' | 'returned';
export type Amount = number | string;

export interface CustomerSpec {
  /** guest = a checkout without an account: no customer relationship. */
  kind: 'private' | 'business' | 'guest';
  /** Orders with the same key belong to the same customer (default: the e-mail). */
  key?: string;
  firstname: string;
  lastname: string;
  email: string;
  phone: string;
  company?: string;
  /** 9 digits; business customers. */
  orgNumber?: string | null;
  street: string;
  postcode: string;
  city: string;
  country?: string;
}

export interface OptionSpec {
  name: string;
  value: string;
  /** Surcharge per unit including VAT at the line's rate; negative gives prefix "-". Default 0. */
  priceInclVat?: Amount;
}

export interface LineSpec {
  name: string;
  sku?: string;
  productId?: string | null;
  quantity: number;
  /** Base price per unit including VAT (e.g. 199.90), before options. */
  priceInclVat: Amount;
  /** Percent: 25, 15, 12, 0 (16.5 works too). */
  taxRate: number;
  options?: OptionSpec[];
}

export interface OrderSpec {
  /** Default DEFAULT_CUSTOMER (a private customer with an account). */
  customer?: CustomerSpec;
  lines: LineSpec[];
  shipping?: { method?: string; title?: string; priceInclVat: Amount; taxRate?: number } | null;
  /** Payment fees (ot_payment_fee), e.g. an invoice fee. */
  fees?: Array<{ title?: string; priceInclVat: Amount; taxRate?: number }>;
  /** Positive amounts; the rows are negative. */
  discounts?: Array<{ title?: string; amount: Amount }>;
  coupons?: Array<{ code?: string; title?: string; amount: Amount }>;
  /** A gift card used as payment; 'all' covers whatever is left to pay. */
  giftCard?: { title?: string; amount: Amount | 'all' } | null;
  currency?: string;
  /** Shop-currency units per unit of `currency` (default 1). */
  currencyValue?: Amount;
  paymentModule?: PaymentModuleCode;
  paymentMethod?: string;
  /** Final status, by meaning or by id (statusId wins). Default 'new'. */
  status?: StatusKey;
  statusId?: string;
  /** Earlier status changes (the generator fills this); the last entry is the final status. */
  statusHistory?: Array<{ status: StatusKey; at: Date | string }>;
  createdAt?: Date | string;
  updatedAt?: Date | string;
  shippingAddress?: Partial<Address>;
  language?: string;
}

export const DEFAULT_CUSTOMER: CustomerSpec = {
  kind: 'private', firstname: 'Ola', lastname: 'Nordmann', email: 'ola.nordmann@example.no', phone: '+47 912 34 567',
  street: 'Storgata 1', postcode: '0150', city: 'Oslo', country: 'Norway',
};

export const PAYMENT_METHOD_NAMES: Record<PaymentModuleCode, string> = {
  klarna: 'Klarna', vipps: 'Vipps', card: 'Kort (Visa/Mastercard)', invoice: 'Faktura', cod: 'Postoppkrav', giftcard: 'Gavekort',
};

export interface BuiltLine {
  productId: string | null; name: string; sku: string;
  originalPrice4: number; price4: number; finalPrice4: number; quantity: number; rateBp: number;
  options: Array<{ optionName: string; optionValueName: string; price4: number; prefix: '+' | '-' }>;
}

/** Lines and total rows of a spec. Pure; throws Error on an impossible spec. */
export function buildLinesAndTotals(spec: OrderSpec, currency: string): { lines: BuiltLine[]; totals: TotalRow[] } {
  if (spec.lines.length === 0) throw new Error('an order needs at least one line');
  const lines: BuiltLine[] = spec.lines.map((l, i) => {
    if (!Number.isInteger(l.quantity) || l.quantity === 0) throw new Error(`line ${i + 1}: quantity must be a non-zero integer`);
    const rateBp = rateToBp(l.taxRate);
    const price4 = exclFromInclOre4(parseDecimal(l.priceInclVat, 2), rateBp);
    const options = (l.options ?? []).map((o) => {
      const signed = exclFromInclOre4(parseDecimal(o.priceInclVat ?? 0, 2), rateBp);
      return { optionName: o.name, optionValueName: o.value, price4: Math.abs(signed), prefix: (signed < 0 ? '-' : '+') as '+' | '-' };
    });
    const finalPrice4 = price4 + options.reduce((s, o) => s + (o.prefix === '-' ? -o.price4 : o.price4), 0);
    if (price4 < 0 || finalPrice4 < 0) throw new Error(`line ${i + 1}: negative price`);
    return { productId: l.productId ?? null, name: l.name, sku: l.sku ?? '', originalPrice4: price4, price4, finalPrice4, quantity: l.quantity, rateBp, options };
  });
  const base: Omit<TotalsInput, 'giftCards'> = {
    currency,
    lines: lines.map((l) => ({ finalPrice4: l.finalPrice4, quantity: l.quantity, rateBp: l.rateBp })),
    charges: [
      ...(spec.shipping ? [{ class: 'ot_shipping' as const, title: spec.shipping.title ?? 'Frakt:', valueOre: parseDecimal(spec.shipping.priceInclVat, 2), rateBp: rateToBp(spec.shipping.taxRate ?? 25) }] : []),
      ...(spec.fees ?? []).map((f) => ({ class: 'ot_payment_fee' as const, title: f.title ?? 'Gebyr:', valueOre: parseDecimal(f.priceInclVat, 2), rateBp: rateToBp(f.taxRate ?? 25) })),
    ],
    reductions: [
      ...(spec.discounts ?? []).map((d) => ({ class: 'ot_discount' as const, title: d.title ?? 'Rabatt:', valueOre: -parseDecimal(d.amount, 2) })),
      ...(spec.coupons ?? []).map((c) => ({ class: 'ot_coupon' as const, title: c.title ?? `Kupong ${c.code ?? ''}:`.replace(' :', ':'), valueOre: -parseDecimal(c.amount, 2) })),
    ],
  };
  const before = amountBeforeGiftCards(base);
  const giftCards: TotalsInput['giftCards'] = [];
  if (spec.giftCard) {
    const wanted = spec.giftCard.amount === 'all' ? before : parseDecimal(spec.giftCard.amount, 2);
    const used = Math.max(0, Math.min(wanted, before));
    giftCards.push({ title: spec.giftCard.title ?? 'Gavekort:', valueOre: -used });
  }
  return { lines, totals: computeTotals({ ...base, giftCards }) };
}
