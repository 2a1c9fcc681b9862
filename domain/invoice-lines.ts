/**
 * A Mystore order's lines and order totals → the invoice lines Tripletex will book, checked
 * against the shop's own total and VAT per rate to the øre before anything is sent. Pure and
 * deterministic: the transfer workflow may call it directly.
 *
 * The arithmetic follows docs/mystore-api-model.md "How the totals add up": every invoice line
 * carries a price including VAT (Tripletex with isPrioritizeAmountsIncludingVat), and its VAT is
 * computed per line as Tripletex and the shop do, so equal lines mean equal VAT.
 */
import type { MystoreOrderAggregate, MystoreOrderLine, MystoreOrderTotal } from './mystore-order';
import {
  decimalToScaled, formatMinor, InexactAmountError, spreadByLargestRemainder, unitPriceIncludingVat, vatIncluded,
} from './money';

export type InvoiceLineKind = 'product' | 'shipping' | 'fee' | 'discount';

export interface InvoiceLineDraft {
  kind: InvoiceLineKind;
  description: string;
  /** The shop's SKU for product lines ('' when none). */
  sku: string;
  /** Whole units; negative on a credit order. */
  quantity: number;
  /** Per unit, including VAT, in minor units. */
  unitPriceIncludingVat: number;
  /** quantity × unitPriceIncludingVat. */
  amountIncludingVat: number;
  /** Basis points (2500 = 25 %). */
  vatRate: number;
  /** VAT included in amountIncludingVat, computed per line. */
  vat: number;
}

export interface InvoiceLinesResult {
  lines: InvoiceLineDraft[];
  /** Σ line amounts: what the invoice totals, including what a gift card paid. */
  amountIncludingVat: number;
  /** Paid with gift cards (a means of payment, not revenue): positive minor units. */
  giftCardAmount: number;
  /** VAT per rate, rates descending. */
  vatByRate: Array<{ vatRate: number; vat: number }>;
}

/** Why an order cannot become an invoice as it stands; `message` says it in plain words. */
export type InvoiceLinesRejection =
  | { reason: 'amount-mismatch'; message: string; shopTotal: number; invoiceTotal: number; vatDifferences: Array<{ vatRate: number; shop: number; invoice: number }> }
  | { reason: 'unreadable-amount'; message: string }
  | { reason: 'unknown-order-total'; message: string; totalClass: string }
  | { reason: 'no-lines'; message: string }
  | { reason: 'missing-order-total'; message: string };

export type InvoiceLinesOutcome = { ok: true; value: InvoiceLinesResult } | { ok: false; rejection: InvoiceLinesRejection };

/** Order-total classes that reduce the order and have no single VAT rate: spread over the product rates. */
const SPREAD_CLASSES: Record<string, string> = { ot_discount: 'Rabatt', ot_coupon: 'Kupong' };
/** Order-total classes that are a means of payment, not revenue. (Class name assumed; docs/mystore-api-model.md.) */
const GIFT_CARD_CLASSES = new Set(['ot_gv']);
const SHIPPING_CLASS = 'ot_shipping';

export function mapInvoiceLines(order: Pick<MystoreOrderAggregate, 'lines' | 'totals' | 'currency'>): InvoiceLinesOutcome {
  try {
    return mapOrThrow(order);
  } catch (error) {
    if (error instanceof InexactAmountError) {
      return { ok: false, rejection: { reason: 'unreadable-amount', message: `An amount in the order cannot be read exactly: ${error.message}.` } };
    }
    throw error;
  }
}

function mapOrThrow(order: Pick<MystoreOrderAggregate, 'lines' | 'totals' | 'currency'>): InvoiceLinesOutcome {
  if (order.lines.length === 0) {
    return { ok: false, rejection: { reason: 'no-lines', message: 'The order has no product lines, so there is nothing to invoice.' } };
  }
  const lines: InvoiceLineDraft[] = order.lines.map(productLine);
  let giftCardAmount = 0;

  const lineTotals = order.totals.filter((total) => total.kind === 'line').sort((a, b) => a.sort - b.sort);
  for (const total of lineTotals) {
    if (GIFT_CARD_CLASSES.has(total.class)) {
      giftCardAmount -= total.value;
    } else if (total.class in SPREAD_CLASSES && total.vatRate === null) {
      lines.push(...spreadOverProductRates(total, lines.filter((line) => line.kind === 'product'), SPREAD_CLASSES[total.class]!));
    } else if (total.vatRate !== null) {
      const kind: InvoiceLineKind = total.class === SHIPPING_CLASS ? 'shipping' : total.value < 0 ? 'discount' : 'fee';
      lines.push(singleAmountLine(kind, total.title, total.value, total.vatRate));
    } else {
      return {
        ok: false,
        rejection: {
          reason: 'unknown-order-total', totalClass: total.class,
          message: `The order has a "${total.title}" line (${total.class}) without a VAT rate that the integration does not know how to book. Ask the developers to map ${total.class}.`,
        },
      };
    }
  }

  const amountIncludingVat = lines.reduce((sum, line) => sum + line.amountIncludingVat, 0);
  const vatByRate = sumVatByRate(lines);
  return checkAgainstShopTotals(order, { lines, amountIncludingVat, giftCardAmount, vatByRate });
}

function productLine(line: MystoreOrderLine): InvoiceLineDraft {
  const unitPrice = unitPriceIncludingVat(decimalToScaled(line.unitPriceExcludingVat, 4), line.vatRate);
  const amount = unitPrice * line.quantity;
  const options = line.options.map((option) => `${option.name}: ${option.value}`).join(', ');
  return {
    kind: 'product',
    description: options ? `${line.name} (${options})` : line.name,
    sku: line.sku,
    quantity: line.quantity,
    unitPriceIncludingVat: unitPrice,
    amountIncludingVat: amount,
    vatRate: line.vatRate,
    vat: vatIncluded(amount, line.vatRate),
  };
}

function singleAmountLine(kind: InvoiceLineKind, title: string, amount: number, vatRate: number): InvoiceLineDraft {
  return { kind, description: cleanTitle(title), sku: '', quantity: 1, unitPriceIncludingVat: amount, amountIncludingVat: amount, vatRate, vat: vatIncluded(amount, vatRate) };
}

/**
 * A discount without a single rate reduces goods at several rates: split it over the product
 * lines' rates in proportion to their value, one invoice line per rate, so each rate's VAT is
 * reduced by its share (docs/mystore-api-model.md rule 3; ties to the higher rate).
 */
function spreadOverProductRates(total: MystoreOrderTotal, productLines: InvoiceLineDraft[], label: string): InvoiceLineDraft[] {
  const rates = [...new Set(productLines.map((line) => line.vatRate))].sort((a, b) => b - a);
  const weights = rates.map((rate) => Math.abs(productLines.filter((line) => line.vatRate === rate).reduce((sum, line) => sum + line.amountIncludingVat, 0)));
  if (weights.every((weight) => weight === 0)) return [singleAmountLine('discount', total.title || label, total.value, 0)];
  const parts = spreadByLargestRemainder(total.value, weights);
  const title = cleanTitle(total.title) || label;
  return rates
    .map((rate, index) => ({ rate, part: parts[index] ?? 0 }))
    .filter(({ part }) => part !== 0)
    .map(({ rate, part }) => singleAmountLine('discount', rates.length > 1 ? `${title} (${formatRate(rate)} mva)` : title, part, rate));
}

function sumVatByRate(lines: InvoiceLineDraft[]): Array<{ vatRate: number; vat: number }> {
  const byRate = new Map<number, number>();
  for (const line of lines) byRate.set(line.vatRate, (byRate.get(line.vatRate) ?? 0) + line.vat);
  return [...byRate.entries()].sort(([a], [b]) => b - a).map(([vatRate, vat]) => ({ vatRate, vat }));
}

/** The shop's `ot_total` and `ot_tax` rows must equal what the invoice will say, to the øre. */
function checkAgainstShopTotals(order: Pick<MystoreOrderAggregate, 'totals' | 'currency'>, result: InvoiceLinesResult): InvoiceLinesOutcome {
  const shopTotalRow = order.totals.find((total) => total.class === 'ot_total');
  if (!shopTotalRow) {
    return { ok: false, rejection: { reason: 'missing-order-total', message: 'The order has no ot_total row, so its invoice cannot be checked against the shop. Nothing was sent.' } };
  }
  const shopVat = new Map<number, number>();
  for (const row of order.totals.filter((total) => total.class === 'ot_tax')) {
    if (row.vatRate === null) continue;
    shopVat.set(row.vatRate, (shopVat.get(row.vatRate) ?? 0) + row.value);
  }
  const rates = [...new Set([...shopVat.keys(), ...result.vatByRate.map((entry) => entry.vatRate)])].sort((a, b) => b - a);
  const vatDifferences = rates
    .map((vatRate) => ({ vatRate, shop: shopVat.get(vatRate) ?? 0, invoice: result.vatByRate.find((entry) => entry.vatRate === vatRate)?.vat ?? 0 }))
    .filter((entry) => entry.shop !== entry.invoice);
  const invoiceTotalPayable = result.amountIncludingVat - result.giftCardAmount;
  if (invoiceTotalPayable === shopTotalRow.value && vatDifferences.length === 0) return { ok: true, value: result };

  const currency = order.currency;
  const parts = [`the shop's total is ${formatMinor(shopTotalRow.value)} ${currency}, the invoice would total ${formatMinor(invoiceTotalPayable)} ${currency}`];
  for (const difference of vatDifferences) {
    parts.push(`VAT at ${formatRate(difference.vatRate)}: shop ${formatMinor(difference.shop)}, invoice ${formatMinor(difference.invoice)}`);
  }
  return {
    ok: false,
    rejection: {
      reason: 'amount-mismatch',
      shopTotal: shopTotalRow.value,
      invoiceTotal: invoiceTotalPayable,
      vatDifferences,
      message: `Amount mismatch: ${parts.join('; ')}. Nothing was sent to Tripletex; check the order in Mystore.`,
    },
  };
}

function formatRate(basisPoints: number): string {
  return `${basisPoints / 100} %`;
}

/** Order-total titles end with a colon in osCommerce ("Fast fraktpris:"). */
function cleanTitle(title: string): string {
  return title.replace(/:\s*$/, '').trim();
}
