// The sandbox's admin API: what Mystore's control panel and shoppers do (shops, tokens, orders,
// status changes, credit orders) plus test controls (faults, rate limit, reset) and read access
// to state. The same operations are served over HTTP under /_admin (admin-http.ts).
import type { FaultConfig } from '../shared/faults';
import { issueToken } from './auth';
import { parseDecimal, rateToBp, roundDiv, unitInclVatOre } from './money';
import { generateOrderSpecs } from './order-generator';
import { buildLinesAndTotals, DEFAULT_CUSTOMER, PAYMENT_METHOD_NAMES, type BuiltLine, type OrderSpec, type StatusKey } from './order-spec';
import { ALL_SCOPES, customerNode, lineNode, optionNode, orderNode, totalNode, type Resource } from './resources';
import { newShopRecord, nextId, type Address, type MystoreStore, type OrderRecord, type PaymentModuleRecord, type ShopRecord, type StatusRecord, type StatusTag } from './store';
import { formatOslo, toDate, truncateToSecond } from './times';
import { computeTotals, type TotalRow, type TotalsInput } from './totals';
import type { WebhookDelivery, WebhookDispatcher, WebhookTopic } from './webhooks';

/** Thrown by admin operations (over HTTP: {error} with `status`). */
export class SandboxAdminError extends Error {
  constructor(message: string, readonly status: 400 | 404 | 409 = 400) { super(message); }
}

export interface CreateShopInput {
  shop: string;
  /** The shop's next order id (default 6000, Mystore's default start): a shop that sold before joins with higher numbers. */
  firstOrderId?: number;
  storeName?: string;
  language?: string;
  currency?: string;
  statuses?: Array<{ id?: string; name: string | Record<string, string>; tag?: StatusTag }>;
  paymentModules?: Array<string | { code: string; title?: string | Record<string, string>; status?: number }>;
}

export interface ShopView {
  shop: string; storeName: string; language: string; currency: string;
  statuses: StatusRecord[]; paymentModules: PaymentModuleRecord[];
}

export interface CreateTokenInput { scopes?: string[]; expiresAt?: Date | string; token?: string }

export interface GenerateOrdersInput {
  count: number;
  /** Default: the sandbox's seed + a per-shop counter, so repeated calls give new orders. */
  seed?: number;
  /** created_at spreads over [startAt, endAt]; default the 30 days before the sandbox clock. */
  startAt?: Date | string;
  endAt?: Date | string;
  /** The final status of every order (default a realistic mix). */
  status?: StatusKey;
}

export interface CreditOrderInput {
  lines?: Array<{ lineId: string; quantity: number }> | 'full';
  /** A fee the shop keeps (positive row, 25 % VAT), e.g. 79 for return shipping. */
  returnShippingFee?: number | string;
}

/** An order as the API serves it: the order resource with its lines (and their options), totals and customer. */
export interface OrderView {
  id: string;
  attributes: Record<string, unknown>;
  relationships: Resource['relationships'];
  lines: Array<{ id: string; attributes: Record<string, unknown>; options: Array<{ id: string; attributes: Record<string, unknown> }> }>;
  totals: Array<{ id: string; attributes: Record<string, unknown> }>;
  customer: { id: string; attributes: Record<string, unknown> } | null;
  statusHistory: Array<{ statusId: string; at: string }>;
}

export interface MystoreSandboxAdmin {
  createShop(input: CreateShopInput): ShopView;
  getShop(shop: string): ShopView;
  /** A JWT-shaped personal access token for the shop (default: every scope of the model). */
  createToken(shop: string, input?: CreateTokenInput): string;
  revokeToken(token: string): void;
  /** Generated orders (seeded, deterministic); returns their ids. Fires orders/create per order. */
  generateOrders(shop: string, input: GenerateOrdersInput): string[];
  createOrder(shop: string, spec: OrderSpec): OrderView;
  getOrder(shop: string, orderId: string): OrderView;
  listOrderIds(shop: string): string[];
  /** Changes the status (updated_at = now) and fires orders/update. */
  setOrderStatus(shop: string, orderId: string, statusId: string): OrderView;
  /** A separate credit order (order_type "credit"); fires orders/create. */
  createCreditOrder(shop: string, orderId: string, input?: CreditOrderInput): OrderView;
  webhookDeliveries(shop: string): WebhookDelivery[];
  setFaults(faults: FaultConfig): void;
  setRateLimit(perMinute: number | null): void;
  reset(): void;
}

export interface AdminDeps {
  store: () => MystoreStore;
  now: () => Date;
  seed: number;
  webhooks: WebhookDispatcher;
  resetState: () => void;
  setFaults: (f: FaultConfig) => void;
  setRateLimit: (perMinute: number | null) => void;
}

export const DEFAULT_STATUSES: ReadonlyArray<Omit<StatusRecord, 'id'>> = [
  { name: { no: 'Ikke behandlet', en: 'Not processed' }, tag: 'standard' },
  { name: { no: 'Under behandling', en: 'In processing' }, tag: null },
  { name: { no: 'Sendt', en: 'Sent' }, tag: 'completed' },
  { name: { no: 'Kansellert', en: 'Cancelled' }, tag: 'cancelled' },
  { name: { no: 'Returnert', en: 'Returned' }, tag: null },
];

export const DEFAULT_PAYMENT_MODULES = ['klarna', 'vipps', 'card', 'invoice', 'cod', 'giftcard'] as const;

function shopView(s: ShopRecord): ShopView {
  return { shop: s.shop, storeName: s.storeName, language: s.language, currency: s.currency, statuses: s.statuses.map((x) => ({ ...x, name: { ...x.name } })), paymentModules: s.paymentModules.map((p) => ({ ...p, title: { ...p.title } })) };
}

export function orderView(shop: ShopRecord, o: OrderRecord): OrderView {
  const node = orderNode(shop, o).resource;
  const customer = o.customerId ? shop.customers.get(o.customerId) : undefined;
  return {
    id: o.id, attributes: node.attributes, relationships: node.relationships,
    lines: o.lines.map((l) => ({
      id: l.id, attributes: lineNode(shop, o, l).resource.attributes,
      options: l.options.map((a) => ({ id: a.id, attributes: optionNode(shop, o, l, a).resource.attributes })),
    })),
    totals: o.totals.map((t) => ({ id: t.id, attributes: totalNode(shop, o, t).resource.attributes })),
    customer: customer ? { id: customer.id, attributes: customerNode(customer).resource.attributes } : null,
    statusHistory: o.statusHistory.map((h) => ({ statusId: h.statusId, at: formatOslo(h.at) })),
  };
}

export function createAdmin(deps: AdminDeps): MystoreSandboxAdmin {
  const generatedCalls = new Map<string, number>();

  const shopOf = (shop: string): ShopRecord => {
    const s = deps.store().shops.get(shop);
    if (!s) throw new SandboxAdminError(`no shop ${shop}`, 404);
    return s;
  };
  const orderOf = (s: ShopRecord, id: string): OrderRecord => {
    const o = s.orders.get(String(id));
    if (!o) throw new SandboxAdminError(`no order ${id} in shop ${s.shop}`, 404);
    return o;
  };
  const statusFor = (s: ShopRecord, key: StatusKey): string => {
    const byTag = (tag: StatusTag) => s.statuses.find((x) => x.tag === tag);
    const byName = (no: string) => s.statuses.find((x) => x.name.no === no);
    const found = key === 'new' ? byTag('standard') : key === 'completed' ? byTag('completed') : key === 'cancelled' ? byTag('cancelled')
      : key === 'processing' ? byName('Under behandling') : byName('Returnert');
    if (!found) throw new SandboxAdminError(`shop ${s.shop} has no status for "${key}"`);
    return found.id;
  };
  const fire = (s: ShopRecord, topic: WebhookTopic, o: OrderRecord) => {
    deps.webhooks.send(s.shop, [...s.webhooks.values()], topic, o.id, formatOslo(o.updatedAt));
  };

  function storeOrder(s: ShopRecord, o: Omit<OrderRecord, 'id' | 'lines' | 'totals'>, lines: BuiltLine[], totals: TotalRow[]): OrderRecord {
    const order: OrderRecord = { ...o, id: nextId(s, 'order'), lines: [], totals: [] };
    order.lines = lines.map((l) => ({ ...l, id: nextId(s, 'line'), options: l.options.map((a) => ({ ...a, id: nextId(s, 'option') })) }));
    order.totals = totals.map((t) => ({ ...t, id: nextId(s, 'total') }));
    s.orders.set(order.id, order);
    for (const line of order.lines) s.lineIndex.set(line.id, { order, line });
    return order;
  }

  function insertSpec(s: ShopRecord, spec: OrderSpec): OrderRecord {
    const currency = spec.currency ?? s.currency;
    let built: ReturnType<typeof buildLinesAndTotals>;
    let currencyValue4: number;
    try {
      built = buildLinesAndTotals(spec, currency);
      currencyValue4 = parseDecimal(spec.currencyValue ?? 1, 4);
    } catch (e) {
      throw new SandboxAdminError((e as Error).message);
    }
    const now = truncateToSecond(deps.now());
    const createdAt = truncateToSecond(toDate(spec.createdAt, now));
    const history = (spec.statusHistory ?? [{ status: spec.status ?? 'new', at: createdAt }]).map((h) => ({ statusId: statusFor(s, h.status), at: truncateToSecond(toDate(h.at, createdAt)) }));
    const statusId = spec.statusId ?? history[history.length - 1]?.statusId ?? statusFor(s, 'new');
    if (!s.statuses.some((x) => x.id === statusId)) throw new SandboxAdminError(`no status ${statusId} in shop ${s.shop}`);
    if (spec.statusId && history[history.length - 1]?.statusId !== spec.statusId) history.push({ statusId: spec.statusId, at: createdAt });
    const lastAt = history.reduce((m, h) => (h.at > m ? h.at : m), createdAt);
    const updatedAt = truncateToSecond(toDate(spec.updatedAt, lastAt));
    if (updatedAt < createdAt) throw new SandboxAdminError('updatedAt is before createdAt');

    const c = spec.customer ?? DEFAULT_CUSTOMER;
    let customerId: string | null = null;
    if (c.kind !== 'guest') {
      const key = c.key ?? c.email;
      const existing = s.customerByKey.get(key);
      if (existing) {
        customerId = existing;
        const rec = s.customers.get(existing);
        if (rec && rec.updatedAt < createdAt) rec.updatedAt = createdAt;
      } else {
        customerId = nextId(s, 'customer');
        s.customerByKey.set(key, customerId);
        s.customers.set(customerId, {
          id: customerId, key, firstname: c.firstname, lastname: c.lastname, email: c.email, telephone: c.phone, company: c.company ?? '',
          orgNumber: c.orgNumber ?? null, streetAddress: c.street, postcode: c.postcode, city: c.city, country: c.country ?? 'Norway',
          createdAt, updatedAt: createdAt,
        });
      }
    }
    const address: Address = { name: `${c.firstname} ${c.lastname}`, company: c.company ?? '', street: c.street, postcode: c.postcode, city: c.city, country: c.country ?? 'Norway' };
    const paymentModule = spec.paymentModule ?? 'card';
    return storeOrder(s, {
      createdAt, updatedAt, statusId, statusHistory: history, orderType: 'order', creditedOrderId: null, customerId,
      currency, currencyValue4, paymentModule,
      paymentMethod: spec.paymentMethod ?? (PAYMENT_METHOD_NAMES as Record<string, string>)[paymentModule] ?? paymentModule,
      shippingMethod: spec.shipping?.method ?? (spec.shipping ? 'servicepakke_servicepakke' : ''),
      email: c.email, phone: c.phone, orgNumber: c.orgNumber ?? null,
      customerAddress: address, billingAddress: { ...address }, shippingAddress: { ...address, ...spec.shippingAddress },
      language: spec.language ?? s.language, invoiceNumber: null, invoiceDate: null,
    }, built.lines, built.totals);
  }

  function creditOrder(s: ShopRecord, original: OrderRecord, input: CreditOrderInput): OrderRecord {
    if (original.orderType !== 'order') throw new SandboxAdminError(`order ${original.id} is a credit order`);
    const full = input.lines === undefined || input.lines === 'full';
    const picked: BuiltLine[] = [];
    if (full) {
      for (const l of original.lines) picked.push({ ...l, quantity: -l.quantity, options: l.options.map(({ id: _id, ...a }) => a) });
    } else {
      for (const want of input.lines as Array<{ lineId: string; quantity: number }>) {
        const l = original.lines.find((x) => x.id === String(want.lineId));
        if (!l) throw new SandboxAdminError(`order ${original.id} has no line ${want.lineId}`);
        if (!Number.isInteger(want.quantity) || want.quantity < 1 || want.quantity > l.quantity) throw new SandboxAdminError(`line ${want.lineId}: quantity must be 1..${l.quantity}`);
        picked.push({ ...l, quantity: -want.quantity, options: l.options.map(({ id: _id, ...a }) => a) });
      }
    }
    const rows = (cls: string) => original.totals.filter((t) => t.class === cls);
    const valueOf = (ls: Array<{ finalPrice4: number; rateBp: number; quantity: number }>) => ls.reduce((sum, l) => sum + unitInclVatOre(l.finalPrice4, l.rateBp) * l.quantity, 0);
    const originalValue = valueOf(original.lines);
    const creditedValue = -valueOf(picked);
    const charges: TotalsInput['charges'] = [];
    const reductions: TotalsInput['reductions'] = [];
    const giftCards: TotalsInput['giftCards'] = [];
    const rateOf = (t: TotalRow) => (t.taxRate === '' ? 0 : rateToBp(Number(t.taxRate)));
    if (full) {
      for (const t of [...rows('ot_shipping'), ...rows('ot_payment_fee')]) charges.push({ class: t.class as 'ot_shipping' | 'ot_payment_fee', title: t.title, valueOre: -t.valueOre, rateBp: rateOf(t) });
      for (const t of [...rows('ot_discount'), ...rows('ot_coupon')]) reductions.push({ class: t.class as 'ot_discount' | 'ot_coupon', title: t.title, valueOre: -t.valueOre });
      for (const t of rows('ot_gv')) giftCards.push({ title: t.title, valueOre: -t.valueOre });
    } else {
      // A partial credit gives back the credited lines' share of each discount and coupon.
      for (const t of [...rows('ot_discount'), ...rows('ot_coupon')]) {
        const share = originalValue === 0 ? 0 : roundDiv(-t.valueOre * creditedValue, originalValue);
        if (share !== 0) reductions.push({ class: t.class as 'ot_discount' | 'ot_coupon', title: t.title, valueOre: share });
      }
    }
    if (input.returnShippingFee !== undefined) {
      let fee: number;
      try { fee = parseDecimal(input.returnShippingFee, 2); } catch (e) { throw new SandboxAdminError((e as Error).message); }
      if (fee < 0) throw new SandboxAdminError('returnShippingFee must not be negative');
      charges.push({ class: 'ot_shipping', title: 'Returfrakt:', valueOre: fee, rateBp: 2500 });
    }
    const totals = computeTotals({ currency: original.currency, lines: picked, charges, reductions, giftCards });
    const now = truncateToSecond(deps.now());
    const at = now < original.createdAt ? original.createdAt : now;
    return storeOrder(s, {
      ...original, createdAt: at, updatedAt: at, statusId: statusFor(s, 'new'), statusHistory: [{ statusId: statusFor(s, 'new'), at }],
      orderType: 'credit', creditedOrderId: original.id, invoiceNumber: null, invoiceDate: null,
      customerAddress: { ...original.customerAddress }, billingAddress: { ...original.billingAddress }, shippingAddress: { ...original.shippingAddress },
    }, picked, totals);
  }

  return {
    createShop(input) {
      const store = deps.store();
      if (!input || typeof input.shop !== 'string' || !/^[a-z0-9][a-z0-9._-]*$/i.test(input.shop)) throw new SandboxAdminError('shop must be a name such as "demo-shop"');
      if (store.shops.has(input.shop)) throw new SandboxAdminError(`shop ${input.shop} exists`, 409);
      const statuses: StatusRecord[] = input.statuses
        ? input.statuses.map((x, i) => ({ id: x.id ?? String(i + 1), name: typeof x.name === 'string' ? { no: x.name } : { ...x.name }, tag: x.tag ?? null }))
        : DEFAULT_STATUSES.map((x, i) => ({ id: String(i + 1), name: { ...x.name }, tag: x.tag }));
      const paymentModules: PaymentModuleRecord[] = (input.paymentModules ?? [...DEFAULT_PAYMENT_MODULES]).map((p) => {
        const code = typeof p === 'string' ? p : p.code;
        const title = typeof p === 'string' || p.title === undefined ? { no: (PAYMENT_METHOD_NAMES as Record<string, string>)[code] ?? code } : typeof p.title === 'string' ? { no: p.title } : { ...p.title };
        return { code, title, status: typeof p === 'string' ? 1 : p.status ?? 1 };
      });
      const rec = newShopRecord(input.shop, { storeName: input.storeName ?? input.shop, language: input.language ?? 'no', currency: input.currency ?? 'NOK', statuses, paymentModules });
      if (input.firstOrderId !== undefined) {
        if (!Number.isSafeInteger(input.firstOrderId) || input.firstOrderId < 1) throw new SandboxAdminError('firstOrderId must be a positive whole number');
        rec.next.order = input.firstOrderId;
      }
      store.shops.set(input.shop, rec);
      return shopView(rec);
    },
    getShop: (shop) => shopView(shopOf(shop)),
    createToken(shop, input = {}) {
      shopOf(shop);
      const expiresAt = input.expiresAt === undefined ? undefined : toDate(input.expiresAt, new Date(0));
      return issueToken(deps.store(), shop, input.scopes ?? [...ALL_SCOPES], deps.now(), expiresAt, input.token);
    },
    revokeToken(token) {
      const rec = deps.store().tokens.get(token);
      if (!rec) throw new SandboxAdminError('unknown token', 404);
      rec.revoked = true;
    },
    generateOrders(shop, input) {
      const s = shopOf(shop);
      if (!Number.isInteger(input?.count) || input.count < 0 || input.count > 100_000) throw new SandboxAdminError('count must be an integer 0..100000');
      const calls = generatedCalls.get(shop) ?? 0;
      generatedCalls.set(shop, calls + 1);
      const endAt = toDate(input.endAt, deps.now());
      const startAt = toDate(input.startAt, new Date(endAt.getTime() - 30 * 24 * 3600 * 1000));
      const specs = generateOrderSpecs({ seed: input.seed ?? deps.seed * 1000 + calls, count: input.count, startAt, endAt, ...(input.status ? { status: input.status } : {}) });
      return specs.map((spec) => {
        const o = insertSpec(s, { ...spec, currency: spec.currency ?? s.currency });
        fire(s, 'orders/create', o);
        return o.id;
      });
    },
    createOrder(shop, spec) {
      const s = shopOf(shop);
      if (!spec || !Array.isArray(spec.lines)) throw new SandboxAdminError('an order spec needs lines');
      const o = insertSpec(s, spec);
      fire(s, 'orders/create', o);
      return orderView(s, o);
    },
    getOrder: (shop, id) => { const s = shopOf(shop); return orderView(s, orderOf(s, id)); },
    listOrderIds: (shop) => [...shopOf(shop).orders.keys()],
    setOrderStatus(shop, id, statusId) {
      const s = shopOf(shop);
      const o = orderOf(s, id);
      if (!s.statuses.some((x) => x.id === String(statusId))) throw new SandboxAdminError(`no status ${statusId} in shop ${shop}`);
      const now = truncateToSecond(deps.now());
      // updated_at never goes backwards, even when the sandbox clock is behind a generated history.
      o.updatedAt = now > o.updatedAt ? now : o.updatedAt;
      o.statusId = String(statusId);
      o.statusHistory.push({ statusId: o.statusId, at: o.updatedAt });
      fire(s, 'orders/update', o);
      return orderView(s, o);
    },
    createCreditOrder(shop, id, input = {}) {
      const s = shopOf(shop);
      const credit = creditOrder(s, orderOf(s, id), input);
      fire(s, 'orders/create', credit);
      return orderView(s, credit);
    },
    webhookDeliveries: (shop) => deps.webhooks.deliveries(shop),
    setFaults: (f) => deps.setFaults(f),
    setRateLimit: (r) => deps.setRateLimit(r),
    reset() {
      generatedCalls.clear();
      deps.resetState();
    },
  };
}
