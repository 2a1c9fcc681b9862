/** The Mystore client's read of the newest orders (onboarding's numbering step) against a tiny HTTP server. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { lastPageNumber } from '../../activities/mystore/mystore-api-assumptions';
import { jsonApi, shopPath, startMystoreTestServer, testMystoreClient, type TestServer } from '../support/mystore-test-server';

const order = (id: number, customer: number | null, createdAt?: string) => ({
  id: String(id), type: 'orders', attributes: createdAt ? { created_at: createdAt } : {},
  relationships: { customer: { data: customer === null ? null : { type: 'customers', id: String(customer) } } },
});

describe('lastPageNumber (where the newest orders are)', () => {
  test('reads meta.page["last-page"], else page[number] of links.last, else null', () => {
    assert.equal(lastPageNumber({ meta: { page: { 'last-page': 7 } } }), 7);
    assert.equal(lastPageNumber({ links: { last: 'https://api.example/shops/s/orders?fields%5Borders%5D=customer&page%5Bnumber%5D=12&page%5Bsize%5D=100' } }), 12);
    assert.equal(lastPageNumber({ links: { last: '/orders?page[number]=3' } }), 3);
    assert.equal(lastPageNumber({ links: {} }), null);
    assert.equal(lastPageNumber({ links: { last: '/orders?page[number]=zero' }, meta: { page: { 'last-page': 'x' } } }), null);
  });
});

describe('newestOrders', () => {
  let server: TestServer;
  before(async () => {
    server = await startMystoreTestServer();
  });
  after(() => server.close());

  test('reads the first page, then the last page it names, asking only for the customer relationship and the creation instant', async () => {
    server.requests.length = 0;
    server.handle((request) => {
      const page = request.query.get('page[number]');
      if (shopPath(request) !== '/orders') return jsonApi({ errors: [] }, 404);
      return page === '3'
        ? jsonApi({ data: [order(6201, 1040, '2026-12-01T10:00:00+01:00'), order(6202, null, 'not a date')], links: {}, meta: { page: { 'last-page': 3 } } })
        : jsonApi({ data: [order(6000, 1001)], links: { next: '/orders?page[number]=2' }, meta: { page: { 'last-page': 3 } } });
    });
    const newest = await testMystoreClient(server).newestOrders();
    assert.deepEqual(newest, {
      orders: [{ orderId: '6201', customerId: '1040', createdAt: '2026-12-01T10:00:00+01:00' }, { orderId: '6202', customerId: null, createdAt: null }],
      pagesRead: 2,
    }, 'an unreadable date is left out, not refused');
    assert.equal(server.requests.length, 2);
    for (const request of server.requests) {
      assert.equal(request.query.get('fields[orders]'), 'customer,created_at');
      assert.equal(request.query.get('page[size]'), '100');
    }
  });

  test('one page: one call', async () => {
    server.requests.length = 0;
    server.handle(() => jsonApi({ data: [order(6000, 1001)], links: {}, meta: { page: { 'last-page': 1 } } }));
    assert.deepEqual((await testMystoreClient(server).newestOrders()).pagesRead, 1);
    assert.equal(server.requests.length, 1);
  });

  test('without a last page named, walks the pages by links.next', async () => {
    server.requests.length = 0;
    server.handle((request) => {
      const page = request.query.get('page[number]') ?? '1';
      if (page === '1') return jsonApi({ data: [order(6000, 1001)], links: { next: `/shops/testbutikk/orders?page[number]=2&page[size]=100&fields[orders]=customer` } });
      return jsonApi({ data: [order(6001, 1002)], links: {} });
    });
    const newest = await testMystoreClient(server).newestOrders();
    assert.deepEqual(newest.orders.map((entry) => entry.orderId), ['6000', '6001']);
  });
});
