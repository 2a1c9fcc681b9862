/**
 * Decides, from what the Mystore API shows about a shop, whether the integration can work with
 * the shop's personal access token, and says in plain words what is missing and how to fix it.
 * Pure: the facts are gathered by an activity (gatherMystoreKeyFacts), the verdict is made here.
 */
import type { ReadinessCheck } from './tripletex-readiness';

/** A scope the integration needs, with what it is needed for (in words, for the merchant). */
export interface RequiredMystoreScope {
  scope: string;
  neededFor: string;
}

/** Why one read could not be made although the token was accepted (a missing scope). */
export interface MystoreUnreadable {
  what: 'settings' | 'order statuses' | 'payment modules';
  /** The scope Mystore named, when it named one. */
  scope: string | null;
  /** Mystore's own words. */
  message: string;
}

export interface MystoreKeyFacts {
  /** The shop's name in Mystore's API (the `{shop}` in `/shops/{shop}`). */
  shop: string;
  /** ISO instant the facts were gathered at (for the token's expiry). */
  gatheredAt: string;
  /** Whether Mystore accepted the token for this shop (a cheap read answered, or refused only for a scope). */
  tokenAccepted: boolean;
  /** Mystore's own words when it refused the token; null when accepted. */
  rejection: string | null;
  /** The scopes in the token's JWT payload (not verified); null when the token cannot be decoded. */
  scopes: string[] | null;
  /** The shops the token names (`no_mystore_hosts`); null when the token cannot be decoded. */
  tokenShops: string[] | null;
  /** When the token expires (ISO instant); null when it does not say or cannot be decoded. */
  tokenExpiresAt: string | null;
  /** The scopes the integration needs (from the client's scope table), so the workflow can pass them on. */
  requiredScopes: RequiredMystoreScope[];
  /** GET /settings; null when not readable. */
  settings: { language: string; currency: string | null; storeName: string | null } | null;
  /** GET /order-status, names in the shop's language; null when not readable. */
  orderStatuses: Array<{ statusId: string; name: string; completed: boolean; cancelled: boolean }> | null;
  /** GET /payment; null when not readable. */
  paymentModules: Array<{ code: string; title: string; enabled: boolean }> | null;
  /** Reads refused although the token was accepted. */
  unreadable: MystoreUnreadable[];
}

export interface MystoreReadiness {
  ready: boolean;
  checks: ReadinessCheck[];
  /** The statuses carrying the completed ("Fullført") tag: an order in one of them is transferred. */
  completedStatuses: Array<{ statusId: string; name: string }>;
  /** The shop's payment modules (all of them, `enabled` says which are switched on). */
  paymentModules: Array<{ code: string; title: string; enabled: boolean }>;
  /** The shop's language ('no' when the settings could not be read). */
  language: string;
}

/** A token expiring within this many days is warned about: transfers stop when it does. */
export const TOKEN_EXPIRY_WARNING_DAYS = 30;

/**
 * The verdict on a Mystore token. `requiredScopes` defaults to the ones the activity put in the
 * facts (the client's scope table), so a workflow can call it with the facts alone.
 */
export function assessMystoreReadiness(facts: MystoreKeyFacts, requiredScopes: readonly RequiredMystoreScope[] = facts.requiredScopes): MystoreReadiness {
  const language = facts.settings?.language ?? 'no';
  const paymentModules = facts.paymentModules ?? [];
  const completedStatuses = (facts.orderStatuses ?? []).filter((status) => status.completed).map(({ statusId, name }) => ({ statusId, name }));
  const checks: ReadinessCheck[] = [];

  if (!facts.tokenAccepted) {
    const otherShop = facts.tokenShops && facts.tokenShops.length > 0 && !facts.tokenShops.includes(facts.shop)
      ? ` The token is made for ${facts.tokenShops.map((shop) => `"${shop}"`).join(', ')}, not for "${facts.shop}".`
      : '';
    const expired = facts.tokenExpiresAt !== null && Date.parse(facts.tokenExpiresAt) <= Date.parse(facts.gatheredAt)
      ? ` The token expired on ${facts.tokenExpiresAt.slice(0, 10)}.`
      : '';
    checks.push({
      id: 'token', ok: false, severity: 'blocking',
      message: `Mystore did not accept the token for shop "${facts.shop}"${facts.rejection ? `: "${facts.rejection}"` : ''}.${otherShop}${expired}`,
      fix: `In Mystore's admin, create a new personal access token for shop "${facts.shop}" with these scopes ticked: ${requiredScopes.map((required) => required.scope).join(', ')}; then give it to onboarding.`,
    });
    return { ready: false, checks, completedStatuses, paymentModules, language };
  }

  checks.push({ id: 'token', ok: true, severity: 'blocking', message: `Mystore accepted the token for shop "${facts.shop}".` });

  // Scopes: from the token's payload where it can be decoded, else from the reads Mystore refused.
  const refusedScopes = new Set(facts.unreadable.map((entry) => entry.scope).filter((scope): scope is string => scope !== null));
  for (const required of requiredScopes) {
    // A read Mystore refused for a scope counts even when the token's payload lists it.
    const missing = refusedScopes.has(required.scope) || (facts.scopes !== null && !facts.scopes.includes(required.scope));
    checks.push(
      missing
        ? {
            id: `scope-${required.scope}`, ok: false, severity: 'blocking',
            message: `The token lacks the scope ${required.scope}, which the integration needs for ${required.neededFor}.`,
            fix: `In Mystore's admin, create a new personal access token for this shop with the scope ${required.scope} ticked (and the others it has), and give it to onboarding.`,
          }
        : { id: `scope-${required.scope}`, ok: true, severity: 'blocking', message: `The token has the scope ${required.scope} (${required.neededFor}).` },
    );
  }
  if (facts.scopes === null) {
    checks.push({
      id: 'scopes-unknown', ok: false, severity: 'warning',
      message: 'The token\'s scopes cannot be read from it (it is not a readable JWT), so only the reads made now were checked; a missing scope will show when it is first needed.',
      fix: 'If the integration later reports a missing scope, create a new personal access token with every scope listed here ticked.',
    });
  }

  if (facts.tokenExpiresAt !== null) {
    const daysLeft = Math.floor((Date.parse(facts.tokenExpiresAt) - Date.parse(facts.gatheredAt)) / 86_400_000);
    if (daysLeft < TOKEN_EXPIRY_WARNING_DAYS) {
      checks.push({
        id: 'token-expiry', ok: false, severity: 'warning',
        message: `The token expires on ${facts.tokenExpiresAt.slice(0, 10)} (in ${Math.max(daysLeft, 0)} days); transfers stop then until a new token is given.`,
        fix: 'Create a token that lasts longer (or does not expire) in Mystore\'s admin and give it to the integration before this one expires.',
      });
    }
  }

  if (facts.settings) {
    const name = facts.settings.storeName ? `"${facts.settings.storeName}"` : `"${facts.shop}"`;
    checks.push({
      id: 'settings', ok: true, severity: 'blocking',
      message: `The shop ${name} uses language "${facts.settings.language}"${facts.settings.currency ? ` and currency ${facts.settings.currency}` : ''}.`,
    });
  }

  if (facts.orderStatuses === null) {
    const reason = facts.unreadable.find((entry) => entry.what === 'order statuses');
    checks.push({
      id: 'completed-status', ok: false, severity: 'blocking',
      message: `The shop's order statuses could not be read${reason ? ` (${reason.message})` : ''}, so it is unknown which status marks an order as completed.`,
      fix: 'Give the token the scope to read order statuses (see the scope checks), then run this step again.',
    });
  } else if (completedStatuses.length === 0) {
    checks.push({
      id: 'completed-status', ok: false, severity: 'blocking',
      message: `No order status carries the "Fullført" (completed) tag (statuses: ${facts.orderStatuses.map((status) => status.name).join(', ') || 'none'}), so no order would ever be invoiced.`,
      fix: 'In Mystore\'s order status settings, tag the status you give finished orders (for example "Sendt") as "Fullført", then run this step again.',
    });
  } else {
    checks.push({
      id: 'completed-status', ok: true, severity: 'blocking',
      message: `Orders are invoiced when they reach ${completedStatuses.map((status) => `"${status.name}"`).join(' or ')} (tagged "Fullført").`,
    });
  }

  if (facts.orderStatuses !== null) {
    const cancelled = facts.orderStatuses.filter((status) => status.cancelled);
    checks.push(
      cancelled.length > 0
        ? { id: 'cancelled-status', ok: true, severity: 'warning', message: `Cancellations are recognised by ${cancelled.map((status) => `"${status.name}"`).join(' or ')} (tagged "Kansellert").` }
        : {
            id: 'cancelled-status', ok: false, severity: 'warning',
            message: 'No order status carries the "Kansellert" (cancelled) tag, so a cancelled order that was already invoiced is not credited by itself.',
            fix: 'In Mystore\'s order status settings, tag the status for cancelled orders as "Kansellert".',
          },
    );
  }

  if (facts.paymentModules !== null) {
    const enabled = facts.paymentModules.filter((module) => module.enabled);
    checks.push(
      enabled.length > 0
        ? { id: 'payment-modules', ok: true, severity: 'warning', message: `Payment modules in use: ${enabled.map((module) => module.title).join(', ')}.` }
        : {
            id: 'payment-modules', ok: false, severity: 'warning',
            message: 'The shop has no payment module switched on, so there is nothing to map to Tripletex payment types yet.',
            fix: 'Switch on the shop\'s payment modules in Mystore, then run this step again to map them.',
          },
    );
  }

  return {
    ready: checks.every((check) => check.ok || check.severity === 'warning'),
    checks,
    completedStatuses,
    paymentModules,
    language,
  };
}
