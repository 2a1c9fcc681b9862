// Timestamps as Mystore (a Norwegian shop platform) would show them: ISO 8601 in Oslo local time
// with its offset, whole seconds, e.g. "2026-12-04T17:05:00+01:00". EU summer time: from 01:00
// UTC on the last Sunday of March to 01:00 UTC on the last Sunday of October.

function lastSundayUtc(year: number, month: number): number {
  const lastDay = new Date(Date.UTC(year, month + 1, 0));
  const back = lastDay.getUTCDay();
  return Date.UTC(year, month, lastDay.getUTCDate() - back, 1, 0, 0);
}

export function osloOffsetMinutes(at: Date): number {
  const y = at.getUTCFullYear();
  const t = at.getTime();
  return t >= lastSundayUtc(y, 2) && t < lastSundayUtc(y, 9) ? 120 : 60;
}

export function formatOslo(at: Date): string {
  const off = osloOffsetMinutes(at);
  const local = new Date(Math.floor(at.getTime() / 1000) * 1000 + off * 60_000);
  const hh = String(Math.trunc(off / 60)).padStart(2, '0');
  const mm = String(off % 60).padStart(2, '0');
  return `${local.toISOString().slice(0, 19)}+${hh}:${mm}`;
}

/** Whole seconds, as a database timestamp column keeps them. */
export function truncateToSecond(at: Date): Date {
  return new Date(Math.floor(at.getTime() / 1000) * 1000);
}

export function toDate(value: Date | string | undefined, fallback: Date): Date {
  if (value === undefined) return fallback;
  const d = value instanceof Date ? value : new Date(value);
  if (Number.isNaN(d.getTime())) throw new Error(`not a date: ${String(value)}`);
  return d;
}
