/**
 * Reads a Mystore personal access token's claims without verifying it (docs/mystore-api-model.md
 * "Tokens and scopes": JWT with `sub`, `no_mystore_hosts`, `scopes`, `iat`, `exp`). Only to name
 * a missing scope or an expiry before a call fails; Mystore itself decides what the token may do.
 */
import { z } from 'zod';

const claimsSchema = z.object({
  sub: z.union([z.string(), z.number().transform(String)]).optional(),
  no_mystore_hosts: z.array(z.string()).optional(),
  // OAuth tokens may carry `scope` as one space-separated string instead.
  scopes: z.array(z.string()).optional(),
  scope: z.string().optional(),
  iat: z.number().optional(),
  exp: z.number().optional(),
});

export interface MystoreTokenClaims {
  subject: string | null;
  /** Shops the token is for (`no_mystore_hosts`). */
  shops: string[];
  scopes: string[];
  /** ISO instants, null when the claim is absent. */
  issuedAt: string | null;
  expiresAt: string | null;
}

/** The token's claims, or null when it is not a JWT with a JSON payload. Never throws, never logs. */
export function decodeMystoreToken(token: string): MystoreTokenClaims | null {
  const parts = token.trim().split('.');
  if (parts.length !== 3 || !parts[1] || !/^[A-Za-z0-9_-]+={0,2}$/.test(parts[1])) return null;
  let payload: unknown;
  try {
    payload = JSON.parse(Buffer.from(parts[1], 'base64url').toString('utf8'));
  } catch {
    return null;
  }
  const parsed = claimsSchema.safeParse(payload);
  if (!parsed.success) return null;
  const claims = parsed.data;
  const time = (seconds: number | undefined) => (seconds === undefined ? null : new Date(seconds * 1000).toISOString());
  return {
    subject: claims.sub ?? null,
    shops: claims.no_mystore_hosts ?? [],
    scopes: claims.scopes ?? (claims.scope ? claims.scope.split(/\s+/).filter(Boolean) : []),
    issuedAt: time(claims.iat),
    expiresAt: time(claims.exp),
  };
}

/** The scopes of `required` that the token's payload does not list (all of them unknown when the token is not a JWT → null). */
export function missingScopes(token: string, required: readonly string[]): string[] | null {
  const claims = decodeMystoreToken(token);
  if (!claims) return null;
  return required.filter((scope) => !claims.scopes.includes(scope));
}
