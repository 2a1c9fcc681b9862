import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MystoreRateLimitPacer } from '../../activities/mystore/mystore-rate-limit-pacer';
import { MystoreResponseError } from '../../activities/mystore/mystore-errors';
import {
  MYSTORE_TOKEN, SHOP_PATH, TOKEN_SCOPES, apiError, fakeClock, jsonApi, makeToken, notFound, shopPath, startMystoreTestServer,
  testMystoreClient, type RecordedRequest, type Reply, type TestServer,
} from '../support/mystore-test-server';
import { ORDER_ID, orderFixture, statusResources, type Resource } from '../support/mystore-order-fixture';

/** Answers the sub-resource endpoints of the fixture order, and include per `includeReply`. */
function orderRoutes(includeReply: (request: RecordedRequest) => Reply | null = () => null) {
  const f = orderFixture();
  const list = (data: Resource[]) => jsonApi({ data, links: { self: 'x' } });
  return (request: RecordedRequest): Reply => {
    const path = shopPath(request);
    if (path === `/orders/${ORDER_ID}` && request.query.has('include')) {
      return includeReply(request) ?? jsonApi(f.compoundDocument());
    }
    if (path === `/orders/${ORDER_ID}`) return jsonApi({ data: f.order });
    if (path === `/orders/${ORDER_ID}/order-products`) return list(f.products);
    if (path === '/order-products/11/order-product-attributes') return list(f.options.slice(0, 2));
    if (path === '/order-products/13/order-product-attributes') return list(f.options.slice(2));
    if (path === `/orders/${ORDER_ID}/order-totals`) return list(f.totals);
    if (path === '/customers/55') return jsonApi({ data: f.customer });
    if (path === '/order-status') return list(statusResources());
    return notFound();
  };
}

describe('Mystore client: request path', () => {
  let server: TestServer;
  before(async () => {
    server = await startMystoreTestServer();
  });
  after(() => server.close());

  test('shop base path, bearer token, JSON:API accept, a User-Agent naming the project, no retries', async () => {
    server.requests.length = 0;
    server.handle(() => apiError(500, 'Internal Server Error'));
    const client = testMystoreClient(server);
    await assert.rejects(client.getSettings());
    assert.equal(server.requests.length, 1, 'ky must not retry: Temporal does');
    const [request] = server.requests;
    assert.ok(request);
    assert.equal(request.rawPath, `${SHOP_PATH}/settings`);
    assert.equal(request.headers.authorization, `Bearer ${MYSTORE_TOKEN}`);
    assert.equal(request.headers.accept, 'application/vnd.api+json');
    assert.match(String(request.headers['user-agent']), /^mystore-tripletex\//);
  });

  test('getOrderAggregate: one call with include and sparse fieldsets, mapped exactly', async () => {
    server.requests.length = 0;
    server.handle(orderRoutes());
    const client = testMystoreClient(server);
    const aggregate = await client.getOrderAggregate(ORDER_ID);
    assert.deepEqual(aggregate, orderFixture().expected);
    assert.equal(server.requests.length, 1);
    const [request] = server.requests;
    assert.ok(request);
    assert.equal(request.query.get('include'), 'order-products,order-products.order-product-attributes,order-totals,customer,order-status');
    assert.equal(request.query.get('fields[order-products]'), 'name,sku,final_price,quantity,tax_rate,product,order-product-attributes');
    assert.equal(request.query.get('fields[order-totals]'), 'title,value,value_without_tax,sort,tax_rate,class,order_total_type');
    assert.equal(request.query.get('fields[order-status]'), 'name,tag');
    const orderFields = request.query.get('fields[orders]')?.split(',') ?? [];
    for (const field of ['created_at', 'updated_at', 'currency', 'payment_module', 'billing_address_street', 'customer_org_number', 'order-status', 'customer', 'credited-order']) {
      assert.ok(orderFields.includes(field), `fields[orders] has ${field}`);
    }
    assert.equal(client.includeSupport(), true);
  });

  test('status not in included: read from GET /order-status once, then cached per client', async () => {
    server.requests.length = 0;
    server.handle(orderRoutes(() => {
      const doc = orderFixture().compoundDocument();
      return jsonApi({ ...doc, included: doc.included.filter((r) => r?.type !== 'order-status') });
    }));
    const client = testMystoreClient(server);
    assert.equal((await client.getOrderAggregate(ORDER_ID)).status.name, 'Sendt');
    assert.equal((await client.getOrderAggregate(ORDER_ID)).status.completed, true);
    assert.deepEqual(server.requests.map((r) => shopPath(r)), [`/orders/${ORDER_ID}`, '/order-status', `/orders/${ORDER_ID}`]);
  });

  test('include refused with 400: sub-resource GETs give the same aggregate, and the client remembers', async () => {
    server.requests.length = 0;
    server.handle(orderRoutes(() => apiError(400, 'Bad Request', 'Unknown include: order-products.order-product-attributes')));
    const client = testMystoreClient(server);
    const aggregate = await client.getOrderAggregate(ORDER_ID);
    assert.deepEqual(aggregate, orderFixture().expected);
    assert.equal(client.includeSupport(), false);
    // Line 12 says `order-product-attributes: []`, so its options are not asked for.
    assert.deepEqual(server.requests.map((r) => shopPath(r)), [
      `/orders/${ORDER_ID}`, `/orders/${ORDER_ID}`, `/orders/${ORDER_ID}/order-products`,
      '/order-products/11/order-product-attributes', '/order-products/13/order-product-attributes',
      `/orders/${ORDER_ID}/order-totals`, '/customers/55', '/order-status',
    ]);
    const fallbackOrder = server.requests[1];
    assert.equal(fallbackOrder?.query.has('include'), false);
    assert.ok(fallbackOrder?.query.get('fields[orders]'));
    assert.equal(server.requests[2]?.query.get('page[number]'), '1');

    server.requests.length = 0;
    assert.deepEqual(await client.getOrderAggregate(ORDER_ID), orderFixture().expected);
    assert.equal(server.requests.filter((r) => r.query.has('include')).length, 0, 'include is not tried again');
    assert.equal(server.requests.filter((r) => shopPath(r) === '/order-status').length, 0, 'statuses are cached');
  });

  test('include silently ignored (no `included`): falls back too', async () => {
    server.requests.length = 0;
    server.handle(orderRoutes(() => jsonApi({ data: orderFixture().order })));
    const client = testMystoreClient(server);
    assert.deepEqual(await client.getOrderAggregate(ORDER_ID), orderFixture().expected);
    assert.equal(client.includeSupport(), false);
  });

  test('a malformed order names the field path in the document', async () => {
    server.requests.length = 0;
    server.handle(orderRoutes(() => {
      const doc = orderFixture().compoundDocument();
      const totals = doc.included.map((r) => (r?.id === '104' && r.type === 'order-totals' ? { ...r, attributes: { ...r.attributes, value: -100.005 } } : r));
      return jsonApi({ ...doc, included: totals });
    }));
    const client = testMystoreClient(server);
    await assert.rejects(client.getOrderAggregate(ORDER_ID), (error: unknown) => {
      assert.ok(error instanceof MystoreResponseError);
      const index = orderFixture().compoundDocument().included.findIndex((r) => r?.id === '104' && r.type === 'order-totals');
      assert.equal(error.fieldPath, `included[${index}].attributes.value`);
      assert.match(error.message, /not a whole number of øre/);
      return true;
    });
  });

  test('a document without data names `data`', async () => {
    server.handle(() => jsonApi({ included: [] }));
    const client = testMystoreClient(server);
    await assert.rejects(client.getOrderAggregate('7'), (error: unknown) => error instanceof MystoreResponseError && error.fieldPath === 'data');
  });
});

describe('Mystore client: paging and lists', () => {
  let server: TestServer;
  before(async () => {
    server = await startMystoreTestServer();
  });
  after(() => server.close());

  const orders = (count: number) => Array.from({ length: count }, (_, i) => ({
    type: 'orders', id: String(i + 1),
    attributes: { updated_at: `2026-12-01T${String(i % 24).padStart(2, '0')}:00:00+01:00` },
    relationships: { 'order-status': { data: { type: 'order-status', id: String((i % 5) + 1) } } },
  }));

  test('listOrdersChanged: filters on updated_at gte/lt, sparse fields, many pages via page[number], 404 past the end', async () => {
    const all = orders(23);
    server.requests.length = 0;
    server.handle((request) => {
      if (shopPath(request) !== '/orders') return notFound();
      const number = Number(request.query.get('page[number]'));
      const size = Number(request.query.get('page[size]'));
      const data = all.slice((number - 1) * size, number * size);
      if (data.length === 0) return notFound('Page not found');
      // The server says "there is a next page" even on the last full page: the 404 must end the list.
      return jsonApi({ data, links: { self: 'x', next: `${SHOP_PATH}/orders?page[number]=${number + 1}&page[size]=${size}` } });
    });
    const client = testMystoreClient(server);
    const pages = [];
    for await (const page of client.listOrdersChanged({ from: '2026-12-01T00:00:00Z', to: '2026-12-02T00:00:00Z', pageSize: 5 })) pages.push(page);
    assert.deepEqual(pages.map((p) => p.length), [5, 5, 5, 5, 3]);
    assert.deepEqual(pages[0]?.[0], { orderId: '1', updatedAt: '2026-11-30T23:00:00.000Z', statusId: '1' });
    assert.equal(pages.flat().length, 23);
    assert.equal(server.requests.length, 6);
    const first = server.requests[0];
    assert.ok(first);
    assert.equal(first.query.get('filter[updated_from][path]'), 'updated_at');
    assert.equal(first.query.get('filter[updated_from][value]'), '2026-12-01T00:00:00Z');
    assert.equal(first.query.get('filter[updated_from][operator]'), 'gte');
    assert.equal(first.query.get('filter[updated_to][path]'), 'updated_at');
    assert.equal(first.query.get('filter[updated_to][value]'), '2026-12-02T00:00:00Z');
    assert.equal(first.query.get('filter[updated_to][operator]'), 'lt');
    assert.equal(first.query.get('fields[orders]'), 'updated_at,order-status');
    assert.deepEqual(server.requests.map((r) => r.query.get('page[number]')), ['1', '2', '3', '4', '5', '6']);
  });

  test('follows links.next as given (its own query), and stops when it is absent', async () => {
    const all = orders(7);
    server.requests.length = 0;
    server.handle((request) => {
      if (shopPath(request) !== '/orders') return notFound();
      const cursor = Number(request.query.get('cursor') ?? '0');
      const data = all.slice(cursor, cursor + 3);
      const next = cursor + 3 < all.length ? `${server.baseUrl}${SHOP_PATH}/orders?cursor=${cursor + 3}&page%5Bsize%5D=3` : undefined;
      return jsonApi({ data, links: { self: 'x', ...(next ? { next } : {}) } });
    });
    const client = testMystoreClient(server);
    const ids: string[] = [];
    for await (const page of client.listOrdersChanged({ from: '2026-12-01T00:00:00Z', to: '2026-12-02T00:00:00Z', pageSize: 3 })) ids.push(...page.map((o) => o.orderId));
    assert.deepEqual(ids, ['1', '2', '3', '4', '5', '6', '7']);
    assert.deepEqual(server.requests.map((r) => r.query.get('cursor')), [null, '3', '6']);
  });

  test('a links.next on another host is not followed with the token: the client counts pages itself', async () => {
    const all = orders(4);
    server.requests.length = 0;
    server.handle((request) => {
      const number = Number(request.query.get('page[number]'));
      const data = all.slice((number - 1) * 2, number * 2);
      return data.length ? jsonApi({ data, links: { next: `https://evil.example${SHOP_PATH}/orders?page[number]=${number + 1}` } }) : notFound();
    });
    const client = testMystoreClient(server);
    let count = 0;
    for await (const page of client.listOrdersChanged({ from: '2026-12-01T00:00:00Z', to: '2026-12-02T00:00:00Z', pageSize: 2 })) count += page.length;
    assert.equal(count, 4);
    assert.ok(server.requests.every((r) => r.query.has('filter[updated_from][path]')));
  });

  test('a 404 on the first page is an error, not an empty list', async () => {
    server.handle(() => notFound());
    const client = testMystoreClient(server);
    const iterator = client.listOrdersChanged({ from: '2026-12-01T00:00:00Z', to: '2026-12-02T00:00:00Z' });
    await assert.rejects(iterator.next(), { name: 'MystoreNotFoundError' });
  });

  test('page size outside 1…100 is refused before sending', async () => {
    const client = testMystoreClient(server);
    await assert.rejects(client.listOrdersChanged({ from: '2026-12-01T00:00:00Z', to: '2026-12-02T00:00:00Z', pageSize: 101 }).next(), RangeError);
  });

  test('listOrderStatuses, listPaymentModules, getSettings', async () => {
    server.requests.length = 0;
    server.handle((request) => {
      const path = shopPath(request);
      if (path === '/order-status') return jsonApi({ data: statusResources() });
      if (path === '/payment') return { body: { data: [{ code: 'klarna', title: { no: 'Klarna', en: 'Klarna' }, status: 1 }, { code: 'cod', title: { no: 'Postoppkrav' }, status: 0 }] } };
      if (path === '/settings') return { body: { default_language: 'no', default_currency: 'NOK', store_name: 'Strikk &amp; Garn' } };
      return notFound();
    });
    const client = testMystoreClient(server, { language: 'en' });
    const statuses = await client.listOrderStatuses();
    assert.deepEqual(statuses.map((s) => [s.statusId, s.name, s.completed, s.cancelled]), [
      ['1', 'Not processed', false, false], ['2', 'In processing', false, false], ['3', 'Sent', true, false],
      ['4', 'Cancelled', false, true], ['5', 'Returnert', false, false],
    ]);
    assert.equal(server.requests[0]?.query.get('fields[order-status]'), 'name,tag');
    assert.deepEqual(await client.listPaymentModules(), [
      { code: 'klarna', title: 'Klarna', enabled: true }, { code: 'cod', title: 'Postoppkrav', enabled: false },
    ]);
    assert.deepEqual(await client.getSettings(), { defaultLanguage: 'no', defaultCurrency: 'NOK', storeName: 'Strikk & Garn' });
  });
});

describe('Mystore client: writes and webhooks', () => {
  let server: TestServer;
  before(async () => {
    server = await startMystoreTestServer();
  });
  after(() => server.close());

  test('writeBackInvoice: PATCH with the JSON:API body and content type', async () => {
    server.requests.length = 0;
    server.handle((request) => {
      const body = JSON.parse(request.body) as { data: { attributes: Record<string, string> } };
      return jsonApi({ data: { type: 'orders', id: ORDER_ID, attributes: body.data.attributes } });
    });
    const client = testMystoreClient(server);
    assert.deepEqual(await client.writeBackInvoice(ORDER_ID, { invoiceNumber: '50012', invoiceDate: '2026-12-04' }), { invoiceNumber: '50012', invoiceDate: '2026-12-04' });
    const [request] = server.requests;
    assert.ok(request);
    assert.equal(request.method, 'PATCH');
    assert.equal(shopPath(request), `/orders/${ORDER_ID}`);
    assert.equal(request.headers['content-type'], 'application/vnd.api+json');
    assert.deepEqual(JSON.parse(request.body), { data: { type: 'orders', id: ORDER_ID, attributes: { invoice_number: '50012', invoice_date: '2026-12-04' } } });
    await assert.rejects(client.writeBackInvoice(ORDER_ID, { invoiceNumber: '1', invoiceDate: '04.12.2026' }), { name: 'MystoreBadRequestError' });
    assert.equal(server.requests.length, 1);
  });

  test('registerWebhook returns id and secret; the secret is never logged; list and delete', async () => {
    const { captureLogger } = await import('../support/mystore-test-server');
    const capture = captureLogger();
    server.requests.length = 0;
    server.handle((request) => {
      const path = shopPath(request);
      if (request.method === 'POST' && path === '/webhooks') {
        return jsonApi({ data: { type: 'webhooks', id: '9', attributes: { topic: 'orders/update', address: 'https://hooks.example/mystore', webhook_secret: 'whsec-SECRET-123' } } }, 201);
      }
      if (request.method === 'GET' && path === '/webhooks') return jsonApi({ data: [{ type: 'webhooks', id: '9', attributes: { topic: 'orders/update', address: 'https://hooks.example/mystore' } }] });
      if (request.method === 'DELETE' && path === '/webhooks/9') return { status: 204 };
      return notFound();
    });
    const client = testMystoreClient(server, { logger: capture.logger });
    assert.deepEqual(await client.registerWebhook({ topic: 'orders/update', address: 'https://hooks.example/mystore' }), { id: '9', secret: 'whsec-SECRET-123' });
    assert.deepEqual(JSON.parse(server.requests[0]?.body ?? ''), { data: { type: 'webhooks', attributes: { topic: 'orders/update', address: 'https://hooks.example/mystore' } } });
    assert.deepEqual(await client.listWebhooks(), [{ id: '9', topic: 'orders/update', address: 'https://hooks.example/mystore' }]);
    assert.equal(await client.deleteWebhook('9'), true);
    assert.equal(await client.deleteWebhook('10'), false);
    assert.doesNotMatch(capture.output(), /whsec-SECRET/);
  });

  test('tokenScopes reads the JWT payload without verifying; null for a token that is not a JWT', () => {
    assert.deepEqual(testMystoreClient({ baseUrl: 'http://127.0.0.1:1' } as TestServer).tokenScopes(), TOKEN_SCOPES);
    assert.equal(testMystoreClient({ baseUrl: 'http://127.0.0.1:1' } as TestServer, { token: 'opaque-token' }).tokenScopes(), null);
    assert.deepEqual(testMystoreClient({ baseUrl: 'http://127.0.0.1:1' } as TestServer, { token: makeToken({ scope: 'read:orders read:settings' }) }).tokenScopes(), ['read:orders', 'read:settings']);
  });

  test('clients for the same token share one pacer quota; another token has its own', async () => {
    server.requests.length = 0;
    server.handle(() => ({ body: { default_language: 'no' } }));
    const clock = fakeClock('2026-12-04T10:00:00Z');
    const pacer = new MystoreRateLimitPacer({ limit: 3, windowMs: 10_000, minSpacingMs: 0, now: clock.now, sleep: async (ms) => clock.advance(ms) });
    const a = testMystoreClient(server, { pacer });
    const b = testMystoreClient(server, { pacer });
    const other = testMystoreClient(server, { pacer, token: makeToken({ sub: 'other' }) });
    await a.getSettings();
    await b.getSettings();
    await other.getSettings();
    await a.getSettings();
    assert.equal(clock.now(), Date.parse('2026-12-04T10:00:00Z'), 'three calls for the first token fit the window');
    await b.getSettings();
    assert.equal(clock.now(), Date.parse('2026-12-04T10:00:00Z') + 10_000, 'the fourth waits for the window');
    assert.equal(a.transport.key, b.transport.key);
    assert.notEqual(a.transport.key, other.transport.key);
    assert.ok(!a.transport.key.includes(MYSTORE_TOKEN) && /^[0-9a-f]{32}$/.test(a.transport.key));
  });
});
