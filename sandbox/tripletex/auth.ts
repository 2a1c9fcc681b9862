// Session tokens and the Basic auth every other /v2 call needs (brief §1).
import { forbidden, missingQueryParam, unauthorized, validationError } from './api-error';
import type { Access, CompanyRecord, EmployeeTokenRecord, SandboxStore, SessionRecord } from './store';

export interface AuthContext {
  session: SessionRecord;
  employeeToken: EmployeeTokenRecord;
  company: CompanyRecord;
}

export function isoDate(d: Date): string {
  return d.toISOString().slice(0, 10);
}

/**
 * "The expiration date must be later than today. Your session token will expire at midnight on
 * the specified date" ([DEV-OPENAPI], brief §1). Uncertain which midnight: the sandbox reads it as
 * 00:00 at the *start* of that date (the stricter reading, and the renewal rule of
 * valuetechdev/tripletex-go: renew when now >= expirationDate). Dates are UTC in the sandbox.
 */
export function expiryInstant(expirationDate: string): number {
  return Date.parse(`${expirationDate}T00:00:00Z`);
}

export function createSession(store: SandboxStore, q: Record<string, string>, now: Date): SessionRecord {
  for (const name of ['consumerToken', 'employeeToken', 'expirationDate']) {
    if (q[name] === undefined || q[name] === '') throw missingQueryParam(name);
  }
  const consumerToken = q.consumerToken ?? '';
  const employeeToken = q.employeeToken ?? '';
  const expirationDate = q.expirationDate ?? '';
  // Invalid consumer/employee token: 422/18000 with field "arg:consumerToken" ([ISSUE-53], brief §1).
  if (!store.consumerTokens.has(consumerToken)) {
    throw validationError([{ field: 'arg:consumerToken', message: 'The consumer token is invalid or does not exist.' }]);
  }
  const et = store.employeeTokens.get(employeeToken);
  if (!et || et.revoked) {
    throw validationError([{ field: 'arg:employeeToken', message: 'The employee token is invalid or does not exist.' }]);
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(expirationDate) || Number.isNaN(expiryInstant(expirationDate))) {
    throw validationError([{ field: 'arg:expirationDate', message: `Ugyldig dato: ${expirationDate}` }]);
  }
  if (expirationDate <= isoDate(now)) {
    throw validationError([{ field: 'arg:expirationDate', message: 'The expiration date must be later than today.' }]);
  }
  const session: SessionRecord = {
    id: store.nextId('session'), token: store.newToken('session'), consumerToken, employeeToken, expirationDate,
    expiresAtMs: expiryInstant(expirationDate), revoked: false,
  };
  store.sessions.set(session.token, session);
  return session;
}

const FORMAT_HINT = 'The expected format is base64encoded(<<companyId>>:<<sessionToken>>)';

export function authenticate(store: SandboxStore, header: string | undefined, now: Date): AuthContext {
  if (!header) throw unauthorized('Authorization header missing. ' + FORMAT_HINT);
  const match = /^Basic\s+(.+)$/i.exec(header.trim());
  if (!match?.[1]) throw unauthorized('Authorization header is not Basic. ' + FORMAT_HINT);
  const decoded = Buffer.from(match[1], 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) throw unauthorized('Authorization header has no password. ' + FORMAT_HINT);
  const username = decoded.slice(0, colon);
  const token = decoded.slice(colon + 1);
  if (username !== '' && !/^\d+$/.test(username)) {
    throw unauthorized(`Authorization header has invalid username: ${username}. Should be a customer id or 0 for default. ${FORMAT_HINT}`);
  }
  const session = store.sessions.get(token);
  // The body for an expired token is undocumented (brief §1, uncertain); 401/3000 as for invalid.
  if (!session || session.revoked || now.getTime() >= session.expiresAtMs) {
    throw unauthorized('Invalid or expired session token.');
  }
  const et = store.employeeTokens.get(session.employeeToken);
  if (!et || et.revoked) throw unauthorized('The employee token behind this session has been revoked.');
  const company = store.company(et.companyId);
  if (!company) throw unauthorized('Company not found.');
  // Username 0/blank = own company; another id selects an accountant client company, which a
  // web-shop's token has no login access to (brief §1) → 403.
  if (username !== '' && username !== '0' && Number(username) !== company.id) {
    throw forbidden(`No login access to company ${username}.`);
  }
  return { session, employeeToken: et, company };
}

/** Entitlement and module checks (brief §1: 403/9000). */
export function requireAccess(auth: AuthContext, access: Access | null): void {
  if (!auth.company.integrationsModuleEnabled) {
    throw forbidden('The company does not have the module for API integrations enabled.');
  }
  if (access !== null && !auth.employeeToken.access.includes(access)) {
    throw forbidden(`The employee token lacks the entitlement "${access}".`);
  }
}

