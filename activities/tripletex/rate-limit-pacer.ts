/**
 * Paces Tripletex calls per employee token so a shop does not run into 429 (brief §3: limits
 * are "per employee for each API consumer", published nowhere, so they are read at runtime from
 * X-Rate-Limit-Limit / -Remaining / -Reset, Reset being *seconds left* in the current period).
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

  constructor(options: RateLimitPacerOptions = {}) {
    this.now = options.now ?? Date.now;
    this.sleepFn = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.lowShare = options.lowShare ?? 0.2;
    this.lowFloor = options.lowFloor ?? 5;
    this.backoffBaseMs = options.backoffBaseMs ?? 1_000;
    this.backoffMaxMs = options.backoffMaxMs ?? 60_000;
    this.maxWaitMs = options.maxWaitMs ?? 60_000;
  }

  /**
   * Reserves the next request slot for `key` and returns how many ms to wait before sending
   * (0 = send now). Plenty left → 0. Remaining low relative to the time left → slots spaced
   * evenly over what is left of the period. Nothing left, or blocked by a 429 → until the reset.
   */
  reserve(key: string): number {
    const now = this.now();
    const state = this.states.get(key);
    if (!state) return 0;
    if (state.blockedUntilMs > now) return state.blockedUntilMs - now;
    if (state.resetAtMs === undefined || now >= state.resetAtMs) return 0; // a new period has begun
    if (state.remaining <= 0) return state.resetAtMs - now;
    const low = Math.max(this.lowFloor, (state.limit ?? 0) * this.lowShare);
    if (state.remaining > low) {
      state.remaining -= 1;
      return 0;
    }
    // The remaining requests spread evenly from this slot to the end of the period.
    const startAt = Math.max(now, state.nextSlotAtMs);
    if (startAt >= state.resetAtMs) return state.resetAtMs - now;
    state.nextSlotAtMs = startAt + (state.resetAtMs - startAt) / state.remaining;
    state.remaining -= 1;
    return Math.ceil(startAt - now);
  }

  /** Waits for the slot reserve() gives, unless it is longer than maxWaitMs (then returns it unwaited). */
  async acquire(key: string): Promise<{ waitedMs: number; tooLongMs?: number }> {
    const delay = this.reserve(key);
    if (delay > this.maxWaitMs) return { waitedMs: 0, tooLongMs: delay };
    if (delay > 0) await this.sleepFn(delay);
    return { waitedMs: delay };
  }

  /** Records the X-Rate-Limit-* headers of any response except 429. */
  observe(key: string, headers: RateLimitHeaders): void {
    const now = this.now();
    const state = this.stateFor(key);
    state.consecutive429 = 0;
    state.blockedUntilMs = 0;
    if (headers.limit !== undefined) state.limit = headers.limit;
    if (headers.remaining !== undefined) state.remaining = headers.remaining;
    if (headers.resetSeconds !== undefined) {
      const resetAtMs = now + headers.resetSeconds * 1000;
      if (state.resetAtMs === undefined || resetAtMs > state.resetAtMs + 1000 || now >= state.resetAtMs) {
        state.nextSlotAtMs = now; // a new period: earlier spacing no longer applies
      }
      state.resetAtMs = resetAtMs;
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
      state = { limit: undefined, remaining: Number.POSITIVE_INFINITY, resetAtMs: undefined, nextSlotAtMs: 0, blockedUntilMs: 0, consecutive429: 0 };
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
