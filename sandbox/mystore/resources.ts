// How the sandbox's records look as JSON:API resources (docs/mystore-api-model.md "Resources"),
// the relationship graph that `include` walks, and the scope each resource type needs.
import { toNumber } from './money';
import type { CustomerRecord, LineRecord, OptionRecord, OrderRecord, ShopRecord, StatusRecord, TotalRecord, WebhookRecord } from './store';
import { formatOslo } from './times';
import { bpToRateText } from './totals';

export type ResourceType = 'orders' | 'order-products' | 'order-product-attributes' | 'order-totals' | 'customers' | 'order-status' | 'webhooks';

export interface Ref { type: string; id: string }
export interface Resource {
  type: ResourceType;
  id: string;
  attributes: Record<string, unknown>;
  relationships?: Record<string, { data: Ref | Ref[] | null }>;
}

/** A resource with the records needed to follow its relationships. */
export interface Node {
  resource: Resource;
  related: (relationship: string) => Node[];
}

const ADDRESS_PARTS = ['name', 'company', 'street', 'postcode', 'city', 'country'] as const;

export const ATTRIBUTES: Record<ResourceType, readonly string[]> = {
  orders: [
    'created_at', 'updated_at', 'currency', 'currency_value', 'payment_method', 'payment_module', 'shipping_method',
    'customer_email', 'customer_phone', 'customer_org_number',
    ...(['customer_address', 'billing_address', 'shipping_address'] as const).flatMap((p) => ADDRESS_PARTS.map((a) => `${p}_${a}`)),
    'language', 'order_type', 'invoice_number', 'invoice_date',
  ],
  'order-products': ['name', 'sku', 'original_price', 'price', 'final_price', 'quantity', 'tax_rate'],
  'order-product-attributes': ['option_name', 'option_value_name', 'option_values_price', 'option_values_price_prefix'],
  'order-totals': ['title', 'text', 'value', 'value_without_tax', 'sort', 'tax_rate', 'class', 'order_total_type'],
  customers: ['firstname', 'lastname', 'email', 'telephone', 'company', 'org_number', 'street_address', 'postcode', 'city', 'country', 'created_at', 'updated_at'],
  'order-status': ['name', 'tag'],
  webhooks: ['topic', 'address', 'created_at'],
};

/** Relationship name → related type, per type (what `include` and sparse fieldsets may name). */
export const RELATIONSHIPS: Record<ResourceType, Record<string, string>> = {
  orders: { customer: 'customers', 'order-status': 'order-status', 'order-products': 'order-products', 'order-totals': 'order-totals', 'credited-order': 'orders' },
  'order-products': { order: 'orders', product: 'products', 'order-product-attributes': 'order-product-attributes' },
  'order-product-attributes': { order: 'orders', 'order-product': 'order-products' },
  'order-totals': { order: 'orders' },
  customers: {},
  'order-status': {},
  webhooks: {},
};

export const READ_SCOPE: Record<ResourceType, string> = {
  orders: 'read:orders',
  'order-products': 'read:order-products',
  'order-product-attributes': 'read:order-product-attributes',
  'order-totals': 'read:order-totals',
  customers: 'read:customers',
  'order-status': 'read:order-status',
  webhooks: 'read:webhooks',
};

export const ALL_SCOPES: readonly string[] = [
  'read:orders', 'read:order-products', 'read:order-product-attributes', 'read:order-totals', 'read:order-status',
  'read:customers', 'read:settings', 'read:webhooks', 'write:webhooks', 'write:orders',
];

export function isResourceType(t: string): t is ResourceType {
  return Object.hasOwn(ATTRIBUTES, t);
}

const money2 = (ore: number) => toNumber(ore, 2);
const money4 = (units: number) => toNumber(units, 4);
const rate = (bp: number) => Number(bpToRateText(bp));

function addressAttributes(prefix: string, a: OrderRecord['customerAddress']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const part of ADDRESS_PARTS) out[`${prefix}_${part}`] = a[part];
  return out;
}

export function orderNode(shop: ShopRecord, o: OrderRecord): Node {
  return {
    resource: {
      type: 'orders', id: o.id,
      attributes: {
        created_at: formatOslo(o.createdAt), updated_at: formatOslo(o.updatedAt),
        currency: o.currency, currency_value: money4(o.currencyValue4),
        payment_method: o.paymentMethod, payment_module: o.paymentModule, shipping_method: o.shippingMethod,
        customer_email: o.email, customer_phone: o.phone, customer_org_number: o.orgNumber,
        ...addressAttributes('customer_address', o.customerAddress),
        ...addressAttributes('billing_address', o.billingAddress),
        ...addressAttributes('shipping_address', o.shippingAddress),
        language: o.language, order_type: o.orderType, invoice_number: o.invoiceNumber, invoice_date: o.invoiceDate,
      },
      relationships: {
        customer: { data: o.customerId ? { type: 'customers', id: o.customerId } : null },
        'order-status': { data: { type: 'order-status', id: o.statusId } },
        'order-products': { data: o.lines.map((l) => ({ type: 'order-products', id: l.id })) },
        'order-totals': { data: o.totals.map((t) => ({ type: 'order-totals', id: t.id })) },
        'credited-order': { data: o.creditedOrderId ? { type: 'orders', id: o.creditedOrderId } : null },
      },
    },
    related: (rel) => {
      switch (rel) {
        case 'customer': { const c = o.customerId ? shop.customers.get(o.customerId) : undefined; return c ? [customerNode(c)] : []; }
        case 'order-status': { const s = shop.statuses.find((x) => x.id === o.statusId); return s ? [statusNode(s)] : []; }
        case 'order-products': return o.lines.map((l) => lineNode(shop, o, l));
        case 'order-totals': return o.totals.map((t) => totalNode(shop, o, t));
        case 'credited-order': { const c = o.creditedOrderId ? shop.orders.get(o.creditedOrderId) : undefined; return c ? [orderNode(shop, c)] : []; }
        default: return [];
      }
    },
  };
}

export function lineNode(shop: ShopRecord, o: OrderRecord, l: LineRecord): Node {
  return {
    resource: {
      type: 'order-products', id: l.id,
      attributes: {
        name: l.name, sku: l.sku, original_price: money4(l.originalPrice4), price: money4(l.price4), final_price: money4(l.finalPrice4),
        quantity: l.quantity, tax_rate: rate(l.rateBp),
      },
      relationships: {
        order: { data: { type: 'orders', id: o.id } },
        product: { data: l.productId ? { type: 'products', id: l.productId } : null },
        'order-product-attributes': { data: l.options.map((a) => ({ type: 'order-product-attributes', id: a.id })) },
      },
    },
    related: (rel) => (rel === 'order' ? [orderNode(shop, o)] : rel === 'order-product-attributes' ? l.options.map((a) => optionNode(shop, o, l, a)) : []),
  };
}

export function optionNode(shop: ShopRecord, o: OrderRecord, l: LineRecord, a: OptionRecord): Node {
  return {
    resource: {
      type: 'order-product-attributes', id: a.id,
      attributes: { option_name: a.optionName, option_value_name: a.optionValueName, option_values_price: money4(a.price4), option_values_price_prefix: a.prefix },
      relationships: { order: { data: { type: 'orders', id: o.id } }, 'order-product': { data: { type: 'order-products', id: l.id } } },
    },
    related: (rel) => (rel === 'order' ? [orderNode(shop, o)] : rel === 'order-product' ? [lineNode(shop, o, l)] : []),
  };
}

export function totalNode(shop: ShopRecord, o: OrderRecord, t: TotalRecord): Node {
  return {
    resource: {
      type: 'order-totals', id: t.id,
      attributes: {
        title: t.title, text: t.text, value: money2(t.valueOre), value_without_tax: money2(t.valueWithoutTaxOre), sort: t.sort,
        tax_rate: t.taxRate, class: t.class, order_total_type: t.type,
      },
      relationships: { order: { data: { type: 'orders', id: o.id } } },
    },
    related: (rel) => (rel === 'order' ? [orderNode(shop, o)] : []),
  };
}

export function customerNode(c: CustomerRecord): Node {
  return {
    resource: {
      type: 'customers', id: c.id,
      attributes: {
        firstname: c.firstname, lastname: c.lastname, email: c.email, telephone: c.telephone, company: c.company, org_number: c.orgNumber,
        street_address: c.streetAddress, postcode: c.postcode, city: c.city, country: c.country,
        created_at: formatOslo(c.createdAt), updated_at: formatOslo(c.updatedAt),
      },
    },
    related: () => [],
  };
}

export function statusNode(s: StatusRecord): Node {
  return { resource: { type: 'order-status', id: s.id, attributes: { name: { ...s.name }, tag: s.tag } }, related: () => [] };
}

export function webhookNode(w: WebhookRecord): Node {
  return { resource: { type: 'webhooks', id: w.id, attributes: { topic: w.topic, address: w.address, created_at: formatOslo(w.createdAt) } }, related: () => [] };
}
