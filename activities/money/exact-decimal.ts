/**
 * Exact decimal amounts for both API clients (DESIGN.md: "Money is integers"). Amounts arrive
 * as JSON numbers or decimal strings; they are read from their decimal text digit by digit and
 * become BigInt multiples of 10^-scale, never through float multiplication. A conversion either
 * is exact, rounds the way the caller names, or throws: nothing is rounded away silently.
 *
 * Why reading a JSON number through String() is exact: String(n) is the shortest text that
 * parses back to the same double, and every decimal of at most 15 significant digits maps to a
 * distinct double, so a number that was written with ≤ 15 significant digits prints back as
 * exactly that decimal (String(19.99) === "19.99" although 19.99 * 100 !== 1999).
 */

/** Thrown when an amount cannot be converted without losing or inventing a digit. */
export class MoneyConversionError extends RangeError {
  constructor(message: string) {
    super(message);
    this.name = 'MoneyConversionError';
  }
}

export type Rounding = 'exact' | 'half-away-from-zero';

const DECIMAL = /^([+-])?(\d+)(?:\.(\d*))?(?:[eE]([+-]?\d+))?$|^([+-])?\.(\d+)(?:[eE]([+-]?\d+))?$/;

/** A decimal read from text: sign, integer digits, fraction digits (no exponent left). */
export interface DecimalDigits {
  readonly negative: boolean;
  readonly whole: string;
  readonly fraction: string;
  /** The text the digits were read from (for messages). */
  readonly text: string;
}

/** Reads a JSON number (via its shortest round-trip text) or a decimal string into digits. */
export function readDecimal(value: number | string): DecimalDigits {
  if (typeof value === 'number' && !Number.isFinite(value)) {
    throw new MoneyConversionError(`expected a finite amount, got ${String(value)}`);
  }
  const text = (typeof value === 'number' ? String(value) : value).trim();
  const match = DECIMAL.exec(text);
  if (!match) throw new MoneyConversionError(`"${text}" is not a decimal amount`);
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
  return { negative: sign === '-', whole: digits.slice(0, pointAt) || '0', fraction: digits.slice(pointAt), text };
}

/**
 * The amount as an integer count of 10^-scale (scale 2: øre from kroner, scale 4: Mystore's
 * decimal(15,4)). 'exact' throws when a non-zero digit lies beyond the scale;
 * 'half-away-from-zero' rounds on the first dropped digit (0.005 → 1, −0.005 → −1).
 */
export function toScaledInteger(value: number | string, scale: number, rounding: Rounding = 'exact'): bigint {
  const { negative, whole, fraction, text } = readDecimal(value);
  const dropped = fraction.slice(scale);
  let magnitude = BigInt(whole) * 10n ** BigInt(scale) + BigInt(fraction.slice(0, scale).padEnd(scale, '0') || '0');
  if (/[1-9]/.test(dropped)) {
    if (rounding === 'exact') {
      throw new MoneyConversionError(`${text} has more than ${scale} decimals`);
    }
    if ((dropped[0] ?? '0') >= '5') magnitude += 1n;
  }
  return negative ? -magnitude : magnitude;
}

/** An integer count of 10^-scale as decimal text with exactly `scale` decimals (-12345n, 4 → "-1.2345"). */
export function formatScaled(value: bigint, scale: number): string {
  const negative = value < 0n;
  const digits = (negative ? -value : value).toString().padStart(scale + 1, '0');
  const whole = digits.slice(0, digits.length - scale);
  const fraction = digits.slice(digits.length - scale);
  return `${negative ? '-' : ''}${whole}${scale > 0 ? `.${fraction}` : ''}`;
}

/** Rounds an integer count of 10^-from to 10^-to (to < from), half away from zero. */
export function rescaleHalfAwayFromZero(value: bigint, from: number, to: number): bigint {
  if (to >= from) return value * 10n ** BigInt(to - from);
  const divisor = 10n ** BigInt(from - to);
  const magnitude = value < 0n ? -value : value;
  const rounded = (magnitude + divisor / 2n) / divisor;
  return value < 0n ? -rounded : rounded;
}

/** A BigInt that must fit a JS number exactly (a safe integer), else throws. */
export function toSafeNumber(value: bigint, what: string): number {
  if (value > BigInt(Number.MAX_SAFE_INTEGER) || value < -BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new MoneyConversionError(`${what} is too large to count exactly`);
  }
  const result = Number(value);
  return Object.is(result, -0) ? 0 : result;
}
