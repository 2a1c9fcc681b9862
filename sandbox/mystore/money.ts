// Exact money for the Mystore sandbox. Amounts are integers: øre (hundredths of the order's
// currency) for values including VAT and for every order-total row, "ten-thousandths" (1e-4) for
// the per-unit prices Mystore stores as decimal(15,4). VAT rates are basis points (25 % = 2500),
// so 16.5 % stays exact too. Nothing is ever accumulated in floating point.

/** Division rounded half away from zero, for integers with d > 0. */
export function roundDiv(n: number, d: number): number {
  if (!Number.isSafeInteger(n) || !Number.isSafeInteger(d) || d <= 0) throw new Error(`roundDiv(${n}, ${d}): not exact`);
  const q = Math.trunc(n / d);
  const r = n - q * d;
  if (2 * Math.abs(r) >= d) return q + Math.sign(n);
  return q;
}

/** Parses a decimal (number or text such as "199.90", "-20", "12,5") into integer units of 10^-scale. */
export function parseDecimal(value: number | string, scale: number): number {
  const text = (typeof value === 'number' ? numberToPlain(value) : value.trim()).replace(',', '.');
  const m = /^([+-])?(\d+)(?:\.(\d+))?$/.exec(text);
  if (!m) throw new Error(`not a decimal number: ${String(value)}`);
  const frac = (m[3] ?? '').replace(/0+$/, '');
  if (frac.length > scale) throw new Error(`${String(value)} has more than ${scale} decimals`);
  const units = Number(m[2]) * 10 ** scale + (frac === '' ? 0 : Number(frac.padEnd(scale, '0')));
  if (!Number.isSafeInteger(units)) throw new Error(`${String(value)} is too large`);
  return m[1] === '-' ? -units : units;
}

function numberToPlain(n: number): string {
  if (!Number.isFinite(n)) throw new Error(`not a finite number: ${n}`);
  // Shortest round-trip text; exponent forms only occur for tiny or huge numbers, which are not amounts.
  const s = String(n);
  if (/e/i.test(s)) return n.toFixed(10);
  return s;
}

/** Integer units of 10^-scale as a JSON number (the shortest decimal text is the exact value). */
export function toNumber(units: number, scale: number): number {
  return units / 10 ** scale;
}

/** A VAT rate (number such as 25 or 16.5) in basis points. */
export function rateToBp(rate: number): number {
  return parseDecimal(rate, 2);
}

/** Per unit, including VAT, in øre: round2(final_price × (1 + rate)), final_price in 1e-4 units. */
export function unitInclVatOre(finalPrice4: number, rateBp: number): number {
  return roundDiv(finalPrice4 * (10_000 + rateBp), 10_000 * 100);
}

/** Per unit, excluding VAT, in 1e-4 units: round4(incl / (1 + rate)), incl in øre. */
export function exclFromInclOre4(inclOre: number, rateBp: number): number {
  return roundDiv(inclOre * 100 * 10_000, 10_000 + rateBp);
}

/** The VAT contained in an amount including VAT (øre): L − round2(L / (1 + rate)). */
export function vatOfInclOre(amountOre: number, rateBp: number): number {
  return amountOre - roundDiv(amountOre * 10_000, 10_000 + rateBp);
}

/** Norwegian display text as Mystore's order totals show it: "kr 1 234,50", "€ 12,00", "SEK 99,00". */
export function formatAmount(ore: number, currency: string): string {
  const sign = ore < 0 ? '-' : '';
  const abs = Math.abs(ore);
  const kr = Math.trunc(abs / 100).toString().replace(/\B(?=(\d{3})+(?!\d))/g, '\u00a0');
  const text = `${kr},${String(abs % 100).padStart(2, '0')}`;
  const symbol = currency === 'NOK' ? 'kr' : currency === 'EUR' ? '€' : currency;
  return `${sign}${symbol} ${text}`;
}
