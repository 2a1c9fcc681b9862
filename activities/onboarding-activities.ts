/**
 * Activities of the onboarding workflow. They gather facts; the verdict is made by pure domain
 * code in the workflow, so every rule about what invoicing needs lives in one place.
 */
import type { TripletexKeyFacts } from '../domain/tripletex-readiness';
import { osloDate } from '../domain/calendar';
import type { ActivityDeps } from './activity-deps';
import { TripletexPermissionError } from './tripletex/tripletex-errors';
import { withTripletexFailures } from './tripletex/to-application-failure';

/** Runs a read; a 403 means the key may not read that area, which onboarding reports per area. */
async function readIfAllowed<T>(read: () => Promise<T>, whenRefused: T): Promise<{ allowed: boolean; value: T }> {
  try {
    return { allowed: true, value: await read() };
  } catch (error) {
    if (error instanceof TripletexPermissionError) return { allowed: false, value: whenRefused };
    throw error;
  }
}

export function createOnboardingActivities(deps: ActivityDeps) {
  return {
    /**
     * Creates a session with the merchant's employee token and reads what onboarding judges:
     * who the key belongs to, what it may access, bank account, active VAT codes, payment types.
     * Seven calls: session, whoAmI, two access probes and three reads that double as probes.
     */
    async gatherTripletexKeyFacts(input: { employeeToken: string }): Promise<TripletexKeyFacts> {
      return withTripletexFailures(async () => {
        const tripletex = deps.tripletexClient(input.employeeToken);
        const me = await tripletex.whoAmI();
        const [access, bankAccounts, vatTypes, paymentTypes] = await Promise.all([
          tripletex.probeAccess(['customers', 'invoices']),
          readIfAllowed(() => tripletex.listBankAccounts(), []),
          readIfAllowed(() => tripletex.listOutgoingVatTypes(osloDate(deps.now())), []),
          readIfAllowed(() => tripletex.listPaymentTypes(), []),
        ]);
        return {
          company: { id: me.company.id, name: me.company.name, organizationNumber: me.company.organizationNumber },
          employee: { id: me.employee.id, name: [me.employee.firstName, me.employee.lastName].filter(Boolean).join(' ') },
          access: {
            customers: access.customers,
            invoices: access.invoices,
            ledger: bankAccounts.allowed && vatTypes.allowed,
            paymentTypes: paymentTypes.allowed,
          },
          bankAccounts: bankAccounts.value.map((account) => ({
            number: account.number,
            name: account.name,
            isInvoiceAccount: account.isInvoiceAccount,
            bankAccountNumber: account.bankAccountNumber ?? '',
          })),
          outgoingVatTypes: vatTypes.value.map((type) => ({ id: type.id, number: type.number, percentage: type.percentage })),
          paymentTypes: paymentTypes.value.map((type) => ({ id: type.id, description: type.description })),
        };
      });
    },
  };
}
