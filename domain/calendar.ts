/**
 * Dates as Tripletex and Norwegian accounting see them: calendar days in Europe/Oslo, written
 * YYYY-MM-DD. A UTC date would put an order placed at 00:30 in Oslo on the previous day.
 */
let osloDay: Intl.DateTimeFormat | undefined;

/** The calendar day in Oslo at the given instant, as YYYY-MM-DD. */
export function osloDate(instant: Date): string {
  // Made on first use, not at module load: the workflow sandbox loads this module again for
  // every workflow it starts, and most never ask for a date.
  osloDay ??= new Intl.DateTimeFormat('en-CA', { timeZone: 'Europe/Oslo', year: 'numeric', month: '2-digit', day: '2-digit' });
  return osloDay.format(instant);
}

/** YYYY-MM-DD plus a number of days (calendar arithmetic, no time zone involved). */
export function addDays(isoDate: string, days: number): string {
  const [year, month, day] = isoDate.split('-').map(Number) as [number, number, number];
  const shifted = new Date(Date.UTC(year, month - 1, day + days));
  return shifted.toISOString().slice(0, 10);
}
