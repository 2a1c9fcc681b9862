// The JSON:API query parameters the sandbox understands (docs/mystore-api-model.md "Requests"):
// page[number]/page[size], fields[type], include, filter[key][path|value|operator]. Anything
// malformed is a 400 naming the parameter. Other parameters (e.g. sort) are ignored.
import { badRequest } from './api-error';
import { ATTRIBUTES, RELATIONSHIPS, isResourceType, type ResourceType } from './resources';

export const DEFAULT_PAGE_SIZE = 50;
export const MAX_PAGE_SIZE = 100;

export interface Page { number: number; size: number }

export function parsePage(query: Record<string, string>): Page {
  const int = (name: string, fallback: number) => {
    const v = query[name];
    if (v === undefined) return fallback;
    if (!/^\d+$/.test(v) || Number(v) < 1) throw badRequest(`${name} must be a positive integer`);
    return Number(v);
  };
  const size = int('page[size]', DEFAULT_PAGE_SIZE);
  if (size > MAX_PAGE_SIZE) throw badRequest(`page[size] must not be greater than ${MAX_PAGE_SIZE}`);
  return { number: int('page[number]', 1), size };
}

/** fields[type] → allowed member names; an unknown type or field is a 400. */
export function parseFields(query: Record<string, string>): Map<ResourceType, Set<string>> {
  const out = new Map<ResourceType, Set<string>>();
  for (const [k, v] of Object.entries(query)) {
    const m = /^fields\[([^\]]*)\]$/.exec(k);
    if (!m) {
      if (k.startsWith('fields')) throw badRequest(`Invalid parameter ${k}`);
      continue;
    }
    const type = m[1] ?? '';
    if (!isResourceType(type)) throw badRequest(`Invalid fields parameter: unknown type ${type}`);
    const known = new Set([...ATTRIBUTES[type], ...Object.keys(RELATIONSHIPS[type])]);
    const names = v.split(',').map((s) => s.trim()).filter((s) => s !== '');
    for (const n of names) if (!known.has(n)) throw badRequest(`Invalid field ${n} for type ${type} in fields[${type}]`);
    out.set(type, new Set(names));
  }
  return out;
}

/** include=a,a.b → relationship paths, checked against the graph from `primary`. */
export function parseInclude(query: Record<string, string>, primary: ResourceType): { paths: string[][]; types: ResourceType[] } {
  const raw = query.include;
  if (raw === undefined || raw.trim() === '') return { paths: [], types: [] };
  const paths: string[][] = [];
  const types = new Set<ResourceType>();
  for (const p of raw.split(',').map((s) => s.trim()).filter((s) => s !== '')) {
    const parts = p.split('.');
    let type: ResourceType = primary;
    for (const rel of parts) {
      const target = RELATIONSHIPS[type][rel];
      if (target === undefined || !isResourceType(target)) throw badRequest(`Invalid include path ${p}`);
      type = target;
      types.add(type);
    }
    paths.push(parts);
  }
  return { paths, types: [...types] };
}

export type Operator = 'eq' | 'gte' | 'gt' | 'lte' | 'lt';
export interface Filter { key: string; path: string; value: string; operator: Operator }

export function parseFilters(query: Record<string, string>): Filter[] {
  const byKey = new Map<string, { path?: string; value?: string; operator?: string }>();
  for (const [k, v] of Object.entries(query)) {
    if (!k.startsWith('filter')) continue;
    const m = /^filter\[([^\]]+)\]\[(path|value|operator)\]$/.exec(k);
    if (!m) throw badRequest(`Invalid filter parameter ${k}`);
    const key = m[1] ?? '';
    const entry = byKey.get(key) ?? {};
    entry[m[2] as 'path' | 'value' | 'operator'] = v;
    byKey.set(key, entry);
  }
  return [...byKey].map(([key, f]) => {
    if (f.path === undefined || f.value === undefined) throw badRequest(`filter[${key}] needs both [path] and [value]`);
    const operator = f.operator ?? 'eq';
    if (!['eq', 'gte', 'gt', 'lte', 'lt'].includes(operator)) throw badRequest(`Invalid filter operator ${operator} in filter[${key}]`);
    return { key, path: f.path, value: f.value, operator: operator as Operator };
  });
}

export function compare(a: number, op: Operator, b: number): boolean {
  switch (op) {
    case 'eq': return a === b;
    case 'gte': return a >= b;
    case 'gt': return a > b;
    case 'lte': return a <= b;
    case 'lt': return a < b;
  }
}
