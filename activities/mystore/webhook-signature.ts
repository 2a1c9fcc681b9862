/**
 * Verifies a Mystore webhook delivery (brief §1.10, confirmed): `X-No-Mystore-Hmac-Sha256` is
 * base64(HMAC-SHA256(raw body, webhook_secret)); `X-No-Mystore-Topic` and `X-No-Mystore-Host`
 * name the topic and the shop. Compute over the raw bytes as received, before any JSON parsing.
 *
 * Replay: Mystore's headers carry no timestamp or delivery id, so a signature proves only that
 * Mystore once sent this body, not when. WebhookReplayGuard remembers digests of recently
 * accepted bodies and reports a repeat as a duplicate. That is a signal, not a defence: a
 * replayed delivery only makes the app re-read the order through the API and signal a transfer
 * that is idempotent (one workflow per order, one invoice per order), so it is harmless, and a
 * genuine redelivery after a failed attempt must still be accepted (only remember after a 2xx).
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { WebhookHeaders } from './mystore-api-assumptions';

export type WebhookHeaderBag = Headers | Readonly<Record<string, string | readonly string[] | undefined>>;

export type WebhookVerification =
  | { ok: true; topic: string; shop: string }
  | { ok: false; reason: 'missing-secret' | 'missing-signature' | 'malformed-signature' | 'bad-signature' | 'missing-topic' | 'missing-shop' };

const SHA256_BYTES = 32;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;

/**
 * Checks the signature with a timing-safe compare (length-safe: a signature of the wrong length
 * is refused without comparing it), then that topic and shop are named. Several secrets may be
 * given while one is being rotated; any of them may match.
 */
export function verifyMystoreWebhook(input: { rawBody: Buffer; headers: WebhookHeaderBag; secret: string | readonly string[] }): WebhookVerification {
  const secrets = (typeof input.secret === 'string' ? [input.secret] : input.secret).filter((s) => s.length > 0);
  if (secrets.length === 0) return { ok: false, reason: 'missing-secret' };
  const signature = header(input.headers, WebhookHeaders.signature);
  if (!signature) return { ok: false, reason: 'missing-signature' };
  if (!BASE64.test(signature)) return { ok: false, reason: 'malformed-signature' };
  const given = Buffer.from(signature, 'base64');
  if (given.length !== SHA256_BYTES) return { ok: false, reason: 'malformed-signature' };
  let matched = false;
  for (const secret of secrets) {
    const expected = createHmac('sha256', secret).update(input.rawBody).digest();
    // Every secret is compared (no early exit), so timing does not tell which one matched.
    if (timingSafeEqual(expected, given)) matched = true;
  }
  if (!matched) return { ok: false, reason: 'bad-signature' };
  const topic = header(input.headers, WebhookHeaders.topic);
  if (!topic) return { ok: false, reason: 'missing-topic' };
  const shop = header(input.headers, WebhookHeaders.shop);
  if (!shop) return { ok: false, reason: 'missing-shop' };
  return { ok: true, topic, shop };
}

/** The signature header value for `rawBody` (for tests, the sandbox's counterpart and tools). */
export function signMystoreWebhook(rawBody: Buffer | string, secret: string): string {
  return createHmac('sha256', secret).update(rawBody).digest('base64');
}

function header(headers: WebhookHeaderBag, name: string): string | undefined {
  let value: string | readonly string[] | null | undefined;
  if (typeof (headers as Headers).get === 'function') value = (headers as Headers).get(name);
  else {
    const bag = headers as Readonly<Record<string, string | readonly string[] | undefined>>;
    value = bag[name] ?? Object.entries(bag).find(([key]) => key.toLowerCase() === name)?.[1];
  }
  const first = typeof value === 'string' ? value : value?.[0];
  const trimmed = first?.trim();
  return trimmed ? trimmed : undefined;
}

export interface WebhookReplayGuardOptions {
  /** How long an accepted body is remembered; default 15 min (longer than Mystore's assumed redelivery span to the 10-min step). */
  ttlMs?: number;
  /** Most digests kept; the oldest go first. Default 10 000 (about 1 MB). */
  maxEntries?: number;
  now?: () => number;
}

/** Remembers digests of recently accepted webhook bodies, bounded in time and memory. */
export class WebhookReplayGuard {
  private readonly seen = new Map<string, number>();
  private readonly ttlMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;

  constructor(options: WebhookReplayGuardOptions = {}) {
    this.ttlMs = options.ttlMs ?? 15 * 60_000;
    this.maxEntries = options.maxEntries ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** True when this body (for this shop/topic) was accepted within the TTL. Does not record. */
  isDuplicate(rawBody: Buffer, scope = ''): boolean {
    this.expire();
    return this.seen.has(digest(rawBody, scope));
  }

  /** Records an accepted body (call after answering 2xx). */
  remember(rawBody: Buffer, scope = ''): void {
    this.expire();
    const key = digest(rawBody, scope);
    this.seen.delete(key);
    this.seen.set(key, this.now() + this.ttlMs);
    while (this.seen.size > this.maxEntries) {
      const oldest = this.seen.keys().next();
      if (oldest.done) break;
      this.seen.delete(oldest.value);
    }
  }

  /** isDuplicate, then remember: 'duplicate' for a body seen within the TTL, else 'new'. */
  checkAndRemember(rawBody: Buffer, scope = ''): 'new' | 'duplicate' {
    const duplicate = this.isDuplicate(rawBody, scope);
    this.remember(rawBody, scope);
    return duplicate ? 'duplicate' : 'new';
  }

  get size(): number {
    this.expire();
    return this.seen.size;
  }

  /** Entries are in insertion order with equal TTLs, so expired ones are at the front. */
  private expire(): void {
    const now = this.now();
    for (const [key, expiresAt] of this.seen) {
      if (expiresAt > now) break;
      this.seen.delete(key);
    }
  }
}

function digest(rawBody: Buffer, scope: string): string {
  return createHash('sha256').update(scope).update('\0').update(rawBody).digest('base64');
}
