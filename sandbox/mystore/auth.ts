// Personal access tokens (docs/mystore-api-model.md "Tokens and scopes"): JWT-shaped, HS256
// signed with a sandbox secret, payload {sub, no_mystore_hosts:[shop], scopes, iat, exp}. The
// sandbox also keeps every token it issued, so revocation works and a token it never issued
// (even a well-signed one) is refused. Every refusal is the same 403 (brief §1.5).
import { createHmac } from 'node:crypto';
import { invalidToken, missingScope, tooManyRequests } from './api-error';
import type { MystoreStore, TokenRecord } from './store';

const SANDBOX_JWT_SECRET = 'mystore-sandbox-jwt-secret';
/** Mystore's personal access tokens live about 10 years (brief §1.2). */
const DEFAULT_LIFETIME_S = 10 * 365 * 24 * 3600;

const b64url = (s: string | Buffer) => Buffer.from(s).toString('base64url');

export function signToken(payload: Record<string, unknown>): string {
  const head = b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' }));
  const body = b64url(JSON.stringify(payload));
  const sig = createHmac('sha256', SANDBOX_JWT_SECRET).update(`${head}.${body}`).digest('base64url');
  return `${head}.${body}.${sig}`;
}

export function issueToken(store: MystoreStore, shop: string, scopes: string[], now: Date, expiresAt: Date | undefined, token: string | undefined): string {
  store.tokenCounter += 1;
  const iat = Math.floor(now.getTime() / 1000);
  const exp = expiresAt ? Math.floor(expiresAt.getTime() / 1000) : iat + DEFAULT_LIFETIME_S;
  const value = token ?? signToken({ sub: `sandbox-user-${store.tokenCounter}`, no_mystore_hosts: [shop], scopes, iat, exp });
  store.tokens.set(value, { token: value, shop, scopes: [...scopes], expiresAt: new Date(exp * 1000), revoked: false });
  return value;
}

/** The token's record, or the 403 every bad token gets. */
export function authenticate(store: MystoreStore, authorization: string | undefined, shop: string, now: Date): TokenRecord {
  const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  const rec = m?.[1] ? store.tokens.get(m[1]) : undefined;
  if (!rec || rec.revoked || rec.shop !== shop || !store.shops.has(shop)) throw invalidToken();
  if (rec.expiresAt && rec.expiresAt.getTime() <= now.getTime()) throw invalidToken();
  return rec;
}

export function requireScopes(token: TokenRecord, scopes: readonly string[]): void {
  for (const s of scopes) if (!token.scopes.includes(s)) throw missingScope(s);
}

/** Per token, fixed 60 s windows on the sandbox clock; 429 with Retry-After (seconds left). */
export class RateLimiter {
  private windows = new Map<string, { start: number; used: number }>();
  constructor(private perMinute: number | null) {}
  set(perMinute: number | null): void { this.perMinute = perMinute; this.windows.clear(); }
  check(token: string, nowMs: number): void {
    if (this.perMinute === null) return;
    const start = Math.floor(nowMs / 60_000) * 60_000;
    let w = this.windows.get(token);
    if (!w || w.start !== start) {
      w = { start, used: 0 };
      this.windows.set(token, w);
    }
    w.used += 1;
    if (w.used > this.perMinute) throw tooManyRequests(Math.max(1, Math.ceil((start + 60_000 - nowMs) / 1000)));
  }
}
