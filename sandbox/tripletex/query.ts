// Query-string helpers with Tripletex's conventions (brief §2): required params → 422, lists
// are comma-separated ("in" searches), `…From` inclusive / `…To` exclusive, paging by
// from/count (default 1000), `sorting=field,-other`. Unknown parameters are ignored.
import { invalidQueryParam, missingQueryParam, SandboxHttpError } from './api-error';

export type Query = Record<string, string>;

export function requireParam(q: Query, name: string): string {
  const v = q[name];
  if (v === undefined || v === '') throw missingQueryParam(name);
  return v;
}

export function dateParam(q: Query, name: string, required: true): string;
export function dateParam(q: Query, name: string, required?: false): string | undefined;
export function dateParam(q: Query, name: string, required = false): string | undefined {
  const v = required ? requireParam(q, name) : q[name];
  if (v === undefined || v === '') return undefined;
  if (!/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`))) throw invalidQueryParam(name, v);
  return v;
}

export function intListParam(q: Query, name: string): number[] | undefined {
  const v = q[name];
  if (v === undefined || v === '') return undefined;
  return v.split(',').map((part) => {
    const n = Number(part.trim());
    if (!Number.isInteger(n)) throw invalidQueryParam(name, v);
    return n;
  });
}

export function stringListParam(q: Query, name: string): string[] | undefined {
  const v = q[name];
  if (v === undefined || v === '') return undefined;
  return v.split(',').map((s) => s.trim());
}

export function boolParam(q: Query, name: string): boolean | undefined {
  const v = q[name];
  if (v === undefined || v === '') return undefined;
  if (v === 'true') return true;
  if (v === 'false') return false;
  throw invalidQueryParam(name, v);
}

export function numberParam(q: Query, name: string): number | undefined {
  const v = q[name];
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  if (!Number.isFinite(n)) throw invalidQueryParam(name, v);
  return n;
}

export interface Page<T> { fullResultSize: number; from: number; count: number; versionDigest: string; values: T[] }

/** The from/count slice of a list (validated as in paginate). */
export function pageSlice<T>(q: Query, rows: T[]): T[] {
  const from = numberParam(q, 'from') ?? 0;
  const count = numberParam(q, 'count') ?? 1000;
  if (!Number.isInteger(from) || from < 0) throw invalidQueryParam('from', String(from));
  if (!Number.isInteger(count) || count < 0) throw invalidQueryParam('count', String(count));
  return rows.slice(from, from + count);
}

/** Sort, then slice by from/count. Sort keys are read from the already-built full objects. */
export function paginate<T extends Record<string, unknown>>(q: Query, rows: T[], allowedSort: readonly string[]): Page<T> {
  const from = numberParam(q, 'from') ?? 0;
  const count = numberParam(q, 'count') ?? 1000;
  if (!Number.isInteger(from) || from < 0) throw invalidQueryParam('from', String(from));
  if (!Number.isInteger(count) || count < 0) throw invalidQueryParam('count', String(count));
  const sorting = stringListParam(q, 'sorting') ?? [];
  const sorted = [...rows];
  if (sorting.length > 0) {
    for (const key of sorting) {
      const field = key.replace(/^-/, '');
      // 17000 "Sorting" is the spec's code for an unsortable field.
      if (!allowedSort.includes(field)) throw new SandboxHttpError(422, 17000, 'Validering feilet.', `Illegal sorting field: ${field}`);
    }
    sorted.sort((a, b) => {
      for (const key of sorting) {
        const desc = key.startsWith('-');
        const field = key.replace(/^-/, '');
        const c = compare(a[field], b[field]);
        if (c !== 0) return desc ? -c : c;
      }
      return 0;
    });
  }
  const values = sorted.slice(from, from + count);
  // [AINM] saw versionDigest as this literal without an If-None-Match header (brief §2).
  return { fullResultSize: sorted.length, from, count: values.length, versionDigest: "'If-None-Match' header not specified", values };
}

function compare(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  const na = Number(a);
  const nb = Number(b);
  if (typeof a === 'string' && typeof b === 'string' && a !== '' && b !== '' && !Number.isNaN(na) && !Number.isNaN(nb)) return na - nb;
  return String(a ?? '').localeCompare(String(b ?? ''));
}
