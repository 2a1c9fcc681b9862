// Webhook deliveries (docs/mystore-api-model.md "Webhooks"): POST the signal body to every
// address of the shop subscribed to the topic, signed with base64(HMAC-SHA256(raw body,
// webhook_secret)). A non-2xx answer or none within the timeout is redelivered after each of
// `retryDelaysMs` in turn, then given up. Deliveries run on real timers, never inside the API
// request that caused them, and `stop()` cancels everything pending.
import { createHmac } from 'node:crypto';
import type { WebhookRecord } from './store';

export type WebhookTopic = 'orders/create' | 'orders/update';
export const WEBHOOK_TOPICS: readonly WebhookTopic[] = ['orders/create', 'orders/update'];

export interface WebhookDelivery {
  shop: string;
  webhookId: string;
  url: string;
  topic: WebhookTopic;
  orderId: string;
  /** 1 for the first try. */
  attempt: number;
  /** The receiver's HTTP status, or null when there was no answer. */
  status: number | null;
  /** Why the attempt failed without a status (timeout, connection refused). */
  error: string | null;
  ok: boolean;
  /** Wall-clock time of the attempt (ISO). */
  at: string;
  body: string;
}

export function signWebhookBody(rawBody: string, secret: string): string {
  return createHmac('sha256', secret).update(rawBody, 'utf8').digest('base64');
}

export class WebhookDispatcher {
  private readonly log: WebhookDelivery[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly inflight = new Set<AbortController>();
  private stopped = false;

  constructor(private readonly retryDelaysMs: readonly number[], private readonly timeoutMs: number) {}

  deliveries(shop: string): WebhookDelivery[] {
    return this.log.filter((d) => d.shop === shop).map((d) => ({ ...d }));
  }

  /** Queues one delivery per webhook; returns at once. */
  send(shop: string, hooks: WebhookRecord[], topic: WebhookTopic, orderId: string, updatedAt: string): void {
    for (const hook of hooks) {
      if (hook.topic !== topic) continue;
      const body = JSON.stringify({ id: orderId, topic, shop, updated_at: updatedAt });
      this.schedule(0, () => this.attempt(shop, hook, topic, orderId, body, 1));
    }
  }

  private schedule(delayMs: number, fn: () => Promise<void>): void {
    if (this.stopped) return;
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn().catch((e: unknown) => console.error('mystore sandbox: webhook delivery crashed', e));
    }, delayMs);
    this.timers.add(t);
  }

  private async attempt(shop: string, hook: WebhookRecord, topic: WebhookTopic, orderId: string, body: string, attempt: number): Promise<void> {
    if (this.stopped) return;
    const ac = new AbortController();
    this.inflight.add(ac);
    const timer = setTimeout(() => ac.abort(), this.timeoutMs);
    let status: number | null = null;
    let error: string | null = null;
    try {
      const res = await fetch(hook.address, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Mystore-Webhooks (sandbox)',
          'x-no-mystore-topic': topic,
          'x-no-mystore-hmac-sha256': signWebhookBody(body, hook.secret),
          'x-no-mystore-host': shop,
        },
        body,
        signal: ac.signal,
      });
      status = res.status;
      await res.arrayBuffer().catch(() => undefined);
    } catch (e) {
      error = ac.signal.aborted ? `no answer within ${this.timeoutMs} ms` : (e instanceof Error ? (e.cause instanceof Error ? e.cause.message : e.message) : String(e));
    } finally {
      clearTimeout(timer);
      this.inflight.delete(ac);
    }
    if (this.stopped) return;
    const ok = status !== null && status >= 200 && status < 300;
    this.log.push({ shop, webhookId: hook.id, url: hook.address, topic, orderId, attempt, status, error, ok, at: new Date().toISOString(), body });
    const delay = this.retryDelaysMs[attempt - 1];
    if (!ok && delay !== undefined) this.schedule(delay, () => this.attempt(shop, hook, topic, orderId, body, attempt + 1));
  }

  /** Cancels pending redeliveries and aborts attempts in flight; the log is kept. */
  stop(): void {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
    for (const ac of this.inflight) ac.abort();
    this.inflight.clear();
  }

  /** stop() and forget the log (admin reset); the dispatcher keeps working afterwards. */
  reset(): void {
    this.stop();
    this.log.length = 0;
    this.stopped = false;
  }
}
