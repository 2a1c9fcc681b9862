/**
 * Activities of the onboarding workflow. They gather facts; the verdict is made by pure domain
 * code in the workflow, so every rule about what invoicing needs lives in one place.
 */
import type { TripletexKeyFacts } from '../domain/tripletex-readiness';
import { osloDate } from '../domain/calendar';
import type { ActivityDeps } from './activity-deps';
import { withTripletexFailures } from './tripletex/to-application-failure';

export function createOnboardingActivities(deps: ActivityDeps) {
  return {
    /**
     * Creates a session with the merchant's employee token and reads what onboarding judges:
     * who the key belongs to, what it may access, bank account, active VAT codes, payment types.
     */
    async gatherTripletexKeyFacts(input: { employeeToken: string }): Promise<TripletexKeyFacts> {
      return withTripletexFailures(async () => {
        const tripletex = deps.tripletexClient(input.employeeToken);
        const me = await tripletex.whoAmI();
        const [access, bankAccounts, outgoingVatTypes, paymentTypes] = await Promise.all([
          tripletex.probeAccess(),
          tripletex.listBankAccounts(),
          tripletex.listOutgoingVatTypes(osloDate(deps.now())),
          tripletex.listPaymentTypes(),
        ]);
        return {
          company: { id: me.company.id, name: me.company.name, organizationNumber: me.company.organizationNumber },
          employee: { id: me.employee.id, name: [me.employee.firstName, me.employee.lastName].filter(Boolean).join(' ') },
          access,
          bankAccounts: bankAccounts.map((account) => ({
            number: account.number,
            name: account.name,
            isInvoiceAccount: account.isInvoiceAccount,
            bankAccountNumber: account.bankAccountNumber ?? '',
          })),
          outgoingVatTypes: outgoingVatTypes.map((type) => ({ id: type.id, number: type.number, percentage: type.percentage })),
          paymentTypes: paymentTypes.map((type) => ({ id: type.id, description: type.description })),
        };
      });
    },
  };
}
