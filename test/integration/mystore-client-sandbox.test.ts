/**
 * The Mystore client against the Mystore sandbox over HTTP: every kind of generated order read
 * back whole (and balancing to the øre in the app's own invoice arithmetic), paging over many
 * pages, pacing that keeps under the limit, refused tokens and scopes, a malformed document.
 */
import { describe, test, after } from 'node:test';
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { createMystoreClient, type MystoreClient } from '../../activities/mystore/mystore-client';
import { MystoreAuthenticationError, MystoreMissingScopeError, MystoreRateLimitError, MystoreResponseError } from '../../activities/mystore/mystore-errors';
import { MystoreRateLimitPacer } from '../../activities/mystore/mystore-rate-limit-pacer';
import { decimalToScaled, vatRateToBasisPoints } from '../../domain/money';
import { mapInvoiceLines } from '../../domain/invoice-lines';
import { startMystoreSandbox } from '../../sandbox/mystore';
import { testLogger } from '../support/temporal';

const sandbox = await startMystoreSandbox({ port: 0, rateLimitPerMinute: null, seed: 2026 });
after(() => sandbox.close());
const SHOP = 'integration-shop';
sandbox.admin.createShop({ shop: SHOP });
const token = sandbox.admin.createToken(SHOP);

function client(options: { token?: string; baseUrl?: string; pacer?: MystoreRateLimitPacer } = {}): MystoreClient {
  return createMystoreClient({
    baseUrl: options.baseUrl ?? sandbox.baseUrl,
    shop: SHOP,
    token: options.token ?? token,
    logger: testLogger(),
    pacer: options.pacer ?? new MystoreRateLimitPacer({ limit: 100_000, minSpacingMs: 0 }),
  });
}

const orderIds = sandbox.admin.generateOrders(SHOP, { count: 150, seed: 11 });
// Refunds and returns: full credits, and partial ones (one unit back, a return fee kept).
for (const [index, orderId] of orderIds.slice(0, 10).entries()) {
  const firstLine = sandbox.admin.getOrder(SHOP, orderId).lines[0]!;
  sandbox.admin.createCreditOrder(SHOP, orderId, index % 2 === 0 ? { lines: 'full' } : { lines: [{ lineId: firstLine.id, quantity: 1 }], returnShippingFee: 79 });
}

/** Reads a JSON number from the sandbox's own view of the order exactly, in minor units. */
const minor = (value: unknown) => decimalToScaled(value as number, 2);

describe('Mystore client against the sandbox', () => {
  test('every generated order is read back whole, and balances in the app\'s own invoice arithmetic', async () => {
    const mystore = client();
    const seen = { guest: 0, business: 0, credit: 0, foreign: 0, giftCard: 0, discount: 0, coupon: 0, fee: 0, entity: 0, options: 0, completed: 0 };
    for (const orderId of sandbox.admin.listOrderIds(SHOP)) {
      const view = sandbox.admin.getOrder(SHOP, orderId);
      const order = await mystore.getOrderAggregate(orderId);
      assert.equal(order.orderId, orderId);
      assert.equal(order.currency, view.attributes.currency);
      assert.equal(order.paymentModule, view.attributes.payment_module);
      assert.equal(order.customer.email, view.attributes.customer_email);
      assert.equal(order.customer.organizationNumber ?? null, view.attributes.customer_org_number ?? null);
      assert.equal(order.customer.customerId, view.customer?.id ?? null);
      assert.equal(order.creditsOrderId !== null, view.attributes.order_type === 'credit');

      assert.equal(order.lines.length, view.lines.length, `order ${orderId}: lines`);
      view.lines.forEach((line, index) => {
        const read = order.lines[index]!;
        assert.equal(read.quantity, line.attributes.quantity);
        assert.equal(read.sku, line.attributes.sku ?? '');
        assert.equal(decimalToScaled(read.unitPriceExcludingVat, 4), decimalToScaled(line.attributes.final_price as number, 4));
        assert.equal(read.vatRate, vatRateToBasisPoints(line.attributes.tax_rate as number));
        assert.equal(read.options.length, line.options.length);
        assert.ok(!/&[a-z#0-9]+;/i.test(read.name), `entities decoded in "${read.name}"`);
        if (/&[a-z#0-9]+;/i.test(String(line.attributes.name))) seen.entity += 1;
        if (line.options.length > 0) seen.options += 1;
      });
      assert.deepEqual(
        order.totals.map((total) => [total.class, total.value]),
        view.totals.map((total) => [total.attributes.class, minor(total.attributes.value)]),
        `order ${orderId}: totals`,
      );

      const balanced = mapInvoiceLines(order);
      assert.ok(balanced.ok, `order ${orderId} does not balance: ${JSON.stringify(!balanced.ok && balanced.rejection)}`);

      if (order.customer.customerId === null) seen.guest += 1;
      if (order.customer.organizationNumber) seen.business += 1;
      if (order.creditsOrderId) seen.credit += 1;
      if (order.currency !== 'NOK') seen.foreign += 1;
      if (order.status.completed) seen.completed += 1;
      for (const total of order.totals) {
        if (total.class === 'ot_gv') seen.giftCard += 1;
        if (total.class === 'ot_discount') seen.discount += 1;
        if (total.class === 'ot_coupon') seen.coupon += 1;
        if (total.class === 'ot_payment_fee') seen.fee += 1;
      }
    }
    for (const [kind, count] of Object.entries(seen)) assert.ok(count > 0, `no order of kind ${kind} among the generated ones`);
    assert.equal(mystore.includeSupport(), true, 'the aggregate came in one call per order');
  });

  test('paging walks every page and stops at the end', async () => {
    const mystore = client();
    const before = sandbox.requestCount();
    const ids: string[] = [];
    for await (const page of mystore.listOrdersChanged({ from: '2000-01-01T00:00:00Z', to: '2100-01-01T00:00:00Z', pageSize: 10 })) {
      ids.push(...page.map((change) => change.orderId));
    }
    const all = sandbox.admin.listOrderIds(SHOP);
    assert.deepEqual([...ids].sort(), [...all].sort());
    assert.equal(new Set(ids).size, ids.length, 'no order twice');
    const requests = sandbox.requestCount() - before;
    assert.ok(requests >= Math.ceil(all.length / 10) && requests <= Math.ceil(all.length / 10) + 1, `${requests} requests for ${all.length} orders`);
  });

  test('paced to the shop\'s limit the client never meets a 429; unpaced, the sandbox answers 429', async () => {
    const limit = 15;
    sandbox.admin.setRateLimit(limit);
    try {
      const limitedToken = sandbox.admin.createToken(SHOP);
      // The pacer refuses to wait longer than maxWaitMs (Temporal waits durably instead): the call
      // past the limit fails locally, before the API sees it.
      const paced = client({ token: limitedToken, pacer: new MystoreRateLimitPacer({ limit, minSpacingMs: 0, maxWaitMs: 1_000 }) });
      for (let call = 0; call < limit; call++) await paced.getSettings();
      const before = sandbox.requestCount();
      await assert.rejects(paced.getSettings(), MystoreRateLimitError);
      assert.equal(sandbox.requestCount(), before, 'the call over the limit was never sent');

      const unpacedToken = sandbox.admin.createToken(SHOP);
      const unpaced = client({ token: unpacedToken });
      for (let call = 0; call < limit; call++) await unpaced.getSettings();
      await assert.rejects(unpaced.getSettings(), (error: unknown) => error instanceof MystoreRateLimitError && error.retryAfterMs > 0);
    } finally {
      sandbox.admin.setRateLimit(null);
    }
  });

  test('a revoked token and a missing scope are refused with what to do', async () => {
    const revoked = sandbox.admin.createToken(SHOP);
    sandbox.admin.revokeToken(revoked);
    await assert.rejects(client({ token: revoked }).getOrderAggregate(orderIds[0]!), MystoreAuthenticationError);

    const narrow = sandbox.admin.createToken(SHOP, { scopes: ['read:orders', 'read:order-status'] });
    await assert.rejects(client({ token: narrow }).getOrderAggregate(orderIds[0]!), (error: unknown) => {
      assert.ok(error instanceof MystoreMissingScopeError);
      assert.match(error.message, /read:order-products|read:order-totals|read:customers/);
      assert.ok(!error.message.includes(narrow), 'the token is not in the message');
      return true;
    });
  });

  test('a malformed document is an error that names the field, not a crash', async () => {
    // A proxy that breaks one attribute of every order document on its way through.
    const proxy = http.createServer((request, response) => {
      const upstream = http.request(`${sandbox.baseUrl}${request.url}`, { method: request.method, headers: request.headers }, (answer) => {
        let body = '';
        answer.on('data', (chunk: Buffer) => (body += chunk.toString()));
        answer.on('end', () => {
          const document = JSON.parse(body) as { data?: { type?: string; attributes?: Record<string, unknown> } };
          if (document.data?.type === 'orders' && document.data.attributes) document.data.attributes.currency = 42;
          response.writeHead(answer.statusCode ?? 500, { 'content-type': 'application/vnd.api+json' });
          response.end(JSON.stringify(document));
        });
      });
      request.pipe(upstream);
    });
    await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
    try {
      const port = (proxy.address() as AddressInfo).port;
      await assert.rejects(client({ baseUrl: `http://127.0.0.1:${port}` }).getOrderAggregate(orderIds[1]!), (error: unknown) => {
        assert.ok(error instanceof MystoreResponseError);
        assert.match(error.message, /currency/);
        return true;
      });
    } finally {
      await new Promise((resolve) => proxy.close(resolve));
    }
  });
});
