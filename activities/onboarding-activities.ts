/**
 * Activities of the onboarding workflow. They gather facts; the verdict is made by pure domain
 * code in the workflow, so every rule about what invoicing needs lives in one place.
 */
import type { TripletexKeyFacts } from '../domain/tripletex-readiness';
import type { MystoreKeyFacts, MystoreUnreadable } from '../domain/mystore-readiness';
import { TRIPLETEX_CUSTOMER_NUMBER_START, type NumberingFacts, type OrderSeriesSpan } from '../domain/numbering';
import { osloDate } from '../domain/calendar';
import type { ActivityDeps } from './activity-deps';
import { TripletexPermissionError } from './tripletex/tripletex-errors';
import { withTripletexFailures } from './tripletex/to-application-failure';
import { DEFAULT_LANGUAGE, requiredMystoreScopes } from './mystore/mystore-api-assumptions';
import { MystoreAuthenticationError, MystoreMissingScopeError } from './mystore/mystore-errors';
import { decodeMystoreToken } from './mystore/mystore-token';
import { withMystoreFailures } from './mystore/to-application-failure';

/** Runs a read; a 403 means the key may not read that area, which onboarding reports per area. */
async function readIfAllowed<T>(read: () => Promise<T>, whenRefused: T): Promise<{ allowed: boolean; value: T }> {
  try {
    return { allowed: true, value: await read() };
  } catch (error) {
    if (error instanceof TripletexPermissionError) return { allowed: false, value: whenRefused };
    throw error;
  }
}

/**
 * Runs a Mystore read; a missing scope means the token works but may not read this, which
 * onboarding reports (null and a note). Every other error is thrown.
 */
async function readIfScoped<T>(what: MystoreUnreadable['what'], read: () => Promise<T>, unreadable: MystoreUnreadable[]): Promise<T | null> {
  try {
    return await read();
  } catch (error) {
    if (!(error instanceof MystoreMissingScopeError)) throw error;
    unreadable.push({ what, scope: error.scope ?? null, message: error.apiDetail ?? error.message });
    return null;
  }
}

/** The largest all-digit id of `ids` as a number, null when there is none. */
function highestNumericId(ids: ReadonlyArray<string | null>): number | null {
  let highest: number | null = null;
  for (const id of ids) {
    if (id === null || !/^\d+$/.test(id)) continue;
    const value = Number(id);
    if (Number.isSafeInteger(value) && (highest === null || value > highest)) highest = value;
  }
  return highest;
}

export function createOnboardingActivities(deps: ActivityDeps) {
  return {
    /**
     * Creates a session with the merchant's employee token and reads what onboarding judges:
     * who the key belongs to, what it may access, bank account, active VAT codes, payment types.
     * Seven calls: session, whoAmI, two access probes and three reads that double as probes.
     * Credit notes are not probed (that would create one): the verdict infers them from invoices.
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

    /**
     * Whether the Mystore token works for the shop and what onboarding judges about the shop:
     * the token's scopes (from its JWT), settings, order statuses (which are completed or
     * cancelled), payment modules. Three calls: settings (the cheap token check), statuses, payment
     * modules. A refused token is a fact (`tokenAccepted: false` with Mystore's words), not a
     * failure; a missing scope leaves that read null. Network errors, 5xx and 429 are thrown, so
     * Temporal retries.
     */
    async gatherMystoreKeyFacts(input: { mystoreShop: string; mystoreToken: string }): Promise<MystoreKeyFacts> {
      return withMystoreFailures(async () => {
        const claims = decodeMystoreToken(input.mystoreToken);
        const unreadable: MystoreUnreadable[] = [];
        const facts: MystoreKeyFacts = {
          shop: input.mystoreShop,
          gatheredAt: deps.now().toISOString(),
          tokenAccepted: true,
          rejection: null,
          scopes: claims?.scopes ?? null,
          tokenShops: claims?.shops ?? null,
          tokenExpiresAt: claims?.expiresAt ?? null,
          requiredScopes: requiredMystoreScopes(),
          settings: null,
          orderStatuses: null,
          paymentModules: null,
          unreadable,
        };
        let settings;
        try {
          settings = await readIfScoped('settings', () => deps.mystoreClient(input.mystoreShop, input.mystoreToken, DEFAULT_LANGUAGE).getSettings(), unreadable);
        } catch (error) {
          if (!(error instanceof MystoreAuthenticationError)) throw error;
          return { ...facts, tokenAccepted: false, rejection: error.apiDetail ?? error.message };
        }
        if (settings) facts.settings = { language: settings.defaultLanguage, currency: settings.defaultCurrency, storeName: settings.storeName };
        // Names in the shop's own language.
        const mystore = deps.mystoreClient(input.mystoreShop, input.mystoreToken, settings?.defaultLanguage ?? DEFAULT_LANGUAGE);
        const [statuses, modules] = await Promise.all([
          readIfScoped('order statuses', () => mystore.listOrderStatuses(), unreadable),
          readIfScoped('payment modules', () => mystore.listPaymentModules(), unreadable),
        ]);
        facts.orderStatuses = statuses?.map(({ statusId, name, completed, cancelled }) => ({ statusId, name, completed, cancelled })) ?? null;
        facts.paymentModules = modules?.map(({ code, title, enabled }) => ({ code, title, enabled })) ?? null;
        return facts;
      });
    },

    /**
     * What the APIs show of the number series (brief §7: the next numbers themselves are not
     * shown). Tripletex: every customer's number (one call per 1000 customers, active and
     * inactive) and the highest invoice number (one sorted call). Mystore: the newest page of
     * orders (one or two calls), for the highest order id and the highest customer id on it.
     */
    async gatherNumberingFacts(input: { mystoreShop: string; mystoreToken: string; tripletexEmployeeToken: string; language: string }): Promise<NumberingFacts> {
      const tripletex = deps.tripletexClient(input.tripletexEmployeeToken);
      const mystore = deps.mystoreClient(input.mystoreShop, input.mystoreToken, input.language);
      const [customers, highestInvoiceNumber, newest] = await Promise.all([
        withTripletexFailures(() => tripletex.customerNumbers(TRIPLETEX_CUSTOMER_NUMBER_START)),
        withTripletexFailures(() => tripletex.highestInvoiceNumber()),
        withMystoreFailures(() => mystore.newestOrders()),
      ]);
      return {
        gatheredAt: deps.now().toISOString(),
        tripletex: {
          customerCount: customers.count,
          highestCustomerNumber: customers.highest,
          customerNumbersBelowStart: customers.below,
          highestInvoiceNumber,
        },
        mystore: {
          highestCustomerId: highestNumericId(newest.orders.map((order) => order.customerId)),
          highestOrderId: highestNumericId(newest.orders.map((order) => order.orderId)),
          ordersRead: newest.orders.length,
          span: orderSeriesSpan(newest.orders),
        },
      };
    },
  };
}

/** The lowest and highest numeric order ids read that carry a creation instant: how fast the series grows. */
function orderSeriesSpan(orders: ReadonlyArray<{ orderId: string; createdAt: string | null }>): OrderSeriesSpan | null {
  const dated = orders
    .filter((order): order is { orderId: string; createdAt: string } => order.createdAt !== null && /^\d+$/.test(order.orderId))
    .map((order) => ({ orderId: Number(order.orderId), createdAt: new Date(order.createdAt).toISOString() }))
    .sort((a, b) => a.orderId - b.orderId);
  if (dated.length < 2) return null;
  return { lowest: dated[0]!, highest: dated[dated.length - 1]! };
}
