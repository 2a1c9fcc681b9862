/**
 * The per-worker Tripletex customer cache (activities/tripletex/customer-cache.ts) against a fake
 * list source and a fake clock: one full list, shared; TTL; when absence is trusted (customer
 * numbers at once, e-mails and organisation numbers only from a fresh read, one delta shared);
 * unsure matches; local writes during a list read; versions; the transfer's first ask; one call
 * at a time per match; fingerprints that agree with customerChanges(); no personal data kept or logged.
 */
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { createLogger } from '../../common/logger';
import type { CustomerMatch } from '../../domain/invoice-draft';
import {
  TripletexCustomerCache, customerFingerprint, matchKey, type CustomerCacheOptions, type CustomerListSource,
} from '../../activities/tripletex/customer-cache';
import { customerChanges, type TripletexCustomerChanges } from '../../activities/tripletex/customer-operations';
import { TripletexNetworkError, TripletexValidationError } from '../../activities/tripletex/tripletex-errors';
import type { TripletexCustomer } from '../../activities/tripletex/tripletex-schemas';

function customer(id: number, fields: Partial<TripletexCustomer> = {}): TripletexCustomer {
  return {
    id, version: 0, name: `Kunde ${id}`, customerNumber: undefined, organizationNumber: undefined, email: `kunde${id}@example.no`,
    invoiceEmail: `kunde${id}@example.no`, phoneNumberMobile: '40000000', isPrivateIndividual: true, isInactive: false, language: 'NO',
    postalAddress: { id: 9000 + id, addressLine1: 'Storgata 1', postalCode: '0155', city: 'Oslo' },
    ...fields,
  };
}

/** "Tripletex": its customers, and what was read. Pages of two, so paging is exercised. */
class FakeSource implements CustomerListSource {
  customers: TripletexCustomer[] = [];
  fullReads = 0;
  deltaReads: Date[] = [];
  /** While set, reads wait for it (to hold a read in flight). */
  gate: Promise<void> | undefined;
  failNext: Error | undefined;
  deltaError: Error | undefined;

  private async *pages(list: TripletexCustomer[]): AsyncGenerator<TripletexCustomer[]> {
    if (this.gate) await this.gate;
    if (this.failNext) {
      const error = this.failNext;
      this.failNext = undefined;
      throw error;
    }
    for (let i = 0; i < list.length; i += 2) yield list.slice(i, i + 2);
    if (list.length === 0) yield [];
  }

  all(): AsyncIterable<TripletexCustomer[]> {
    this.fullReads += 1;
    return this.pages([...this.customers]);
  }

  changedSince(since: Date): AsyncIterable<TripletexCustomer[]> {
    this.deltaReads.push(since);
    if (this.deltaError) {
      const error = this.deltaError;
      return (async function* () { throw error; })();
    }
    // Like the sandbox, which ignores changedSince: every customer (a superset is always correct).
    return this.pages([...this.customers]);
  }
}

function setup(options: CustomerCacheOptions = {}) {
  let now = 1_000_000;
  const cache = new TripletexCustomerCache({ now: () => now, ...options });
  const source = new FakeSource();
  const book = cache.book('shop-a', 'key-a');
  return { cache, source, book, advance: (ms: number) => { now += ms; }, now: () => now };
}

const byNumber = (customerNumber: number): CustomerMatch => ({ by: 'customerNumber', customerNumber });
const byEmail = (email: string): CustomerMatch => ({ by: 'email', email });
const byOrg = (organizationNumber: string): CustomerMatch => ({ by: 'organizationNumber', organizationNumber });

function gate() {
  let open!: () => void;
  const promise = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { promise, open };
}

describe('the customer cache: filling and finding', () => {
  test('one full list for concurrent first asks; present by number, e-mail and organisation number; the lowest id wins', async () => {
    const { source, book } = setup();
    source.customers = [
      customer(7, { customerNumber: 100001 }),
      customer(5, { customerNumber: 100001 }),
      customer(8, { email: 'firma@example.no', organizationNumber: '999888777', customerNumber: 100002 }),
      customer(3, { email: 'firma@example.no' }),
    ];
    const [a, b, c] = await Promise.all([
      book.find(byNumber(100001), source),
      book.find(byEmail('firma@example.no'), source),
      book.find(byOrg('999888777'), source),
    ]);
    assert.equal(source.fullReads, 1, 'one list for every concurrent ask');
    assert.deepEqual([a, b, c].map((found) => (found.kind === 'present' ? found.id : found.kind)), [5, 3, 8]);
    assert.equal(book.size, 4);
  });

  test('an unknown customer number is absent at once, with no further read', async () => {
    const { source, book, advance } = setup();
    await book.find(byNumber(1), source);
    advance(60_000);
    assert.deepEqual(await book.find(byNumber(100777), source), { kind: 'absent' });
    assert.equal(source.fullReads, 1);
    assert.equal(source.deltaReads.length, 0);
  });

  test('an unknown e-mail or organisation number is absent only after a read that is fresh enough; one delta serves many', async () => {
    const { source, book, advance } = setup({ absentFreshMs: 10_000 });
    assert.deepEqual(await book.find(byEmail('ny@example.no'), source), { kind: 'absent' }, 'the full list itself is fresh');
    assert.equal(source.deltaReads.length, 0);
    advance(11_000);
    // Another worker created this customer meanwhile: the delta shows it.
    source.customers.push(customer(42, { email: 'annen@example.no' }));
    const [gone, other, org] = await Promise.all([
      book.find(byEmail('ny@example.no'), source),
      book.find(byEmail('annen@example.no'), source),
      book.find(byOrg('912345678'), source),
    ]);
    assert.equal(source.deltaReads.length, 1, 'one delta for every waiting ask');
    assert.deepEqual(gone, { kind: 'absent' });
    assert.deepEqual(other.kind === 'present' && other.id, 42);
    assert.deepEqual(org, { kind: 'absent' });
    advance(5_000);
    await book.find(byEmail('tredje@example.no'), source);
    assert.equal(source.deltaReads.length, 1, 'still fresh: no read');
  });

  test('the delta asks from the start of the last read, less a minute for clock skew', async () => {
    const { source, book, advance, now } = setup({ absentFreshMs: 1_000 });
    const firstRead = now();
    await book.find(byNumber(1), source);
    advance(5_000);
    await book.find(byEmail('x@example.no'), source);
    assert.equal(source.deltaReads[0]!.getTime(), firstRead - 60_000);
    const secondRead = now();
    advance(5_000);
    await book.find(byEmail('y@example.no'), source);
    assert.equal(source.deltaReads[1]!.getTime(), secondRead - 60_000);
  });

  test('after the TTL the whole list is read again: a customer deleted in Tripletex is gone', async () => {
    const { source, book, advance } = setup({ ttlMs: 60_000 });
    source.customers = [customer(1, { customerNumber: 100001 })];
    assert.equal((await book.find(byNumber(100001), source)).kind, 'present');
    source.customers = [];
    advance(30_000);
    assert.equal((await book.find(byNumber(100001), source)).kind, 'present', 'within the TTL: as last read');
    advance(31_000);
    assert.deepEqual(await book.find(byNumber(100001), source), { kind: 'absent' });
    assert.equal(source.fullReads, 2);
  });

  test('Tripletex refusing changedSince: a full list instead, now and from then on', async () => {
    const { source, book, advance } = setup({ absentFreshMs: 1_000 });
    await book.find(byNumber(1), source);
    source.deltaError = new TripletexValidationError({ method: 'GET', path: '/customer', status: 422 });
    advance(2_000);
    source.customers.push(customer(4, { email: 'sen@example.no' }));
    assert.equal((await book.find(byEmail('sen@example.no'), source)).kind, 'present');
    assert.equal(source.fullReads, 2);
    advance(2_000);
    await book.find(byEmail('ingen@example.no'), source);
    assert.equal(source.deltaReads.length, 1, 'no second try of changedSince');
    assert.equal(source.fullReads, 3);
  });

  test('a read that fails is not kept: the next ask reads again; an error that is not a refusal of changedSince is thrown', async () => {
    const { source, book, advance } = setup({ absentFreshMs: 1_000 });
    source.failNext = new TripletexNetworkError({ method: 'GET', path: '/customer' }, 'network', 'ECONNRESET');
    await assert.rejects(book.find(byNumber(1), source), TripletexNetworkError);
    assert.deepEqual(await book.find(byNumber(1), source), { kind: 'absent' });
    assert.equal(source.fullReads, 2);
    advance(2_000);
    source.deltaError = new TripletexNetworkError({ method: 'GET', path: '/customer' }, 'network', 'ECONNRESET');
    await assert.rejects(book.find(byEmail('a@example.no'), source), TripletexNetworkError);
  });

  test('an ask that joined a read which failed (say, cancelled with another activity) reads itself', async () => {
    const { source, book } = setup();
    const held = gate();
    source.gate = held.promise;
    source.failNext = new Error('cancelled with the other activity');
    const first = book.find(byNumber(1), source);
    const second = book.find(byNumber(2), source);
    source.gate = undefined;
    held.open();
    await assert.rejects(first, /cancelled with the other activity/);
    assert.deepEqual(await second, { kind: 'absent' });
    assert.equal(source.fullReads, 2);
  });
});

describe('the customer cache: what this process learns', () => {
  test('a create is remembered under its match even when the answer lacks the field', async () => {
    const { source, book } = setup();
    await book.find(byNumber(1), source);
    book.remember(customer(50, { email: undefined }), { match: byEmail('gjest@example.no'), fingerprint: 'fp' });
    assert.deepEqual(await book.find(byEmail('gjest@example.no'), source), { kind: 'present', id: 50, fingerprint: 'fp' });
  });

  test('a create with an unknown outcome makes its match unsure until a search settles it', async () => {
    const { source, book } = setup();
    await book.find(byNumber(1), source);
    book.markUnsure(byNumber(100009));
    assert.deepEqual(await book.find(byNumber(100009), source), { kind: 'unsure' });
    book.settle(byNumber(100009), customer(9, { customerNumber: 100009 }));
    assert.equal((await book.find(byNumber(100009), source)).kind, 'present');
  });

  test('a search that finds nothing drops whatever the cache held under that match', async () => {
    const { source, book } = setup();
    source.customers = [customer(11, { customerNumber: 100011 })];
    assert.equal((await book.find(byNumber(100011), source)).kind, 'present');
    book.settle(byNumber(100011), undefined);
    assert.deepEqual(await book.find(byNumber(100011), source), { kind: 'absent' });
    book.remember(customer(12, { customerNumber: 100012 }));
    book.forget(12);
    assert.deepEqual(await book.find(byNumber(100012), source), { kind: 'absent' });
  });

  test('a customer whose e-mail changed is found under the new one only', async () => {
    const { source, book } = setup();
    await book.find(byNumber(1), source);
    book.remember(customer(20, { email: 'gammel@example.no' }));
    book.remember(customer(20, { email: 'ny@example.no', version: 1 }));
    assert.equal((await book.find(byEmail('ny@example.no'), source)).kind, 'present');
    assert.deepEqual(await book.find(byEmail('gammel@example.no'), source), { kind: 'absent' });
  });

  test('what this process writes while the full list is read survives it', async () => {
    const { source, book, advance } = setup({ ttlMs: 1_000 });
    await book.find(byNumber(1), source);
    advance(2_000);
    const held = gate();
    source.gate = held.promise;
    const reading = book.find(byNumber(2), source);
    await new Promise((resolve) => setImmediate(resolve));
    // Created while the list is being read: the list does not have it.
    book.remember(customer(30, { customerNumber: 100030 }), { match: byNumber(100030), fingerprint: 'written' });
    book.markUnsure(byNumber(100031));
    source.gate = undefined;
    held.open();
    await reading;
    assert.deepEqual(await book.find(byNumber(100030), source), { kind: 'present', id: 30, fingerprint: 'written' });
    assert.deepEqual(await book.find(byNumber(100031), source), { kind: 'unsure' });
  });

  test('a list never replaces a newer version; at the same version the fingerprint last written stays', async () => {
    const { source, book, advance } = setup({ ttlMs: 5_000, absentFreshMs: 1_000 });
    source.customers = [customer(40, { customerNumber: 100040, version: 3, phoneNumberMobile: '+4740000000' })];
    await book.find(byNumber(100040), source);
    book.remember(customer(40, { customerNumber: 100040, version: 4 }), { fingerprint: 'written-v4' });
    // A delta, then a full list, that still have version 3 (read before the write reached them): ignored.
    advance(500);
    await book.find(byEmail('noen@example.no'), source);
    assert.equal(source.deltaReads.length, 0);
    advance(600);
    await book.find(byEmail('noen@example.no'), source);
    assert.equal(source.deltaReads.length, 1);
    assert.deepEqual(await book.find(byNumber(100040), source), { kind: 'present', id: 40, fingerprint: 'written-v4' });
    advance(5_000);
    assert.deepEqual(await book.find(byNumber(100040), source), { kind: 'present', id: 40, fingerprint: 'written-v4' });
    assert.equal(source.fullReads, 2);
    source.customers = [customer(40, { customerNumber: 100040, version: 4, phoneNumberMobile: '40000000' })];
    advance(6_000);
    assert.deepEqual(await book.find(byNumber(100040), source), { kind: 'present', id: 40, fingerprint: 'written-v4' }, 'same version: nobody changed it since');
    source.customers = [customer(40, { customerNumber: 100040, version: 5, name: 'Endret for hånd' })];
    advance(6_000);
    const edited = await book.find(byNumber(100040), source);
    assert.deepEqual(edited, { kind: 'present', id: 40, fingerprint: customerFingerprint(source.customers[0]!) }, 'edited by hand: Tripletex\'s data');
  });

  test('an update whose outcome is unknown forgets the fingerprint', async () => {
    const { source, book } = setup();
    source.customers = [customer(60, { customerNumber: 100060 })];
    await book.find(byNumber(100060), source);
    book.forgetFingerprint(60);
    assert.deepEqual(await book.find(byNumber(100060), source), { kind: 'present', id: 60, fingerprint: undefined });
  });
});

describe('the customer cache: transfers, order, books', () => {
  test('a transfer\'s first ask only; the oldest transfers are forgotten first', () => {
    const { book } = setup({ maxAskers: 2 });
    assert.equal(book.firstAsk('transfer-s-1'), true);
    assert.equal(book.firstAsk('transfer-s-1'), false);
    assert.equal(book.firstAsk('transfer-s-2'), true);
    assert.equal(book.firstAsk('transfer-s-3'), true);
    assert.equal(book.firstAsk('transfer-s-2'), false);
    assert.equal(book.firstAsk('transfer-s-1'), true, 'forgotten, being the oldest');
  });

  test('calls for one match run one at a time; other matches do not wait', async () => {
    const { book } = setup();
    const events: string[] = [];
    const held = gate();
    const first = book.serialized(byNumber(1), async () => {
      events.push('first start');
      await held.promise;
      events.push('first end');
    });
    const second = book.serialized(byNumber(1), async () => {
      events.push('second');
    });
    const other = book.serialized(byEmail('x@example.no'), async () => {
      events.push('other');
    });
    await other;
    assert.deepEqual(events, ['first start', 'other']);
    held.open();
    await Promise.all([first, second]);
    assert.deepEqual(events, ['first start', 'other', 'first end', 'second']);
    await assert.rejects(book.serialized(byNumber(1), async () => {
      throw new Error('boom');
    }), /boom/);
    assert.equal(await book.serialized(byNumber(1), async () => 'after a failure'), 'after a failure');
  });

  test('one book per shop and Tripletex key; an idle book is dropped after the TTL', () => {
    const { cache, book, advance } = setup({ ttlMs: 1_000 });
    assert.equal(cache.book('shop-a', 'key-a'), book);
    assert.notEqual(cache.book('shop-a', 'key-b'), book, 'new credentials: a new book');
    assert.notEqual(cache.book('shop-b', 'key-a'), book);
    advance(2_000);
    assert.notEqual(cache.book('shop-a', 'key-a'), book);
  });
});

describe('fingerprints and keys', () => {
  const existing = customer(3, {
    name: 'Ola Nordmann', email: 'ola@example.no', invoiceEmail: 'ola@example.no', phoneNumberMobile: '40000000', organizationNumber: '',
    isPrivateIndividual: true, postalAddress: { id: 2500001, addressLine1: 'Storgata 1', postalCode: '0155', city: 'Oslo' },
  });
  const wanted: TripletexCustomerChanges = {
    name: 'Ola Nordmann', email: 'ola@example.no', invoiceEmail: 'ola@example.no', phoneNumberMobile: '40000000', isPrivateIndividual: true,
    postalAddress: { addressLine1: 'Storgata 1', postalCode: '0155', city: 'Oslo' },
  };

  test('equal fingerprints exactly when customerChanges() finds nothing to change', () => {
    const variants: TripletexCustomerChanges[] = [
      wanted,
      { ...wanted, name: 'Ola N. Nordmann' },
      { ...wanted, email: 'Ola@example.no' },
      { ...wanted, phoneNumberMobile: '41111111' },
      { ...wanted, isPrivateIndividual: false },
      { ...wanted, organizationNumber: '999888777' },
      { ...wanted, postalAddress: { addressLine1: 'Storgata 1', postalCode: '0156', city: 'Oslo' } },
      { ...wanted, postalAddress: { addressLine1: 'Storgata 1 ', postalCode: '0155', city: 'Oslo' } },
    ];
    for (const variant of variants) {
      assert.equal(customerFingerprint(variant) === customerFingerprint(existing), customerChanges(existing, variant) === null, JSON.stringify(variant));
    }
    // Tripletex's empty text may be null or "": the same.
    assert.equal(customerFingerprint({ ...existing, invoiceEmail: undefined }), customerFingerprint({ ...existing, invoiceEmail: '' }));
    // A missing flag is neither true nor false (customerChanges would write it).
    assert.notEqual(customerFingerprint({ ...existing, isPrivateIndividual: undefined }), customerFingerprint(existing));
  });

  test('keys and fingerprints hold no e-mail, name or organisation number in plain text', () => {
    const keys = [matchKey(byEmail('ola@example.no')), matchKey(byOrg('999888777')), customerFingerprint(existing)];
    for (const key of keys) {
      for (const plain of ['ola@example.no', '999888777', 'Ola', 'Nordmann', 'Storgata']) assert.ok(!key.includes(plain), `${plain} in ${key}`);
    }
    assert.equal(matchKey(byNumber(100001)), 'n:100001');
    assert.notEqual(matchKey(byEmail('ola@example.no')), matchKey(byOrg('ola@example.no')));
  });

  test('its log lines carry counts, not customer data', async () => {
    const lines: string[] = [];
    const stream = new Writable({
      write(chunk, _encoding, callback) {
        lines.push(chunk.toString());
        callback();
      },
    });
    const logger = createLogger({ level: 'debug' }, stream);
    const cache = new TripletexCustomerCache({ logger, absentFreshMs: 0 });
    const book = cache.book('shop-logs', 'key');
    const source = new FakeSource();
    source.customers = [customer(1, { name: 'Kari Nordmann', email: 'kari@example.no', organizationNumber: '912345678' })];
    await book.find(byEmail('kari@example.no'), source);
    await book.find(byEmail('per@example.no'), source);
    const written = lines.join('');
    assert.match(written, /read the Tripletex customer list/);
    assert.match(written, /"customers":1/);
    for (const plain of ['Kari', 'Nordmann', 'kari@example.no', 'per@example.no', '912345678', 'Storgata']) assert.ok(!written.includes(plain), `${plain} logged`);
  });
});
