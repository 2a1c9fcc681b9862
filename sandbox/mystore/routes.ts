// The Mystore API v2 endpoints the sandbox serves (all under /shops/{shop}), each with the scope
// it needs (docs/mystore-api-model.md "Tokens and scopes"). A handler gets the shop, the parsed
// request and returns a reply; JSON:API documents are built by `listDocument`/`singleDocument`.
import { createHash } from 'node:crypto';
import { badRequest, conflict, MystoreHttpError, notFound } from './api-error';
import { compare, parseFields, parseFilters, parseInclude, parsePage, type Filter } from './query';
import { lineNode, optionNode, orderNode, statusNode, totalNode, customerNode, webhookNode, type Node, type ResourceType, READ_SCOPE } from './resources';
import type { MystoreStore, OrderRecord, ShopRecord } from './store';
import { nextId } from './store';
import { truncateToSecond } from './times';
import { WEBHOOK_TOPICS, type WebhookTopic } from './webhooks';

export interface RouteRequest {
  method: string;
  /** Path after /shops/{shop}, e.g. "/orders/6001". */
  path: string;
  params: string[];
  query: Record<string, string>;
  body: unknown;
  now: Date;
  /** "http://127.0.0.1:PORT/shops/{shop}" for links. */
  shopUrl: string;
}

export interface RouteReply { status: number; body?: unknown; plainJson?: boolean }

export interface RouteDeps { store: MystoreStore; shop: ShopRecord; seed: number }

export interface Route {
  method: string;
  pattern: RegExp;
  /** Scope of the endpoint itself; include adds the scope of every included type. */
  scope: string;
  /** Primary type for include/fields (null for plain-JSON endpoints). */
  primary: ResourceType | null;
  handler: (deps: RouteDeps, req: RouteRequest) => RouteReply;
}

type Doc = Record<string, unknown>;

function applyFields(node: Node, fields: Map<ResourceType, Set<string>>): Doc {
  const r = node.resource;
  const wanted = fields.get(r.type);
  if (!wanted) return { ...r };
  const pick = <T>(o: Record<string, T> | undefined) => (o ? Object.fromEntries(Object.entries(o).filter(([k]) => wanted.has(k))) : undefined);
  const rels = pick(r.relationships);
  return { type: r.type, id: r.id, attributes: pick(r.attributes), ...(rels && Object.keys(rels).length > 0 ? { relationships: rels } : {}) };
}

function included(primary: Node[], paths: string[][], fields: Map<ResourceType, Set<string>>): Doc[] {
  const seen = new Set(primary.map((n) => `${n.resource.type}:${n.resource.id}`));
  const out: Doc[] = [];
  for (const path of paths) {
    let level = primary;
    for (const rel of path) {
      level = level.flatMap((n) => n.related(rel));
      for (const n of level) {
        const key = `${n.resource.type}:${n.resource.id}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push(applyFields(n, fields));
      }
    }
  }
  return out;
}

function link(shopUrl: string, path: string, query: Record<string, string>, page?: { number: number; size: number }): string {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (k !== 'page[number]' && k !== 'page[size]') params.append(k, v);
  if (page) {
    params.append('page[number]', String(page.number));
    params.append('page[size]', String(page.size));
  }
  const qs = params.toString();
  return `${shopUrl}${path}${qs ? `?${qs}` : ''}`;
}

export function singleDocument(node: Node, req: RouteRequest, primary: ResourceType): Doc {
  const fields = parseFields(req.query);
  const { paths } = parseInclude(req.query, primary);
  const inc = included([node], paths, fields);
  return { data: applyFields(node, fields), ...(paths.length > 0 ? { included: inc } : {}), links: { self: link(req.shopUrl, req.path, req.query) } };
}

export function listDocument(nodes: Node[], req: RouteRequest, primary: ResourceType): Doc {
  const fields = parseFields(req.query);
  const { paths } = parseInclude(req.query, primary);
  const page = parsePage(req.query);
  const total = nodes.length;
  const lastPage = Math.max(1, Math.ceil(total / page.size));
  if (page.number > lastPage) throw notFound(`Page ${page.number} does not exist (last page is ${lastPage})`);
  const from = (page.number - 1) * page.size;
  const slice = nodes.slice(from, from + page.size);
  const at = (number: number) => link(req.shopUrl, req.path, req.query, { number, size: page.size });
  return {
    data: slice.map((n) => applyFields(n, fields)),
    ...(paths.length > 0 ? { included: included(slice, paths, fields) } : {}),
    links: {
      self: at(page.number), first: at(1), last: at(lastPage),
      ...(page.number > 1 ? { prev: at(page.number - 1) } : {}),
      ...(page.number < lastPage ? { next: at(page.number + 1) } : {}),
    },
    meta: { page: { 'current-page': page.number, 'per-page': page.size, from: slice.length ? from + 1 : 0, to: from + slice.length, total, 'last-page': lastPage } },
  };
}

const byNumericId = <T extends { id: string }>(a: T, b: T) => Number(a.id) - Number(b.id);

function orderOf(shop: ShopRecord, id: string | undefined): OrderRecord {
  const o = id === undefined ? undefined : shop.orders.get(id);
  if (!o) throw notFound(`Order ${id ?? ''} not found`);
  return o;
}

function instant(f: Filter): number {
  const ms = Date.parse(f.value);
  if (Number.isNaN(ms)) throw badRequest(`filter[${f.key}][value] must be an ISO 8601 date-time`);
  return ms;
}

function orderFilter(filters: Filter[]): (o: OrderRecord) => boolean {
  const checks = filters.map((f): ((o: OrderRecord) => boolean) => {
    switch (f.path) {
      case 'updated_at': { const v = instant(f); return (o) => compare(o.updatedAt.getTime(), f.operator, v); }
      case 'created_at': { const v = instant(f); return (o) => compare(o.createdAt.getTime(), f.operator, v); }
      case 'order-status':
        if (f.operator !== 'eq') throw badRequest(`filter[${f.key}]: order-status supports only the eq operator`);
        return (o) => o.statusId === f.value;
      default: throw badRequest(`Invalid filter path ${f.path} in filter[${f.key}]`);
    }
  });
  return (o) => checks.every((c) => c(o));
}

const WRITABLE_ORDER_ATTRIBUTES = new Set(['invoice_number', 'invoice_date']);

function patchOrder(deps: RouteDeps, req: RouteRequest): RouteReply {
  const o = orderOf(deps.shop, req.params[0]);
  const body = req.body as { data?: { type?: unknown; id?: unknown; attributes?: unknown; relationships?: unknown } } | null;
  const data = body && typeof body === 'object' ? body.data : undefined;
  if (!data || typeof data !== 'object') throw badRequest('The request body must be a JSON:API document with data');
  if (data.type !== 'orders') throw badRequest('data.type must be "orders"');
  if (data.id !== undefined && String(data.id) !== o.id) throw conflict(`data.id ${String(data.id)} does not match the order ${o.id} in the URL`);
  if (data.relationships !== undefined) throw badRequest('Relationships of an order cannot be changed here');
  const attrs = data.attributes;
  if (!attrs || typeof attrs !== 'object' || Array.isArray(attrs)) throw badRequest('data.attributes must be an object');
  const entries = Object.entries(attrs as Record<string, unknown>);
  for (const [k] of entries) if (!WRITABLE_ORDER_ATTRIBUTES.has(k)) throw badRequest(`The attribute ${k} cannot be written (only invoice_number and invoice_date)`);
  const next = { invoiceNumber: o.invoiceNumber, invoiceDate: o.invoiceDate };
  for (const [k, v] of entries) {
    if (k === 'invoice_number') {
      if (v !== null && (typeof v !== 'string' || v.length > 64)) throw badRequest('invoice_number must be a string (at most 64 characters) or null');
      next.invoiceNumber = v;
    } else {
      if (v !== null && (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(v) || Number.isNaN(Date.parse(`${v}T00:00:00Z`)))) throw badRequest('invoice_date must be a date YYYY-MM-DD or null');
      next.invoiceDate = v;
    }
  }
  o.invoiceNumber = next.invoiceNumber;
  o.invoiceDate = next.invoiceDate;
  // A real row's updated_at moves on any write; deliberately no webhook (see README).
  const now = truncateToSecond(req.now);
  if (now > o.updatedAt) o.updatedAt = now;
  return { status: 200, body: singleDocument(orderNode(deps.shop, o), req, 'orders') };
}

function createWebhook(deps: RouteDeps, req: RouteRequest): RouteReply {
  const body = req.body as { data?: { type?: unknown; attributes?: { topic?: unknown; address?: unknown } } } | null;
  const data = body && typeof body === 'object' ? body.data : undefined;
  if (!data || data.type !== 'webhooks' || !data.attributes) throw badRequest('Expected {"data":{"type":"webhooks","attributes":{"topic","address"}}}');
  const { topic, address } = data.attributes;
  if (typeof topic !== 'string' || !WEBHOOK_TOPICS.includes(topic as WebhookTopic)) throw badRequest(`topic must be one of ${WEBHOOK_TOPICS.join(', ')}`);
  let url: URL;
  try { url = new URL(String(address)); } catch { throw badRequest('address must be an absolute http(s) URL'); }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw badRequest('address must be an absolute http(s) URL');
  deps.store.webhookSecretCounter += 1;
  const secret = createHash('sha256').update(`mystore-sandbox:${deps.seed}:${deps.shop.shop}:${deps.store.webhookSecretCounter}`).digest('hex').slice(0, 40);
  const hook = { id: nextId(deps.shop, 'webhook'), topic, address: url.toString(), secret, createdAt: truncateToSecond(req.now) };
  deps.shop.webhooks.set(hook.id, hook);
  const node = webhookNode(hook);
  return { status: 201, body: { data: { ...node.resource, attributes: { ...node.resource.attributes, webhook_secret: secret } }, links: { self: `${req.shopUrl}/webhooks/${hook.id}` } } };
}

export const ROUTES: Route[] = [
  {
    method: 'GET', pattern: /^\/orders$/, scope: 'read:orders', primary: 'orders',
    handler: ({ shop }, req) => {
      const keep = orderFilter(parseFilters(req.query));
      const nodes = [...shop.orders.values()].filter(keep).sort(byNumericId).map((o) => orderNode(shop, o));
      return { status: 200, body: listDocument(nodes, req, 'orders') };
    },
  },
  {
    method: 'GET', pattern: /^\/orders\/([^/]+)$/, scope: 'read:orders', primary: 'orders',
    handler: ({ shop }, req) => ({ status: 200, body: singleDocument(orderNode(shop, orderOf(shop, req.params[0])), req, 'orders') }),
  },
  { method: 'PATCH', pattern: /^\/orders\/([^/]+)$/, scope: 'write:orders', primary: 'orders', handler: patchOrder },
  {
    method: 'GET', pattern: /^\/orders\/([^/]+)\/order-products$/, scope: 'read:order-products', primary: 'order-products',
    handler: ({ shop }, req) => {
      const o = orderOf(shop, req.params[0]);
      return { status: 200, body: listDocument(o.lines.map((l) => lineNode(shop, o, l)), req, 'order-products') };
    },
  },
  {
    method: 'GET', pattern: /^\/orders\/([^/]+)\/order-totals$/, scope: 'read:order-totals', primary: 'order-totals',
    handler: ({ shop }, req) => {
      const o = orderOf(shop, req.params[0]);
      return { status: 200, body: listDocument(o.totals.map((t) => totalNode(shop, o, t)), req, 'order-totals') };
    },
  },
  {
    method: 'GET', pattern: /^\/order-products\/([^/]+)\/order-product-attributes$/, scope: 'read:order-product-attributes', primary: 'order-product-attributes',
    handler: ({ shop }, req) => {
      const hit = shop.lineIndex.get(req.params[0] ?? '');
      if (!hit) throw notFound(`Order product ${req.params[0] ?? ''} not found`);
      return { status: 200, body: listDocument(hit.line.options.map((a) => optionNode(shop, hit.order, hit.line, a)), req, 'order-product-attributes') };
    },
  },
  {
    method: 'GET', pattern: /^\/order-product-attributes$/, scope: 'read:order-product-attributes', primary: 'order-product-attributes',
    handler: ({ shop }, req) => {
      const filters = parseFilters(req.query);
      for (const f of filters) {
        if (f.path !== 'order' && f.path !== 'order-product') throw badRequest(`Invalid filter path ${f.path} in filter[${f.key}]`);
        if (f.operator !== 'eq') throw badRequest(`filter[${f.key}]: ${f.path} supports only the eq operator`);
      }
      const nodes: Node[] = [];
      for (const o of [...shop.orders.values()].sort(byNumericId)) {
        if (!filters.every((f) => f.path !== 'order' || f.value === o.id)) continue;
        for (const l of o.lines) {
          if (!filters.every((f) => f.path !== 'order-product' || f.value === l.id)) continue;
          for (const a of l.options) nodes.push(optionNode(shop, o, l, a));
        }
      }
      return { status: 200, body: listDocument(nodes, req, 'order-product-attributes') };
    },
  },
  {
    method: 'GET', pattern: /^\/customers\/([^/]+)$/, scope: 'read:customers', primary: 'customers',
    handler: ({ shop }, req) => {
      const c = shop.customers.get(req.params[0] ?? '');
      if (!c) throw notFound(`Customer ${req.params[0] ?? ''} not found`);
      return { status: 200, body: singleDocument(customerNode(c), req, 'customers') };
    },
  },
  {
    method: 'GET', pattern: /^\/order-status$/, scope: 'read:order-status', primary: 'order-status',
    handler: ({ shop }, req) => ({ status: 200, body: listDocument(shop.statuses.map(statusNode), req, 'order-status') }),
  },
  {
    method: 'GET', pattern: /^\/settings$/, scope: 'read:settings', primary: null,
    handler: ({ shop }) => ({ status: 200, plainJson: true, body: { default_language: shop.language, default_currency: shop.currency, store_name: shop.storeName } }),
  },
  {
    method: 'GET', pattern: /^\/payment$/, scope: 'read:settings', primary: null,
    handler: ({ shop }) => ({ status: 200, plainJson: true, body: { data: shop.paymentModules.map((p) => ({ code: p.code, title: { ...p.title }, status: p.status })) } }),
  },
  {
    method: 'GET', pattern: /^\/webhooks$/, scope: 'read:webhooks', primary: 'webhooks',
    handler: ({ shop }, req) => ({ status: 200, body: listDocument([...shop.webhooks.values()].sort(byNumericId).map(webhookNode), req, 'webhooks') }),
  },
  { method: 'POST', pattern: /^\/webhooks$/, scope: 'write:webhooks', primary: null, handler: createWebhook },
  {
    method: 'DELETE', pattern: /^\/webhooks\/([^/]+)$/, scope: 'write:webhooks', primary: null,
    handler: ({ shop }, req) => {
      if (!shop.webhooks.delete(req.params[0] ?? '')) throw notFound(`Webhook ${req.params[0] ?? ''} not found`);
      return { status: 204 };
    },
  },
];

export function matchRoute(method: string, path: string): { route: Route; params: string[] } | null {
  let pathMatched = false;
  for (const route of ROUTES) {
    const m = route.pattern.exec(path);
    if (!m) continue;
    pathMatched = true;
    if (route.method === method) return { route, params: m.slice(1).map((p) => p ?? '') };
  }
  if (pathMatched) throw new MystoreHttpError(405, 'Method Not Allowed', `${method} is not allowed on ${path}`);
  return null;
}

/** Every scope a request needs: the endpoint's, then one per included type. */
export function scopesFor(route: Route, query: Record<string, string>): string[] {
  if (!route.primary) return [route.scope];
  const { types } = parseInclude(query, route.primary);
  return [route.scope, ...types.map((t) => READ_SCOPE[t]).filter((s) => s !== route.scope)];
}
