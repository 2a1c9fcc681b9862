/**
 * Every Mystore operation the app uses, each asking only for the fields it reads. Built on the
 * one request path (MystoreTransport); names and paths come from mystore-api-assumptions.ts,
 * the order's field names and the mapping from mystore-order-mapper.ts.
 */
import { z } from 'zod';
import type { MystoreOrderAggregate, MystoreOrderStatus } from '../../domain/mystore-order';
import {
  DEFAULT_LANGUAGE, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, MystorePaths, lastPageNumber, MystoreTypes, MystoreWebhookTopics, ORDER_INCLUDE, OrderFilterPaths,
  OrderRelationships, multilingualSchema, paymentModulesSchema, registerWebhookBody, settingsSchema, webhookAttributesSchema,
  writeBackInvoiceBody, type MystoreWebhookTopic,
} from './mystore-api-assumptions';
import type { MystoreTransport, RequestTarget } from './mystore-client';
import { MystoreBadRequestError, MystoreError, MystoreNotFoundError, MystoreResponseError } from './mystore-errors';
import { filters, include, listDocumentSchema, sparseFields, toManyIds, toOneId, type ListDocument, type ResourceObject } from './mystore-jsonapi';
import {
  ORDER_FIELDSETS, groupOptionsByLine, mapOrderAggregate, mapOrderStatus, orderAttributesSchema, parseAttributes,
  type LocatedResource,
} from './mystore-order-mapper';
import { cleanText, type MultilingualText } from './mystore-text';
import { decodeMystoreToken } from './mystore-token';

/** One order as listOrdersChanged sees it. */
export interface MystoreOrderChange {
  orderId: string;
  /** ISO instant (UTC). */
  updatedAt: string;
  /** The order's status id, null when the order has none. */
  statusId: string | null;
}

export interface ListOrdersChangedInput {
  /** ISO 8601 instant, inclusive (`updated_at` gte). */
  from: string;
  /** ISO 8601 instant, exclusive (`updated_at` lt). */
  to: string;
  /** 1…100; default 50. */
  pageSize?: number;
}

export interface MystorePaymentModule {
  code: string;
  title: string;
  /** `status` 1 (assumed meaning: enabled in the shop). */
  enabled: boolean;
}

export interface MystoreSettings {
  defaultLanguage: string;
  defaultCurrency: string | null;
  storeName: string | null;
}

export interface MystoreWebhook {
  id: string;
  topic: string;
  address: string;
}

/** The newest orders of the shop, as newestOrders() reads them. */
export interface MystoreNewestOrders {
  /** Order id, customer id (null for a guest) and creation instant (null when absent or unreadable) of each order read. */
  orders: Array<{ orderId: string; customerId: string | null; createdAt: string | null }>;
  /** Pages fetched (1 or 2 when the last page is named, more when the pages had to be walked). */
  pagesRead: number;
}

export interface MystoreOperations {
  /** The order with lines (and options), totals, customer and status: 1 call with include, else one per sub-resource. */
  getOrderAggregate(orderId: string): Promise<MystoreOrderAggregate>;
  /** Orders whose updated_at lies in [from, to), one page per iteration (ids, updated_at, status id only). */
  listOrdersChanged(input: ListOrdersChangedInput): AsyncGenerator<MystoreOrderChange[], void, undefined>;
  /** The newest page of orders (ids and customer ids only): the last page, named by the first; else every page. */
  newestOrders(): Promise<MystoreNewestOrders>;
  /** The shop's order statuses (fills this client's status cache). */
  listOrderStatuses(): Promise<MystoreOrderStatus[]>;
  listPaymentModules(): Promise<MystorePaymentModule[]>;
  getSettings(): Promise<MystoreSettings>;
  /** Writes the Tripletex invoice number and date onto the order; returns what Mystore now holds. */
  writeBackInvoice(orderId: string, invoice: { invoiceNumber: string; invoiceDate: string }): Promise<{ invoiceNumber: string | null; invoiceDate: string | null }>;
  /** Registers a webhook; the secret is in the answer only, so store it at once. */
  registerWebhook(input: { topic: MystoreWebhookTopic; address: string }): Promise<{ id: string; secret: string }>;
  listWebhooks(): Promise<MystoreWebhook[]>;
  /** Deletes a webhook; false when it was already gone (404). */
  deleteWebhook(id: string): Promise<boolean>;
  /** The scopes in the token's JWT payload (not verified), null when the token is not a JWT. */
  tokenScopes(): string[] | null;
  /** Whether this client has found `include` to work (true), refused (false) or not tried it yet (undefined). */
  includeSupport(): boolean | undefined;
}

const orderChangeAttributes = z.object({ updated_at: orderAttributesSchema.shape.updated_at });
/** Only for the series' growth at onboarding: an order without a readable date is left out of it, not refused. */
const orderCreatedAttributes = z.object({ created_at: z.string().refine((value) => !Number.isNaN(Date.parse(value))) });
const statusFields = sparseFields({ [MystoreTypes.orderStatus]: ORDER_FIELDSETS[MystoreTypes.orderStatus] ?? [] });

export function createMystoreOperations(transport: MystoreTransport): MystoreOperations {
  const { logger, language } = transport;
  /** undefined = not tried; remembered per client once Mystore refuses include with 400. */
  let includeWorks: boolean | undefined;
  /** Status resources by id, from GET /order-status, loaded once per client. */
  let statusCache: Promise<Map<string, LocatedResource>> | undefined;

  const locate = (target: RequestTarget, pointer: string, resource: ResourceObject): LocatedResource => ({
    resource,
    at: { method: target.method, path: target.path, pointer },
  });

  async function loadStatuses(): Promise<Map<string, LocatedResource>> {
    const all = await transport.listAll(MystorePaths.orderStatuses, statusFields, MAX_PAGE_SIZE);
    return new Map(all.map(({ resource, target, pointer }) => [resource.id, locate(target, pointer, resource)]));
  }

  function statuses(refresh = false): Promise<Map<string, LocatedResource>> {
    if (!statusCache || refresh) {
      const loading = loadStatuses();
      statusCache = loading;
      // A failed load is not cached: the next call tries again.
      loading.catch(() => {
        if (statusCache === loading) statusCache = undefined;
      });
    }
    return statusCache;
  }

  async function statusById(id: string | null | undefined, order: LocatedResource): Promise<LocatedResource> {
    if (!id) throw new MystoreResponseError(order.at, `${order.at.pointer}.relationships.${OrderRelationships.status}`, 'the order has no status');
    const cached = (await statuses()).get(id) ?? (await statuses(true)).get(id);
    if (!cached) {
      throw new MystoreResponseError(order.at, `${order.at.pointer}.relationships.${OrderRelationships.status}.data.id`, `status ${id} is not in GET /order-status`);
    }
    return cached;
  }

  /** One call: the order as a compound document. Returns null when include turns out not to work. */
  async function viaInclude(orderId: string): Promise<MystoreOrderAggregate | null> {
    const path = MystorePaths.order(orderId);
    let document;
    try {
      document = await transport.getDocument(path, { ...include(ORDER_INCLUDE), ...sparseFields(ORDER_FIELDSETS) });
    } catch (error) {
      if (error instanceof MystoreBadRequestError && error.status === 400) {
        includeWorks = false;
        logger.info({ path, detail: error.apiDetail }, 'Mystore refused include; reading sub-resources from now on');
        return null;
      }
      throw error;
    }
    const target: RequestTarget = { method: 'GET', path };
    const order = locate(target, 'data', document.data);
    if (document.included === undefined) {
      // Include silently ignored: treat it like a refusal (every order has lines and totals).
      includeWorks = false;
      logger.info({ path }, 'Mystore ignored include; reading sub-resources from now on');
      return null;
    }
    includeWorks = true;
    const included = document.included.map((resource, index) => locate(target, `included[${index}]`, resource));
    const ofType = (type: string) => included.filter((r) => r.resource.type === type);
    const inLinkageOrder = (type: string, relationship: string): LocatedResource[] => {
      const candidates = ofType(type);
      const ids = toManyIds(document.data, relationship);
      if (ids === undefined) return candidates;
      const byId = new Map(candidates.map((c) => [c.resource.id, c]));
      return ids.map((id) => byId.get(id)).filter((c): c is LocatedResource => c !== undefined);
    };
    const products = inLinkageOrder(MystoreTypes.orderProducts, OrderRelationships.products);
    const totals = inLinkageOrder(MystoreTypes.orderTotals, OrderRelationships.totals);
    const customerId = toOneId(document.data, OrderRelationships.customer);
    const customer = customerId ? ofType(MystoreTypes.customers).find((c) => c.resource.id === customerId) ?? null : null;
    const statusId = toOneId(document.data, OrderRelationships.status);
    const status = ofType(MystoreTypes.orderStatus).find((s) => s.resource.id === statusId) ?? (await statusById(statusId, order));
    return mapOrderAggregate({
      shop: transport.shop,
      language,
      order,
      products,
      optionsByLine: groupOptionsByLine(products, ofType(MystoreTypes.orderProductAttributes)),
      totals,
      customer,
      status,
    });
  }

  /** One GET per sub-resource (docs/mystore-api-model.md "include"): order, lines, options per line, totals, customer. */
  async function viaSubResources(orderId: string): Promise<MystoreOrderAggregate> {
    const orderPath = MystorePaths.order(orderId);
    const document = await transport.getDocument(orderPath, sparseFields({ [MystoreTypes.orders]: ORDER_FIELDSETS[MystoreTypes.orders] ?? [] }));
    const order = locate({ method: 'GET', path: orderPath }, 'data', document.data);
    const located = (items: Awaited<ReturnType<MystoreTransport['listAll']>>) =>
      items.map(({ resource, target, pointer }) => locate(target, pointer, resource));

    const products = located(await transport.listAll(
      MystorePaths.orderProducts(orderId),
      sparseFields({ [MystoreTypes.orderProducts]: ORDER_FIELDSETS[MystoreTypes.orderProducts] ?? [] }),
      MAX_PAGE_SIZE,
    ));
    const optionsByLine = new Map<string, LocatedResource[]>();
    for (const product of products) {
      // Linkage `data: []` says "no options": skip the call. Absent linkage: ask.
      const linkage = toManyIds(product.resource, OrderRelationships.productOptions);
      optionsByLine.set(product.resource.id, linkage !== undefined && linkage.length === 0 ? [] : located(await transport.listAll(
        MystorePaths.orderProductAttributes(product.resource.id),
        sparseFields({ [MystoreTypes.orderProductAttributes]: ORDER_FIELDSETS[MystoreTypes.orderProductAttributes] ?? [] }),
        MAX_PAGE_SIZE,
      )));
    }
    const totals = located(await transport.listAll(
      MystorePaths.orderTotals(orderId),
      sparseFields({ [MystoreTypes.orderTotals]: ORDER_FIELDSETS[MystoreTypes.orderTotals] ?? [] }),
      MAX_PAGE_SIZE,
    ));
    const customerId = toOneId(document.data, OrderRelationships.customer);
    let customer: LocatedResource | null = null;
    if (customerId) {
      const customerPath = MystorePaths.customer(customerId);
      try {
        const customerDocument = await transport.getDocument(customerPath, sparseFields({ [MystoreTypes.customers]: ORDER_FIELDSETS[MystoreTypes.customers] ?? [] }));
        customer = locate({ method: 'GET', path: customerPath }, 'data', customerDocument.data);
      } catch (error) {
        // A deleted customer account: the order keeps its own copy of the customer's details.
        if (!(error instanceof MystoreNotFoundError)) throw error;
      }
    }
    const status = await statusById(toOneId(document.data, OrderRelationships.status), order);
    return mapOrderAggregate({ shop: transport.shop, language, order, products, optionsByLine, totals, customer, status });
  }

  return {
    async getOrderAggregate(orderId) {
      if (includeWorks !== false) {
        const viaOne = await viaInclude(orderId);
        if (viaOne) return viaOne;
      }
      return viaSubResources(orderId);
    },

    async *listOrdersChanged({ from, to, pageSize = DEFAULT_PAGE_SIZE }) {
      if (!Number.isInteger(pageSize) || pageSize < 1 || pageSize > MAX_PAGE_SIZE) {
        throw new RangeError(`pageSize must be 1…${MAX_PAGE_SIZE}, got ${pageSize}`);
      }
      for (const [name, value] of [['from', from], ['to', to]] as const) {
        if (Number.isNaN(Date.parse(value))) throw new RangeError(`${name} must be an ISO 8601 instant, got ${value}`);
      }
      const query = {
        ...filters([
          { key: 'updated_from', path: OrderFilterPaths.updatedAt, value: from, operator: 'gte' },
          { key: 'updated_to', path: OrderFilterPaths.updatedAt, value: to, operator: 'lt' },
        ]),
        ...sparseFields({ [MystoreTypes.orders]: ['updated_at', OrderRelationships.status] }),
      };
      for await (const { document, target } of transport.pages(MystorePaths.orders, query, pageSize)) {
        yield document.data.map((resource, index) => {
          const attributes = parseAttributes(locate(target, `data[${index}]`, resource), orderChangeAttributes);
          return { orderId: resource.id, updatedAt: attributes.updated_at, statusId: toOneId(resource, OrderRelationships.status) ?? null };
        });
      }
    },

    async newestOrders() {
      const fields = sparseFields({ [MystoreTypes.orders]: [OrderRelationships.customer, 'created_at'] });
      const read = (document: ListDocument) =>
        document.data.map((resource) => {
          const created = orderCreatedAttributes.safeParse(resource.attributes ?? {});
          return { orderId: resource.id, customerId: toOneId(resource, OrderRelationships.customer) ?? null, createdAt: created.success ? created.data.created_at : null };
        });
      const page = (number: number) =>
        transport.getJson(MystorePaths.orders, listDocumentSchema, { ...fields, 'page[number]': number, 'page[size]': MAX_PAGE_SIZE });
      const first = await page(1);
      const last = lastPageNumber(first);
      if (last === 1 || (last === null && !first.links?.next)) return { orders: read(first), pagesRead: 1 };
      if (last !== null) {
        try {
          return { orders: read(await page(last)), pagesRead: 2 };
        } catch (error) {
          // Orders deleted between the two calls: the named page is gone; walk instead.
          if (!(error instanceof MystoreNotFoundError)) throw error;
        }
      }
      const orders: MystoreNewestOrders['orders'] = [];
      let pagesRead = 1;
      for await (const { document } of transport.pages(MystorePaths.orders, fields, MAX_PAGE_SIZE)) {
        orders.push(...read(document));
        pagesRead += 1;
      }
      return { orders, pagesRead };
    },

    async listOrderStatuses() {
      const loaded = await statuses(true);
      return [...loaded.values()].map((status) => mapOrderStatus(status, language ?? DEFAULT_LANGUAGE));
    },

    async listPaymentModules() {
      const body = await transport.getJson(MystorePaths.paymentModules, paymentModulesSchema);
      return body.data.map((module) => ({
        code: module.code,
        title: cleanText((module.title ?? module.code) as MultilingualText, language ?? DEFAULT_LANGUAGE),
        enabled: module.status === undefined || module.status === null ? true : module.status === true || Number(module.status) === 1,
      }));
    },

    async getSettings() {
      // Plain JSON (brief §1.3); a `data` wrapper is tolerated in case the real API adds one.
      const body = await transport.getJson(MystorePaths.settings, settingsSchema.or(z.object({ data: settingsSchema }).transform((b) => b.data)));
      return {
        defaultLanguage: body.default_language,
        defaultCurrency: body.default_currency ?? null,
        storeName: body.store_name ? cleanText(body.store_name as z.output<typeof multilingualSchema>, body.default_language) || null : null,
      };
    },

    async writeBackInvoice(orderId, invoice) {
      const path = MystorePaths.order(orderId);
      if (!invoice.invoiceNumber.trim()) throw new MystoreBadRequestError({ method: 'PATCH', path, errors: [{ detail: 'invoiceNumber is empty' }] });
      if (!/^\d{4}-\d{2}-\d{2}$/.test(invoice.invoiceDate)) {
        throw new MystoreBadRequestError({ method: 'PATCH', path, errors: [{ detail: `invoiceDate must be YYYY-MM-DD, got ${invoice.invoiceDate}` }] });
      }
      const document = await transport.send('PATCH', path, writeBackInvoiceBody(orderId, invoice));
      logger.info({ path, invoiceNumber: invoice.invoiceNumber }, 'wrote the invoice number back to Mystore');
      if (!document) return { invoiceNumber: invoice.invoiceNumber, invoiceDate: invoice.invoiceDate };
      const attributes = parseAttributes(
        locate({ method: 'PATCH', path }, 'data', document.data),
        orderAttributesSchema.pick({ invoice_number: true, invoice_date: true }),
      );
      return { invoiceNumber: attributes.invoice_number ?? null, invoiceDate: attributes.invoice_date ?? null };
    },

    async registerWebhook({ topic, address }) {
      const path = MystorePaths.webhooks;
      if (!(MystoreWebhookTopics as readonly string[]).includes(topic)) {
        throw new MystoreBadRequestError({ method: 'POST', path, errors: [{ detail: `unknown topic ${topic}` }] });
      }
      if (!/^https?:\/\//.test(address)) throw new MystoreBadRequestError({ method: 'POST', path, errors: [{ detail: 'address must be an http(s) URL' }] });
      const document = await transport.send('POST', path, registerWebhookBody(topic, address));
      const target = { method: 'POST', path, status: 201, outcomeUnknown: true };
      if (!document) throw new MystoreResponseError(target, 'data', 'no webhook in the answer');
      const attributes = parseAttributes(locate({ method: 'POST', path }, 'data', document.data), webhookAttributesSchema);
      if (!attributes.webhook_secret) throw new MystoreResponseError(target, 'data.attributes.webhook_secret', 'missing: the webhook cannot be verified without it');
      transport.addSecret(attributes.webhook_secret);
      logger.info({ webhookId: document.data.id, topic }, 'registered Mystore webhook');
      return { id: document.data.id, secret: attributes.webhook_secret };
    },

    async listWebhooks() {
      const all = await transport.listAll(MystorePaths.webhooks, sparseFields({ [MystoreTypes.webhooks]: ['topic', 'address'] }), MAX_PAGE_SIZE);
      return all.map(({ resource, target, pointer }) => {
        const attributes = parseAttributes(locate(target, pointer, resource), webhookAttributesSchema.pick({ topic: true, address: true }));
        return { id: resource.id, topic: attributes.topic, address: attributes.address };
      });
    },

    async deleteWebhook(id) {
      try {
        await transport.send('DELETE', MystorePaths.webhook(id));
        return true;
      } catch (error) {
        if (error instanceof MystoreError && error.status === 404) return false;
        throw error;
      }
    },

    tokenScopes() {
      return decodeMystoreToken(transport.tokenForClaims())?.scopes ?? null;
    },

    includeSupport() {
      return includeWorks;
    },
  };
}
