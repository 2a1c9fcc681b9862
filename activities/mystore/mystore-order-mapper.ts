/**
 * A Mystore order as JSON:API resources (the order, its order-products with their
 * order-product-attributes, its order-totals, the customer and the order-status) →
 * `MystoreOrderAggregate` (domain/mystore-order.ts). Pure. Every attribute name below beyond
 * the brief's §1.7 is an assumption of docs/mystore-api-model.md, kept here so the real API can
 * correct it in one place; the sparse fieldsets the client asks for are derived from these
 * schemas, so what is asked for and what is read never drift apart.
 *
 * Money: amounts are JSON numbers with up to 4 decimals (decimal(15,4)). They are read from
 * their decimal text (activities/money/exact-decimal.ts); String(n) is exact for every value of
 * decimal(15,4) because it has 15 significant digits at most, and amounts outside that range are
 * refused. Totals must be whole øre (the doc's totals are sums of round2 values); a total with a
 * sub-øre remainder is refused, never rounded away. Unit prices stay exact 4-decimal strings.
 */
import { z } from 'zod';
import type {
  MystoreAddress, MystoreLineOption, MystoreOrderAggregate, MystoreOrderCustomer, MystoreOrderLine, MystoreOrderStatus,
  MystoreOrderTotal,
} from '../../domain/mystore-order';
import { formatIssuePath } from '../http/http-helpers';
import { MoneyConversionError, formatScaled, toSafeNumber, toScaledInteger } from '../money/exact-decimal';
import { DEFAULT_LANGUAGE, MystoreTypes, OrderRelationships, OrderStatusTags, orderStatusAttributesSchema } from './mystore-api-assumptions';
import { MystoreResponseError } from './mystore-errors';
import { toManyIds, toOneId, type ResourceObject } from './mystore-jsonapi';
import { cleanText, type MultilingualText } from './mystore-text';

// ─── Field types ─────────────────────────────────────────────────────────────────────────────

const amountInput = z.union([z.number(), z.string().trim().min(1)]);

/** decimal(15,4): at most 11 integer digits, so String(n) of the JSON number is exact. */
const DECIMAL_15_4_LIMIT = 10n ** 15n;

function scaled(value: number | string, scale: number, ctx: z.RefinementCtx): bigint | typeof z.NEVER {
  try {
    const result = toScaledInteger(value, scale, 'exact');
    const asScale4 = result * 10n ** BigInt(Math.max(0, 4 - scale));
    if (asScale4 >= DECIMAL_15_4_LIMIT || asScale4 <= -DECIMAL_15_4_LIMIT) {
      ctx.addIssue({ code: 'custom', message: `${String(value)} is outside decimal(15,4)` });
      return z.NEVER;
    }
    return result;
  } catch (error) {
    if (!(error instanceof MoneyConversionError)) throw error;
    ctx.addIssue({ code: 'custom', message: scale === 2 ? `${String(value)} is not a whole number of øre` : error.message });
    return z.NEVER;
  }
}

/** A price with up to 4 decimals, kept exact as a 4-decimal string ("199.2" → "199.2000"). */
const decimal4 = amountInput.transform((value, ctx) => {
  const result = scaled(value, 4, ctx);
  return typeof result === 'bigint' ? formatScaled(result, 4) : result;
});

/** An amount that must be whole hundredths → integer minor units (øre). */
const minor = amountInput.transform((value, ctx) => {
  const result = scaled(value, 2, ctx);
  return typeof result === 'bigint' ? toSafeNumber(result, String(value)) : result;
});

/** A VAT rate in percent (25, 15, 12, 0; 16.5 in the brief's example) → basis points, exactly. */
const vatPercent = amountInput.transform((value, ctx) => {
  const result = scaled(value, 2, ctx);
  if (typeof result !== 'bigint') return result;
  if (result < 0n || result > 10_000n) {
    ctx.addIssue({ code: 'custom', message: `VAT rate ${String(value)} % is out of range` });
    return z.NEVER;
  }
  return Number(result);
});

/** Free text: absent and null read as ''; numbers (a phone, an org number) as their text. */
const text = z.union([z.string(), z.number().transform(String)]).nullish().transform((value) => value ?? '');
const multilingual = z.union([z.string(), z.record(z.string(), z.string().nullable())]).nullish();

/** An ISO 8601 date-time with offset → the instant in UTC ISO form. */
const instant = z.string().refine((value) => /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}/.test(value) && !Number.isNaN(Date.parse(value)), 'expected an ISO 8601 date-time')
  .transform((value) => new Date(value).toISOString());

const ADDRESS_PARTS = ['name', 'company', 'street', 'postcode', 'city', 'country'] as const;
type AddressPart = (typeof ADDRESS_PARTS)[number];

function addressFields<P extends string>(prefix: P): Record<`${P}_${AddressPart}`, typeof text> {
  return Object.fromEntries(ADDRESS_PARTS.map((part) => [`${prefix}_${part}`, text])) as Record<`${P}_${AddressPart}`, typeof text>;
}

// ─── Attribute schemas, one per resource type (assumed names, see docs/mystore-api-model.md) ───

/** `orders` attributes (created_at … invoice_date: assumed, see docs/mystore-api-model.md). */
export const orderAttributesSchema = z.object({
  created_at: instant,
  updated_at: instant,
  currency: z.string().regex(/^[A-Za-z]{3}$/, 'expected an ISO 4217 code').transform((c) => c.toUpperCase()),
  payment_method: multilingual,
  payment_module: text,
  shipping_method: multilingual,
  customer_email: text,
  customer_phone: text,
  customer_org_number: text,
  ...addressFields('customer_address'),
  ...addressFields('billing_address'),
  ...addressFields('shipping_address'),
  language: z.string().nullish(),
  order_type: z.enum(['order', 'credit']).nullish(),
  invoice_number: z.union([z.string(), z.number().transform(String)]).nullish(),
  invoice_date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'expected YYYY-MM-DD').nullish(),
});
type OrderAttributes = z.output<typeof orderAttributesSchema>;

/** `order-products` attributes (brief §1.7; only what the aggregate uses is asked for). */
export const orderProductAttributesSchema = z.object({
  name: multilingual,
  sku: text,
  final_price: decimal4,
  quantity: z.number().int(),
  tax_rate: vatPercent,
});

/** `order-product-attributes` attributes, a line's options (brief §1.7). */
export const orderProductOptionAttributesSchema = z.object({
  option_name: multilingual,
  option_value_name: multilingual,
  option_values_price: decimal4.nullish(),
  option_values_price_prefix: z.string().nullish(),
});

/** `order-totals` attributes (brief §1.7; classes beyond the brief's four assumed, see docs/mystore-api-model.md). */
export const orderTotalAttributesSchema = z.object({
  title: multilingual,
  value: minor,
  value_without_tax: minor,
  sort: z.union([z.number(), z.string().regex(/^-?\d+$/).transform(Number)]).nullish(),
  /** "25", or "" when the row has no single rate (assumed, see docs/mystore-api-model.md). */
  tax_rate: z.union([z.literal('').transform(() => null), z.null(), vatPercent]).nullish().transform((v) => v ?? null),
  class: z.string().min(1),
  order_total_type: z.enum(['line', 'total']),
});

/** `customers` attributes (all assumed, see docs/mystore-api-model.md). */
export const customerAttributesSchema = z.object({
  firstname: text,
  lastname: text,
  email: text,
  telephone: text,
  company: text,
  org_number: text,
  street_address: text,
  postcode: text,
  city: text,
  country: text,
});
type CustomerAttributes = z.output<typeof customerAttributesSchema>;

export { orderStatusAttributesSchema };

/**
 * Sparse fieldsets for getOrderAggregate: the attributes above plus the relationships read
 * (JSON:API counts relationships as fields, so they must be named or they are left out).
 */
export const ORDER_FIELDSETS: Readonly<Record<string, readonly string[]>> = {
  [MystoreTypes.orders]: [
    ...Object.keys(orderAttributesSchema.shape),
    OrderRelationships.customer, OrderRelationships.status, OrderRelationships.creditedOrder,
    OrderRelationships.products, OrderRelationships.totals,
  ],
  [MystoreTypes.orderProducts]: [...Object.keys(orderProductAttributesSchema.shape), 'product', OrderRelationships.productOptions],
  [MystoreTypes.orderProductAttributes]: [...Object.keys(orderProductOptionAttributesSchema.shape), 'order-product'],
  [MystoreTypes.orderTotals]: Object.keys(orderTotalAttributesSchema.shape),
  [MystoreTypes.customers]: Object.keys(customerAttributesSchema.shape),
  [MystoreTypes.orderStatus]: Object.keys(orderStatusAttributesSchema.shape),
};

// ─── Mapping ─────────────────────────────────────────────────────────────────────────────────

/** Where a resource came from, so an error names the request and the place in its document. */
export interface ResourceLocation {
  method: string;
  /** Request path below /shops/{shop}. */
  path: string;
  /** Place in the document: `data`, `data[2]`, `included[5]`. */
  pointer: string;
}

export interface LocatedResource {
  resource: ResourceObject;
  at: ResourceLocation;
}

export interface OrderResources {
  shop: string;
  /** The shop's language for multilingual text; default the order's own `language`, else 'no'. */
  language?: string | undefined;
  order: LocatedResource;
  /** The order's lines, in the order they should appear. */
  products: readonly LocatedResource[];
  /** Options per line id. */
  optionsByLine: ReadonlyMap<string, readonly LocatedResource[]>;
  totals: readonly LocatedResource[];
  /** The customer resource, or null for a guest checkout / when not fetched. */
  customer: LocatedResource | null;
  /** The order's status resource. */
  status: LocatedResource;
}

/** Parses a resource's attributes; a mismatch is a MystoreResponseError naming the field path. */
export function parseAttributes<T extends z.ZodType>(located: LocatedResource, schema: T): z.output<T> {
  const parsed = schema.safeParse(located.resource.attributes);
  if (parsed.success) return parsed.data;
  const issue = parsed.error.issues[0];
  const field = formatIssuePath(issue?.path ?? []);
  throw new MystoreResponseError(
    { method: located.at.method, path: located.at.path },
    `${located.at.pointer}.attributes${field ? `.${field}` : ''}`,
    issue?.message ?? 'does not match the schema',
  );
}

/** An order-status resource → the domain's status. */
export function mapOrderStatus(located: LocatedResource, language: string): MystoreOrderStatus {
  const attributes = parseAttributes(located, orderStatusAttributesSchema);
  const tag = attributes.tag?.toLowerCase() ?? null;
  return {
    statusId: located.resource.id,
    name: cleanText(attributes.name as MultilingualText, language),
    completed: tag === OrderStatusTags.completed,
    cancelled: tag === OrderStatusTags.cancelled,
  };
}

/** Options grouped by line: by each option's `order-product` linkage, else the line's own linkage. */
export function groupOptionsByLine(products: readonly LocatedResource[], options: readonly LocatedResource[]): Map<string, LocatedResource[]> {
  const byLine = new Map<string, LocatedResource[]>(products.map((p) => [p.resource.id, []]));
  const byId = new Map(options.map((o) => [o.resource.id, o]));
  const placed = new Set<string>();
  for (const product of products) {
    for (const optionId of toManyIds(product.resource, OrderRelationships.productOptions) ?? []) {
      const option = byId.get(optionId);
      if (option && !placed.has(optionId)) {
        byLine.get(product.resource.id)?.push(option);
        placed.add(optionId);
      }
    }
  }
  for (const option of options) {
    if (placed.has(option.resource.id)) continue;
    const lineId = toOneId(option.resource, 'order-product');
    if (lineId) byLine.get(lineId)?.push(option);
  }
  return byLine;
}

/** The whole order → MystoreOrderAggregate, or a MystoreResponseError naming the first bad field. */
export function mapOrderAggregate(input: OrderResources): MystoreOrderAggregate {
  const order = parseAttributes(input.order, orderAttributesSchema);
  const language = input.language ?? order.language ?? DEFAULT_LANGUAGE;
  const customerAttributes = input.customer ? parseAttributes(input.customer, customerAttributesSchema) : null;
  const lines = input.products.map((product) => mapLine(product, input.optionsByLine.get(product.resource.id) ?? [], language));
  const totals = input.totals
    .map((total, index) => ({ total: mapTotal(total, language), index }))
    .sort((a, b) => a.total.sort - b.total.sort || a.index - b.index)
    .map(({ total }) => total);
  return {
    shop: input.shop,
    orderId: input.order.resource.id,
    createdAt: order.created_at,
    updatedAt: order.updated_at,
    currency: order.currency,
    paymentModule: cleanText(order.payment_module, language),
    paymentMethod: cleanText(order.payment_method as MultilingualText, language),
    shippingMethod: cleanText(order.shipping_method as MultilingualText, language),
    customer: mapCustomer(input.order.resource, order, customerAttributes, language),
    lines,
    totals,
    status: mapOrderStatus(input.status, language),
    creditsOrderId: toOneId(input.order.resource, OrderRelationships.creditedOrder) ?? null,
    invoiceNumber: order.invoice_number ? cleanText(order.invoice_number, language) || null : null,
    invoiceDate: order.invoice_date ?? null,
  };
}

function mapLine(located: LocatedResource, options: readonly LocatedResource[], language: string): MystoreOrderLine {
  const line = parseAttributes(located, orderProductAttributesSchema);
  return {
    lineId: located.resource.id,
    productId: toOneId(located.resource, 'product') ?? null,
    name: cleanText(line.name as MultilingualText, language),
    sku: cleanText(line.sku, language),
    quantity: line.quantity,
    unitPriceExcludingVat: line.final_price,
    vatRate: line.tax_rate,
    options: options.map((option) => mapOption(option, language)),
  };
}

function mapOption(located: LocatedResource, language: string): MystoreLineOption {
  const option = parseAttributes(located, orderProductOptionAttributesSchema);
  const prefix = (option.option_values_price_prefix ?? '+').trim();
  if (prefix !== '' && prefix !== '+' && prefix !== '-') {
    throw new MystoreResponseError({ method: located.at.method, path: located.at.path },
      `${located.at.pointer}.attributes.option_values_price_prefix`, `expected '+' or '-', got '${prefix}'`);
  }
  const price = option.option_values_price ?? '0.0000';
  const negative = prefix === '-' && !/^-?0\.0000$/.test(price);
  return {
    name: cleanText(option.option_name as MultilingualText, language),
    value: cleanText(option.option_value_name as MultilingualText, language),
    priceExcludingVat: negative ? (price.startsWith('-') ? price.slice(1) : `-${price}`) : price,
  };
}

function mapTotal(located: LocatedResource, language: string): MystoreOrderTotal {
  const total = parseAttributes(located, orderTotalAttributesSchema);
  return {
    class: total.class,
    kind: total.order_total_type,
    title: cleanText(total.title as MultilingualText, language),
    value: total.value,
    valueExcludingVat: total.value_without_tax,
    vatRate: total.tax_rate,
    sort: total.sort ?? 0,
  };
}

function mapCustomer(resource: ResourceObject, order: OrderAttributes, customer: CustomerAttributes | null, language: string): MystoreOrderCustomer {
  const clean = (value: string) => cleanText(value, language);
  const address = (prefix: 'customer_address' | 'billing_address' | 'shipping_address'): MystoreAddress => {
    const part = (name: AddressPart) => clean(order[`${prefix}_${name}`]);
    return {
      name: part('name'), company: part('company'), street: part('street'),
      postcode: part('postcode'), city: part('city'), country: part('country'),
    };
  };
  const fromCustomer: MystoreAddress | null = customer && {
    name: clean(`${customer.firstname} ${customer.lastname}`),
    company: clean(customer.company),
    street: clean(customer.street_address),
    postcode: clean(customer.postcode),
    city: clean(customer.city),
    country: clean(customer.country),
  };
  // Whole blocks, never field by field: a street from one address and a city from another is worse than either.
  const firstFilled = (...candidates: (MystoreAddress | null)[]): MystoreAddress =>
    candidates.find((a): a is MystoreAddress => a !== null && (a.street !== '' || a.name !== '' || a.city !== ''))
      ?? { name: '', company: '', street: '', postcode: '', city: '', country: '' };
  const billingAddress = firstFilled(address('billing_address'), address('customer_address'), fromCustomer);
  const shippingAddress = firstFilled(address('shipping_address'), billingAddress);
  const organizationNumber = norwegianOrgNumber(order.customer_org_number) ?? norwegianOrgNumber(customer?.org_number ?? '');
  const company = billingAddress.company || clean(order.customer_address_company) || fromCustomer?.company || '';
  const personName = billingAddress.name || clean(order.customer_address_name) || fromCustomer?.name || '';
  return {
    customerId: toOneId(resource, OrderRelationships.customer) ?? null,
    email: clean(order.customer_email) || clean(customer?.email ?? ''),
    phone: clean(order.customer_phone) || clean(customer?.telephone ?? ''),
    organizationNumber,
    name: (organizationNumber !== null || company !== '') && company !== '' ? company : personName || company,
    billingAddress,
    shippingAddress,
  };
}

/** "NO 999 888 777 MVA" → "999888777"; anything that is not 9 digits then → null. */
export function norwegianOrgNumber(value: string): string | null {
  const digits = value.replace(/^\s*NO/i, '').replace(/MVA\s*$/i, '').replace(/[\s.-]/g, '');
  return /^\d{9}$/.test(digits) ? digits : null;
}
