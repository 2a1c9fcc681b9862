// Line and invoice amounts computed the way Tripletex does (brief §6.1, task brief): per line
// count × unit price × (1 − discount %), VAT from the VAT type's percentage, each line rounded to
// øre, invoice totals summed from the rounded lines. Exact rational arithmetic on bigint, so no
// float error is ever accumulated and a wrong mapping by a client shows up as a wrong total.

interface Rational { num: bigint; den: bigint }

/** Exact value of a JSON number as written (249.9 is 2499/10, not the nearest double). */
export function toRational(value: number): Rational {
  if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
  let text = String(value);
  if (/e/i.test(text)) text = value.toFixed(20).replace(/0+$/, '').replace(/\.$/, '');
  const negative = text.startsWith('-');
  const [intPart = '0', fracPart = ''] = text.replace('-', '').split('.');
  const den = 10n ** BigInt(fracPart.length);
  const num = BigInt(intPart + fracPart) * (negative ? -1n : 1n);
  return { num, den };
}

function mul(a: Rational, b: Rational): Rational { return { num: a.num * b.num, den: a.den * b.den }; }

/** Round to whole øre, half away from zero (Tripletex rounds per line to 2 decimals). */
function toOre(r: Rational): number {
  const scaled = r.num * 100n;
  const negative = (scaled < 0n) !== (r.den < 0n);
  const n = scaled < 0n ? -scaled : scaled;
  const d = r.den < 0n ? -r.den : r.den;
  const q = (n * 2n + d) / (2n * d);
  return Number(negative ? -q : q);
}

export interface LineAmountInput {
  count: number;
  discountPercent: number;
  vatPercent: number;
  /** When true the including-VAT unit price is authoritative and the excluding one derived. */
  pricesIncludeVat: boolean;
  unitPrice: number;
}

export interface LineAmounts {
  amountExcludingVatOre: number;
  amountIncludingVatOre: number;
  /** The other unit price, derived (up to 10 decimals, brief §6.1 / changelog 2.71.16). */
  derivedUnitPrice: number;
}

export function computeLine(input: LineAmountInput): LineAmounts {
  const hundred = 100n;
  const discountFactor: Rational = (() => {
    const d = toRational(input.discountPercent);
    return { num: hundred * d.den - d.num, den: hundred * d.den };
  })();
  const vat = toRational(input.vatPercent);
  const vatFactor: Rational = { num: hundred * vat.den + vat.num, den: hundred * vat.den };
  const gross = mul(mul(toRational(input.count), toRational(input.unitPrice)), discountFactor);
  const unit = toRational(input.unitPrice);
  if (input.pricesIncludeVat) {
    const incl = toOre(gross);
    // excl = incl / (1 + vat%), rounded per line; VAT is the difference.
    const excl = toOre({ num: BigInt(incl) * vatFactor.den, den: 100n * vatFactor.num });
    const derived = { num: unit.num * vatFactor.den, den: unit.den * vatFactor.num };
    return { amountIncludingVatOre: incl, amountExcludingVatOre: excl, derivedUnitPrice: toDecimal(derived, 10) };
  }
  const excl = toOre(gross);
  const vatOre = toOre({ num: BigInt(excl) * vat.num, den: 100n * 100n * vat.den });
  const derived = mul(unit, vatFactor);
  return { amountExcludingVatOre: excl, amountIncludingVatOre: excl + vatOre, derivedUnitPrice: toDecimal(derived, 10) };
}

function toDecimal(r: Rational, decimals: number): number {
  const scale = 10n ** BigInt(decimals);
  const negative = (r.num < 0n) !== (r.den < 0n);
  const n = r.num < 0n ? -r.num : r.num;
  const d = r.den < 0n ? -r.den : r.den;
  const q = (n * scale * 2n + d) / (2n * d);
  const s = q.toString().padStart(decimals + 1, '0');
  const text = `${s.slice(0, -decimals)}.${s.slice(-decimals)}`;
  return Number((negative ? '-' : '') + text);
}

/** Øre to the API's decimal kroner (exact for any realistic amount: integers < 2^53 / 100). */
export function oreToKroner(ore: number): number {
  return Number((ore / 100).toFixed(2));
}

/** Kroner from a query/body number to øre; undefined when it has sub-øre digits. */
export function kronerToOre(kroner: number): number | undefined {
  const r = toRational(kroner);
  const scaled = r.num * 100n;
  if (scaled % r.den !== 0n) return undefined;
  return Number(scaled / r.den);
}
