/**
 * JSON:API documents as Mystore sends them (docs/mystore-api-model.md "Requests", confirmed
 * envelope), parsed with zod, plus the small builders for its query parameters: sparse
 * fieldsets `fields[type]=a,b`, filters `filter[key][path|value|operator]`, `include`, paging
 * `page[number]`/`page[size]`. Attributes are parsed per type by the caller, so a mismatch names
 * its place in the document (`included[3].attributes.value`).
 */
import { z } from 'zod';
import type { Query } from '../http/http-helpers';
import type { FilterOperator } from './mystore-api-assumptions';

/** Ids are strings in JSON:API; a number is accepted and made a string (a lenient reading of the real API). */
export const idSchema = z.union([z.string().min(1), z.number().int().nonnegative().transform(String)]);

export const resourceIdentifierSchema = z.object({ type: z.string().min(1), id: idSchema });
export type ResourceIdentifier = z.output<typeof resourceIdentifierSchema>;

/** `{data: {type,id} | [{type,id}] | null}`; `data` may be absent when only links are given. */
export const relationshipSchema = z.object({
  data: z.union([resourceIdentifierSchema, z.array(resourceIdentifierSchema), z.null()]).optional(),
});
export type Relationship = z.output<typeof relationshipSchema>;

/** A resource object with attributes still unparsed (each type has its own schema). */
export const resourceObjectSchema = z.object({
  id: idSchema,
  type: z.string().min(1),
  attributes: z.record(z.string(), z.unknown()).default({}),
  relationships: z.record(z.string(), relationshipSchema).default({}),
});
export type ResourceObject = z.output<typeof resourceObjectSchema>;

export const linksSchema = z
  .object({
    self: z.string().nullish(),
    next: z.string().nullish(),
    prev: z.string().nullish(),
    first: z.string().nullish(),
    last: z.string().nullish(),
  })
  .partial();

const documentBase = {
  included: z.array(resourceObjectSchema).optional(),
  links: linksSchema.optional(),
  meta: z.record(z.string(), z.unknown()).optional(),
};

/** A document whose `data` is one resource. */
export const singleDocumentSchema = z.object({ data: resourceObjectSchema, ...documentBase });
export type SingleDocument = z.output<typeof singleDocumentSchema>;

/** A document whose `data` is a list (one page). */
export const listDocumentSchema = z.object({ data: z.array(resourceObjectSchema), ...documentBase });
export type ListDocument = z.output<typeof listDocumentSchema>;

/** The error body; anything else (HTML from a gateway, empty) reads as no errors. */
export const errorDocumentSchema = z
  .object({
    errors: z.array(
      z.object({
        title: z.string().optional().catch(undefined),
        status: z.union([z.string(), z.number().transform(String)]).optional().catch(undefined),
        detail: z.string().optional().catch(undefined),
      }),
    ),
  })
  .catch({ errors: [] });

// ─── Relationship helpers ────────────────────────────────────────────────────────────────────

/** The id of a to-one relationship: a string, null (explicitly none), or undefined (not given). */
export function toOneId(resource: ResourceObject, name: string): string | null | undefined {
  const data = resource.relationships[name]?.data;
  if (data === undefined) return undefined;
  if (data === null) return null;
  return Array.isArray(data) ? data[0]?.id ?? null : data.id;
}

/** The ids of a to-many relationship, or undefined when the linkage is not given. */
export function toManyIds(resource: ResourceObject, name: string): string[] | undefined {
  const data = resource.relationships[name]?.data;
  if (data === undefined) return undefined;
  if (data === null) return [];
  return (Array.isArray(data) ? data : [data]).map((identifier) => identifier.id);
}

// ─── Query builders ──────────────────────────────────────────────────────────────────────────

/** `fields[type]=a,b` for each type. */
export function sparseFields(fieldsByType: Readonly<Record<string, readonly string[]>>): Query {
  const query: Record<string, string> = {};
  for (const [type, fields] of Object.entries(fieldsByType)) query[`fields[${type}]`] = fields.join(',');
  return query;
}

export interface FilterSpec {
  /** The filter's own name in the query (`filter[<key>]…`); distinct per filter. */
  key: string;
  path: string;
  value: string | number;
  operator: FilterOperator;
}

/** `filter[key][path]=…&filter[key][value]=…&filter[key][operator]=…` for each filter (they AND together). */
export function filters(specs: readonly FilterSpec[]): Query {
  const query: Record<string, string> = {};
  for (const spec of specs) {
    query[`filter[${spec.key}][path]`] = spec.path;
    query[`filter[${spec.key}][value]`] = String(spec.value);
    query[`filter[${spec.key}][operator]`] = spec.operator;
  }
  return query;
}

/** `include=a,b.c`. */
export function include(paths: readonly string[]): Query {
  return paths.length === 0 ? {} : { include: paths.join(',') };
}

/** `page[number]=n&page[size]=s` (numbers from 1). */
export function page(number: number, size: number): Query {
  return { 'page[number]': number, 'page[size]': size };
}
