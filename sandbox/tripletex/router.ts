// Route table for /v2 and the matcher. `{id}` matches digits only; literal segments win over
// `{id}` (so /invoice/paymentType is not /invoice/{id}). Segments arrive decoded, so
// `%3EwhoAmI` matches `>whoAmI` (brief §1).
import { customerRoutes } from './customer-routes';
import { invoiceRoutes } from './invoice-routes';
import { ledgerRoutes } from './ledger-routes';
import { orderRoutes } from './order-routes';
import type { Route } from './route-context';
import { sessionRoutes } from './session-routes';

export const ROUTES: readonly Route[] = [...sessionRoutes, ...customerRoutes, ...ledgerRoutes, ...invoiceRoutes, ...orderRoutes];

export interface RouteMatch { route: Route; params: Record<string, string> }

export function matchRoute(method: string, path: string): RouteMatch | null {
  const segments = path.split('/').filter((s) => s !== '');
  let best: { match: RouteMatch; literals: number } | null = null;
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    const pattern = route.path.split('/').filter((s) => s !== '');
    if (pattern.length !== segments.length) continue;
    const params: Record<string, string> = {};
    let literals = 0;
    let ok = true;
    pattern.forEach((p, i) => {
      const seg = segments[i] ?? '';
      if (p.startsWith('{')) {
        if (!/^\d+$/.test(seg)) ok = false;
        else params[p.slice(1, -1)] = seg;
      } else if (p === seg) literals += 1;
      else ok = false;
    });
    if (ok && (!best || literals > best.literals)) best = { match: { route, params }, literals };
  }
  return best?.match ?? null;
}
