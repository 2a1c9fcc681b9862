/** The Tripletex client's numbering reads (onboarding, brief §7) against a tiny HTTP server. */
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { sessionHandler, startTestServer, testClient, type TestServer } from '../support/tripletex-test-server';

describe('Tripletex client: numbering reads', () => {
  let server: TestServer;
  before(async () => {
    server = await startTestServer();
  });
  after(() => server.close());

  test('customerNumbers reads active and inactive customers\' numbers only, and sums them up', async () => {
    server.requests.length = 0;
    server.handle(sessionHandler((request) => {
      const inactive = request.query.get('isInactive') === 'true';
      const values = inactive ? [{ customerNumber: 10002 }] : [{ customerNumber: 100004 }, { customerNumber: 10001 }, { customerNumber: 1001 }, { customerNumber: null }, { customerNumber: 10001 }];
      return { body: { from: 0, count: values.length, values } };
    }));
    const numbers = await testClient(server).customerNumbers(100000);
    assert.deepEqual(numbers, { count: 6, highest: 100004, below: [1001, 10001, 10002] });
    const reads = server.requests.filter((request) => request.rawPath === '/v2/customer');
    assert.deepEqual(reads.map((request) => request.query.get('isInactive')).sort(), ['false', 'true']);
    for (const read of reads) assert.equal(read.query.get('fields'), 'customerNumber');
  });

  test('customerNumbers of a company without customers', async () => {
    server.handle(sessionHandler(() => ({ body: { from: 0, count: 0, values: [] } })));
    assert.deepEqual(await testClient(server).customerNumbers(100000), { count: 0, highest: null, below: [] });
  });

  test('highestInvoiceNumber asks for one invoice sorted by number, descending, over a wide date window', async () => {
    server.requests.length = 0;
    server.handle(sessionHandler(() => ({ body: { from: 0, count: 1, values: [{ invoiceNumber: 50012 }] } })));
    assert.equal(await testClient(server).highestInvoiceNumber(), 50012);
    const read = server.requests.find((request) => request.rawPath === '/v2/invoice');
    assert.equal(read?.query.get('sorting'), '-invoiceNumber');
    assert.equal(read?.query.get('count'), '1');
    assert.equal(read?.query.get('fields'), 'invoiceNumber');
    assert.equal(read?.query.get('invoiceDateFrom'), '2000-01-01');
    assert.ok((read?.query.get('invoiceDateTo') ?? '') > '2027-01-01', 'invoices dated ahead are included');
  });

  test('highestInvoiceNumber is null without invoices', async () => {
    server.handle(sessionHandler(() => ({ body: { from: 0, count: 0, values: [] } })));
    assert.equal(await testClient(server).highestInvoiceNumber(), null);
  });

  test('highestInvoiceNumber scans every number when Tripletex refuses the sorting', async () => {
    server.requests.length = 0;
    server.handle(sessionHandler((request) =>
      request.query.has('sorting')
        ? { status: 422, body: { status: 422, code: 17000, message: 'Validering feilet.', validationMessages: [{ field: 'sorting', message: 'Illegal sorting field: invoiceNumber' }] } }
        : { body: { from: 0, count: 3, values: [{ invoiceNumber: 7 }, { invoiceNumber: 9 }, { invoiceNumber: 8 }] } }));
    assert.equal(await testClient(server).highestInvoiceNumber(), 9);
    const scan = server.requests.filter((request) => request.rawPath === '/v2/invoice').at(-1);
    assert.equal(scan?.query.has('sorting'), false);
    assert.equal(scan?.query.get('fields'), 'invoiceNumber');
  });
});
