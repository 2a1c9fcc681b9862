// The admin API over HTTP under /_admin (JSON in/out), for the launcher, the demo and tests in
// other processes. Same operations as the in-process `admin`. Never subject to faults or
// rate limits.
import { SandboxAdminError, type TripletexSandboxAdmin } from './admin';
import type { FaultConfig } from '../shared/faults';
import type { Access } from './store';

export interface AdminHttpResult { status: number; body: unknown }

type Json = Record<string, unknown>;
const obj = (v: unknown): Json => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Json) : {});

/** Routes (all JSON):
 *  POST   /_admin/companies                          CreateCompanyInput → CompanyView
 *  GET    /_admin/companies/:id                      → CompanyView
 *  PATCH  /_admin/companies/:id/settings             CompanySettingsUpdate → CompanyView (PUT also accepted)
 *  POST   /_admin/consumer-tokens                    {token?} → {token}
 *  POST   /_admin/companies/:id/employee-tokens      {access?, token?} → {token}
 *  DELETE /_admin/employee-tokens/:token             → {revoked: true}
 *  POST   /_admin/session-tokens/expire              → {expired: true}
 *  PUT    /_admin/faults                             FaultConfig (paths as strings) → {ok: true}
 *  PUT    /_admin/rate-limit                         {limit, windowSeconds} | null → {ok: true}
 *  POST   /_admin/reset                              → {ok: true}
 *  GET    /_admin/companies/:id/invoices|customers|orders → list
 *  POST   /_admin/companies/:id/invoices             ManualInvoiceInput → InvoiceView
 *  DELETE /_admin/companies/:id/invoices/:invoiceId  → InvoiceView (the deleted invoice)
 *  PATCH  /_admin/companies/:id/invoices/:invoiceId  {amountOre} → InvoiceView
 *  GET    /_admin/request-count                      → {count}
 */
export function handleAdmin(admin: TripletexSandboxAdmin, method: string, path: string, body: unknown, requestCount: () => number): AdminHttpResult {
  const seg = path.split('/').filter((s) => s !== '').map(decodeURIComponent).slice(1); // drop "_admin"
  const ok = (b: unknown, status = 200): AdminHttpResult => ({ status, body: b });
  const route = `${method} /${seg.map((s, i) => ((seg[i - 1] === 'companies' || seg[i - 1] === 'employee-tokens' || (seg[i - 1] === 'invoices' && i === 3)) ? ':x' : s)).join('/')}`;
  const id = Number(seg[1]);
  try {
    switch (route) {
      case 'POST /companies': return ok(admin.createCompany(obj(body) as never), 201);
      case 'GET /companies/:x': return ok(admin.getCompany(id));
      case 'PATCH /companies/:x/settings':
      case 'PUT /companies/:x/settings': return ok(admin.updateCompanySettings(id, obj(body)));
      case 'POST /consumer-tokens': {
        const t = obj(body).token;
        return ok({ token: admin.createConsumerToken(typeof t === 'string' ? t : undefined) }, 201);
      }
      case 'POST /companies/:x/employee-tokens': {
        const b = obj(body);
        return ok({
          token: admin.createEmployeeToken(id, {
            ...(Array.isArray(b.access) ? { access: b.access as Access[] } : {}),
            ...(typeof b.token === 'string' ? { token: b.token } : {}),
          }),
        }, 201);
      }
      case 'DELETE /employee-tokens/:x': admin.revokeEmployeeToken(seg[1] ?? ''); return ok({ revoked: true });
      case 'POST /session-tokens/expire': admin.expireSessionTokens(); return ok({ expired: true });
      case 'PUT /faults': admin.setFaults(obj(body) as FaultConfig); return ok({ ok: true });
      case 'PUT /rate-limit': {
        const b = obj(body);
        admin.setRateLimit(typeof b.limit === 'number' && typeof b.windowSeconds === 'number' ? { limit: b.limit, windowSeconds: b.windowSeconds } : null);
        return ok({ ok: true });
      }
      case 'POST /reset': admin.reset(); return ok({ ok: true });
      case 'GET /companies/:x/invoices': return ok(admin.listInvoices(id));
      case 'GET /companies/:x/customers': return ok(admin.listCustomers(id));
      case 'GET /companies/:x/orders': return ok(admin.listOrders(id));
      case 'POST /companies/:x/invoices': return ok(admin.createInvoiceManually(id, obj(body) as never), 201);
      case 'DELETE /companies/:x/invoices/:x': return ok(admin.deleteInvoice(id, Number(seg[3])));
      case 'PATCH /companies/:x/invoices/:x': return ok(admin.changeInvoiceAmount(id, Number(seg[3]), Number(obj(body).amountOre)));
      case 'GET /request-count': return ok({ count: requestCount() });
      default: return { status: 404, body: { error: `no admin route ${method} ${path}` } };
    }
  } catch (e) {
    if (e instanceof SandboxAdminError) return { status: e.status, body: { error: e.message } };
    throw e;
  }
}
