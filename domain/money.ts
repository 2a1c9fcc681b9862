/**
 * Exact money arithmetic for the order → invoice mapping. Amounts are integers in minor units
 * (øre); Mystore's four-decimal prices are integers in ten-thousandths; VAT rates are basis
 * points. Every division says how it rounds (half away from zero, as the shop and Tripletex
 * round a displayed amount), and nothing goes through floating-point multiplication.
 */

/** Thrown when a value is not an exact decimal with at most the allowed number of decimals. */
export class InexactAmountError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = 'InexactAmountError';
  }
}

const DECIMAL_TEXT = /^(-)?(\d+)(?:\.(\d+))?$/;

/**
 * "337.6" with 4 decimals → 3376000. Accepts numbers through their shortest round-trip text
 * (String(337.6) === "337.6"). Throws when more non-zero decimals are given than `decimals`.
 */
export function decimalToScaled(value: string | number, decimals: number): number {
  const text = typeof value === 'number' ? numberText(value) : value.trim();
  const match = DECIMAL_TEXT.exec(text);
  if (!match) throw new InexactAmountError(`"${text}" is not a plain decimal number`);
  const [, minus, whole = '0', fraction = ''] = match;
  const significantFraction = fraction.replace(/0+$/, '');
  if (significantFraction.length > decimals) {
    throw new InexactAmountError(`"${text}" has more than ${decimals} decimals`);
  }
  const scaled = Number(whole + significantFraction.padEnd(decimals, '0'));
  if (!Number.isSafeInteger(scaled)) throw new InexactAmountError(`"${text}" is too large`);
  return minus && scaled !== 0 ? -scaled : scaled;
}

function numberText(value: number): string {
  if (!Number.isFinite(value)) throw new InexactAmountError(`${value} is not a finite number`);
  const text = String(value);
  if (/e/i.test(text)) throw new InexactAmountError(`${text} is outside the range of amounts`);
  return text;
}

/** numerator / denominator rounded half away from zero; both integers, denominator > 0. */
export function divideRoundHalfAway(numerator: number, denominator: number): number {
  if (!Number.isSafeInteger(numerator) || !Number.isSafeInteger(denominator) || denominator <= 0) {
    throw new InexactAmountError(`cannot divide ${numerator} by ${denominator} exactly`);
  }
  const magnitude = Math.abs(numerator);
  const quotient = Math.floor(magnitude / denominator);
  const remainder = magnitude - quotient * denominator;
  const rounded = remainder * 2 >= denominator ? quotient + 1 : quotient;
  return numerator < 0 ? -rounded : rounded;
}

/** Minor units → a decimal string with two decimals ("-12.50"), for messages and APIs. */
export function formatMinor(minor: number): string {
  const sign = minor < 0 ? '-' : '';
  const magnitude = Math.abs(minor);
  return `${sign}${Math.floor(magnitude / 100)}.${String(magnitude % 100).padStart(2, '0')}`;
}

/** A VAT rate as Mystore writes it ("25", 15, "12.5") → basis points (2500, 1500, 1250). */
export function vatRateToBasisPoints(rate: string | number): number {
  return decimalToScaled(rate, 2);
}

/** The VAT included in an amount that includes VAT: amount − round(amount / (1 + rate)). */
export function vatIncluded(amountIncludingVat: number, rateBasisPoints: number): number {
  return amountIncludingVat - divideRoundHalfAway(amountIncludingVat * 10_000, 10_000 + rateBasisPoints);
}

/**
 * A per-unit price excluding VAT in ten-thousandths (Mystore's final_price) → the shop's price
 * including VAT in minor units: round2(price × (1 + rate)).
 */
export function unitPriceIncludingVat(priceExcludingVatScaled4: number, rateBasisPoints: number): number {
  // ten-thousandths × (10000 + bp) / 10000 → ten-thousandths; / 100 → minor units.
  return divideRoundHalfAway(priceExcludingVatScaled4 * (10_000 + rateBasisPoints), 1_000_000);
}

/**
 * Splits `total` over `weights` in proportion, by largest remainder, so the parts add up to
 * `total` exactly. Ties go to the earlier weight (callers order weights by priority).
 * All weights ≥ 0 with a positive sum; total may be negative.
 */
export function spreadByLargestRemainder(total: number, weights: readonly number[]): number[] {
  const weightSum = weights.reduce((sum, weight) => sum + weight, 0);
  if (weightSum <= 0 || weights.some((weight) => weight < 0)) {
    throw new InexactAmountError('cannot spread an amount over weights that are not positive');
  }
  // BigInt: amount × weight can pass 2^53 for large orders, and a lost øre here is a VAT error.
  const magnitude = BigInt(Math.abs(total));
  const sum = BigInt(weightSum);
  const shares = weights.map((weight, index) => ({ index, exact: magnitude * BigInt(weight) }));
  const parts = shares.map(({ exact }) => exact / sum);
  let left = magnitude - parts.reduce((acc, part) => acc + part, 0n);
  const byRemainder = [...shares].sort((a, b) => {
    const difference = (b.exact % sum) - (a.exact % sum);
    return difference > 0n ? 1 : difference < 0n ? -1 : a.index - b.index;
  });
  for (const { index } of byRemainder) {
    if (left === 0n) break;
    parts[index] = (parts[index] ?? 0n) + 1n;
    left -= 1n;
  }
  return parts.map((part) => (total < 0 ? -Number(part) : Number(part)) || 0);
}
