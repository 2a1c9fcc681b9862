/**
 * Maps each Mystore payment module to how its orders are invoiced in Tripletex: prepaid ones are
 * registered as paid on a Tripletex payment type (which the operator confirms), the others stay
 * outstanding. Pure: suggestions by name, with the reason in words; nothing is guessed silently.
 */
import type { PaymentMethodSetting, ShopSettings } from './shop-settings';

export interface PaymentModuleKind {
  kind: string;
  /** Words in the module's code or title that identify it (normalised: lower case, no accents). */
  words: readonly string[];
  /** Paid at checkout: registered as paid on a payment type, the invoice not sent. */
  prepaid: boolean;
  /** Not prepaid only: whether Tripletex sends the invoice to the customer. */
  sendInvoice: boolean;
  /** Words a matching Tripletex payment type's description contains. */
  paymentTypeWords: readonly string[];
  /** The payment type suggested when none matches by name (a description containing it). */
  fallbackPaymentType: string | null;
  /** What this kind of payment is, in words (for the reason). */
  described: string;
}

/**
 * Everything known about Mystore payment modules, in one place. Checked in this order, so
 * "gavekort" is a gift card before it is a card ("kort"), and "Klarna faktura" is Klarna (prepaid:
 * Klarna pays the shop) before it is an invoice.
 */
export const PAYMENT_MODULE_KINDS: readonly PaymentModuleKind[] = [
  { kind: 'giftcard', words: ['giftcard', 'gift card', 'gavekort'], prepaid: true, sendInvoice: false, paymentTypeWords: ['gavekort', 'gift card', 'giftcard'], fallbackPaymentType: 'betalt til bank', described: 'gift cards are paid in advance' },
  { kind: 'klarna', words: ['klarna'], prepaid: true, sendInvoice: false, paymentTypeWords: ['klarna'], fallbackPaymentType: null, described: 'Klarna pays the shop and collects from the customer' },
  { kind: 'vipps', words: ['vipps', 'mobilepay'], prepaid: true, sendInvoice: false, paymentTypeWords: ['vipps'], fallbackPaymentType: null, described: 'Vipps is paid at checkout' },
  { kind: 'card', words: ['card', 'kort', 'visa', 'mastercard', 'dibs', 'nets', 'stripe', 'paypal'], prepaid: true, sendInvoice: false, paymentTypeWords: ['kort', 'card'], fallbackPaymentType: 'betalt til bank', described: 'card payments are settled to the bank account' },
  { kind: 'cod', words: ['cod', 'oppkrav', 'cash on delivery', 'etterkrav'], prepaid: false, sendInvoice: false, paymentTypeWords: [], fallbackPaymentType: null, described: 'cash on delivery: the carrier collects the money, so the invoice is not sent and stays outstanding until the payment is registered' },
  { kind: 'invoice', words: ['invoice', 'faktura'], prepaid: false, sendInvoice: true, paymentTypeWords: [], fallbackPaymentType: null, described: 'paid by invoice: the invoice is sent to the customer and stays outstanding until paid' },
  { kind: 'prepaid', words: ['prepaid', 'forskudd', 'forhandsbetal', 'bank transfer', 'bankoverforing', 'nettbank'], prepaid: true, sendInvoice: false, paymentTypeWords: [], fallbackPaymentType: 'betalt til bank', described: 'its name says it is paid in advance' },
];

/** An unknown module is treated as prepaid: it waits for a confirmed payment type instead of billing a customer who may have paid. */
const UNKNOWN_MODULE: PaymentModuleKind = {
  kind: 'unknown', words: [], prepaid: true, sendInvoice: false, paymentTypeWords: [], fallbackPaymentType: null,
  described: 'an unknown payment module, treated as paid in advance so nobody is billed twice',
};

export interface PaymentModuleMapping {
  /** The module's code. */
  module: string;
  title: string;
  prepaid: boolean;
  /** The payment type suggested by name; null when none fits or none is needed. */
  suggestedPaymentTypeId: number | null;
  /** The payment type the operator confirmed (still existing in Tripletex); null when none. */
  confirmedPaymentTypeId: number | null;
  /** Why, in words. */
  reason: string;
}

export interface PaymentMappingSuggestion {
  /** One per enabled module, in the shop's order. */
  modules: PaymentModuleMapping[];
  /** Codes of the prepaid modules with no confirmed payment type: these block going live. */
  unmapped: string[];
}

/** Lower case, accents and Norwegian letters folded (ø → o, æ → ae, å → a), punctuation as spaces, spaces collapsed. */
export function normaliseName(text: string): string {
  return text
    .toLowerCase()
    .replace(/æ/g, 'ae').replace(/ø/g, 'o').replace(/å/g, 'a')
    .normalize('NFD').replace(/[\u0300-\u036f]/g, '')
    .replace(/[^a-z0-9]+/g, ' ')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The kind of a module by its code and title (PAYMENT_MODULE_KINDS, in order), else the unknown kind. */
export function paymentModuleKind(module: { code: string; title: string }): PaymentModuleKind {
  const name = normaliseName(`${module.code} ${module.title}`);
  const words = new Set(name.split(' '));
  return PAYMENT_MODULE_KINDS.find((kind) => kind.words.some((word) => (word.length <= 3 ? words.has(word) : name.includes(word)))) ?? UNKNOWN_MODULE;
}

/** Whether `phrase` stands in `name` as whole words. */
function hasPhrase(name: string, phrase: string): boolean {
  return phrase !== '' && ` ${name} `.includes(` ${phrase} `);
}

function suggest(module: { code: string; title: string }, kind: PaymentModuleKind, paymentTypes: ReadonlyArray<{ id: number; description: string }>): { id: number | null; reason: string } {
  const types = paymentTypes.map((type) => ({ ...type, name: normaliseName(type.description) }));
  const quote = (type: { description: string }) => `"${type.description}"`;
  // 1. A payment type named like the module itself (its title or code).
  const ownNames = [normaliseName(module.title), normaliseName(module.code)].filter((name) => name.length >= 3);
  const byOwnName = types.find((type) => ownNames.some((name) => hasPhrase(type.name, name)));
  if (byOwnName) return { id: byOwnName.id, reason: `Suggested ${quote(byOwnName)}: its name matches the payment module "${module.title}".` };
  // 2. A payment type named for the module's kind (Klarna, Vipps, kort, gavekort).
  const byKind = types.find((type) => kind.paymentTypeWords.some((word) => hasPhrase(type.name, word)));
  if (byKind) return { id: byKind.id, reason: `Suggested ${quote(byKind)}: its name matches ${kind.kind === 'unknown' ? 'the module' : `a ${kind.kind} payment`}.` };
  // 3. The usual settlement account.
  const fallback = kind.fallbackPaymentType === null ? undefined : types.find((type) => hasPhrase(type.name, kind.fallbackPaymentType ?? ''));
  if (fallback) {
    return { id: fallback.id, reason: `Suggested ${quote(fallback)}, the usual bank settlement: ${kind.described}, and no payment type is named for "${module.title}".` };
  }
  return {
    id: null,
    reason: `No Tripletex payment type is named like "${module.title}" (${kind.described}). Create one in Tripletex's invoicing settings (payment types), or choose an existing one such as "Betalt til bank" if the money is paid out to the bank account.`,
  };
}

/**
 * Per enabled module: prepaid or not, a suggested payment type by name, the confirmed one, and
 * why. `confirmed` maps a module code to the operator's chosen payment type id (null or absent:
 * none chosen). A confirmed id that Tripletex no longer has counts as not confirmed.
 */
export function suggestPaymentMapping(
  modules: ReadonlyArray<{ code: string; title: string; enabled: boolean }>,
  paymentTypes: ReadonlyArray<{ id: number; description: string }>,
  confirmed: Readonly<Record<string, number | null>>,
): PaymentMappingSuggestion {
  const mapped: PaymentModuleMapping[] = [];
  const unmapped: string[] = [];
  for (const module of modules.filter((candidate) => candidate.enabled)) {
    const kind = paymentModuleKind(module);
    if (!kind.prepaid) {
      mapped.push({
        module: module.code, title: module.title, prepaid: false, suggestedPaymentTypeId: null, confirmedPaymentTypeId: null,
        reason: `Not prepaid, ${kind.described}; no payment type is needed.`,
      });
      continue;
    }
    const suggestion = suggest(module, kind, paymentTypes);
    const chosen = confirmed[module.code] ?? null;
    const chosenType = chosen === null ? undefined : paymentTypes.find((type) => type.id === chosen);
    let reason = suggestion.reason;
    if (chosen !== null && !chosenType) reason = `The confirmed payment type ${chosen} does not exist in Tripletex (any more). ${suggestion.reason}`;
    else if (chosenType) reason = `Confirmed: registered as paid on "${chosenType.description}". ${suggestion.reason}`;
    const confirmedPaymentTypeId = chosenType ? chosenType.id : null;
    mapped.push({ module: module.code, title: module.title, prepaid: true, suggestedPaymentTypeId: suggestion.id, confirmedPaymentTypeId, reason });
    if (confirmedPaymentTypeId === null) unmapped.push(module.code);
  }
  return { modules: mapped, unmapped };
}

/**
 * The shop's payment settings from a mapping: invoice sends the invoice, cash on delivery does
 * not, prepaid modules are registered as paid on their confirmed type (and not sent). Prepaid
 * modules still unmapped are left out, so their orders park with "unmapped payment method".
 */
export function paymentMethodsFromMapping(mapping: PaymentMappingSuggestion): ShopSettings['paymentMethods'] {
  const methods: Record<string, PaymentMethodSetting> = {};
  for (const module of mapping.modules) {
    if (module.prepaid) {
      if (module.confirmedPaymentTypeId === null) continue;
      methods[module.module] = { prepaid: true, tripletexPaymentTypeId: module.confirmedPaymentTypeId, sendInvoice: false };
    } else {
      methods[module.module] = { prepaid: false, tripletexPaymentTypeId: null, sendInvoice: paymentModuleKind({ code: module.module, title: module.title }).sendInvoice };
    }
  }
  return methods;
}
