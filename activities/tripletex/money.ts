/**
 * The one place where Tripletex's decimal kroner meet the app's integer øre (DESIGN.md:
 * "Money is integers"). Conversions are exact or they throw: an amount that is not a whole
 * number of øre is a bug or a surprise from the API, and must never be rounded away silently.
 */

/** Thrown when an amount cannot be converted without losing or inventing an øre. */
export class MoneyConversionError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = 'MoneyConversionError';
  }
}

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

const DECIMAL = /^([+-])?(\d+)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$|^([+-])?\.(\d+)(?:[eE]([+-]?\d+))?$/;

/**
 * Kroner (a JSON number, or a decimal string such as "19.99") → integer øre, exactly.
 * Numbers are read through their shortest round-trip text (String(19.99) === "19.99"), then the
 * decimal text is parsed digit by digit: no float multiplication, so 19.99 never becomes 1998.
 * Throws on more than two non-zero decimals, non-finite values and amounts beyond MAX_ORE.
 */
export function kronerToOre(value: number | string): number {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new MoneyConversionError(`expected a finite amount of kroner, got ${String(value)}`);
  }
  const text = (typeof value === 'number' ? String(value) : value).trim();
  const match = DECIMAL.exec(text);
  if (!match) throw new MoneyConversionError(`"${text}" is not a decimal amount of kroner`);
  const sign = match[1] ?? match[5] ?? '';
  const integerDigits = match[2] ?? '0';
  const fractionDigits = match[3] ?? match[6] ?? '';
  const exponent = Number(match[4] ?? match[7] ?? '0');

  // Shift the decimal point by the exponent on the digit string itself (String(1e21) is "1e+21").
  let digits = integerDigits + fractionDigits;
  let pointAt = integerDigits.length + exponent;
  if (pointAt < 0) {
    digits = '0'.repeat(-pointAt) + digits;
    pointAt = 0;
  }
  if (pointAt > digits.length) digits += '0'.repeat(pointAt - digits.length);
  const whole = digits.slice(0, pointAt) || '0';
  const fraction = digits.slice(pointAt);
  if (/[1-9]/.test(fraction.slice(2))) {
    throw new MoneyConversionError(`${text} kroner is not a whole number of øre`);
  }
  const ore = BigInt(whole) * 100n + BigInt(fraction.slice(0, 2).padEnd(2, '0'));
  if (ore > BigInt(MAX_ORE)) {
    throw new MoneyConversionError(`${text} kroner is too large to count in øre exactly`);
  }
  const result = Number(ore);
  return sign === '-' && result !== 0 ? -result : result;
}
