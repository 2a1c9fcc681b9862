// What every /v2 handler receives, and the helpers that build Tripletex's envelopes
// ({value} and {fullResultSize, from, count, versionDigest, values}, brief §2) through the
// fields filter.
import { mappingError } from './api-error';
import type { AuthContext } from './auth';
import { applyFields, parseFields, validateSelection, type SerializeContext } from './fields-filter';
import { MODEL_FIELDS } from './model-fields';
import { createSerializer } from './models';
import { pageSlice, paginate, type Query } from './query';
import type { Access, SandboxStore } from './store';

export interface RouteRequest {
  method: string;
  /** Path segments after /v2, decoded (`>` and `:` kept). */
  path: string;
  params: Record<string, string>;
  query: Query;
  body: unknown;
  now: Date;
}

export interface RouteResult { status: number; body: unknown }

export interface HandlerContext {
  store: SandboxStore;
  req: RouteRequest;
  /** null only for the unauthenticated session-create route. */
  auth: AuthContext | null;
  host: string;
}

export type Handler = (ctx: HandlerContext) => RouteResult;

export interface Route {
  method: string;
  path: string; // e.g. "/invoice/{id}/:payment"
  /** 'public' = no Authorization (session create); otherwise the entitlement it needs, or null for any token. */
  access: Access | null | 'public';
  /** The model its response carries, for `fields` validation. */
  model: string;
  handler: Handler;
}

export function authOf(ctx: HandlerContext): AuthContext {
  if (!ctx.auth) throw new Error('route needs auth');
  return ctx.auth;
}

function serializer(ctx: HandlerContext): SerializeContext {
  return createSerializer(ctx.store, authOf(ctx).company.id, ctx.host);
}

/** `{value}` envelope for one record, through `fields`. */
export function single(ctx: HandlerContext, model: string, full: Record<string, unknown>, status = 200): RouteResult {
  const sel = parseFields(ctx.req.query.fields);
  validateSelection(model, sel);
  const s = ctx.auth ? serializer(ctx) : null;
  return { status, body: { value: s ? applyFields(model, full, sel, s) : full } };
}

/** Full object of a record by id (sub-objects as Refs), or undefined. */
export function resolve(ctx: HandlerContext, model: string, id: number): Record<string, unknown> | undefined {
  return serializer(ctx).resolve(model, id);
}

/** Every scalar field of a model can be sorted on (brief §2: `sorting=field,-otherField`). */
function sortableFields(model: string): string[] {
  const table = (MODEL_FIELDS as Record<string, Record<string, string | null>>)[model] ?? {};
  return Object.entries(table).filter(([, target]) => target === null).map(([name]) => name);
}

/** List envelope: sort + page over full objects, then apply `fields` to each. */
export function list(ctx: HandlerContext, model: string, ids: number[]): RouteResult {
  const sortable = sortableFields(model);
  const sel = parseFields(ctx.req.query.fields);
  validateSelection(model, sel);
  const s = serializer(ctx);
  // Without sorting, page over ids first and build only the page's objects (benchmarks list a lot).
  const sorted = (ctx.req.query.sorting ?? '') !== '';
  const wanted = sorted ? ids : pageSlice(ctx.req.query, ids);
  const rows = wanted.map((id) => s.resolve(model, id)).filter((r): r is Record<string, unknown> => r !== undefined);
  const page = sorted ? paginate(ctx.req.query, rows, sortable)
    : { ...paginate({ ...ctx.req.query, from: '0' }, rows, sortable), from: Number(ctx.req.query.from ?? 0) || 0, fullResultSize: ids.length };
  return { status: 200, body: { ...page, values: page.values.map((row) => applyFields(model, row, sel, s)) } };
}

/**
 * A JSON body may only carry the model's fields; anything else is a 422 mapping error ([AINM]:
 * `project` inside `orderLines[]` gave 422). Sub-objects are checked against their own model.
 */
export function checkBodyFields(model: string, body: unknown, path = ''): void {
  if (body === null || typeof body !== 'object' || Array.isArray(body)) return;
  const table = (MODEL_FIELDS as Record<string, Record<string, string | null>>)[model];
  if (!table) return;
  for (const [key, value] of Object.entries(body)) {
    if (!(key in table)) throw mappingError(`${path}${key}`, model);
    const target = table[key];
    if (typeof target !== 'string') continue;
    const sub = target.replace(/\[\]$/, '');
    if (Array.isArray(value)) value.forEach((v, i) => checkBodyFields(sub, v, `${path}${key}[${i}].`));
    else checkBodyFields(sub, value, `${path}${key}.`);
  }
}

/** Validate `fields` before the handler runs, so a bad filter never leaves a write behind. */
export function preflightFields(model: string, query: Query): void {
  validateSelection(model, parseFields(query.fields));
}
