/**
 * Decides, from what the Tripletex API shows about a company, whether invoicing can work with a
 * merchant's employee token, and says in plain words what is missing and how to fix it in
 * Tripletex. Pure: the facts are gathered by an activity, the verdict is made here.
 */

/** The outgoing VAT codes a Norwegian web shop invoices with (Tripletex code numbers, not ids). */
export const VAT_CODES_FOR_INVOICING = [
  { number: '3', description: '25 % (standard rate)', requiredForEveryShop: true },
  { number: '31', description: '15 % (food)', requiredForEveryShop: false },
  { number: '33', description: '12 % (low rate)', requiredForEveryShop: false },
  { number: '5', description: '0 % (exempt within the VAT act)', requiredForEveryShop: false },
  { number: '6', description: '0 % (outside the VAT act)', requiredForEveryShop: false },
] as const;

export interface TripletexKeyFacts {
  company: { id: number; name: string; organizationNumber?: string | undefined };
  employee: { id: number; name: string };
  /** Whether the key may read (and so work with) each area; a 403 on a read means no. */
  access: { customers: boolean; invoices: boolean; ledger: boolean; paymentTypes: boolean };
  bankAccounts: Array<{ number: number; name: string; isInvoiceAccount: boolean; bankAccountNumber: string }>;
  outgoingVatTypes: Array<{ id: number; number: string; percentage: number }>;
  paymentTypes: Array<{ id: number; description: string }>;
}

export type CheckSeverity = 'blocking' | 'warning';

export interface ReadinessCheck {
  /** Stable identifier, e.g. `bank-account` or `vat-code-31`. */
  id: string;
  ok: boolean;
  severity: CheckSeverity;
  /** What was found, in plain words. */
  message: string;
  /** What the merchant does in Tripletex to fix it; absent when ok. */
  fix?: string;
  /** True when the result was inferred from another check rather than probed (the message says from what). */
  inferred?: boolean;
}

export interface TripletexReadiness {
  ready: boolean;
  company: TripletexKeyFacts['company'];
  employee: TripletexKeyFacts['employee'];
  checks: ReadinessCheck[];
  vatCodes: Array<{ number: string; description: string; active: boolean; vatTypeId?: number }>;
  paymentTypes: TripletexKeyFacts['paymentTypes'];
}

export function assessTripletexReadiness(facts: TripletexKeyFacts): TripletexReadiness {
  const checks: ReadinessCheck[] = [];

  const accessAreas = [
    { id: 'customer-access', allowed: facts.access.customers, what: 'customers', consequence: 'customers for orders cannot be looked up or created' },
    { id: 'invoice-access', allowed: facts.access.invoices, what: 'invoicing', consequence: 'invoices cannot be created' },
    { id: 'ledger-access', allowed: facts.access.ledger, what: 'the accounts and VAT codes', consequence: 'the bank account and VAT codes cannot be checked or used' },
    // Payments: reading payment types is the probe for registering payments (no side effects);
    // in Tripletex both belong to the invoice payment area.
    { id: 'payment-type-access', allowed: facts.access.paymentTypes, what: 'payment types and payments', consequence: 'prepaid orders cannot be registered as paid' },
  ];
  for (const area of accessAreas) {
    checks.push(
      area.allowed
        ? { id: area.id, ok: true, severity: 'blocking', message: `The key can work with ${area.what}.` }
        : {
            id: area.id, ok: false, severity: 'blocking',
            message: `The key has no access to ${area.what}, so ${area.consequence}.`,
            fix: `In Tripletex, give the employee who owns the token access to ${area.what}, then create a new employee token for this integration.`,
          },
    );
  }

  // Credit notes cannot be probed without creating one. ASSUMPTION: in Tripletex a credit note is
  // made through the invoice endpoints (PUT /invoice/{id}/:createCreditNote, brief §6.5), so the
  // key may make one when it may work with invoices. Reported as inferred, not as verified.
  checks.push(
    facts.access.invoices
      ? {
          id: 'credit-note-access', ok: true, severity: 'blocking', inferred: true,
          message: 'Credit notes for refunds and cancellations are made through the invoice endpoints, so the key should be able to make them: inferred from its invoice access, not tried (trying would create a credit note).',
        }
      : {
          id: 'credit-note-access', ok: false, severity: 'blocking', inferred: true,
          message: 'Credit notes are made through the invoice endpoints, and the key has no access to invoicing, so refunds and cancellations cannot be credited (inferred from the invoice access, not tried).',
          fix: 'In Tripletex, give the employee who owns the token access to invoicing (including credit notes), then create a new employee token for this integration.',
        },
  );

  const invoiceAccount = facts.bankAccounts.find((account) => account.isInvoiceAccount && account.bankAccountNumber.trim() !== '');
  if (facts.access.ledger) {
    checks.push(
    invoiceAccount
      ? { id: 'bank-account', ok: true, severity: 'blocking', message: `Invoices are paid to bank account ${invoiceAccount.bankAccountNumber} (ledger account ${invoiceAccount.number}).` }
      : {
          id: 'bank-account', ok: false, severity: 'blocking',
          message: 'The company has no bank account number registered on its invoice bank account, and Tripletex refuses to create invoices without one.',
          fix: 'In Tripletex, register the company bank account number on the invoice bank account (ledger account 1920).',
        },
    );
  }

  const vatCodes = VAT_CODES_FOR_INVOICING.map((code) => {
    const vatType = facts.outgoingVatTypes.find((type) => type.number === code.number);
    return { number: code.number, description: code.description, active: vatType !== undefined, ...(vatType ? { vatTypeId: vatType.id } : {}) };
  });
  for (const code of facts.access.ledger ? VAT_CODES_FOR_INVOICING : []) {
    const active = vatCodes.find((vatCode) => vatCode.number === code.number)?.active ?? false;
    checks.push(
      active
        ? { id: `vat-code-${code.number}`, ok: true, severity: code.requiredForEveryShop ? 'blocking' : 'warning', message: `VAT code ${code.number}, ${code.description}, is active.` }
        : {
            id: `vat-code-${code.number}`, ok: false, severity: code.requiredForEveryShop ? 'blocking' : 'warning',
            message: code.requiredForEveryShop
              ? `VAT code ${code.number}, ${code.description}, is not active; almost every order needs it.`
              : `VAT code ${code.number}, ${code.description}, is not active; orders with lines at this rate will wait until it is.`,
            fix: `In Tripletex's VAT settings, activate outgoing VAT code ${code.number}${code.requiredForEveryShop ? '' : ' if the shop sells anything at this rate'}.`,
          },
    );
  }

  if (facts.access.paymentTypes) {
    checks.push(
    facts.paymentTypes.length > 0
      ? { id: 'payment-types', ok: true, severity: 'blocking', message: `${facts.paymentTypes.length} payment type(s) for incoming payments: ${facts.paymentTypes.map((type) => type.description).join(', ')}.` }
      : {
          id: 'payment-types', ok: false, severity: 'blocking',
          message: 'The company has no payment types for incoming payments, so prepaid orders cannot be registered as paid.',
          fix: 'In Tripletex, create a payment type for incoming payments (for example "Betalt til bank") in the invoicing settings.',
        },
    );
  }

  return {
    ready: checks.every((check) => check.ok || check.severity === 'warning'),
    company: facts.company,
    employee: facts.employee,
    checks,
    vatCodes,
    paymentTypes: facts.paymentTypes,
  };
}
