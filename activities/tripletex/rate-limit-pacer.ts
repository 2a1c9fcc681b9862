/**
 * Paces Tripletex calls per employee token so a shop does not run into 429 (brief §3: limits
 * are "per employee for each API consumer", published nowhere, so they are read at runtime from
 * X-Rate-Limit-Limit / -Remaining / -Reset, Reset being *seconds left* in the current period).
 *
 * What the headers say is already old when they arrive: requests let through since (or sent
 * before and not yet answered) are not in that Remaining. So the pacer counts the requests it
 * let through and has no answer for yet ("outstanding", answered oldest first) and takes them
 * off every Remaining it reads; within a period it only ever lowers its count (an answer that
 * overtook an earlier one says more remains than does). Reset is whole seconds rounded up, so
 * `now + Reset` is a time the period has certainly ended by; the earliest such bound of the
 * period is kept. When that time passes with no answer from the new period yet, the new period
 * is assumed to have the last known limit, less what is outstanding, rather than none, so
 * concurrent callers do not all go at once. Requests kept waiting for a period to end go in
 * that order, at most one period's limit per period.
 *
 * The decisions are pure functions of the observed headers and an injectable clock, so they are
 * unit-tested without sleeping. One pacer instance is shared by every client in the process
 * (`sharedRateLimitPacer`), so several clients for the same token see the same quota.
 */

/** What the pacer remembers about one token's current rate-limit period. */
interface WindowState {
  limit: number | undefined;
  /** Requests left, counted down locally between responses so concurrent callers share them. */
  remaining: number;
  /** Epoch ms when the current period ends (from X-Rate-Limit-Reset). */
  resetAtMs: number | undefined;
  /** Earliest epoch ms the next paced request may start. */
  nextSlotAtMs: number;
  /** Set after a 429: nothing is sent before this time. */
  blockedUntilMs: number;
  /** 429s in a row, for exponential backoff when no reset is known. */
  consecutive429: number;
  /** When each request let through and not yet answered was (or will be) sent, oldest first. */
  outstanding: number[];
  /** The longest period seen (the largest Reset), ms; 0 while unknown. */
  periodMs: number;
  /** When the pacer last assumed a new period had begun (answers to requests sent before it may describe the old one). */
  periodAssumedAtMs: number;
}

export interface RateLimitPacerOptions {
  /** Clock, epoch ms. */
  now?: () => number;
  /** How to wait; tests pass a fake that advances their fake clock. */
  sleep?: (ms: number) => Promise<void>;
  /** Start spacing requests out when remaining ≤ this share of the limit. */
  lowShare?: number;
  /** …or when remaining ≤ this many, whichever is larger. */
  lowFloor?: number;
  /** First exponential backoff step after a 429 without any known reset. */
  backoffBaseMs?: number;
  /** Upper bound of the exponential backoff. */
  backoffMaxMs?: number;
  /**
   * Longest a request waits inside the activity. A longer wait fails fast with a
   * TripletexRateLimitError instead, so Temporal schedules the retry durably.
   */
  maxWaitMs?: number;
  /**
   * How long a request let through counts as outstanding without an answer (one that failed
   * on the network is never answered); default 30 s, the client's default timeout.
   */
  outstandingTtlMs?: number;
}

/** The headers the pacer reads, already parsed. */
export interface RateLimitHeaders {
  limit?: number | undefined;
  remaining?: number | undefined;
  /** Seconds left in the current period. */
  resetSeconds?: number | undefined;
}

export class RateLimitPacer {
  private readonly states = new Map<string, WindowState>();
  readonly now: () => number;
  private readonly sleepFn: (ms: number) => Promise<void>;
  private readonly lowShare: number;
  private readonly lowFloor: number;
  private readonly backoffBaseMs: number;
  private readonly backoffMaxMs: number;
  readonly maxWaitMs: number;
  private readonly outstandingTtlMs: number;

  constructor(options: RateLimitPacerOptions = {}) {
    this.now = options.now ?? Date.now;
    this.sleepFn = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.lowShare = options.lowShare ?? 0.2;
    this.lowFloor = options.lowFloor ?? 5;
    this.backoffBaseMs = options.backoffBaseMs ?? 1_000;
    this.backoffMaxMs = options.backoffMaxMs ?? 60_000;
    this.maxWaitMs = options.maxWaitMs ?? 60_000;
    this.outstandingTtlMs = options.outstandingTtlMs ?? 30_000;
  }

  /**
   * Reserves the next request slot for `key` and returns how many ms to wait before sending
   * (0 = send now). Plenty left → 0. Remaining low relative to the time left → slots spaced
   * evenly over what is left of the period. Nothing left, or blocked by a 429 → until the reset
   * (or a later one, when more are already waiting than a period allows).
   */
  reserve(key: string): number {
    const now = this.now();
    const state = this.stateFor(key);
    this.expireOutstanding(state, now);
    const delay = this.delayFor(state, now);
    state.outstanding.push(now + delay);
    // Kept in send order, so answers (oldest first) match the requests that went first.
    if (delay > 0) state.outstanding.sort((a, b) => a - b);
    return delay;
  }

  private delayFor(state: WindowState, now: number): number {
    if (state.blockedUntilMs > now) return this.firstRoomFrom(state, state.blockedUntilMs) - now;
    if (state.resetAtMs === undefined) return 0; // nothing known yet
    if (now >= state.resetAtMs) this.assumeNewPeriod(state, now);
    const resetAtMs = state.resetAtMs!;
    if (state.remaining <= 0) return this.afterReset(state, resetAtMs) - now;
    const low = Math.max(this.lowFloor, (state.limit ?? 0) * this.lowShare);
    if (state.remaining > low) {
      state.remaining -= 1;
      return 0;
    }
    // The remaining requests spread evenly from this slot to the end of the period.
    const startAt = Math.max(now, state.nextSlotAtMs);
    if (startAt >= resetAtMs) return this.afterReset(state, resetAtMs) - now;
    state.nextSlotAtMs = startAt + (resetAtMs - startAt) / state.remaining;
    state.remaining -= 1;
    return Math.ceil(startAt - now);
  }

  /**
   * The current period's end has passed and no answer from the next one has come: the next
   * one is assumed to have the last known limit, less the requests still outstanding.
   */
  private assumeNewPeriod(state: WindowState, now: number): void {
    const periodMs = state.periodMs > 0 ? state.periodMs : 1_000;
    let resetAtMs = state.resetAtMs ?? now;
    while (resetAtMs <= now) resetAtMs += periodMs;
    state.resetAtMs = resetAtMs;
    state.periodAssumedAtMs = now;
    state.nextSlotAtMs = now;
    state.remaining = state.limit === undefined ? Number.POSITIVE_INFINITY : state.limit - state.outstanding.length;
  }

  /**
   * When a request that finds the period spent may go: at the reset, unless as many as a period
   * allows are already waiting for it (then a period later, and so on).
   */
  private afterReset(state: WindowState, resetAtMs: number): number {
    return this.firstRoomFrom(state, resetAtMs);
  }

  /**
   * The first period boundary from `atMs` on that fewer than a period's limit already wait for.
   * Requests already waiting were given boundaries from an earlier estimate of the period's end,
   * which moves by a few ms as answers come in: each counts for the boundary nearest its time.
   */
  private firstRoomFrom(state: WindowState, atMs: number): number {
    const limit = state.limit ?? Number.POSITIVE_INFINITY;
    if (!Number.isFinite(limit) || limit <= 0) return atMs;
    const periodMs = state.periodMs > 0 ? state.periodMs : 1_000;
    const waitingPer = new Map<number, number>();
    for (const at of state.outstanding) {
      const index = Math.round((at - atMs) / periodMs);
      if (index >= 0) waitingPer.set(index, (waitingPer.get(index) ?? 0) + 1);
    }
    let index = 0;
    while ((waitingPer.get(index) ?? 0) >= limit) index += 1;
    return atMs + index * periodMs;
  }

  /**
   * The end of a new period: `endsBy`, unless the last known end plus whole periods is earlier
   * and still within the second that Reset's rounding leaves open. Both are times the period has
   * certainly ended by; without this, each period's estimate would start from the first answer
   * in it, and so drift later by a round trip every period.
   */
  private nextPeriodEnd(state: WindowState, now: number, endsBy: number): number {
    if (state.resetAtMs === undefined || state.periodMs <= 0) return endsBy;
    let grid = state.resetAtMs;
    while (grid <= now) grid += state.periodMs;
    return grid < endsBy && grid >= endsBy - 1_000 ? grid : endsBy;
  }

  /** Waits for the slot reserve() gives, unless it is longer than maxWaitMs (then returns it unwaited, the slot given back). */
  async acquire(key: string): Promise<{ waitedMs: number; tooLongMs?: number }> {
    const delay = this.reserve(key);
    if (delay > this.maxWaitMs) {
      this.giveBack(key, this.now() + delay);
      return { waitedMs: 0, tooLongMs: delay };
    }
    if (delay > 0) await this.sleepFn(delay);
    return { waitedMs: delay };
  }

  /** A reserved slot that will not be used after all. */
  private giveBack(key: string, at: number): void {
    const state = this.states.get(key);
    const index = state ? state.outstanding.lastIndexOf(at) : -1;
    if (state && index >= 0) state.outstanding.splice(index, 1);
  }

  /** The answer to the oldest outstanding request has come: returns when that request was sent. */
  private answered(state: WindowState): number | undefined {
    return state.outstanding.shift();
  }

  private expireOutstanding(state: WindowState, now: number): void {
    while (state.outstanding.length > 0 && state.outstanding[0]! + this.outstandingTtlMs < now) state.outstanding.shift();
  }

  /** Records the X-Rate-Limit-* headers of any response except 429. */
  observe(key: string, headers: RateLimitHeaders): void {
    const now = this.now();
    const state = this.stateFor(key);
    const sentAt = this.answered(state);
    this.expireOutstanding(state, now);
    state.consecutive429 = 0;
    state.blockedUntilMs = 0;
    if (headers.limit !== undefined) state.limit = headers.limit;
    // An answer to a request sent before the pacer assumed a new period may describe the old one.
    if (sentAt !== undefined && sentAt < state.periodAssumedAtMs) return;
    const remaining = headers.remaining === undefined ? undefined : headers.remaining - state.outstanding.length;
    if (headers.resetSeconds === undefined) {
      if (remaining !== undefined) state.remaining = remaining;
      return;
    }
    state.periodMs = Math.max(state.periodMs, headers.resetSeconds * 1000);
    // Reset is rounded up to whole seconds and read after the server wrote it: the period ends by then.
    const endsBy = now + headers.resetSeconds * 1000;
    const newPeriod = state.resetAtMs === undefined || now >= state.resetAtMs || endsBy > state.resetAtMs + 1000;
    if (newPeriod) {
      state.nextSlotAtMs = now; // a new period: earlier spacing no longer applies
      state.resetAtMs = this.nextPeriodEnd(state, now, endsBy);
      if (remaining !== undefined) state.remaining = remaining;
    } else {
      state.resetAtMs = Math.min(state.resetAtMs!, endsBy);
      if (remaining !== undefined) state.remaining = Math.min(state.remaining, remaining);
    }
  }

  /**
   * Records a 429 and returns how long to wait before the next try. Tripletex's 429 lacks
   * X-Rate-Limit-Reset (brief §3, Tripletex issue #103), so: the reset on this response if it
   * ever appears, else the last known reset if still ahead, else exponential backoff.
   */
  onRateLimited(key: string, headers: RateLimitHeaders = {}): number {
    const now = this.now();
    const state = this.stateFor(key);
    const sentAt = this.answered(state);
    // Sent before the pacer assumed a new period: a 429 of the period that has ended since.
    if (sentAt !== undefined && sentAt < state.periodAssumedAtMs && headers.resetSeconds === undefined) return Math.max(0, state.nextSlotAtMs - now);
    state.consecutive429 += 1;
    state.remaining = 0;
    if (headers.resetSeconds !== undefined) state.resetAtMs = now + headers.resetSeconds * 1000;
    let waitMs: number;
    if (state.resetAtMs !== undefined && state.resetAtMs > now) {
      waitMs = state.resetAtMs - now;
    } else {
      waitMs = Math.min(this.backoffMaxMs, this.backoffBaseMs * 2 ** (state.consecutive429 - 1));
    }
    state.blockedUntilMs = now + waitMs;
    return waitMs;
  }

  /** The last known reset of `key`'s period, epoch ms (for diagnostics and tests). */
  knownResetAt(key: string): number | undefined {
    return this.states.get(key)?.resetAtMs;
  }

  private stateFor(key: string): WindowState {
    let state = this.states.get(key);
    if (!state) {
      state = {
        limit: undefined, remaining: Number.POSITIVE_INFINITY, resetAtMs: undefined, nextSlotAtMs: 0, blockedUntilMs: 0, consecutive429: 0,
        outstanding: [], periodMs: 0, periodAssumedAtMs: 0,
      };
      this.states.set(key, state);
    }
    return state;
  }
}

/** Parses X-Rate-Limit-Limit / -Remaining / -Reset from a response's headers (absent → undefined). */
export function readRateLimitHeaders(headers: Headers): RateLimitHeaders {
  const read = (name: string): number | undefined => {
    const raw = headers.get(name);
    if (raw === null || raw.trim() === '') return undefined;
    const value = Number(raw);
    return Number.isFinite(value) && value >= 0 ? value : undefined;
  };
  return {
    limit: read('x-rate-limit-limit'),
    remaining: read('x-rate-limit-remaining'),
    resetSeconds: read('x-rate-limit-reset'),
  };
}

/** The pacer every client in this process shares unless a test injects its own. */
export const sharedRateLimitPacer = new RateLimitPacer();
