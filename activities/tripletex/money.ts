/**
 * The one place where Tripletex's decimal kroner meet the app's integer øre (DESIGN.md:
 * "Money is integers"). Conversions are exact or they throw: an amount that is not a whole
 * number of øre is a bug or a surprise from the API, and must never be rounded away silently.
 */

import { MoneyConversionError, toScaledInteger } from '../money/exact-decimal';

/** Thrown when an amount cannot be converted without losing or inventing an øre (shared with the Mystore client). */
export { MoneyConversionError };

/**
 * Integer øre → kroner as Tripletex JSON expects (1999 → 19.99). Dividing an integer by 100 is
 * correctly rounded in IEEE 754, so the result is the same double as parsing "19.99" and
 * serialises back to exactly that text.
 */
export function oreToKroner(ore: number): number {
  if (!Number.isSafeInteger(ore) || Math.abs(ore) > MAX_ORE) {
    throw new MoneyConversionError(`expected a whole number of øre up to ${MAX_ORE}, got ${String(ore)}`);
  }
  const kroner = ore / 100;
  return Object.is(kroner, -0) ? 0 : kroner;
}

/**
 * Largest |øre| converted: below 10^15 every amount has at most 15 significant digits, which a
 * double holds exactly enough to print back as the same decimal (10 000 milliarder kroner).
 */
export const MAX_ORE = 999_999_999_999_999;

/**
 * Kroner (a JSON number, or a decimal string such as "19.99") → integer øre, exactly.
 * Numbers are read through their shortest round-trip text (String(19.99) === "19.99"), then the
 * decimal text is parsed digit by digit (activities/money/exact-decimal.ts): no float
 * multiplication, so 19.99 never becomes 1998.
 * Throws on more than two non-zero decimals, non-finite values and amounts beyond MAX_ORE.
 */
export function kronerToOre(value: number | string): number {
  let ore: bigint;
  try {
    ore = toScaledInteger(value, 2, 'exact');
  } catch (error) {
    if (error instanceof MoneyConversionError) {
      throw new MoneyConversionError(`${String(value).trim()} kroner is not a whole number of øre (${error.message})`);
    }
    throw error;
  }
  if (ore > BigInt(MAX_ORE) || ore < -BigInt(MAX_ORE)) {
    throw new MoneyConversionError(`${String(value).trim()} kroner is too large to count in øre exactly`);
  }
  const result = Number(ore);
  return Object.is(result, -0) ? 0 : result;
}
