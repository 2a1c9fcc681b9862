// In-memory state of the Mystore sandbox: shops, their statuses, customers, orders (with lines,
// options and total rows), webhooks, and the tokens of all shops. Ids are strings, per shop and
// per resource type, counted from fixed starts so a run is reproducible.
import type { TotalRow } from './totals';

export type StatusTag = 'standard' | 'completed' | 'cancelled' | null;

export interface StatusRecord {
  id: string;
  /** Multilingual, e.g. {no: "Sendt", en: "Sent"}. */
  name: Record<string, string>;
  tag: StatusTag;
}

export interface PaymentModuleRecord { code: string; title: Record<string, string>; status: number }

export interface Address { name: string; company: string; street: string; postcode: string; city: string; country: string }

export interface CustomerRecord {
  id: string;
  /** What makes a repeat customer the same customer (the generator uses the e-mail). */
  key: string;
  firstname: string;
  lastname: string;
  email: string;
  telephone: string;
  company: string;
  orgNumber: string | null;
  streetAddress: string;
  postcode: string;
  city: string;
  country: string;
  createdAt: Date;
  updatedAt: Date;
}

export interface OptionRecord {
  id: string;
  optionName: string;
  optionValueName: string;
  /** Per unit, excluding VAT, 1e-4 units, always ≥ 0 (the sign is `prefix`). */
  price4: number;
  prefix: '+' | '-';
}

export interface LineRecord {
  id: string;
  productId: string | null;
  name: string;
  sku: string;
  /** 1e-4 units, per unit, excluding VAT. */
  originalPrice4: number;
  price4: number;
  finalPrice4: number;
  quantity: number;
  /** Basis points. */
  rateBp: number;
  options: OptionRecord[];
}

export interface TotalRecord extends TotalRow { id: string }

export interface OrderRecord {
  id: string;
  createdAt: Date;
  updatedAt: Date;
  statusId: string;
  statusHistory: Array<{ statusId: string; at: Date }>;
  orderType: 'order' | 'credit';
  creditedOrderId: string | null;
  customerId: string | null;
  currency: string;
  /** 1e-4 units: shop-currency units per unit of the order currency (1 for NOK). */
  currencyValue4: number;
  paymentMethod: string;
  paymentModule: string;
  shippingMethod: string;
  email: string;
  phone: string;
  orgNumber: string | null;
  customerAddress: Address;
  billingAddress: Address;
  shippingAddress: Address;
  language: string;
  invoiceNumber: string | null;
  invoiceDate: string | null;
  lines: LineRecord[];
  totals: TotalRecord[];
}

export interface WebhookRecord { id: string; topic: string; address: string; secret: string; createdAt: Date }

export interface TokenRecord { token: string; shop: string; scopes: string[]; expiresAt: Date | null; revoked: boolean }

export interface ShopRecord {
  shop: string;
  storeName: string;
  language: string;
  currency: string;
  statuses: StatusRecord[];
  paymentModules: PaymentModuleRecord[];
  customers: Map<string, CustomerRecord>;
  customerByKey: Map<string, string>;
  orders: Map<string, OrderRecord>;
  /** Lookups for the sub-resource endpoints. */
  lineIndex: Map<string, { order: OrderRecord; line: LineRecord }>;
  webhooks: Map<string, WebhookRecord>;
  next: { order: number; line: number; option: number; total: number; customer: number; webhook: number };
}

export class MystoreStore {
  readonly shops = new Map<string, ShopRecord>();
  readonly tokens = new Map<string, TokenRecord>();
  tokenCounter = 0;
  webhookSecretCounter = 0;
}

export function newShopRecord(shop: string, init: { storeName: string; language: string; currency: string; statuses: StatusRecord[]; paymentModules: PaymentModuleRecord[] }): ShopRecord {
  return {
    shop, ...init,
    customers: new Map(), customerByKey: new Map(), orders: new Map(), lineIndex: new Map(), webhooks: new Map(),
    // Mystore's own order numbering starts at 6000 by default (brief §2.1); line/total ids are larger, as in a real table.
    next: { order: 6000, line: 100_001, option: 500_001, total: 900_001, customer: 1001, webhook: 1 },
  };
}

export function nextId(shop: ShopRecord, kind: keyof ShopRecord['next']): string {
  const id = shop.next[kind];
  shop.next[kind] += 1;
  return String(id);
}
