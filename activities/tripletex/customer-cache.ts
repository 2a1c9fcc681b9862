/**
 * Each shop's Tripletex customers as this worker process last saw them, so that a returning
 * customer whose data has not changed costs no call and a new one costs only its `POST /customer`
 * (DESIGN.md "Few calls": cache known customers per shop). One book per shop and Tripletex key:
 *
 * - **Filled by one paged list** (`GET /customer`, 1000 a page) the first time a transfer needs
 *   it, and read in full again after `ttlMs` (hand edits and deletions in Tripletex are seen after
 *   at most that long; until then a hand edit is not overwritten by an order whose data did not
 *   change either).
 * - **Indexed by the draft's match**: customer number, organisation number, e-mail, exactly as
 *   `GET /customer?customerAccountNumber|organizationNumber|email=` matches (the spec says
 *   "Equals"; inactive customers are left out, as there), the lowest id first, like the search.
 * - **A fingerprint per customer** of the fields a transfer keeps in step (customerChanges):
 *   computed from Tripletex's own data, or the fields last written or confirmed by this process.
 *   Equal fingerprints mean customerChanges() would find nothing to change.
 * - **Absence** is trusted as follows. A customer number that is not in the list is created
 *   straight away. Assumption (Tripletex API; the code before the cache relied on it too, see
 *   createCustomerFor in activities/tripletex-transfer-activities.ts): Tripletex refuses a second
 *   customer with the same number (422), after which the create path searches, so a list that
 *   missed another worker's create costs a refused call, never a second customer. An e-mail or
 *   an organisation number has no such guard in Tripletex, so its absence is only trusted from a
 *   list read that started at most `absentFreshMs` ago; otherwise one read of the customers
 *   changed since the last read (`changedSince`, assumptions at listCustomerPages) comes first,
 *   shared by every transfer waiting for it. A guest or company that another worker created
 *   within that window may be created a second time, as when two searches cross: the old race,
 *   widened from one round trip to `absentFreshMs` (10 s by default), and only across workers.
 * - **Nothing uncertain is trusted**: a create whose outcome is unknown marks its match
 *   `unsure` (the next ask searches Tripletex), a failed update forgets the fingerprint. Only a
 *   transfer's first ask, on the activity's first try, is answered from the book; a retry or a
 *   second ask searches Tripletex and corrects the book (`settle`). Whoever learns from Tripletex
 *   that a customer is gone (say, an invoice refused for it) can `forget` it.
 *
 * The cache holds no personal data in plain text: e-mails and organisation numbers are indexed
 * by a hash, and fingerprints are hashes. Its logs carry counts, never customer data.
 */
import { createHash } from 'node:crypto';
import type { Logger } from '../../common/logger';
import type { CustomerMatch } from '../../domain/invoice-draft';
import { listCustomerPages, type TripletexCustomerChanges } from './customer-operations';
import type { TripletexTransport } from './tripletex-client';
import { TripletexBadRequestError, TripletexValidationError } from './tripletex-errors';
import type { TripletexCustomer } from './tripletex-schemas';

/** How a book reads Tripletex's customers, page by page (tests give a fake). */
export interface CustomerListSource {
  /** Every active customer. */
  all(): AsyncIterable<TripletexCustomer[]>;
  /** The active customers changed since `since`. */
  changedSince(since: Date): AsyncIterable<TripletexCustomer[]>;
}

/** The source for one Tripletex client: `GET /customer` through its transport. */
export function tripletexCustomerSource(transport: TripletexTransport): CustomerListSource {
  return {
    all: () => listCustomerPages(transport),
    changedSince: (since) => listCustomerPages(transport, { changedSince: since }),
  };
}

export interface CustomerCacheOptions {
  /** Epoch ms; default Date.now. */
  now?: () => number;
  logger?: Logger;
  /** How long a full list is trusted before it is read again (hand edits, deletions). Default 15 minutes. */
  ttlMs?: number;
  /** How recent a list read must be to trust that an e-mail or organisation number is absent. Default 10 s. */
  absentFreshMs?: number;
  /** How many transfers a book remembers having answered (the oldest are forgotten first). Default 100 000. */
  maxAskers?: number;
}

/** What the cache knows about a match. `unsure`: search Tripletex (a create's outcome is unknown). */
export type CachedCustomer =
  | { kind: 'present'; id: number; fingerprint: string | undefined }
  | { kind: 'absent' }
  | { kind: 'unsure' };

const DEFAULTS = { ttlMs: 15 * 60_000, absentFreshMs: 10_000, maxAskers: 100_000 } as const;
/** `changedSince` is asked from this long before the last read started: clock skew between us and Tripletex. */
const CHANGED_SINCE_OVERLAP_MS = 60_000;

/** A short, stable hash: personal data is never kept as is. 96 bits, so collisions do not happen in practice. */
function digest(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 16);
}

/** The index key of a match, as the search would match it. */
export function matchKey(match: CustomerMatch): string {
  switch (match.by) {
    case 'customerNumber': return `n:${match.customerNumber}`;
    case 'organizationNumber': return `o:${digest(match.organizationNumber)}`;
    case 'email': return `e:${digest(match.email)}`;
  }
}

/** Every key under which the search would find this customer. */
function keysOf(customer: TripletexCustomer): string[] {
  const keys: string[] = [];
  if (customer.customerNumber !== undefined) keys.push(matchKey({ by: 'customerNumber', customerNumber: customer.customerNumber }));
  if (customer.organizationNumber) keys.push(matchKey({ by: 'organizationNumber', organizationNumber: customer.organizationNumber }));
  if (customer.email) keys.push(matchKey({ by: 'email', email: customer.email }));
  return keys;
}

/** The fields customerChanges() compares, in its terms. */
type Comparable = Pick<TripletexCustomerChanges, 'name' | 'email' | 'invoiceEmail' | 'phoneNumberMobile' | 'organizationNumber' | 'isPrivateIndividual'> & {
  postalAddress?: { addressLine1?: string | undefined; postalCode?: string | undefined; city?: string | undefined } | undefined;
};

/**
 * A hash of the fields a transfer keeps in step, normalised as customerChanges() compares them
 * (a missing or null text is ""; a missing flag differs from true and false). For a customer read
 * with CUSTOMER_FIELDS, or a wanted-fields object (wantedCustomer): when the two fingerprints are
 * equal, customerChanges() finds nothing to change. (A wanted object without an organisation
 * number hashes it as "", so a customer that has one only looks changed: the safe direction.)
 */
export function customerFingerprint(fields: Comparable): string {
  const text = (value: string | undefined | null) => value ?? '';
  const flag = (value: boolean | undefined | null) => (value === true ? '1' : value === false ? '0' : '');
  return digest([
    text(fields.name), text(fields.email), text(fields.invoiceEmail), text(fields.phoneNumberMobile), text(fields.organizationNumber),
    flag(fields.isPrivateIndividual), text(fields.postalAddress?.addressLine1), text(fields.postalAddress?.postalCode), text(fields.postalAddress?.city),
  ].join('\u0000'));
}

interface Entry {
  version: number | undefined;
  fingerprint: string | undefined;
  keys: string[];
}

/** One list of a shop's customers: entries by id, ids by key. */
class Snapshot {
  readonly entries = new Map<number, Entry>();
  private readonly index = new Map<string, number | number[]>();

  get size(): number {
    return this.entries.size;
  }

  lookup(key: string): number | undefined {
    const ids = this.index.get(key);
    return typeof ids === 'number' ? ids : ids?.[0];
  }

  idsOf(key: string): number[] {
    const ids = this.index.get(key);
    return ids === undefined ? [] : typeof ids === 'number' ? [ids] : [...ids];
  }

  set(id: number, entry: Entry): void {
    this.remove(id);
    this.entries.set(id, entry);
    for (const key of entry.keys) {
      const ids = this.index.get(key);
      // Sorted ascending, so lookup() gives the lowest id: the search's stable choice.
      if (ids === undefined) this.index.set(key, id);
      else this.index.set(key, [...(typeof ids === 'number' ? [ids] : ids), id].sort((a, b) => a - b));
    }
  }

  remove(id: number): void {
    const entry = this.entries.get(id);
    if (!entry) return;
    this.entries.delete(id);
    for (const key of entry.keys) {
      const ids = this.index.get(key);
      if (ids === undefined) continue;
      const rest = (typeof ids === 'number' ? [ids] : ids).filter((other) => other !== id);
      if (rest.length === 0) this.index.delete(key);
      else this.index.set(key, rest.length === 1 ? rest[0]! : rest);
    }
  }

  /**
   * A customer as a list read it. A newer version already known is kept. At the same version as
   * known here or in `previous` (the list this one replaces), the known fingerprint is kept: the
   * fields this process last wrote, which Tripletex may store normalised, and nobody has changed
   * the customer since.
   */
  merge(customer: TripletexCustomer, previous?: Snapshot): void {
    const before = this.entries.get(customer.id) ?? previous?.entries.get(customer.id);
    if (before?.version !== undefined && customer.version !== undefined) {
      if (before.version > customer.version) {
        if (!this.entries.has(customer.id)) this.set(customer.id, before);
        return;
      }
      if (before.version === customer.version) {
        this.set(customer.id, { version: customer.version, fingerprint: before.fingerprint, keys: keysOf(customer) });
        return;
      }
    }
    this.set(customer.id, { version: customer.version, fingerprint: customerFingerprint(customer), keys: keysOf(customer) });
  }
}

/** A change this process made, replayed onto a full list that was being read while it happened. */
type LocalChange = (snapshot: Snapshot) => void;

/** One shop's customers (for one Tripletex key). Create through TripletexCustomerCache.book(). */
export class ShopCustomerBook {
  private snapshot: Snapshot | undefined;
  /** When the last completed full list started (epoch ms). */
  private fullAt = Number.NEGATIVE_INFINITY;
  /** When the last completed full list or delta started (epoch ms). */
  private freshAt = Number.NEGATIVE_INFINITY;
  /** The one list read in flight (full or delta): reads never overlap, so their results cannot cross. */
  private refreshing: Promise<void> | undefined;
  /** Changes made while a full list is read, replayed onto it. */
  private journal: LocalChange[] | undefined;
  /** False once Tripletex refused `changedSince`: every refresh is then a full list. */
  private deltaWorks = true;
  /** Matches whose create had an unknown outcome: searched, never taken from the list, until settled. */
  private readonly unsure = new Set<string>();
  /** Transfers (workflow ids) this book has answered, oldest first. */
  private readonly askers = new Set<string>();
  /** Per match, the tail of the queue of calls working on it. */
  private readonly locks = new Map<string, Promise<void>>();
  lastUsedAt: number;

  constructor(
    private readonly shopId: string,
    private readonly options: Required<Omit<CustomerCacheOptions, 'logger'>> & { logger: Logger | undefined },
  ) {
    this.lastUsedAt = options.now();
  }

  /**
   * Runs `work` for this match after every earlier call for the same match in this process has
   * finished, so two orders of one new customer never both create it here.
   */
  async serialized<T>(match: CustomerMatch, work: () => Promise<T>): Promise<T> {
    const key = matchKey(match);
    const previous = this.locks.get(key) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => {
      release = resolve;
    });
    const tail = previous.then(() => mine);
    this.locks.set(key, tail);
    await previous;
    try {
      return await work();
    } finally {
      release();
      if (this.locks.get(key) === tail) this.locks.delete(key);
    }
  }

  /**
   * True the first time this transfer asks this book. A transfer asks again only after something
   * later failed (a parked invoice, a retry signal, new credentials), possibly because Tripletex
   * no longer has the customer the cache gave: that ask searches Tripletex (and corrects the
   * book), so a stale entry fails a transfer at most once per worker, never in a loop; the TTL
   * ends it for everyone.
   */
  firstAsk(asker: string): boolean {
    if (this.askers.has(asker)) return false;
    // The oldest go first: a transfer that old and still asking costs at most one more park.
    if (this.askers.size >= this.options.maxAskers) this.askers.delete(this.askers.values().next().value!);
    this.askers.add(asker);
    return true;
  }

  /** What the list says about this match, reading it first when it is missing, stale, or (for absence) not fresh enough. */
  async find(match: CustomerMatch, source: CustomerListSource): Promise<CachedCustomer> {
    this.lastUsedAt = this.options.now();
    const key = matchKey(match);
    if (this.unsure.has(key)) return { kind: 'unsure' };
    await this.readSince('full', this.options.now() - this.options.ttlMs, source);
    const present = this.present(key);
    if (present || match.by === 'customerNumber') return present ?? { kind: 'absent' };
    await this.readSince('delta', this.options.now() - this.options.absentFreshMs, source);
    if (this.unsure.has(key)) return { kind: 'unsure' };
    return this.present(key) ?? { kind: 'absent' };
  }

  /**
   * What Tripletex just said about a customer: a create's or update's answer, or a search's hit.
   * `fingerprint`: of the fields just written or confirmed (otherwise computed from `customer`,
   * which must then carry CUSTOMER_FIELDS). `match`: indexed as well, in case the answer lacks a field.
   */
  remember(customer: TripletexCustomer, options: { fingerprint?: string; match?: CustomerMatch } = {}): void {
    const keys = [...new Set([...keysOf(customer), ...(options.match ? [matchKey(options.match)] : [])])];
    const entry: Entry = { version: customer.version, fingerprint: options.fingerprint ?? customerFingerprint(customer), keys };
    this.change((snapshot) => snapshot.set(customer.id, entry));
  }

  /**
   * A search's answer for this match: the customer it found, or none. Clears `unsure`; when none
   * was found, whatever the list held under this match is stale (deleted, made inactive, or its
   * number, e-mail or organisation number changed) and is dropped.
   */
  settle(match: CustomerMatch, found: TripletexCustomer | undefined): void {
    const key = matchKey(match);
    this.unsure.delete(key);
    if (found) {
      this.remember(found, { match });
      return;
    }
    this.change((snapshot) => {
      for (const id of snapshot.idsOf(key)) snapshot.remove(id);
    });
  }

  /** A create for this match whose outcome is unknown: search Tripletex for it until settle(). */
  markUnsure(match: CustomerMatch): void {
    this.unsure.add(matchKey(match));
  }

  /** An update whose outcome is unknown: this customer's fields must be compared again before trusting them. */
  forgetFingerprint(id: number): void {
    this.change((snapshot) => {
      const entry = snapshot.entries.get(id);
      if (entry) snapshot.set(id, { ...entry, fingerprint: undefined });
    });
  }

  /** Tripletex says this customer does not exist (any more): drop it; the next ask reads or searches again. */
  forget(id: number): void {
    this.change((snapshot) => snapshot.remove(id));
  }

  /** Number of customers held (for tests and logs). */
  get size(): number {
    return this.snapshot?.size ?? 0;
  }

  private present(key: string): CachedCustomer | undefined {
    const id = this.snapshot?.lookup(key);
    if (id === undefined) return undefined;
    return { kind: 'present', id, fingerprint: this.snapshot!.entries.get(id)!.fingerprint };
  }

  private change(apply: LocalChange): void {
    if (this.snapshot) apply(this.snapshot);
    this.journal?.push(apply);
  }

  /**
   * Makes sure a read of this kind (a delta is satisfied by a full list too) started at or after
   * `since` has completed. Joins the read in flight; when that one fails (it may have been
   * cancelled with another transfer's activity), reads itself, and its own failure is thrown.
   */
  private async readSince(kind: 'full' | 'delta', since: number, source: CustomerListSource): Promise<void> {
    for (let joinedFailure = false; ;) {
      if (this.snapshot && (kind === 'full' ? this.fullAt : this.freshAt) >= since) return;
      if (this.refreshing) {
        const joined = this.refreshing;
        try {
          await joined;
        } catch (error) {
          if (joinedFailure) throw error;
          joinedFailure = true;
        }
        continue;
      }
      const needFull = kind === 'full' || !this.snapshot || !this.deltaWorks;
      const reading = (needFull ? this.readFull(source) : this.readDelta(source)).finally(() => {
        if (this.refreshing === reading) this.refreshing = undefined;
      });
      this.refreshing = reading;
      await reading;
    }
  }

  private async readFull(source: CustomerListSource): Promise<void> {
    const started = this.options.now();
    const next = new Snapshot();
    this.journal = [];
    let pages = 0;
    try {
      for await (const page of source.all()) {
        pages += 1;
        for (const customer of page) next.merge(customer, this.snapshot);
      }
      // What this process wrote while the list was read may be missing from it, or older there.
      for (const apply of this.journal) apply(next);
    } finally {
      this.journal = undefined;
    }
    this.snapshot = next;
    this.fullAt = started;
    this.freshAt = started;
    this.options.logger?.info({ shopId: this.shopId, customers: next.size, pages, durationMs: this.options.now() - started }, 'read the Tripletex customer list');
  }

  private async readDelta(source: CustomerListSource): Promise<void> {
    const started = this.options.now();
    const snapshot = this.snapshot!;
    let changed = 0;
    try {
      for await (const page of source.changedSince(new Date(this.freshAt - CHANGED_SINCE_OVERLAP_MS))) {
        changed += page.length;
        for (const customer of page) snapshot.merge(customer);
      }
    } catch (error) {
      if (!(error instanceof TripletexValidationError || error instanceof TripletexBadRequestError)) throw error;
      // Tripletex refused the date-time: read every customer instead, now and from now on.
      this.deltaWorks = false;
      this.options.logger?.warn({ shopId: this.shopId, status: error.status }, 'Tripletex refused changedSince on GET /customer; reading the full customer list instead');
      await this.readFull(source);
      return;
    }
    this.freshAt = started;
    this.options.logger?.debug({ shopId: this.shopId, changed, durationMs: this.options.now() - started }, 'read the Tripletex customers changed since the last read');
  }
}

/**
 * The books of every shop this worker serves. One per worker process (created with the
 * activities, activities/tripletex-transfer-activities.ts); books idle for longer than the TTL
 * are dropped.
 */
export class TripletexCustomerCache {
  private readonly books = new Map<string, ShopCustomerBook>();
  private readonly options: Required<Omit<CustomerCacheOptions, 'logger'>> & { logger: Logger | undefined };

  constructor(options: CustomerCacheOptions = {}) {
    this.options = {
      now: options.now ?? Date.now,
      logger: options.logger,
      ttlMs: options.ttlMs ?? DEFAULTS.ttlMs,
      absentFreshMs: options.absentFreshMs ?? DEFAULTS.absentFreshMs,
      maxAskers: options.maxAskers ?? DEFAULTS.maxAskers,
    };
  }

  /** The book of this shop and Tripletex key (TripletexTransport.key: a new key is a new book). */
  book(shopId: string, tripletexKey: string): ShopCustomerBook {
    const now = this.options.now();
    for (const [key, book] of this.books) {
      if (now - book.lastUsedAt > this.options.ttlMs) this.books.delete(key);
    }
    const key = `${shopId}\n${tripletexKey}`;
    let book = this.books.get(key);
    if (!book) {
      book = new ShopCustomerBook(shopId, this.options);
      this.books.set(key, book);
    }
    book.lastUsedAt = now;
    return book;
  }
}
