/**
 * Number series (brief §7): Tripletex's API can neither read nor set the next customer or invoice
 * number. So onboarding tells the merchant exactly what to set in Tripletex's screens, and checks
 * afterwards what the API does show: the numbers already in use. Pure: the facts come from
 * gatherNumberingFacts.
 *
 * - Customer numbers: the integration gives each Tripletex customer the shop's own customer
 *   number (Mystore customer ids), so customers made by hand in Tripletex must be numbered
 *   from 100000, clear of them. Every Tripletex customer below 100000 may collide.
 * - Invoice numbers: Tripletex numbers the invoices; their series must start clear of the shop's
 *   own invoice series (from 6000 by default) and above every invoice number Tripletex already used.
 */

/** Where the merchant's own (hand-made) Tripletex customers are numbered from. */
export const TRIPLETEX_CUSTOMER_NUMBER_START = 100_000;
/** Where the shop's own invoice (and order) numbers start by default in Mystore. */
export const SHOP_INVOICE_SERIES_START = 6000;
/** The lowest start suggested for Tripletex's outgoing invoice series. */
export const TRIPLETEX_INVOICE_SERIES_MIN_START = 50_000;
/** At least this much room above the shop's highest number before Tripletex's series starts. */
export const SHOP_SERIES_HEADROOM = 20_000;
/** Suggested starts are rounded up to a multiple of this, so they are easy to type and to see. */
const ROUND_TO = 10_000;

export interface NumberingFacts {
  /** ISO instant the facts were gathered at. */
  gatheredAt: string;
  tripletex: {
    /** Customers, active and inactive. */
    customerCount: number;
    /** Highest customer number in use; null when none. */
    highestCustomerNumber: number | null;
    /** Customer numbers in use below TRIPLETEX_CUSTOMER_NUMBER_START, ascending. */
    customerNumbersBelowStart: number[];
    /** Highest invoice (or credit note) number in use; null when there is no invoice. */
    highestInvoiceNumber: number | null;
  };
  mystore: {
    /** Highest customer id seen on the newest orders (Mystore lists no customers); null when none. */
    highestCustomerId: number | null;
    /** Highest order id (the shop's own order/invoice series); null when the shop has no orders. */
    highestOrderId: number | null;
    /** How many orders were read to find these. */
    ordersRead: number;
    /**
     * The lowest and highest order ids read, with when each order was created: how fast the
     * shop's series grows. null when fewer than two dated orders were read; absent in facts
     * gathered before onboarding read it.
     */
    span?: OrderSeriesSpan | null;
  };
}

export interface OrderSeriesSpan {
  lowest: { orderId: number; createdAt: string };
  highest: { orderId: number; createdAt: string };
}

export interface NumberingAssessment {
  customerNumbers: {
    /** Tripletex customer numbers below 100000: each may be, or become, a shop customer's number. */
    collisions: number[];
    /** Of those, the ones the shop already uses (at or below its highest customer id seen). */
    alreadyInShopRange: number[];
    ok: boolean;
    /** What the merchant sets as the next customer number. */
    nextCustomerNumber: number;
  };
  invoiceNumbers: {
    highestInTripletex: number | null;
    /** The shop's own series: from 6000 to its highest order id seen. */
    shopSeries: { from: number; highestSeen: number };
    /** Tripletex's highest invoice number lies outside the shop's series. */
    ok: boolean;
    /** What the merchant starts Tripletex's outgoing invoice series at. */
    suggestedStart: number;
  };
  /** Exactly what the merchant sets or does in Tripletex, in order. */
  instructions: string[];
  /** What onboarding checks once the merchant confirms. */
  verifiableAfterConfirmation: string[];
  /** What the API cannot show, so nobody can check it but the merchant. */
  notVerifiable: string[];
}

export interface NumberingVerification {
  ok: boolean;
  /** What was checked and held, in words. */
  verified: string[];
  /** What was checked and failed, with what to do. */
  problems: string[];
  /** What the API cannot show. */
  notVerifiable: string[];
}

export const roundUp = (n: number) => Math.ceil(n / ROUND_TO) * ROUND_TO;

export function list(numbers: readonly number[], max = 10): string {
  const shown = numbers.slice(0, max).join(', ');
  return numbers.length > max ? `${shown} and ${numbers.length - max} more` : shown;
}

export function shopSeries(facts: NumberingFacts): { from: number; highestSeen: number } {
  return { from: SHOP_INVOICE_SERIES_START, highestSeen: Math.max(facts.mystore.highestOrderId ?? 0, SHOP_INVOICE_SERIES_START) };
}

/** Whether an invoice number lies in the shop's series as far as it has been used. */
function insideShopSeries(invoiceNumber: number | null, series: { from: number; highestSeen: number }): boolean {
  return invoiceNumber !== null && invoiceNumber >= series.from && invoiceNumber <= series.highestSeen;
}

/** The start of Tripletex's invoice series: ≥ 50000, above Tripletex's highest, and well above the shop's highest (room to grow). */
export function suggestedInvoiceSeriesStart(facts: NumberingFacts): number {
  const series = shopSeries(facts);
  const shopNeeds = series.highestSeen + Math.max(SHOP_SERIES_HEADROOM, series.highestSeen - series.from + 1);
  return roundUp(Math.max(TRIPLETEX_INVOICE_SERIES_MIN_START, (facts.tripletex.highestInvoiceNumber ?? 0) + 1, shopNeeds));
}

export function assessNumbering(facts: NumberingFacts): NumberingAssessment {
  const collisions = [...new Set(facts.tripletex.customerNumbersBelowStart.filter((n) => n < TRIPLETEX_CUSTOMER_NUMBER_START))].sort((a, b) => a - b);
  const highestShopCustomer = facts.mystore.highestCustomerId ?? 0;
  const alreadyInShopRange = collisions.filter((n) => n <= highestShopCustomer);
  const nextCustomerNumber = Math.max(TRIPLETEX_CUSTOMER_NUMBER_START, (facts.tripletex.highestCustomerNumber ?? 0) + 1);

  const series = shopSeries(facts);
  const highestInTripletex = facts.tripletex.highestInvoiceNumber;
  const suggestedStart = suggestedInvoiceSeriesStart(facts);

  const instructions = [
    `In Tripletex, Customer → Settings: set the next customer number to ${nextCustomerNumber}.`,
    `In Tripletex, Accounting → Accounting settings → Voucher types / number sequences: start the outgoing invoice series at ${suggestedStart}.`,
  ];
  if (collisions.length > 0) {
    instructions.push(
      `In Tripletex, give the customers numbered ${list(collisions)} new customer numbers of ${nextCustomerNumber} or above (open the customer, change "Customer number"), unless they are the shop's own customers with those same numbers.`,
    );
  }

  const verifiableAfterConfirmation = [
    `No customer is created in Tripletex with a number below ${TRIPLETEX_CUSTOMER_NUMBER_START} from now on (a new one would show the setting did not take).`,
    `Tripletex's highest invoice number does not lie inside the shop's own series (${series.from}–${series.highestSeen}).`,
  ];
  if (collisions.length > 0) verifiableAfterConfirmation.push(`The customers numbered ${list(collisions)} no longer hold numbers below ${TRIPLETEX_CUSTOMER_NUMBER_START}.`);
  const notVerifiable = [
    `The next customer number Tripletex gives (${nextCustomerNumber} was asked for): the API does not show it; it shows only once a customer is created by hand.`,
    `The next invoice number Tripletex gives (${suggestedStart} was asked for): the API does not show it; it shows only on the next invoice.`,
  ];

  return {
    customerNumbers: { collisions, alreadyInShopRange, ok: collisions.length === 0, nextCustomerNumber },
    invoiceNumbers: { highestInTripletex, shopSeries: series, ok: !insideShopSeries(highestInTripletex, series), suggestedStart },
    instructions,
    verifiableAfterConfirmation,
    notVerifiable,
  };
}

/**
 * After the merchant confirmed the settings: what the API lets us check. `before` are the facts the
 * instructions were made from, `after` are gathered now.
 */
export function verifyNumberingAfterConfirmation(before: NumberingFacts, after: NumberingFacts): NumberingVerification {
  const assessment = assessNumbering(before);
  const { verified, problems } = verifyCustomerNumbers(before, after);

  // Invoices: Tripletex's highest number is not inside the shop's series; a new invoice shows the series.
  const series = shopSeries(after);
  const highest = after.tripletex.highestInvoiceNumber;
  const newInvoice = highest !== null && highest > (before.tripletex.highestInvoiceNumber ?? 0);
  if (insideShopSeries(highest, series)) {
    problems.push(
      `Tripletex's highest invoice number is ${highest}, inside the shop's own series (${series.from}–${series.highestSeen}). In Tripletex, Accounting → Accounting settings → Voucher types / number sequences: start the outgoing invoice series at ${assessment.invoiceNumbers.suggestedStart}.`,
    );
  } else if (newInvoice && highest < assessment.invoiceNumbers.suggestedStart) {
    problems.push(
      `An invoice was created in Tripletex with number ${highest} after the instructions, below the ${assessment.invoiceNumbers.suggestedStart} asked for, so the series was not moved. In Tripletex, Accounting → Accounting settings → Voucher types / number sequences: start the outgoing invoice series at ${assessment.invoiceNumbers.suggestedStart}.`,
    );
  } else {
    verified.push(
      highest === null
        ? 'Tripletex has no invoices yet, so none collides with the shop\'s series.'
        : `Tripletex's highest invoice number (${highest}) lies outside the shop's own series (${series.from}–${series.highestSeen}).`,
    );
    if (newInvoice) verified.push(`An invoice created since got number ${highest}, in the new series.`);
  }

  return { ok: problems.length === 0, verified, problems, notVerifiable: assessment.notVerifiable };
}

/** The customer-number half of the check after confirmation (the same in both numbering modes). */
export function verifyCustomerNumbers(before: NumberingFacts, after: NumberingFacts): { verified: string[]; problems: string[] } {
  const assessment = assessNumbering(before);
  const verified: string[] = [];
  const problems: string[] = [];

  // Customers: no new number below 100000 appeared meanwhile.
  const known = new Set(before.tripletex.customerNumbersBelowStart);
  const newLow = after.tripletex.customerNumbersBelowStart.filter((n) => n < TRIPLETEX_CUSTOMER_NUMBER_START && !known.has(n));
  if (newLow.length > 0) {
    problems.push(
      `A customer was created in Tripletex with number ${list(newLow)} after the instructions were given, so the next customer number is still below ${TRIPLETEX_CUSTOMER_NUMBER_START}. In Tripletex, Customer → Settings: set the next customer number to ${assessment.customerNumbers.nextCustomerNumber}, and renumber that customer to ${assessment.customerNumbers.nextCustomerNumber} or above.`,
    );
  } else {
    verified.push(`No customer was created in Tripletex with a number below ${TRIPLETEX_CUSTOMER_NUMBER_START} since the instructions.`);
    if (after.tripletex.customerCount > before.tripletex.customerCount && (after.tripletex.highestCustomerNumber ?? 0) >= TRIPLETEX_CUSTOMER_NUMBER_START && (after.tripletex.highestCustomerNumber ?? 0) > (before.tripletex.highestCustomerNumber ?? 0)) {
      verified.push(`A customer created since got number ${after.tripletex.highestCustomerNumber}, in the new series.`);
    }
  }
  const stillLow = assessment.customerNumbers.collisions.filter((n) => after.tripletex.customerNumbersBelowStart.includes(n));
  if (assessment.customerNumbers.collisions.length > 0) {
    if (stillLow.length > 0) {
      // Not a blocker on its own: they may be the shop's own customers under the same numbers.
      verified.push(`Customers numbered ${list(stillLow)} still hold numbers below ${TRIPLETEX_CUSTOMER_NUMBER_START}; the integration will treat a shop customer with the same number as that Tripletex customer.`);
    } else {
      verified.push(`The customers that held numbers below ${TRIPLETEX_CUSTOMER_NUMBER_START} have been renumbered.`);
    }
  }
  return { verified, problems };
}
