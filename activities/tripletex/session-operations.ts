/** Who the employee token is, and what it may do: used by onboarding (DESIGN.md flow 1). */
import type { TripletexTransport } from './tripletex-client';
import { TripletexPermissionError } from './tripletex-errors';
import { idOnlySchema, loggedInUserSchema, type TripletexLoggedInUser } from './tripletex-schemas';
import { addDays } from '../../domain/calendar';

const WHO_AM_I_FIELDS = 'employeeId,companyId,company(id,name,organizationNumber),employee(id,firstName,lastName)';

/** `GET /token/session/>whoAmI`: a cheap token check that also names the company (brief §1). */
export function whoAmI(t: TripletexTransport): Promise<TripletexLoggedInUser> {
  return t.getValue('/token/session/>whoAmI', loggedInUserSchema, { fields: WHO_AM_I_FIELDS });
}

/** The areas probeAccess() checks, each one a read invoicing needs. */
export const ACCESS_AREAS = ['customers', 'invoices', 'orders', 'vatTypes', 'ledgerAccounts', 'paymentTypes'] as const;
export type AccessArea = (typeof ACCESS_AREAS)[number];
export type AccessReport = Record<AccessArea, boolean>;

/**
 * One `count=1&fields=id` read per area: 403 → not allowed (entitlement or module missing,
 * brief §1); any other error is thrown. Invoice and order searches need a date window (§6.1, §6.4).
 */
export async function probeAccess<Area extends AccessArea>(
  t: TripletexTransport,
  areas: readonly Area[] = ACCESS_AREAS as readonly AccessArea[] as readonly Area[],
): Promise<Record<Area, boolean>> {
  const window = { from: '2000-01-01', to: addDays(t.today(), 1) };
  const probes: Record<AccessArea, () => Promise<unknown>> = {
    customers: () => t.getPage('/customer', idOnlySchema, { count: 1, fields: 'id' }),
    invoices: () => t.getPage('/invoice', idOnlySchema, { invoiceDateFrom: window.from, invoiceDateTo: window.to, count: 1, fields: 'id' }),
    orders: () => t.getPage('/order', idOnlySchema, { orderDateFrom: window.from, orderDateTo: window.to, count: 1, fields: 'id' }),
    vatTypes: () => t.getPage('/ledger/vatType', idOnlySchema, { count: 1, fields: 'id' }),
    ledgerAccounts: () => t.getPage('/ledger/account', idOnlySchema, { count: 1, fields: 'id' }),
    paymentTypes: () => t.getPage('/invoice/paymentType', idOnlySchema, { count: 1, fields: 'id' }),
  };
  const results = await Promise.all(
    areas.map(async (area) => {
      try {
        await probes[area]();
        return [area, true] as const;
      } catch (error) {
        if (error instanceof TripletexPermissionError) return [area, false] as const;
        throw error;
      }
    }),
  );
  return Object.fromEntries(results) as Record<Area, boolean>;
}
