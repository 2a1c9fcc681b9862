/**
 * Paces Mystore calls per token. Mystore allows about 120 calls a minute per token in a fixed
 * 60 s window and sends no rate-limit headers (docs/mystore-api-model.md "Errors"), so the
 * pacer keeps its own count: a sliding log of the last `limit` send times per token. A call may
 * start only when the call `limit` places back started at least `windowMs` ago, so no window of
 * that length, and therefore no fixed 60 s window of the server, ever sees more than `limit`
 * calls. A small minimum spacing spreads bursts out. A 429 pauses the token until Retry-After.
 *
 * Decisions are pure functions of an injectable clock (tests never sleep). One pacer is shared
 * by every client in the process, keyed by a hash of the token (never the token itself), so
 * several clients, activities or workflows for the same token share one quota.
 */

export interface MystorePacerOptions {
  /** Calls allowed per token per window (config MYSTORE_RATE_LIMIT_PER_MINUTE); default 120. */
  limit?: number;
  /**
   * Length of the window the limit applies to. Default 61 s: Mystore's 60 s plus 1 s of margin,
   * because the server counts arrival times, and latency differs between calls.
   */
  windowMs?: number;
  /** Least time between two starts for one token; default a quarter of windowMs / limit (125 ms at 120/min). */
  minSpacingMs?: number;
  /** Wait after a 429 without Retry-After; default 60 s, one whole fixed window. */
  defaultRetryAfterMs?: number;
  /**
   * Longest a call waits inside the activity; default 60 s. A longer wait fails fast with a
   * MystoreRateLimitError instead, so Temporal schedules the retry durably.
   */
  maxWaitMs?: number;
  /** Clock, epoch ms. */
  now?: () => number;
  /** How to wait; tests pass a fake that advances their fake clock. */
  sleep?: (ms: number) => Promise<void>;
  /** Tokens remembered at most; idle ones are forgotten first. Default 10 000. */
  maxKeys?: number;
}

interface TokenState {
  /** Start times (epoch ms) of the last `limit` calls, oldest first. */
  starts: number[];
  /** Nothing is sent before this time (after a 429). */
  blockedUntilMs: number;
}

export class MystoreRateLimitPacer {
  readonly limit: number;
  readonly windowMs: number;
  readonly minSpacingMs: number;
  readonly defaultRetryAfterMs: number;
  readonly maxWaitMs: number;
  readonly now: () => number;
  private readonly sleepFn: (ms: number) => Promise<void>;
  private readonly maxKeys: number;
  private readonly states = new Map<string, TokenState>();

  constructor(options: MystorePacerOptions = {}) {
    this.limit = options.limit ?? 120;
    if (!Number.isInteger(this.limit) || this.limit < 1) throw new RangeError(`limit must be a positive integer, got ${this.limit}`);
    this.windowMs = options.windowMs ?? 61_000;
    this.minSpacingMs = options.minSpacingMs ?? Math.floor(this.windowMs / this.limit / 4);
    this.defaultRetryAfterMs = options.defaultRetryAfterMs ?? 60_000;
    this.maxWaitMs = options.maxWaitMs ?? 60_000;
    this.now = options.now ?? Date.now;
    this.sleepFn = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.maxKeys = options.maxKeys ?? 10_000;
  }

  /**
   * Reserves the next start for `key` and returns how many ms to wait before sending (0 = now).
   * The slot is taken even if the caller then decides not to wait (see acquire), which only
   * makes later calls more careful, never less.
   */
  reserve(key: string): number {
    const now = this.now();
    const state = this.stateFor(key);
    let startAt = Math.max(now, state.blockedUntilMs);
    const last = state.starts[state.starts.length - 1];
    if (last !== undefined) startAt = Math.max(startAt, last + this.minSpacingMs);
    if (state.starts.length >= this.limit) {
      const oldest = state.starts[state.starts.length - this.limit];
      if (oldest !== undefined) startAt = Math.max(startAt, oldest + this.windowMs);
    }
    state.starts.push(startAt);
    if (state.starts.length > this.limit) state.starts.splice(0, state.starts.length - this.limit);
    return startAt - now;
  }

  /**
   * How long the next call for `key` would wait, without reserving it. For diagnostics and
   * for callers that prefer to fail fast.
   */
  peek(key: string): number {
    const state = this.states.get(key);
    if (!state) return 0;
    const now = this.now();
    let startAt = Math.max(now, state.blockedUntilMs);
    const last = state.starts[state.starts.length - 1];
    if (last !== undefined) startAt = Math.max(startAt, last + this.minSpacingMs);
    const oldest = state.starts.length >= this.limit ? state.starts[state.starts.length - this.limit] : undefined;
    if (oldest !== undefined) startAt = Math.max(startAt, oldest + this.windowMs);
    return startAt - now;
  }

  /**
   * Waits for the slot reserve() gives. When that is longer than maxWaitMs nothing is reserved
   * and `tooLongMs` says how long the caller should let Temporal wait instead.
   */
  async acquire(key: string): Promise<{ waitedMs: number; tooLongMs?: number }> {
    const ahead = this.peek(key);
    if (ahead > this.maxWaitMs) return { waitedMs: 0, tooLongMs: ahead };
    const delay = this.reserve(key);
    if (delay > 0) await this.sleepFn(delay);
    return { waitedMs: delay };
  }

  /**
   * Records a 429 and returns how long to wait: Retry-After when Mystore sent it (assumed,
   * seconds), else a whole window. Every call for the token waits until then.
   */
  onRateLimited(key: string, retryAfterMs?: number): number {
    const now = this.now();
    const waitMs = retryAfterMs !== undefined && retryAfterMs >= 0 ? retryAfterMs : this.defaultRetryAfterMs;
    const state = this.stateFor(key);
    state.blockedUntilMs = Math.max(state.blockedUntilMs, now + waitMs);
    return state.blockedUntilMs - now;
  }

  /** The start times still counted for `key` (for tests and diagnostics). */
  startsOf(key: string): readonly number[] {
    return this.states.get(key)?.starts ?? [];
  }

  private stateFor(key: string): TokenState {
    let state = this.states.get(key);
    if (state) {
      // Move to the end: the map's order is least recently used first.
      this.states.delete(key);
      this.states.set(key, state);
      return state;
    }
    state = { starts: [], blockedUntilMs: 0 };
    this.states.set(key, state);
    this.forgetIdle();
    return state;
  }

  /** Bounded memory: drops tokens whose calls all left the window, least recently used first. */
  private forgetIdle(): void {
    if (this.states.size <= this.maxKeys) return;
    const now = this.now();
    for (const [key, state] of this.states) {
      if (this.states.size <= this.maxKeys) return;
      const last = state.starts[state.starts.length - 1] ?? 0;
      if (last + this.windowMs <= now && state.blockedUntilMs <= now) this.states.delete(key);
    }
    // Every token is busy: forgetting the oldest is still safe enough (its window ends soonest).
    for (const key of this.states.keys()) {
      if (this.states.size <= this.maxKeys) return;
      this.states.delete(key);
    }
  }
}

/**
 * Parses Retry-After (seconds, or an HTTP date) into ms; undefined when absent or unreadable.
 * Mystore sending it at all is assumed (docs/mystore-api-model.md).
 */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.ceil(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

const sharedPacers = new Map<number, MystoreRateLimitPacer>();

/** The pacer every client in this process shares for a given limit, unless a test injects its own. */
export function sharedMystorePacer(limitPerMinute = 120): MystoreRateLimitPacer {
  let pacer = sharedPacers.get(limitPerMinute);
  if (!pacer) {
    pacer = new MystoreRateLimitPacer({ limit: limitPerMinute });
    sharedPacers.set(limitPerMinute, pacer);
  }
  return pacer;
}
