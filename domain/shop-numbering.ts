/**
 * The `shop` numbering mode (ShopSettings.invoiceNumbering): every invoice carries the shop's own
 * number for its order, so one sale has one number in both systems. Tripletex accepts an explicit
 * `invoiceNumber` on `POST /invoice` but its own counter does not move past such numbers (brief
 * §7, Tripletex API issue #118): Tripletex's own series (invoices typed in by hand, full credit
 * notes) must start far above the shop's and stay there. This module decides the shop's number
 * for an order, what onboarding asks the merchant to set, how it checks it afterwards, and how
 * reconciliation judges the gap between the two series. Pure.
 */
import type { InvoiceNumbering, InvoiceNumberingMode } from './shop-settings';
import {
  assessNumbering, list, roundUp, SHOP_INVOICE_SERIES_START, SHOP_SERIES_HEADROOM, shopSeries, TRIPLETEX_INVOICE_SERIES_MIN_START,
  verifyCustomerNumbers, verifyNumberingAfterConfirmation, type NumberingAssessment, type NumberingFacts, type NumberingVerification,
} from './numbering';

export type ShopNumbering = Extract<InvoiceNumbering, { mode: 'shop' }>;

/** Tripletex's own series is placed to leave the shop's series room for this many years of its growth. */
export const YEARS_OF_ROOM = 10;
/** Reconciliation warns when the gap left would be used up within this many years... */
export const WARN_WITHIN_YEARS = 1;
/** ...or when fewer numbers than this are left between the two series, whatever the growth. */
export const MINIMUM_GAP = 1000;
/** Tripletex stores invoice numbers as int32. */
const LARGEST_INVOICE_NUMBER = 2_147_483_647;
const DAY_MS = 24 * 60 * 60 * 1000;

/**
 * The shop's own invoice number for an order: its Mystore order number, the order id (the series
 * that starts at 6000 by default). UNCONFIRMED: Mystore's API shows no separate invoice-number
 * field on an order (mystore-api.md, open questions), so this is the one place to change if it
 * turns out to have one. null when the id is not a whole number Tripletex can store.
 */
export function shopInvoiceNumber(orderId: string): number | null {
  if (!/^[1-9]\d{0,9}$/.test(orderId)) return null;
  const number = Number(orderId);
  return number <= LARGEST_INVOICE_NUMBER ? number : null;
}

/** Whether this invoice number is the one the shop mode gives this order (so the integration numbered it). */
export function isShopNumbered(invoiceNumber: number | null | undefined, orderId: string): boolean {
  return invoiceNumber !== null && invoiceNumber !== undefined && invoiceNumber === shopInvoiceNumber(orderId);
}

/** Numbers the shop's series uses a year, from the span of orders onboarding read; 0 when it cannot tell. */
export function shopNumbersPerYear(facts: NumberingFacts): number {
  const span = facts.mystore.span;
  if (!span) return 0;
  const days = (Date.parse(span.highest.createdAt) - Date.parse(span.lowest.createdAt)) / DAY_MS;
  const numbers = span.highest.orderId - span.lowest.orderId;
  // Less than a day of orders says little about a year.
  if (!(days >= 1) || numbers <= 0) return 0;
  return Math.ceil((numbers / days) * 365);
}

export interface ShopNumberingAssessment {
  /** The shop's series as far as it is used, and the next number it will put on an invoice. */
  shopSeries: { from: number; highestSeen: number; next: number; numbersPerYear: number };
  highestInTripletex: number | null;
  /** Where the merchant starts Tripletex's own invoice series. */
  suggestedStart: number;
  /** Years of the shop's growth before its numbers reach the suggested start (null: growth unknown). */
  yearsOfRoom: number | null;
  /** Tripletex's invoices do not already reach into the numbers the shop will use in the coming years. */
  ok: boolean;
  /** What stands in the way when not ok. */
  problems: string[];
  instructions: string[];
  verifiableAfterConfirmation: string[];
  notVerifiable: string[];
}

function seriesOf(facts: NumberingFacts) {
  const { highestSeen } = shopSeries(facts);
  const lowestRead = facts.mystore.span?.lowest.orderId;
  const from = Math.min(SHOP_INVOICE_SERIES_START, lowestRead ?? SHOP_INVOICE_SERIES_START);
  const numbersPerYear = shopNumbersPerYear(facts);
  return { from, highestSeen, next: highestSeen + 1, numbersPerYear };
}

export function assessShopNumbering(facts: NumberingFacts): ShopNumberingAssessment {
  const series = seriesOf(facts);
  const highest = facts.tripletex.highestInvoiceNumber;
  // Tripletex's own series starts above everything it used, and YEARS_OF_ROOM of the shop's growth above its numbers.
  const room = Math.max(SHOP_SERIES_HEADROOM, series.numbersPerYear * YEARS_OF_ROOM);
  const suggestedStart = roundUp(Math.max(TRIPLETEX_INVOICE_SERIES_MIN_START, (highest ?? 0) + 1, series.highestSeen + room));
  const yearsOfRoom = series.numbersPerYear > 0 ? Math.floor((suggestedStart - series.next) / series.numbersPerYear) : null;
  const problems: string[] = [];
  const notVerifiable = [
    `The next invoice number Tripletex gives (${suggestedStart} was asked for): the API does not show it; it shows only on the next invoice made in Tripletex.`,
  ];
  // Tripletex's invoices between the shop's next number and the room it needs would be met by the shop's own numbers.
  if (highest !== null && highest >= series.next && highest < series.highestSeen + room) {
    problems.push(
      `Tripletex already holds invoice number ${highest}, within the numbers this shop will use in the coming years (its next is ${series.next}). With the shop's numbers on the invoices, the shop's orders would meet Tripletex's invoices. Keep Tripletex numbering the invoices (onboard with --numbering tripletex), or ask Tripletex support whether those numbers can be freed.`,
    );
  } else if (highest !== null && highest >= series.next) {
    notVerifiable.push(`That Tripletex has no invoice numbered between ${series.next} and ${series.highestSeen + room}: the API shows only its highest invoice number (${highest}).`);
  }
  const growth = series.numbersPerYear > 0 ? `, about ${series.numbersPerYear} a year` : '';
  const instructions = [
    `In Tripletex, Accounting → Accounting settings → Voucher types / number sequences: start the outgoing invoice series at ${suggestedStart}. Invoices from the shop carry the shop's own numbers (from ${series.from}, now at ${series.highestSeen}${growth}); Tripletex numbers only the invoices made in Tripletex itself and full credit notes, from ${suggestedStart}${yearsOfRoom !== null ? `, which leaves the shop about ${yearsOfRoom} years` : ''}.`,
  ];
  if (highest !== null && highest >= series.from && highest < series.next) {
    instructions.push(`Tripletex already used invoice numbers up to ${highest}, inside the shop's past numbers: an older order brought over by backfill whose number is taken will wait with that reason and can be numbered by Tripletex instead.`);
  }
  return {
    shopSeries: series,
    highestInTripletex: highest,
    suggestedStart,
    yearsOfRoom,
    ok: problems.length === 0,
    problems,
    instructions,
    verifiableAfterConfirmation: [
      `No invoice appears in Tripletex numbered from the shop's next number (${series.next}) up to ${suggestedStart - 1}: one would show that Tripletex's series was not moved.`,
    ],
    notVerifiable,
  };
}

export interface ShopNumberingVerification {
  ok: boolean;
  verified: string[];
  problems: string[];
  notVerifiable: string[];
}

/** After the merchant confirmed: Tripletex's highest invoice number must not lie in the shop's coming numbers. */
export function verifyShopNumberingAfterConfirmation(before: NumberingFacts, after: NumberingFacts): ShopNumberingVerification {
  const assessment = assessShopNumbering(before);
  const { next } = assessment.shopSeries;
  const start = assessment.suggestedStart;
  const highest = after.tripletex.highestInvoiceNumber;
  const previous = before.tripletex.highestInvoiceNumber ?? 0;
  const problems = [...assessment.problems];
  const verified: string[] = [];
  const setSeries = `In Tripletex, Accounting → Accounting settings → Voucher types / number sequences: start the outgoing invoice series at ${start}`;
  if (highest !== null && highest > previous && highest < start) {
    problems.push(`An invoice was created in Tripletex with number ${highest} after the instructions, below the ${start} asked for, so Tripletex's series was not moved. ${setSeries}.`);
  } else if (problems.length === 0) {
    verified.push(highest === null || highest < next
      ? `Tripletex's invoice numbers (highest ${highest ?? 'none'}) lie below the shop's next number ${next}.`
      : `Tripletex's highest invoice number (${highest}) lies above the shop's numbers for the coming years.`);
    if (highest !== null && highest > previous) verified.push(`An invoice created since got number ${highest}, in Tripletex's new series.`);
  }
  return { ok: problems.length === 0, verified, problems, notVerifiable: assessment.notVerifiable };
}

/** The settings a shop in shop mode is saved with, from what onboarding assessed. */
export function shopNumberingSettings(assessment: ShopNumberingAssessment): ShopNumbering {
  return {
    mode: 'shop',
    tripletexSeriesStart: assessment.suggestedStart,
    shopSeriesFrom: assessment.shopSeries.from,
    shopNumbersPerYear: assessment.shopSeries.numbersPerYear,
  };
}

// ─── Onboarding in either mode ──────────────────────────────────────────────────────────────

/** What onboarding shows in a numbering mode: customer numbers as always, invoice numbers by the mode. */
export interface ModeNumberingAssessment extends NumberingAssessment {
  mode: InvoiceNumberingMode;
  /** Shop mode only: the shop's series, its growth, and where Tripletex's own series goes. */
  shopNumbering?: ShopNumberingAssessment;
}

export function assessNumberingInMode(facts: NumberingFacts, mode: InvoiceNumberingMode): ModeNumberingAssessment {
  const general = assessNumbering(facts);
  if (mode === 'tripletex') return { ...general, mode };
  const shop = assessShopNumbering(facts);
  // The general instructions are [next customer number, invoice series, renumbering…]: the middle one is the mode's.
  const [customerSetting, , ...renumbering] = general.instructions;
  const [customerCheck, , ...renumbered] = general.verifiableAfterConfirmation;
  return {
    ...general,
    mode,
    invoiceNumbers: { ...general.invoiceNumbers, ok: shop.ok, suggestedStart: shop.suggestedStart },
    instructions: [customerSetting!, ...shop.instructions, ...renumbering],
    verifiableAfterConfirmation: [customerCheck!, ...shop.verifiableAfterConfirmation, ...renumbered],
    notVerifiable: [general.notVerifiable[0]!, ...shop.notVerifiable],
    shopNumbering: shop,
  };
}

export function verifyNumberingInMode(before: NumberingFacts, after: NumberingFacts, mode: InvoiceNumberingMode): NumberingVerification {
  if (mode === 'tripletex') return verifyNumberingAfterConfirmation(before, after);
  const customers = verifyCustomerNumbers(before, after);
  const invoices = verifyShopNumberingAfterConfirmation(before, after);
  const problems = [...customers.problems, ...invoices.problems];
  return { ok: problems.length === 0, verified: [...customers.verified, ...invoices.verified], problems, notVerifiable: assessNumberingInMode(before, mode).notVerifiable };
}

// ─── Switching a live shop to shop numbering ────────────────────────────────────────────────

export interface SeriesStartCheck {
  ok: boolean;
  problems: string[];
  /** What the operator's switch will save when ok. */
  numbering: ShopNumbering;
  assessment: ShopNumberingAssessment;
}

/**
 * A live shop switching to shop numbering: the merchant set Tripletex's own series to start at
 * `seriesStart` (what assessShopNumbering suggested earlier, or their own choice). It must lie
 * above the shop's next number with at least a year of the shop's growth between them, and no
 * invoice may already sit between the shop's next number and it.
 */
export function checkShopModeSeriesStart(facts: NumberingFacts, seriesStart: number): SeriesStartCheck {
  const assessment = assessShopNumbering(facts);
  const { next, numbersPerYear } = assessment.shopSeries;
  const highest = facts.tripletex.highestInvoiceNumber;
  const problems: string[] = [];
  const least = next + Math.max(MINIMUM_GAP, numbersPerYear * WARN_WITHIN_YEARS);
  if (seriesStart < least) {
    problems.push(`A series start of ${seriesStart} leaves the shop too little room: its next number is ${next}${numbersPerYear > 0 ? ` and it uses about ${numbersPerYear} numbers a year` : ''}. Start Tripletex's series at ${assessment.suggestedStart} (at least ${least}).`);
  }
  if (highest !== null && highest >= next && highest < seriesStart) {
    problems.push(`Tripletex already holds invoice number ${highest}, between the shop's next number (${next}) and the series start ${seriesStart}: the shop's numbers would meet it. In Tripletex, Accounting → Accounting settings → Voucher types / number sequences: start the outgoing invoice series at ${Math.max(assessment.suggestedStart, seriesStart)}, or keep Tripletex numbering the invoices.`);
  }
  return {
    ok: problems.length === 0,
    problems,
    numbering: { mode: 'shop', tripletexSeriesStart: seriesStart, shopSeriesFrom: assessment.shopSeries.from, shopNumbersPerYear: numbersPerYear },
    assessment,
  };
}

// ─── Reconciliation: the gap between the two series ─────────────────────────────────────────

/** What reconciliation saw of the invoice numbers, compacted so it carries over continue-as-new. */
export interface TripletexNumberedSeen {
  /** Highest number Tripletex gave itself below the shop's series, null when none was seen. */
  highestBelowShop: number | null;
  /** The lowest numbers (at most NUMBERS_KEPT) Tripletex gave itself at or above the start of the shop's series. */
  lowestFromShop: number[];
}

export const NUMBERS_KEPT = 50;

export function emptyTripletexNumberedSeen(): TripletexNumberedSeen {
  return { highestBelowShop: null, lowestFromShop: [] };
}

/** Adds invoice numbers Tripletex gave itself (not the shop's) to what was seen. */
export function addTripletexNumbered(seen: TripletexNumberedSeen, numbers: readonly number[], shopSeriesFrom: number): TripletexNumberedSeen {
  let highestBelowShop = seen.highestBelowShop;
  const fromShop = new Set(seen.lowestFromShop);
  for (const number of numbers) {
    if (number < shopSeriesFrom) highestBelowShop = Math.max(highestBelowShop ?? number, number);
    else fromShop.add(number);
  }
  return { highestBelowShop, lowestFromShop: [...fromShop].sort((a, b) => a - b).slice(0, NUMBERS_KEPT) };
}

/** Both halves of what was seen together (two batches, or a carried report and a new batch). */
export function mergeTripletexNumberedSeen(a: TripletexNumberedSeen, b: TripletexNumberedSeen): TripletexNumberedSeen {
  const below = [a.highestBelowShop, b.highestBelowShop].filter((n): n is number => n !== null);
  return {
    highestBelowShop: below.length > 0 ? Math.max(...below) : null,
    lowestFromShop: [...new Set([...a.lowestFromShop, ...b.lowestFromShop])].sort((x, y) => x - y).slice(0, NUMBERS_KEPT),
  };
}

export interface SeriesGapReport {
  status: 'ok' | 'small' | 'collided';
  shopSeries: { from: number; highestSeen: number };
  /** Which series grows towards the other. */
  approaching: 'shop' | 'tripletex';
  /** Free numbers between the two series. */
  gap: number;
  /** Below this many free numbers reconciliation warns. */
  warnBelow: number;
  /** Tripletex's own numbers found inside the shop's used series. */
  inside: number[];
  message: string;
}

/**
 * Judges the gap between the shop's series and Tripletex's own. The shop's series runs from
 * `shopSeriesFrom` to the highest shop number seen; Tripletex's own numbers are those it gave
 * itself (seen in the invoices reconciliation read, and its highest invoice number when that lies
 * above the shop's). Whichever lies below grows towards the other: the shop's towards the lowest
 * of Tripletex's numbers above it (at the latest the series start the merchant set), or
 * Tripletex's towards the start of the shop's series.
 */
export function assessSeriesGap(input: {
  numbering: ShopNumbering;
  shopHighestSeen: number | null;
  seen: TripletexNumberedSeen;
  tripletexHighest: number | null;
}): SeriesGapReport {
  const { numbering, seen } = input;
  const from = numbering.shopSeriesFrom;
  const highestSeen = Math.max(input.shopHighestSeen ?? from - 1, from - 1);
  const shopSeriesReport = { from, highestSeen };
  const own = [...seen.lowestFromShop];
  if (input.tripletexHighest !== null && input.tripletexHighest > highestSeen) own.push(input.tripletexHighest);
  const inside = own.filter((number) => number <= highestSeen).sort((a, b) => a - b);
  const moveTo = roundUp(Math.max(...own, highestSeen, numbering.tripletexSeriesStart) + Math.max(MINIMUM_GAP, numbering.shopNumbersPerYear * YEARS_OF_ROOM) + 1);
  const moveSeries = `In Tripletex, Accounting → Accounting settings → Voucher types / number sequences: move the outgoing invoice series to ${moveTo}.`;
  if (inside.length > 0) {
    return {
      status: 'collided', shopSeries: shopSeriesReport, approaching: 'tripletex', gap: 0, warnBelow: MINIMUM_GAP, inside,
      message: `Tripletex numbered invoice(s) ${list(inside)} itself, inside the shop's own series (${from}–${highestSeen}): the shop's invoices with those numbers cannot be created (their transfers wait as InvoiceNumberTaken). ${moveSeries}`,
    };
  }
  if (seen.highestBelowShop !== null) {
    const gap = from - seen.highestBelowShop - 1;
    const status = gap < MINIMUM_GAP ? 'small' : 'ok';
    return {
      status, shopSeries: shopSeriesReport, approaching: 'tripletex', gap, warnBelow: MINIMUM_GAP, inside,
      message: status === 'small'
        ? `Tripletex's own invoice series has reached ${seen.highestBelowShop}, only ${gap} numbers below the shop's series (from ${from}). When it reaches ${from}, Tripletex's invoices and the shop's take the same numbers. ${moveSeries}`
        : `Tripletex's own invoice series (at ${seen.highestBelowShop}) lies ${gap} numbers below the shop's (from ${from}).`,
    };
  }
  const lowestAbove = Math.min(numbering.tripletexSeriesStart, ...own.filter((number) => number > highestSeen));
  const gap = lowestAbove - highestSeen - 1;
  const warnBelow = Math.max(MINIMUM_GAP, numbering.shopNumbersPerYear * WARN_WITHIN_YEARS);
  const status = gap < warnBelow ? 'small' : 'ok';
  const years = numbering.shopNumbersPerYear > 0 ? ` (about ${(gap / numbering.shopNumbersPerYear).toFixed(1)} years at ${numbering.shopNumbersPerYear} orders a year)` : '';
  return {
    status, shopSeries: shopSeriesReport, approaching: 'shop', gap, warnBelow, inside,
    message: status === 'small'
      ? `The shop's numbers (now at ${highestSeen}) are only ${gap} below Tripletex's own invoice numbers (from ${lowestAbove})${years}. When they meet, the shop's invoices cannot be created. ${moveSeries}`
      : `${gap} numbers lie between the shop's (now at ${highestSeen}) and Tripletex's own invoice numbers (from ${lowestAbove})${years}.`,
  };
}
