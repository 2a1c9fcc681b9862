// Records → API objects with every field of the spec model (names from model-fields.ts), with
// sub-objects as Refs for the fields filter to stub or expand. Unset sub-objects and unknown
// values are null, as the real API returns them (the spec marks nothing nullable; the contract
// validator allows null, see test/support/openapi-contract.ts).
import { oreToKroner } from './amounts';
import { ref, type SerializeContext } from './fields-filter';
import { ACCOUNTS, CURRENCIES, NOK_ID, NORWAY_COUNTRY_ID, SANDBOX_BANK_ACCOUNT_NUMBER, VAT_TYPES, vatDisplayName } from './reference-data';
import type { CompanyRecord, InvoiceRecord, SandboxStore, SessionRecord } from './store';

const URL_PATHS: Record<string, string> = {
  Customer: 'customer', Address: 'address', DeliveryAddress: 'deliveryAddress', Country: 'country', Order: 'order',
  OrderLine: 'order/orderline', Invoice: 'invoice', VatType: 'ledger/vatType', Account: 'ledger/account',
  PaymentType: 'invoice/paymentType', Currency: 'currency', Company: 'company', Employee: 'employee',
  Voucher: 'ledger/voucher', Product: 'product', SessionToken: 'token/session', ConsumerToken: 'token/consumer',
  EmployeeToken: 'token/employee',
};

type Obj = Record<string, unknown>;

export function createSerializer(store: SandboxStore, companyId: number, host: string): SerializeContext {
  const ctx: SerializeContext = {
    // Real responses carry a scheme-less url such as "tripletex.no/v2/customer/123".
    url: (model, id) => `${host}/v2/${URL_PATHS[model] ?? model.toLowerCase()}/${id}`,
    resolve: (model, id) => resolveModel(store, companyId, model, id, ctx),
  };
  return ctx;
}

function base(ctx: SerializeContext, model: string, id: number, version = 0): Obj {
  return { id, version, changes: [], url: ctx.url(model, id) };
}

function resolveModel(store: SandboxStore, companyId: number, model: string, id: number, ctx: SerializeContext): Obj | undefined {
  const company = store.company(companyId);
  if (!company) return undefined;
  switch (model) {
    case 'Customer': {
      const c = store.customers.get(id);
      if (!c || c.companyId !== companyId) return undefined;
      return {
        ...base(ctx, model, id, c.version), name: c.name, organizationNumber: c.organizationNumber, globalLocationNumber: 0,
        supplierNumber: 0, customerNumber: c.customerNumber, isSupplier: c.isSupplier, isCustomer: true, isInactive: c.isInactive,
        accountManager: null, department: null, email: c.email, invoiceEmail: c.invoiceEmail,
        overdueNoticeEmail: c.overdueNoticeEmail, bankAccounts: [], phoneNumber: c.phoneNumber,
        phoneNumberMobile: c.phoneNumberMobile, description: c.description, language: c.language,
        displayName: `${c.name} (${c.customerNumber})`, isPrivateIndividual: c.isPrivateIndividual,
        singleCustomerInvoice: c.singleCustomerInvoice, invoiceSendMethod: c.invoiceSendMethod,
        emailAttachmentType: c.emailAttachmentType, postalAddress: ref('Address', c.postalAddressId),
        physicalAddress: ref('Address', c.physicalAddressId), deliveryAddress: ref('DeliveryAddress', c.deliveryAddressId),
        category1: null, category2: null, category3: null, invoicesDueIn: c.invoicesDueIn,
        invoicesDueInType: c.invoicesDueInType, currency: ref('Currency', NOK_ID), bankAccountPresentation: [],
        ledgerAccount: ref('Account', company.accountIds[1500]), isFactoring: false, invoiceSendSMSNotification: false,
        invoiceSMSNotificationNumber: '', isAutomaticSoftReminderEnabled: false, isAutomaticReminderEnabled: false,
        isAutomaticNoticeOfDebtCollectionEnabled: false, discountPercentage: c.discountPercentage, website: c.website,
      };
    }
    case 'Address':
    case 'DeliveryAddress': {
      const a = store.addresses.get(id);
      if (!a) return undefined;
      const text = [a.addressLine1, a.addressLine2, `${a.postalCode} ${a.city}`.trim()].filter((s) => s !== '').join(', ');
      return {
        ...base(ctx, model, id), addressLine1: a.addressLine1, addressLine2: a.addressLine2, postalCode: a.postalCode,
        city: a.city, country: ref('Country', a.countryId), displayName: text, addressAsString: text,
        displayNameInklMatrikkel: text, knr: 0, gnr: 0, bnr: 0, fnr: 0, snr: 0, unitNumber: '',
        ...(model === 'DeliveryAddress' ? { name: '', customerVendor: null } : {}),
      };
    }
    case 'Country':
      return id === NORWAY_COUNTRY_ID
        ? { ...base(ctx, model, id), name: 'Norge', displayName: 'Norge', isoAlpha2Code: 'NO', isoAlpha3Code: 'NOR', isoNumericCode: '578' }
        : undefined;
    case 'Currency': {
      const cur = CURRENCIES.find((x) => x.id === id);
      return cur && { ...base(ctx, model, id), code: cur.code, description: cur.description, factor: cur.factor, displayName: `${cur.code} ${cur.description}`, isDisabled: false };
    }
    case 'VatType': {
      const v = VAT_TYPES.find((x) => x.id === id);
      return v && {
        ...base(ctx, model, id), name: v.name, number: v.number, displayName: vatDisplayName(v), percentage: v.percentage,
        deductionPercentage: v.deductionPercentage, parentType: null,
      };
    }
    case 'Account': return account(company, id, ctx);
    case 'PaymentType': {
      const p = company.paymentTypes.find((x) => x.id === id);
      return p && {
        ...base(ctx, model, id), description: p.description, displayName: p.description,
        debitAccount: ref('Account', company.accountIds[p.debitAccountNumber]), creditAccount: ref('Account', company.accountIds[1500]),
        vatType: ref('VatType', 0), sequence: company.paymentTypes.indexOf(p), customer: null, supplier: null,
        currencyId: NOK_ID, currencyCode: 'NOK',
      };
    }
    case 'Company':
      return id === company.id ? companyObj(company, ctx) : undefined;
    case 'Employee':
      return id === company.employeeId ? employeeObj(company, ctx) : undefined;
    case 'Order': {
      const o = store.orders.get(id);
      if (!o || o.companyId !== companyId) return undefined;
      const customer = store.customers.get(o.customerId);
      return {
        ...base(ctx, model, id, o.version), customer: ref('Customer', o.customerId), contact: null, attn: null,
        displayName: `Ordre ${o.number}`, receiverEmail: o.receiverEmail, overdueNoticeEmail: '', number: o.number,
        reference: o.reference, ourContact: null, ourContactEmployee: null, department: null, orderDate: o.orderDate,
        project: null, invoiceComment: o.invoiceComment, currency: ref('Currency', o.currencyId),
        invoicesDueIn: o.invoicesDueIn, status: 'NOT_CHOSEN', invoicesDueInType: o.invoicesDueInType,
        isShowOpenPostsOnInvoices: false, isClosed: o.isClosed, deliveryDate: o.deliveryDate, deliveryAddress: null,
        deliveryComment: o.deliveryComment, isPrioritizeAmountsIncludingVat: o.isPrioritizeAmountsIncludingVat,
        orderLineSorting: 'ID', orderGroups: [], orderLines: o.lineIds.map((l) => ref('OrderLine', l)),
        isSubscription: false, subscriptionDuration: 0, subscriptionDurationType: 'MONTHS', subscriptionPeriodsOnInvoice: 0,
        subscriptionPeriodsOnInvoiceType: 'MONTHS', subscriptionInvoicingTimeInAdvanceOrArrears: 'ADVANCE',
        subscriptionInvoicingTime: 0, subscriptionInvoicingTimeType: 'DAYS', isSubscriptionAutoInvoicing: false,
        preliminaryInvoice: ref('Invoice', o.preliminaryInvoiceId), attachment: [], sendMethodDescription: '',
        canCreateBackorder: false, invoiceOnAccountVatHigh: false, totalInvoicedOnAccountAmountAbsoluteCurrency: 0,
        invoiceSendSMSNotification: false, invoiceSMSNotificationNumber: '', markUpOrderLines: 0, discountPercentage: 0,
        customerName: customer?.name ?? '', projectManagerNameAndNumber: '', travelReports: [],
      };
    }
    case 'OrderLine': {
      const l = store.orderLines.get(id);
      const o = l && store.orders.get(l.orderId);
      if (!l || !o || o.companyId !== companyId) return undefined;
      return {
        ...base(ctx, model, id, l.version), product: ref('Product', l.productId), inventory: null, inventoryLocation: null,
        description: l.description, count: l.count, unitCostCurrency: l.unitCostCurrency,
        unitPriceExcludingVatCurrency: l.unitPriceExcludingVatCurrency, currency: ref('Currency', o.currencyId),
        markup: l.markup, discount: l.discount, vatType: ref('VatType', l.vatTypeId),
        amountExcludingVatCurrency: oreToKroner(l.amountExcludingVatOre),
        amountIncludingVatCurrency: oreToKroner(l.amountIncludingVatOre), order: ref('Order', l.orderId),
        unitPriceIncludingVatCurrency: l.unitPriceIncludingVatCurrency, isSubscription: false,
        subscriptionPeriodStart: null, subscriptionPeriodEnd: null, orderGroup: null, sortIndex: l.sortIndex,
        isPicked: false, pickedDate: null, orderedQuantity: l.count, isCharged: true,
      };
    }
    case 'Invoice': {
      const inv = store.invoices.get(id);
      return inv && inv.companyId === companyId ? invoiceObj(inv, ctx) : undefined;
    }
    case 'Voucher': {
      const inv = [...store.invoices.values()].find((i) => i.voucherId === id && i.companyId === companyId);
      if (!inv) return undefined;
      const year = Number(inv.invoiceDate.slice(0, 4));
      return {
        ...base(ctx, model, id), date: inv.invoiceDate, number: inv.invoiceNumber, tempNumber: 0, year,
        description: `Faktura nummer ${inv.invoiceNumber}`, voucherType: null, reverseVoucher: null, postings: [],
        document: null, attachment: null, externalVoucherNumber: '', ediDocument: null, supplierVoucherType: null,
        wasAutoMatched: false, vendorInvoiceNumber: '', displayName: `${inv.invoiceNumber}-${year}`, numberAsString: `${inv.invoiceNumber}-${year}`,
      };
    }
    default:
      return undefined;
  }
}

function account(company: CompanyRecord, id: number, ctx: SerializeContext): Obj | undefined {
  const def = ACCOUNTS.find((a) => company.accountIds[a.number] === id);
  if (!def) return undefined;
  const bank = def.isInvoiceAccount && company.bankAccountRegistered ? SANDBOX_BANK_ACCOUNT_NUMBER : '';
  return {
    ...base(ctx, 'Account', id), number: def.number, numberPretty: String(def.number), name: def.name, description: '',
    type: def.type, legalVatTypes: [ref('VatType', def.vatTypeId)], ledgerType: 'GENERAL', balanceGroup: '',
    vatType: ref('VatType', def.vatTypeId), vatLocked: false, currency: ref('Currency', NOK_ID), isCloseable: false,
    isApplicableForSupplierInvoice: false, requireReconciliation: def.isBankAccount, isInactive: false,
    isBankAccount: def.isBankAccount, isInvoiceAccount: def.isInvoiceAccount, bankAccountNumber: bank,
    bankAccountCountry: def.isBankAccount ? ref('Country', NORWAY_COUNTRY_ID) : null, bankName: '', bankAccountIBAN: '',
    bankAccountSWIFT: '', saftCode: '', groupingCode: '', displayName: `${def.number} ${def.name}`, requiresDepartment: false,
    requiresProject: false, invoicingDepartment: null, isPostingsExist: false, quantityType1: null, quantityType2: null,
    department: null,
  };
}

export function companyObj(company: CompanyRecord, ctx: SerializeContext): Obj {
  return {
    ...base(ctx, 'Company', company.id), name: company.name, displayName: company.name, startDate: '2020-01-01',
    endDate: null, organizationNumber: company.organizationNumber, email: '', phoneNumber: '', phoneNumberMobile: '',
    faxNumber: '', address: null, type: 'AS', currency: ref('Currency', NOK_ID), accountantOrSimilar: false,
    companyMigration: 'NONE', invoiceShowDeliveryDate: false,
  };
}

function employeeObj(company: CompanyRecord, ctx: SerializeContext): Obj {
  return {
    ...base(ctx, 'Employee', company.employeeId), firstName: 'Sandbox', lastName: 'Admin', displayName: 'Sandbox Admin',
    employeeNumber: '1', dateOfBirth: null, email: 'admin@example.invalid', phoneNumberMobileCountry: null,
    phoneNumberMobile: '', phoneNumberHome: '', phoneNumberWork: '', nationalIdentityNumber: '', dnumber: '',
    internationalId: null, bankAccountNumber: '', iban: '', bic: '', creditorBankCountryId: 0, usesAbroadPayment: false,
    userType: 'EXTENDED', allowInformationRegistration: true, isContact: false, isProxy: false, comments: '',
    address: null, department: null, employments: [], holidayAllowanceEarned: null, employeeCategory: null,
    isAuthProjectOverviewURL: false, pictureId: 0, companyId: company.id,
  };
}

export function invoiceObj(inv: InvoiceRecord, ctx: SerializeContext): Obj {
  const amount = oreToKroner(inv.amountOre);
  const excl = oreToKroner(inv.amountExcludingVatOre);
  const outstanding = oreToKroner(inv.amountOutstandingOre);
  return {
    ...base(ctx, 'Invoice', inv.id, inv.version), invoiceNumber: inv.invoiceNumber, invoiceDate: inv.invoiceDate,
    customer: ref('Customer', inv.customerId), creditedInvoice: inv.creditedInvoiceId ?? 0, isCredited: inv.isCredited,
    invoiceDueDate: inv.invoiceDueDate, kid: '', invoiceComment: inv.invoiceComment, comment: inv.comment,
    orders: inv.orderIds.map((o) => ref('Order', o)), orderLines: inv.lineIds.map((l) => ref('OrderLine', l)),
    travelReports: [], projectInvoiceDetails: [], voucher: ref('Voucher', inv.voucherId), deliveryDate: inv.deliveryDate,
    amount, amountCurrency: amount, amountExcludingVat: excl, amountExcludingVatCurrency: excl,
    amountRoundoff: 0, amountRoundoffCurrency: 0, amountOutstanding: outstanding, amountCurrencyOutstanding: outstanding,
    amountOutstandingTotal: outstanding, amountCurrencyOutstandingTotal: outstanding, sumRemits: 0,
    currency: ref('Currency', inv.currencyId), isCreditNote: inv.isCreditNote, isCharged: true, isApproved: true,
    postings: [], reminders: [], invoiceRemarks: '', invoiceRemark: null, paymentTypeId: inv.payments[0]?.paymentTypeId ?? 0,
    paidAmount: oreToKroner(inv.payments.reduce((s, p) => s + p.amountOre, 0)), isPeriodizationPossible: false,
    documentId: 0, ehfSendStatus: 'DO_NOT_SEND',
  };
}

export function sessionObj(s: SessionRecord, ctx: SerializeContext, consumerTokenId: number, employeeTokenId: number): Obj {
  return {
    ...base(ctx, 'SessionToken', s.id), consumerToken: ref('ConsumerToken', consumerTokenId),
    employeeToken: ref('EmployeeToken', employeeTokenId), expirationDate: s.expirationDate, token: s.token, encryptionKey: '',
  };
}

export function whoAmIObj(company: CompanyRecord): Obj {
  return {
    employeeId: company.employeeId, actualEmployeeId: company.employeeId, employee: ref('Employee', company.employeeId),
    companyId: company.id, company: ref('Company', company.id), language: 'no', loggedInWithConnect: false, employeeIsProxy: false,
  };
}
