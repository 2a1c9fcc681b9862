/**
 * Tripletex session tokens, kept only in process memory (never in Temporal history or logs).
 * Keyed by a hash of (base URL, consumer token, employee token), so every client for the same
 * shop shares one session, and concurrent callers share one in-flight `:create` (brief §1).
 */
import { createHash } from 'node:crypto';
import { osloDate } from '../../domain/calendar';

/**
 * Tripletex counts session expiry in Norwegian calendar days: "The expiration date must be later
 * than today. Your session token will expire at midnight on the specified date" (brief §1,
 * [DEV-OPENAPI]). UNCONFIRMED: that "today" and "midnight" mean Europe/Oslo. Using Oslo's date
 * is the safe reading: between 22:00 and 24:00 UTC it is already tomorrow there.
 */
export const TRIPLETEX_TIME_ZONE = 'Europe/Oslo'; // domain/calendar.ts osloDate() uses this zone

/** The calendar date (YYYY-MM-DD) in Tripletex's time zone at epoch ms `nowMs`. */
export function tripletexToday(nowMs: number): string {
  return osloDate(new Date(nowMs));
}

/** A session token and the date (YYYY-MM-DD) from which Tripletex no longer accepts it. */
export interface SessionToken {
  readonly token: string;
  readonly expirationDate: string;
}

/** The cache key: a hash, so the map never holds the employee token itself. */
export function sessionKey(baseUrl: string, consumerToken: string, employeeToken: string): string {
  return createHash('sha256').update(`${baseUrl}\n${consumerToken}\n${employeeToken}`).digest('hex');
}

export class SessionTokenCache {
  private readonly sessions = new Map<string, SessionToken>();
  private readonly pending = new Map<string, Promise<SessionToken>>();

  /**
   * The cached session for `key` while `today` is before its expiration date (Tripletex rejects it
   * from that date on; valuetechdev/tripletex-go renews when now ≥ expirationDate), else a new one
   * from `create`. Concurrent callers share a single `create`.
   */
  async get(key: string, today: string, create: () => Promise<SessionToken>): Promise<SessionToken> {
    const cached = this.sessions.get(key);
    if (cached && today < cached.expirationDate) return cached;
    const inFlight = this.pending.get(key);
    if (inFlight) return inFlight;
    const creating = (async () => {
      try {
        const session = await create();
        this.sessions.set(key, session);
        return session;
      } finally {
        this.pending.delete(key);
      }
    })();
    this.pending.set(key, creating);
    return creating;
  }

  /**
   * Forgets `token` after Tripletex answered 401 to it. Only that exact token is dropped, so when
   * several requests fail with the same stale token, the first re-creates and the rest reuse it.
   */
  invalidate(key: string, token: string): void {
    if (this.sessions.get(key)?.token === token) this.sessions.delete(key);
  }

  /** Number of cached sessions (for tests and diagnostics). */
  get size(): number {
    return this.sessions.size;
  }
}

/** The cache every client in this process shares unless a test injects its own. */
export const sharedSessionTokens = new SessionTokenCache();
