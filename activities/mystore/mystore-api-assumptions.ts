/**
 * Every name, path and shape of the Mystore API that is not confirmed, in one place, so the
 * real API can correct it here (the order's attribute names live in mystore-order-mapper.ts).
 * The confirmed parts (base URL, bearer auth, JSON:API, paging, error shape, webhook headers
 * and HMAC) are in the client itself. Source of every line: docs/mystore-api-model.md.
 */
import { z } from 'zod';

// ─── Paths below /shops/{shop} ───────────────────────────────────────────────────────────────

export const MystorePaths = {
  orders: '/orders',
  order: (id: string) => `/orders/${encodeURIComponent(id)}`,
  /** Fallback when include is refused (assumed, see docs/mystore-api-model.md). */
  orderProducts: (orderId: string) => `/orders/${encodeURIComponent(orderId)}/order-products`,
  /** One call per line, only for lines whose linkage does not say "no options" (assumed, see docs/mystore-api-model.md). */
  orderProductAttributes: (orderProductId: string) => `/order-products/${encodeURIComponent(orderProductId)}/order-product-attributes`,
  /** (assumed, see docs/mystore-api-model.md) */
  orderTotals: (orderId: string) => `/orders/${encodeURIComponent(orderId)}/order-totals`,
  /** (assumed, see docs/mystore-api-model.md) */
  customer: (id: string) => `/customers/${encodeURIComponent(id)}`,
  orderStatuses: '/order-status',
  settings: '/settings',
  /** Plain JSON, not JSON:API (assumed, see docs/mystore-api-model.md). */
  paymentModules: '/payment',
  /** (assumed, see docs/mystore-api-model.md) */
  webhooks: '/webhooks',
  /** (assumed, see docs/mystore-api-model.md) */
  webhook: (id: string) => `/webhooks/${encodeURIComponent(id)}`,
} as const;

// ─── JSON:API resource types ─────────────────────────────────────────────────────────────────

export const MystoreTypes = {
  orders: 'orders',
  orderProducts: 'order-products',
  orderProductAttributes: 'order-product-attributes',
  orderTotals: 'order-totals',
  orderStatus: 'order-status',
  customers: 'customers',
  /** (assumed, see docs/mystore-api-model.md) */
  webhooks: 'webhooks',
} as const;

/** Relationship names on an order (customer, order-status confirmed; the rest assumed, see docs/mystore-api-model.md). */
export const OrderRelationships = {
  customer: 'customer',
  status: 'order-status',
  products: 'order-products',
  totals: 'order-totals',
  /** Set on a credit order only (assumed, see docs/mystore-api-model.md). */
  creditedOrder: 'credited-order',
  /** On an order-products resource (assumed, see docs/mystore-api-model.md). */
  productOptions: 'order-product-attributes',
} as const;

/** The compound document for one order in one call (assumed, see docs/mystore-api-model.md). */
export const ORDER_INCLUDE = [
  'order-products',
  'order-products.order-product-attributes',
  'order-totals',
  'customer',
  'order-status',
] as const;

// ─── Paging and filters ──────────────────────────────────────────────────────────────────────

/** Default page size (assumed, see docs/mystore-api-model.md). */
export const DEFAULT_PAGE_SIZE = 50;
/** Largest page size; larger → 400 (assumed, see docs/mystore-api-model.md). */
export const MAX_PAGE_SIZE = 100;

/** Filter operators of the `filter[key][operator]` syntax (confirmed for products, assumed for orders, see docs/mystore-api-model.md). */
export type FilterOperator = 'eq' | 'gte' | 'gt' | 'lte' | 'lt';

/** Attribute paths /orders can be filtered on (assumed, see docs/mystore-api-model.md). */
export const OrderFilterPaths = {
  updatedAt: 'updated_at',
  createdAt: 'created_at',
  /** `eq` only (assumed, see docs/mystore-api-model.md). */
  status: 'order-status',
} as const;

// ─── Scopes ──────────────────────────────────────────────────────────────────────────────────

/** The scope each endpoint needs; an include needs every included type's scope (partly assumed, see docs/mystore-api-model.md). */
export const MystoreScopes = {
  readOrders: 'read:orders',
  readOrderProducts: 'read:order-products',
  readOrderProductAttributes: 'read:order-product-attributes',
  /** (assumed, see docs/mystore-api-model.md) */
  readOrderTotals: 'read:order-totals',
  readOrderStatus: 'read:order-status',
  /** (assumed, see docs/mystore-api-model.md) */
  readCustomers: 'read:customers',
  /** /payment under it (assumed, see docs/mystore-api-model.md) */
  readSettings: 'read:settings',
  readWebhooks: 'read:webhooks',
  /** (assumed, see docs/mystore-api-model.md) */
  writeWebhooks: 'write:webhooks',
  /** (assumed, see docs/mystore-api-model.md) */
  writeOrders: 'write:orders',
} as const;

/** What each client operation needs, so onboarding can name a missing scope before it is needed. */
export const SCOPES_BY_OPERATION = {
  getOrderAggregate: [
    MystoreScopes.readOrders, MystoreScopes.readOrderProducts, MystoreScopes.readOrderProductAttributes,
    MystoreScopes.readOrderTotals, MystoreScopes.readCustomers, MystoreScopes.readOrderStatus,
  ],
  listOrdersChanged: [MystoreScopes.readOrders],
  listOrderStatuses: [MystoreScopes.readOrderStatus],
  listPaymentModules: [MystoreScopes.readSettings],
  getSettings: [MystoreScopes.readSettings],
  writeBackInvoice: [MystoreScopes.writeOrders],
  registerWebhook: [MystoreScopes.writeWebhooks],
  listWebhooks: [MystoreScopes.readWebhooks],
  deleteWebhook: [MystoreScopes.writeWebhooks],
} as const satisfies Record<string, readonly string[]>;

export type MystoreOperationName = keyof typeof SCOPES_BY_OPERATION;

/** What the integration does with each operation, in words for a merchant: onboarding names a missing scope by it. */
export const OPERATION_PURPOSES: Record<MystoreOperationName, string> = {
  getOrderAggregate: 'reading each order with its lines, options, totals, customer and status',
  listOrdersChanged: 'finding new and changed orders',
  listOrderStatuses: 'knowing which order status means completed',
  listPaymentModules: 'reading the shop\'s payment modules',
  getSettings: 'reading the shop\'s language and currency',
  writeBackInvoice: 'writing the invoice number back to the order',
  registerWebhook: 'registering the order webhooks',
  listWebhooks: 'checking the order webhooks',
  deleteWebhook: 'removing old order webhooks',
};

/** Every scope the integration needs (the union over SCOPES_BY_OPERATION), each with what it is needed for. */
export function requiredMystoreScopes(): Array<{ scope: string; neededFor: string }> {
  const purposes = new Map<string, string[]>();
  for (const [operation, scopes] of Object.entries(SCOPES_BY_OPERATION) as Array<[MystoreOperationName, readonly string[]]>) {
    for (const scope of scopes) {
      const list = purposes.get(scope) ?? [];
      if (!list.includes(OPERATION_PURPOSES[operation])) list.push(OPERATION_PURPOSES[operation]);
      purposes.set(scope, list);
    }
  }
  return [...purposes].map(([scope, list]) => ({ scope, neededFor: list.join('; ') }));
}

// ─── The newest orders ───────────────────────────────────────────────────────────────────────

/**
 * `/orders` lists ascending by id (sorting is unconfirmed and not used), so the newest orders are
 * on the last page, which `links.last` names (and `meta.page['last-page']`, a JSON:API paginator
 * convention) (assumed, see docs/mystore-api-model.md "Requests"). Returns that page's number,
 * or null when the document says neither: then the pages are walked.
 */
export function lastPageNumber(document: { links?: { last?: string | null | undefined } | undefined; meta?: Record<string, unknown> | undefined }): number | null {
  const page = document.meta?.page;
  if (page && typeof page === 'object') {
    const last = (page as Record<string, unknown>)['last-page'];
    if (typeof last === 'number' && Number.isInteger(last) && last >= 1) return last;
  }
  const link = document.links?.last;
  if (link) {
    try {
      const value = new URL(link, 'http://mystore.invalid/').searchParams.get('page[number]');
      if (value !== null && /^\d+$/.test(value) && Number(value) >= 1) return Number(value);
    } catch {
      return null;
    }
  }
  return null;
}

// ─── Webhooks ────────────────────────────────────────────────────────────────────────────────

/** Order topics (confirmed names, see docs/mystore-api-model.md); nothing else is registered. */
export const MystoreWebhookTopics = ['orders/create', 'orders/update'] as const;
export type MystoreWebhookTopic = (typeof MystoreWebhookTopics)[number];

/** Delivery headers (confirmed, brief §1.10). Lower case, as Node hands them over. */
export const WebhookHeaders = {
  topic: 'x-no-mystore-topic',
  signature: 'x-no-mystore-hmac-sha256',
  shop: 'x-no-mystore-host',
} as const;

/** POST /webhooks body (assumed, see docs/mystore-api-model.md). */
export function registerWebhookBody(topic: MystoreWebhookTopic, address: string) {
  return { data: { type: MystoreTypes.webhooks, attributes: { topic, address } } };
}

/** A webhook resource's attributes; the secret only in the POST answer (assumed, see docs/mystore-api-model.md). */
export const webhookAttributesSchema = z.object({
  topic: z.string(),
  address: z.string(),
  webhook_secret: z.string().min(1).nullish(),
});

/** Delivery body: a signal only, the order is read through the API (assumed, see docs/mystore-api-model.md). */
export const webhookDeliveryBodySchema = z.object({
  id: z.union([z.string().min(1), z.number().int().transform(String)]),
  topic: z.string().optional(),
  shop: z.string().optional(),
  updated_at: z.string().optional(),
});

// ─── Write-back ──────────────────────────────────────────────────────────────────────────────

/** PATCH /orders/{id} body; only these two attributes may be written (assumed, see docs/mystore-api-model.md). */
export function writeBackInvoiceBody(orderId: string, invoice: { invoiceNumber: string; invoiceDate: string }) {
  return {
    data: {
      type: MystoreTypes.orders,
      id: orderId,
      attributes: { invoice_number: invoice.invoiceNumber, invoice_date: invoice.invoiceDate },
    },
  };
}

// ─── Plain-JSON endpoints ────────────────────────────────────────────────────────────────────

/** A multilingual text `{no, en, se…}` or a plain string (confirmed form, brief §1.3). */
export const multilingualSchema = z.union([z.string(), z.record(z.string(), z.string().nullable())]);

/** GET /settings (keys confirmed: default_language; the rest assumed, see docs/mystore-api-model.md). */
export const settingsSchema = z.object({
  default_language: z.string().min(1),
  default_currency: z.string().min(1).nullish(),
  store_name: multilingualSchema.nullish(),
});

/** GET /payment (assumed shape, see docs/mystore-api-model.md). */
export const paymentModulesSchema = z.object({
  data: z.array(
    z.object({
      code: z.string().min(1),
      title: multilingualSchema.nullish(),
      /** 1 = enabled (assumed, see docs/mystore-api-model.md). */
      status: z.union([z.number(), z.string(), z.boolean()]).nullish(),
    }),
  ),
});

/** Order-status attributes: tag exposure assumed (see docs/mystore-api-model.md). */
export const orderStatusAttributesSchema = z.object({
  name: multilingualSchema,
  tag: z.string().nullish(),
});

/** Tag values of order-status (assumed exposure, see docs/mystore-api-model.md). */
export const OrderStatusTags = { completed: 'completed', cancelled: 'cancelled', standard: 'standard' } as const;

/** Shop language when neither the caller nor the order names one (Mystore is Norwegian). */
export const DEFAULT_LANGUAGE = 'no';
