// The Mystore sandbox over HTTP with plain fetch, against docs/mystore-api-model.md: JSON:API
// documents, paging, sparse fieldsets, filters, include vs sub-resources, tokens and scopes,
// the rate limit, the write-back, webhooks (HMAC), credit orders, faults, the admin API and the
// request log.
import assert from 'node:assert/strict';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { startMystoreSandbox, type MystoreSandbox, type OrderView } from '../../sandbox/mystore';

// eslint-disable-next-line @typescript-eslint/no-explicit-any
type Json = any;

const dir = mkdtempSync(join(tmpdir(), 'mystore-sandbox-'));
const logPath = join(dir, 'requests.jsonl');
let clock = new Date('2026-12-04T10:00:00Z');
let sb: MystoreSandbox;
let token: string;
let orderIds: string[];

async function call(path: string, opts: { token?: string | null; method?: string; body?: unknown; base?: string } = {}): Promise<{ status: number; body: Json; headers: Headers; text: string }> {
  const headers: Record<string, string> = { accept: 'application/vnd.api+json' };
  const t = opts.token === undefined ? token : opts.token;
  if (t !== null) headers.authorization = `Bearer ${t}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/vnd.api+json';
  const res = await fetch(`${opts.base ?? sb.baseUrl}${path}`, { method: opts.method ?? 'GET', headers, ...(opts.body !== undefined ? { body: JSON.stringify(opts.body) } : {}) });
  const text = await res.text();
  let body: Json = null;
  try { body = text === '' ? null : JSON.parse(text); } catch { body = text; }
  return { status: res.status, body, headers: res.headers, text };
}

function assertError(r: { status: number; body: Json }, status: number, detail?: string | RegExp): void {
  assert.equal(r.status, status, JSON.stringify(r.body));
  assert.equal(r.body.errors?.[0]?.status, String(status));
  assert.equal(typeof r.body.errors[0].title, 'string');
  if (typeof detail === 'string') assert.equal(r.body.errors[0].detail, detail);
  else if (detail) assert.match(r.body.errors[0].detail, detail);
}

const o = (p: string) => `/shops/demo${p}`;

before(async () => {
  sb = await startMystoreSandbox({ requestLogPath: logPath, now: () => clock, seed: 5, rateLimitPerMinute: null });
  sb.admin.createShop({ shop: 'demo', storeName: 'Demo Butikk' });
  sb.admin.createShop({ shop: 'other' });
  token = sb.admin.createToken('demo');
  orderIds = sb.admin.generateOrders('demo', { count: 230, seed: 11, startAt: new Date('2026-10-01T00:00:00Z'), endAt: new Date('2026-12-01T00:00:00Z') });
});
after(async () => { await sb.close(); });

describe('documents and paging', () => {
  test('follows links.next over every page; 404 past the last; page size > 100 is 400', async () => {
    const seen: string[] = [];
    let next: string | undefined = `${sb.baseUrl}${o('/orders')}?page[size]=100`;
    let pages = 0;
    while (next) {
      const r = await call(next.slice(sb.baseUrl.length));
      assert.equal(r.status, 200);
      assert.equal(r.headers.get('content-type'), 'application/vnd.api+json');
      for (const d of r.body.data) {
        assert.equal(d.type, 'orders');
        assert.equal(typeof d.id, 'string');
        seen.push(d.id);
      }
      assert.equal(r.body.meta.page.total, 230);
      next = r.body.links.next;
      pages += 1;
    }
    assert.equal(pages, 3);
    assert.deepEqual(seen, orderIds, 'every order once, ascending by id');
    assertError(await call(o('/orders?page[size]=100&page[number]=4')), 404);
    assertError(await call(o('/orders?page[size]=101')), 400, /page\[size\]/);
    assertError(await call(o('/orders?page[number]=0')), 400);
    const first = await call(o('/orders'));
    assert.equal(first.body.data.length, 50, 'default page size 50');
  });

  test('sparse fieldsets; unknown field or type is 400', async () => {
    const r = await call(o('/orders?fields[orders]=updated_at,invoice_number&page[size]=3'));
    assert.equal(r.status, 200);
    for (const d of r.body.data) assert.deepEqual(Object.keys(d.attributes).sort(), ['invoice_number', 'updated_at']);
    const withRel = await call(o(`/orders/${orderIds[0]}?fields[orders]=created_at,order-status`));
    assert.deepEqual(Object.keys(withRel.body.data.relationships), ['order-status']);
    assertError(await call(o('/orders?fields[orders]=orders_id')), 400, /orders_id/);
    assertError(await call(o('/orders?fields[nope]=a')), 400);
  });

  test('filters on updated_at, created_at and order-status; unknown path or operator is 400', async () => {
    const all: OrderView[] = orderIds.map((id) => sb.admin.getOrder('demo', id));
    const cut = '2026-11-01T00:00:00+01:00';
    const cutMs = Date.parse(cut);
    const list = async (q: string) => {
      const ids: string[] = [];
      let next: string | undefined = `${sb.baseUrl}${o('/orders')}?page[size]=100&${q}`;
      while (next) {
        const r = await call(next.slice(sb.baseUrl.length));
        assert.equal(r.status, 200, JSON.stringify(r.body));
        ids.push(...r.body.data.map((d: Json) => d.id));
        next = r.body.links.next;
      }
      return ids;
    };
    const enc = encodeURIComponent(cut);
    const gte = await list(`filter[u][path]=updated_at&filter[u][value]=${enc}&filter[u][operator]=gte`);
    assert.deepEqual(gte, all.filter((x) => Date.parse(x.attributes.updated_at as string) >= cutMs).map((x) => x.id));
    assert.ok(gte.length > 0 && gte.length < all.length);
    const lt = await list(`filter[c][path]=created_at&filter[c][value]=${enc}&filter[c][operator]=lt`);
    assert.deepEqual(lt, all.filter((x) => Date.parse(x.attributes.created_at as string) < cutMs).map((x) => x.id));
    const completed = await list('filter[s][path]=order-status&filter[s][value]=3&filter[s][operator]=eq');
    assert.deepEqual(completed, all.filter((x) => x.relationships?.['order-status']?.data && (x.relationships['order-status'].data as { id: string }).id === '3').map((x) => x.id));
    const both = await list(`filter[s][path]=order-status&filter[s][value]=3&filter[s][operator]=eq&filter[u][path]=updated_at&filter[u][value]=${enc}&filter[u][operator]=gte`);
    assert.deepEqual(both, completed.filter((id) => gte.includes(id)));
    assertError(await call(o('/orders?filter[x][path]=total&filter[x][value]=1&filter[x][operator]=eq')), 400, /total/);
    assertError(await call(o(`/orders?filter[u][path]=updated_at&filter[u][value]=${enc}&filter[u][operator]=after`)), 400, /after/);
    assertError(await call(o('/orders?filter[s][path]=order-status&filter[s][value]=3&filter[s][operator]=gte')), 400);
    assertError(await call(o('/orders?filter[u][path]=updated_at&filter[u][value]=yesterday&filter[u][operator]=gte')), 400);
  });

  test('include gives the same data as the sub-resource endpoints', async () => {
    const withOptions = orderIds.find((id) => sb.admin.getOrder('demo', id).lines.some((l) => l.options.length > 0));
    assert.ok(withOptions);
    for (const id of [orderIds[0], orderIds[7], withOptions] as string[]) {
      const inc = await call(o(`/orders/${id}?include=order-products,order-products.order-product-attributes,order-totals,customer,order-status`));
      assert.equal(inc.status, 200);
      const included = (type: string) => inc.body.included.filter((x: Json) => x.type === type);
      const lines = await call(o(`/orders/${id}/order-products?page[size]=100`));
      assert.deepEqual(included('order-products'), lines.body.data);
      assert.deepEqual(inc.body.data.relationships['order-products'].data, lines.body.data.map((l: Json) => ({ type: 'order-products', id: l.id })));
      const totals = await call(o(`/orders/${id}/order-totals`));
      assert.deepEqual(included('order-totals'), totals.body.data);
      const opts: Json[] = [];
      for (const l of lines.body.data) opts.push(...(await call(o(`/order-products/${l.id}/order-product-attributes`))).body.data);
      assert.deepEqual(included('order-product-attributes'), opts);
      const byFilter = await call(o(`/order-product-attributes?filter[order][path]=order&filter[order][value]=${id}&filter[order][operator]=eq&page[size]=100`));
      assert.deepEqual(byFilter.body.data, opts);
      const customerRef = inc.body.data.relationships.customer.data;
      if (customerRef) assert.deepEqual(included('customers'), [(await call(o(`/customers/${customerRef.id}`))).body.data]);
      else assert.deepEqual(included('customers'), []);
      const statuses = await call(o('/order-status'));
      assert.deepEqual(included('order-status'), statuses.body.data.filter((s: Json) => s.id === inc.body.data.relationships['order-status'].data.id));
    }
    // include on the list too.
    const list = await call(o('/orders?page[size]=2&include=order-totals'));
    assert.ok(list.body.included.length > 0 && list.body.included.every((x: Json) => x.type === 'order-totals'));
    assertError(await call(o(`/orders/${orderIds[0]}?include=product`)), 400);
    assertError(await call(o('/orders/999999')), 404);
  });

  test('order statuses with tags and multilingual names; plain-JSON settings and payment', async () => {
    const s = await call(o('/order-status'));
    assert.deepEqual(s.body.data.map((x: Json) => [x.id, x.attributes.name.no, x.attributes.tag]), [
      ['1', 'Ikke behandlet', 'standard'], ['2', 'Under behandling', null], ['3', 'Sendt', 'completed'], ['4', 'Kansellert', 'cancelled'], ['5', 'Returnert', null],
    ]);
    assert.equal(s.body.data[2].attributes.name.en, 'Sent');
    const settings = await call(o('/settings'));
    assert.match(settings.headers.get('content-type') ?? '', /^application\/json/);
    assert.deepEqual(settings.body, { default_language: 'no', default_currency: 'NOK', store_name: 'Demo Butikk' });
    const payment = await call(o('/payment'));
    assert.deepEqual(payment.body.data.map((p: Json) => p.code), ['klarna', 'vipps', 'card', 'invoice', 'cod', 'giftcard']);
  });
});

describe('tokens and scopes', () => {
  test('invalid, expired, revoked and other-shop tokens get 403 "Token has expired or is invalid"', async () => {
    const invalid = 'Token has expired or is invalid';
    assertError(await call(o('/orders'), { token: null }), 403, invalid);
    assertError(await call(o('/orders'), { token: 'not-a-token' }), 403, invalid);
    const parts = token.split('.');
    assert.equal(parts.length, 3);
    const payload = JSON.parse(Buffer.from(parts[1] ?? '', 'base64url').toString('utf8'));
    assert.deepEqual(payload.no_mystore_hosts, ['demo']);
    assert.ok(payload.scopes.includes('read:orders') && payload.scopes.includes('write:orders'));
    assert.ok(typeof payload.sub === 'string' && payload.exp > payload.iat);
    assertError(await call(o('/orders'), { token: `${parts[0]}.${parts[1]}.forged` }), 403, invalid);
    const expiring = sb.admin.createToken('demo', { expiresAt: new Date(clock.getTime() + 60_000) });
    assert.equal((await call(o('/order-status'), { token: expiring })).status, 200);
    clock = new Date(clock.getTime() + 120_000);
    assertError(await call(o('/order-status'), { token: expiring }), 403, invalid);
    const revoked = sb.admin.createToken('demo');
    sb.admin.revokeToken(revoked);
    assertError(await call(o('/order-status'), { token: revoked }), 403, invalid);
    assertError(await call('/shops/other/order-status'), 403, invalid);
    assertError(await call('/shops/nosuchshop/order-status'), 403, invalid);
  });

  test('a missing scope is 403 "Missing scope: …", also for an include', async () => {
    const limited = sb.admin.createToken('demo', { scopes: ['read:orders', 'read:order-products'] });
    assertError(await call(o('/order-status'), { token: limited }), 403, 'Missing scope: read:order-status');
    assert.equal((await call(o(`/orders/${orderIds[0]}?include=order-products`), { token: limited })).status, 200);
    assertError(await call(o(`/orders/${orderIds[0]}?include=order-products,order-totals`), { token: limited }), 403, 'Missing scope: read:order-totals');
    assertError(await call(o(`/orders/${orderIds[0]}?include=order-products.order-product-attributes`), { token: limited }), 403, 'Missing scope: read:order-product-attributes');
    assertError(await call(o(`/orders/${orderIds[0]}`), { token: limited, method: 'PATCH', body: { data: { type: 'orders', id: orderIds[0], attributes: { invoice_number: '1' } } } }), 403, 'Missing scope: write:orders');
    const noOrders = sb.admin.createToken('demo', { scopes: ['read:order-status'] });
    assertError(await call(o('/orders'), { token: noOrders }), 403, 'Missing scope: read:orders');
  });
});

describe('rate limit', () => {
  test('the 121st call in a minute is 429 with Retry-After; per token; a new window starts fresh', async () => {
    let now = new Date('2026-12-04T12:00:10Z');
    const rl = await startMystoreSandbox({ now: () => now });
    try {
      rl.admin.createShop({ shop: 'rl' });
      const t1 = rl.admin.createToken('rl');
      const t2 = rl.admin.createToken('rl');
      for (let i = 0; i < 120; i += 1) assert.equal((await call('/shops/rl/order-status', { token: t1, base: rl.baseUrl })).status, 200);
      const limited = await call('/shops/rl/order-status', { token: t1, base: rl.baseUrl });
      assert.equal(limited.status, 429);
      assert.deepEqual(limited.body, { errors: [{ title: 'Too Many Requests', status: '429' }] });
      assert.equal(limited.headers.get('retry-after'), '50');
      assert.equal((await call('/shops/rl/order-status', { token: t2, base: rl.baseUrl })).status, 200);
      now = new Date('2026-12-04T12:01:00Z');
      assert.equal((await call('/shops/rl/order-status', { token: t1, base: rl.baseUrl })).status, 200);
      rl.admin.setRateLimit(2);
      assert.equal((await call('/shops/rl/order-status', { token: t2, base: rl.baseUrl })).status, 200);
      assert.equal((await call('/shops/rl/order-status', { token: t2, base: rl.baseUrl })).status, 200);
      assert.equal((await call('/shops/rl/order-status', { token: t2, base: rl.baseUrl })).status, 429);
    } finally {
      await rl.close();
    }
  });
});

describe('write-back', () => {
  test('PATCH writes invoice_number and invoice_date only, moves updated_at, fires no webhook', async () => {
    const id = orderIds[5] as string;
    const before_ = sb.admin.getOrder('demo', id);
    const deliveriesBefore = sb.admin.webhookDeliveries('demo').length;
    const r = await call(o(`/orders/${id}`), { method: 'PATCH', body: { data: { type: 'orders', id, attributes: { invoice_number: '50001', invoice_date: '2026-12-04' } } } });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    assert.equal(r.body.data.attributes.invoice_number, '50001');
    assert.equal(r.body.data.attributes.invoice_date, '2026-12-04');
    const got = await call(o(`/orders/${id}?fields[orders]=invoice_number,invoice_date,updated_at`));
    assert.equal(got.body.data.attributes.invoice_number, '50001');
    assert.ok(Date.parse(got.body.data.attributes.updated_at) > Date.parse(before_.attributes.updated_at as string));
    assertError(await call(o(`/orders/${id}`), { method: 'PATCH', body: { data: { type: 'orders', id, attributes: { currency: 'EUR' } } } }), 400, /currency/);
    assertError(await call(o(`/orders/${id}`), { method: 'PATCH', body: { data: { type: 'orders', id, attributes: { invoice_date: '04.12.2026' } } } }), 400);
    assertError(await call(o(`/orders/${id}`), { method: 'PATCH', body: { data: { type: 'customers', id, attributes: {} } } }), 400);
    assertError(await call(o('/orders/999999'), { method: 'PATCH', body: { data: { type: 'orders', id: '999999', attributes: { invoice_number: '1' } } } }), 404);
    await new Promise((r2) => setTimeout(r2, 50));
    assert.equal(sb.admin.webhookDeliveries('demo').length, deliveriesBefore);
  });
});

interface Received { headers: IncomingMessage['headers']; raw: string }
async function receiver(statuses: number[]): Promise<{ server: Server; url: string; got: Received[] }> {
  const got: Received[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      got.push({ headers: req.headers, raw: Buffer.concat(chunks).toString('utf8') });
      res.writeHead(statuses[got.length - 1] ?? 200).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const addr = server.address();
  return { server, url: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/hook`, got };
}
const stop = (s: Server) => new Promise<void>((resolve) => s.close(() => resolve()));
async function until(cond: () => boolean, ms = 3000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe('webhooks', () => {
  test('registered hooks get signed deliveries; a failing receiver is retried until it answers 2xx', async () => {
    const wsb = await startMystoreSandbox({ now: () => clock, webhookRetryDelaysMs: [20, 20, 20] });
    const ok = await receiver([]);
    const flaky = await receiver([500, 503, 200]);
    try {
      wsb.admin.createShop({ shop: 'hooks' });
      const t = wsb.admin.createToken('hooks');
      const base = wsb.baseUrl;
      const reg = await call('/shops/hooks/webhooks', { token: t, base, method: 'POST', body: { data: { type: 'webhooks', attributes: { topic: 'orders/update', address: ok.url } } } });
      assert.equal(reg.status, 201, JSON.stringify(reg.body));
      const secret = reg.body.data.attributes.webhook_secret as string;
      assert.ok(secret.length >= 32);
      const regCreate = await call('/shops/hooks/webhooks', { token: t, base, method: 'POST', body: { data: { type: 'webhooks', attributes: { topic: 'orders/create', address: flaky.url } } } });
      const flakySecret = regCreate.body.data.attributes.webhook_secret as string;
      const listed = await call('/shops/hooks/webhooks', { token: t, base });
      assert.equal(listed.body.data.length, 2);
      assert.ok(listed.body.data.every((w: Json) => !('webhook_secret' in w.attributes)));
      assertError(await call('/shops/hooks/webhooks', { token: t, base, method: 'POST', body: { data: { type: 'webhooks', attributes: { topic: 'orders/paid', address: ok.url } } } }), 400);

      const [id] = wsb.admin.generateOrders('hooks', { count: 1, seed: 3, status: 'new' });
      await until(() => flaky.got.length === 3);
      // The sandbox records a delivery once its answer is in, a moment after the receiver saw it.
      await until(() => wsb.admin.webhookDeliveries('hooks').length === 3);
      const deliveries = wsb.admin.webhookDeliveries('hooks');
      assert.deepEqual(deliveries.map((d) => [d.topic, d.attempt, d.status, d.ok]), [['orders/create', 1, 500, false], ['orders/create', 2, 503, false], ['orders/create', 3, 200, true]]);
      for (const g of flaky.got) {
        assert.equal(g.headers['x-no-mystore-topic'], 'orders/create');
        assert.equal(g.headers['x-no-mystore-host'], 'hooks');
        assert.equal(g.headers['x-no-mystore-hmac-sha256'], createHmac('sha256', flakySecret).update(g.raw).digest('base64'));
      }

      wsb.admin.setOrderStatus('hooks', id as string, '3');
      await until(() => ok.got.length === 1);
      const g = ok.got[0] as Received;
      assert.equal(g.headers['content-type'], 'application/json');
      assert.equal(g.headers['x-no-mystore-topic'], 'orders/update');
      assert.equal(g.headers['x-no-mystore-host'], 'hooks');
      const expected = Buffer.from(createHmac('sha256', secret).update(g.raw).digest('base64'));
      const actual = Buffer.from(String(g.headers['x-no-mystore-hmac-sha256']));
      assert.ok(expected.length === actual.length && timingSafeEqual(expected, actual), 'HMAC verifies');
      const body = JSON.parse(g.raw);
      assert.deepEqual(Object.keys(body).sort(), ['id', 'shop', 'topic', 'updated_at']);
      assert.equal(body.id, id);
      assert.equal(body.topic, 'orders/update');
      assert.equal(body.updated_at, wsb.admin.getOrder('hooks', id as string).attributes.updated_at);

      // Removed hooks get nothing more.
      const hookId = reg.body.data.id as string;
      assert.equal((await call(`/shops/hooks/webhooks/${hookId}`, { token: t, base, method: 'DELETE' })).status, 204);
      assertError(await call(`/shops/hooks/webhooks/${hookId}`, { token: t, base, method: 'DELETE' }), 404);
      wsb.admin.setOrderStatus('hooks', id as string, '4');
      await new Promise((r) => setTimeout(r, 50));
      assert.equal(ok.got.length, 1);
    } finally {
      await wsb.close();
      await stop(ok.server);
      await stop(flaky.server);
    }
  });

  test('a receiver that never answers in time is given up after the last retry; close() stops redeliveries', async () => {
    const hang = createServer(() => { /* never answers */ });
    await new Promise<void>((resolve) => hang.listen(0, '127.0.0.1', () => resolve()));
    const addr = hang.address();
    const url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/`;
    const wsb = await startMystoreSandbox({ now: () => clock, webhookRetryDelaysMs: [10], webhookTimeoutMs: 50 });
    try {
      wsb.admin.createShop({ shop: 'h' });
      const t = wsb.admin.createToken('h');
      await call('/shops/h/webhooks', { token: t, base: wsb.baseUrl, method: 'POST', body: { data: { type: 'webhooks', attributes: { topic: 'orders/create', address: url } } } });
      wsb.admin.generateOrders('h', { count: 1, seed: 1 });
      await until(() => wsb.admin.webhookDeliveries('h').length === 2);
      await new Promise((r) => setTimeout(r, 100));
      const d = wsb.admin.webhookDeliveries('h');
      assert.deepEqual(d.map((x) => [x.attempt, x.status, x.ok]), [[1, null, false], [2, null, false]]);
      assert.match(d[0]?.error ?? '', /no answer/);

      // Pending redeliveries do not outlive close().
      wsb.admin.setOrderStatus('h', wsb.admin.listOrderIds('h')[0] as string, '2');
      await call('/shops/h/webhooks', { token: t, base: wsb.baseUrl, method: 'POST', body: { data: { type: 'webhooks', attributes: { topic: 'orders/update', address: 'http://127.0.0.1:9/' } } } });
      wsb.admin.setOrderStatus('h', wsb.admin.listOrderIds('h')[0] as string, '3');
    } finally {
      const started = Date.now();
      await wsb.close();
      assert.ok(Date.now() - started < 1000);
      hang.closeAllConnections();
      await stop(hang);
    }
  });
});

describe('credit orders', () => {
  const sumLines = (v: OrderView) => v.lines.reduce((s, l) => s + Math.round(Math.round(Number(l.attributes.final_price) * 10000) * (100 + Number(l.attributes.tax_rate)) / 10000) * (l.attributes.quantity as number), 0);
  const row = (v: OrderView, cls: string) => v.totals.filter((t) => t.attributes.class === cls).map((t) => Math.round(Number(t.attributes.value) * 100));
  const total = (v: OrderView) => row(v, 'ot_total')[0] ?? NaN;

  test('a full credit mirrors the order; a partial one takes the lines, their discount share and a return fee', () => {
    const original = sb.admin.createOrder('demo', {
      customer: { kind: 'business', firstname: 'Åse', lastname: 'Økland', email: 'ase@bedrift.no', phone: '+47 912 34 567', company: 'Fjordlys AS', orgNumber: '923609016', street: 'Storgata 1', postcode: '0150', city: 'Oslo' },
      lines: [
        { name: 'Genser Korallr&oslash;d', sku: 'G1', quantity: 2, priceInclVat: '599.00', taxRate: 25, options: [{ name: 'Størrelse', value: 'XL', priceInclVat: 50 }, { name: 'Tilstand', value: 'Demo', priceInclVat: -20 }] },
        { name: 'Kaffe', sku: 'K1', quantity: 3, priceInclVat: '149.90', taxRate: 15 },
        { name: 'Bok', sku: 'B1', quantity: 1, priceInclVat: 399, taxRate: 0 },
      ],
      shipping: { title: 'Bring:', priceInclVat: 99, taxRate: 25 },
      fees: [{ title: 'Fakturagebyr:', priceInclVat: 49, taxRate: 25 }],
      discounts: [{ amount: '100.00' }],
      paymentModule: 'invoice', status: 'completed',
    });
    // 2 × (599 + 50 − 20) + 3 × 149.90 + 399 + 99 + 49 − 100
    assert.equal(total(original), 2 * 62900 + 3 * 14990 + 39900 + 9900 + 4900 - 10000);
    assert.equal(original.attributes.customer_org_number, '923609016');

    const full = sb.admin.createCreditOrder('demo', original.id, { lines: 'full' });
    assert.equal(full.attributes.order_type, 'credit');
    assert.deepEqual(full.relationships?.['credited-order']?.data, { type: 'orders', id: original.id });
    assert.deepEqual(full.lines.map((l) => l.attributes.quantity), [-2, -3, -1]);
    assert.equal(total(full), -total(original));
    assert.deepEqual(row(full, 'ot_tax'), row(original, 'ot_tax').map((x) => -x));
    assert.equal(row(full, 'ot_subtotal')[0], sumLines(full));

    const lineId = original.lines[0]?.id as string;
    const partial = sb.admin.createCreditOrder('demo', original.id, { lines: [{ lineId, quantity: 1 }], returnShippingFee: 79 });
    assert.deepEqual(partial.lines.map((l) => l.attributes.quantity), [-1]);
    const discountShare = Math.round(10000 * 62900 / (2 * 62900 + 3 * 14990 + 39900));
    assert.deepEqual(row(partial, 'ot_discount'), [discountShare]);
    assert.deepEqual(row(partial, 'ot_shipping'), [7900]);
    assert.equal(total(partial), -62900 + discountShare + 7900);
    assert.equal(row(partial, 'ot_subtotal')[0], sumLines(partial));
    assert.equal(partial.attributes.invoice_number, null);
  });
});

describe('faults and the admin API over HTTP', () => {
  test('http500/http504/commitThenDrop, admin routes, and faults never apply to /_admin', async () => {
    const fsb = await startMystoreSandbox({ now: () => clock, faults: { http500: 1 } });
    try {
      const admin = async (method: string, p: string, body?: unknown) => {
        const r = await fetch(`${fsb.baseUrl}/_admin${p}`, { method, headers: { 'content-type': 'application/json' }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
        return { status: r.status, body: (await r.json()) as Json };
      };
      assert.equal((await admin('POST', '/shops', { shop: 'adm' })).status, 201);
      const t = (await admin('POST', '/shops/adm/tokens', {})).body.token as string;
      const gen = await admin('POST', '/shops/adm/orders/generate', { count: 3, seed: 9, status: 'new' });
      assert.equal(gen.body.orderIds.length, 3);
      const id = gen.body.orderIds[0] as string;
      assertError(await call(`/shops/adm/orders/${id}`, { token: t, base: fsb.baseUrl }), 500);
      await admin('PUT', '/faults', { http504: 1 });
      const gw = await call(`/shops/adm/orders/${id}`, { token: t, base: fsb.baseUrl });
      assert.equal(gw.status, 504);
      await admin('PUT', '/faults', { commitThenDrop: 1, methods: ['PATCH'] });
      await assert.rejects(fetch(`${fsb.baseUrl}/shops/adm/orders/${id}`, { method: 'PATCH', headers: { authorization: `Bearer ${t}` }, body: JSON.stringify({ data: { type: 'orders', id, attributes: { invoice_number: '7' } } }) }));
      assert.equal((await admin('GET', `/shops/adm/orders/${id}`)).body.attributes.invoice_number, '7');
      await admin('PUT', '/faults', {});
      const status = await admin('PUT', `/shops/adm/orders/${id}/status`, { statusId: '3' });
      assert.equal(status.body.relationships['order-status'].data.id, '3');
      const credit = await admin('POST', `/shops/adm/orders/${id}/credit`, { lines: 'full' });
      assert.equal(credit.status, 201);
      assert.equal(credit.body.attributes.order_type, 'credit');
      const order = await admin('POST', '/shops/adm/orders', { customer: { kind: 'guest', firstname: 'Zoë', lastname: 'Müller', email: 'z@example.no', phone: '41234567', street: 'Åsveien 2', postcode: '5003', city: 'Bergen' }, lines: [{ name: 'Kinobillett', quantity: 2, priceInclVat: 145, taxRate: 12 }], createdAt: '2026-12-01T10:00:00Z' });
      assert.equal(order.status, 201, JSON.stringify(order.body));
      assert.equal(order.body.customer, null);
      assert.equal(order.body.relationships.customer.data, null);
      assert.equal((await admin('PUT', '/rate-limit', { perMinute: 1 })).status, 200);
      assert.equal((await call('/shops/adm/order-status', { token: t, base: fsb.baseUrl })).status, 200);
      assert.equal((await call('/shops/adm/order-status', { token: t, base: fsb.baseUrl })).status, 429);
      assert.equal((await admin('GET', '/shops/adm/webhook-deliveries')).status, 200);
      assert.ok((await admin('GET', '/request-count')).body.count >= 5);
      assert.equal((await admin('POST', '/reset')).status, 200);
      assert.equal((await admin('GET', '/shops/adm')).status, 404);
      assert.equal((await admin('GET', '/nope')).status, 404);
    } finally {
      await fsb.close();
    }
  });
});

describe('request log', () => {
  test('one complete line per API request, tokens and webhook secrets masked', async () => {
    const r = await call(o('/webhooks'), { method: 'POST', body: { data: { type: 'webhooks', attributes: { topic: 'orders/create', address: 'http://127.0.0.1:9/x' } } } });
    assert.equal(r.status, 201);
    const count = sb.requestCount();
    const text = readFileSync(logPath, 'utf8');
    const lines = text.trim().split('\n').map((l) => JSON.parse(l) as Json);
    assert.equal(lines.length, count);
    for (const l of lines) {
      assert.deepEqual(Object.keys(l).filter((k) => k !== 'fault'), ['time', 'method', 'path', 'query', 'requestBody', 'status', 'responseBody']);
      assert.match(l.path, /^\/shops\//);
      assert.ok(typeof l.status === 'number');
    }
    assert.ok(!text.includes(token), 'the bearer token never appears');
    assert.ok(!text.includes(r.body.data.attributes.webhook_secret), 'webhook secrets never appear');
    const last = lines[lines.length - 1];
    assert.equal(last.responseBody.data.attributes.webhook_secret, '***');
    assert.deepEqual(last.requestBody.data.attributes.topic, 'orders/create');
    const withQuery = lines.find((l) => l.query['page[size]'] === '100');
    assert.ok(withQuery && withQuery.method === 'GET' && withQuery.status === 200 && withQuery.responseBody.data.length > 0);
  });
});
