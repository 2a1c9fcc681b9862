// The admin API over HTTP under /_admin (JSON in/out), for the launcher, the demo and tests in
// other processes. Same operations as the in-process `admin`. Never subject to faults, rate
// limits or the request log.
import type { FaultConfig } from '../shared/faults';
import { SandboxAdminError, type CreditOrderInput, type MystoreSandboxAdmin } from './admin';
import type { OrderSpec, StatusKey } from './order-spec';

export interface AdminHttpResult { status: number; body: unknown }

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

/** Routes (all JSON):
 *  POST   /_admin/shops                              CreateShopInput → ShopView
 *  GET    /_admin/shops/:shop                        → ShopView
 *  POST   /_admin/shops/:shop/tokens                 {scopes?, expiresAt?, token?} → {token}
 *  DELETE /_admin/tokens/:token                      → {revoked: true}
 *  POST   /_admin/shops/:shop/orders/generate        {count, seed?, startAt?, endAt?, status?} → {orderIds}
 *  POST   /_admin/shops/:shop/orders                 OrderSpec → OrderView
 *  GET    /_admin/shops/:shop/orders                 → {orderIds}
 *  GET    /_admin/shops/:shop/orders/:id             → OrderView
 *  PUT    /_admin/shops/:shop/orders/:id/status      {statusId} → OrderView
 *  POST   /_admin/shops/:shop/orders/:id/credit      {lines?: [{lineId, quantity}] | "full", returnShippingFee?} → OrderView
 *  GET    /_admin/shops/:shop/webhook-deliveries     → WebhookDelivery[]
 *  PUT    /_admin/faults                             FaultConfig (paths as strings) → {ok: true}
 *  PUT    /_admin/rate-limit                         {perMinute: number | null} → {ok: true}
 *  POST   /_admin/reset                              → {ok: true}
 *  GET    /_admin/request-count                      → {count}
 */
export function handleAdmin(admin: MystoreSandboxAdmin, method: string, path: string, body: unknown, requestCount: () => number): AdminHttpResult {
  const seg = path.split('/').filter((s) => s !== '').map((s) => { try { return decodeURIComponent(s); } catch { return s; } }).slice(1);
  const ok = (b: unknown, status = 200): AdminHttpResult => ({ status, body: b });
  const route = `${method} /${seg.map((s, i) => (seg[i - 1] === 'shops' || seg[i - 1] === 'tokens' || (seg[i - 1] === 'orders' && s !== 'generate') ? ':x' : s)).join('/')}`;
  const shop = seg[1] ?? '';
  const orderId = seg[3] ?? '';
  const b = obj(body);
  try {
    switch (route) {
      case 'POST /shops': return ok(admin.createShop(b as never), 201);
      case 'GET /shops/:x': return ok(admin.getShop(shop));
      case 'POST /shops/:x/tokens':
        return ok({
          token: admin.createToken(shop, {
            ...(Array.isArray(b.scopes) ? { scopes: b.scopes.map(String) } : {}),
            ...(str(b.expiresAt) ? { expiresAt: str(b.expiresAt) } : {}),
            ...(str(b.token) ? { token: str(b.token) } : {}),
          }),
        }, 201);
      case 'DELETE /tokens/:x': admin.revokeToken(seg[1] ?? ''); return ok({ revoked: true });
      case 'POST /shops/:x/orders/generate':
        return ok({
          orderIds: admin.generateOrders(shop, {
            count: Number(b.count),
            ...(typeof b.seed === 'number' ? { seed: b.seed } : {}),
            ...(str(b.startAt) ? { startAt: str(b.startAt) } : {}),
            ...(str(b.endAt) ? { endAt: str(b.endAt) } : {}),
            ...(str(b.status) ? { status: str(b.status) as StatusKey } : {}),
          }),
        }, 201);
      case 'POST /shops/:x/orders': return ok(admin.createOrder(shop, b as unknown as OrderSpec), 201);
      case 'GET /shops/:x/orders': return ok({ orderIds: admin.listOrderIds(shop) });
      case 'GET /shops/:x/orders/:x': return ok(admin.getOrder(shop, orderId));
      case 'PUT /shops/:x/orders/:x/status': return ok(admin.setOrderStatus(shop, orderId, String(b.statusId)));
      case 'POST /shops/:x/orders/:x/credit': return ok(admin.createCreditOrder(shop, orderId, b as CreditOrderInput), 201);
      case 'GET /shops/:x/webhook-deliveries': return ok(admin.webhookDeliveries(shop));
      case 'PUT /faults': admin.setFaults(b as FaultConfig); return ok({ ok: true });
      case 'PUT /rate-limit': admin.setRateLimit(typeof b.perMinute === 'number' ? b.perMinute : null); return ok({ ok: true });
      case 'POST /reset': admin.reset(); return ok({ ok: true });
      case 'GET /request-count': return ok({ count: requestCount() });
      default: return { status: 404, body: { error: `no admin route ${method} ${path}` } };
    }
  } catch (e) {
    if (e instanceof SandboxAdminError) return { status: e.status, body: { error: e.message } };
    throw e;
  }
}
