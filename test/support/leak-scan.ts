/**
 * The leak scan of test/leaks/no-plain-secrets.test.ts: finds tokens, e-mail addresses and the
 * sandbox customers' names in plain text, in raw Temporal protos (every byte field decoded as
 * UTF-8 and Latin-1, so a payload the codec did not encrypt reads as text) and in log lines.
 * Every finding says where: workflow id, run id, event id and field path, or log line number.
 */
import { COMPANIES, DEFAULT_CUSTOMER, FIRST_NAMES, LAST_NAMES } from '../../sandbox/mystore';

export type LeakKind = 'jwt' | 'tripletex-token' | 'fixed-sandbox-token' | 'basic-auth' | 'bearer-token' | 'email' | 'customer-name' | 'unencrypted-payload';

export interface Finding {
  kind: LeakKind;
  /** Where: `workflow <id> run <run> event <n> (<type>) <path>` or `log line <n>`. */
  where: string;
  /** The match, cut short. */
  match: string;
}

const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const LETTER = '\\p{L}';
/** A word of its own: not inside a longer word. */
const word = (text: string) => `(?<![${LETTER}\\p{N}])${escape(text)}(?![${LETTER}\\p{N}])`;

const lastNames = [...LAST_NAMES, DEFAULT_CUSTOMER.lastname];
const firstNames = [...FIRST_NAMES, DEFAULT_CUSTOMER.firstname];
const alt = (names: readonly string[]) => [...new Set(names)].map(escape).join('|');

/**
 * The shapes looked for. Tokens as the sandboxes mint them: Mystore personal access tokens are
 * HS256 JWTs (`eyJ…`, sandbox/mystore/auth.ts); Tripletex consumer, employee and session tokens are
 * `consumer-…`, `employee-…`, `session-…` (sandbox/tripletex/store.ts newToken; tests also make
 * `consumer-<uuid>`), plus the fixed demo tokens; Basic (Tripletex sessions) and Bearer (Mystore)
 * credentials as they stand in an Authorization header.
 */
const PATTERNS: ReadonlyArray<{ kind: LeakKind; pattern: RegExp }> = [
  { kind: 'jwt', pattern: /eyJ[A-Za-z0-9_-]{8,}(?:\.[A-Za-z0-9_-]*)*/g },
  { kind: 'tripletex-token', pattern: /(?<![A-Za-z0-9])(?:consumer|employee|session)-[A-Za-z0-9_-]{12,}/g },
  { kind: 'fixed-sandbox-token', pattern: /sandbox-consumer-token|sandbox-demo-employee-token|test-consumer-SECRET[A-Za-z0-9-]*/g },
  { kind: 'basic-auth', pattern: /Basic\s+[A-Za-z0-9+/]{12,}={0,2}/g },
  { kind: 'bearer-token', pattern: /Bearer\s+(?!\[REDACTED\])[A-Za-z0-9._~+/-]{8,}=*/g },
  // Any x@y.z. A worker identity is `<pid>@<host>`: a local part of digits only is not an address.
  // Not protobuf type URLs (`…\n@type.googleapis.com/…` in gRPC error details that core logs).
  { kind: 'email', pattern: /(?<![A-Za-z0-9._%+-])(?![0-9]+@)[A-Za-z0-9._%+-]+@(?!type\.googleapis\.com\b)[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}/g },
  {
    kind: 'customer-name',
    pattern: new RegExp(
      [
        // "First Last", "Last, First", and every surname of the generator on its own.
        `(?:${alt(firstNames)})\\s+(?:${alt(lastNames)})`,
        `(?:${alt(lastNames)}),\\s*(?:${alt(firstNames)})`,
        ...[...new Set(lastNames)].map(word),
        ...COMPANIES.map(word),
      ].join('|'),
      'gu',
    ),
  },
];

export const TOKEN_KINDS: readonly LeakKind[] = ['jwt', 'tripletex-token', 'fixed-sandbox-token', 'basic-auth', 'bearer-token'];
export const ALL_KINDS: readonly LeakKind[] = [...TOKEN_KINDS, 'email', 'customer-name'];

/** Every match of the given kinds in `text`. */
export function scanText(text: string, where: string, kinds: readonly LeakKind[] = ALL_KINDS): Finding[] {
  const findings: Finding[] = [];
  for (const { kind, pattern } of PATTERNS) {
    if (!kinds.includes(kind)) continue;
    for (const match of text.matchAll(pattern)) {
      findings.push({ kind, where, match: match[0].length > 24 ? `${match[0].slice(0, 24)}…` : match[0] });
    }
  }
  return findings;
}

function isLong(value: object): boolean {
  const long = value as { low?: unknown; high?: unknown; unsigned?: unknown };
  return typeof long.low === 'number' && typeof long.high === 'number' && typeof long.unsigned === 'boolean';
}

/**
 * Every string in a raw proto (or any object), with its path: byte fields as UTF-8 and as
 * Latin-1 text, longs as numbers, map keys as strings of their own.
 */
export function textsOf(value: unknown, at = ''): Array<{ path: string; text: string }> {
  if (value === null || value === undefined) return [];
  if (typeof value === 'string') return [{ path: at, text: value }];
  if (typeof value !== 'object') return [];
  if (value instanceof Uint8Array) {
    const bytes = Buffer.from(value.buffer, value.byteOffset, value.byteLength);
    return [{ path: at, text: bytes.toString('utf8') }, { path: `${at}(latin1)`, text: bytes.toString('latin1') }];
  }
  if (isLong(value)) return [];
  if (Array.isArray(value)) return value.flatMap((item, index) => textsOf(item, `${at}[${index}]`));
  if (isEncryptedPayload(value)) {
    // Ciphertext is random bytes: read as text, one payload in thousands holds something shaped
    // like x@y.zz. Whether payloads are encrypted is checked by unencryptedPayloads.
    return textsOf((value as { metadata: unknown }).metadata, at ? `${at}.metadata` : 'metadata');
  }
  return Object.entries(value).flatMap(([key, item]) => [{ path: `${at}.${key}(key)`, text: key }, ...textsOf(item, at ? `${at}.${key}` : key)]);
}

/** What the payload codec writes as a payload's encoding (common/payload-codec.ts). */
const ENCRYPTED = 'binary/encrypted';

/** A Temporal payload's `metadata.encoding` as text; undefined for anything that is not a payload. */
function payloadEncodingOf(value: object): string | undefined {
  const encoding = (value as { metadata?: Record<string, unknown> }).metadata?.encoding;
  return encoding instanceof Uint8Array ? Buffer.from(encoding).toString('utf8') : undefined;
}

function isEncryptedPayload(value: object): boolean {
  return (value as { data?: unknown }).data instanceof Uint8Array && payloadEncodingOf(value) === ENCRYPTED;
}

/** Scans one raw proto object; `where` names it, each finding adds the field path. */
export function scanProto(value: unknown, where: string, kinds: readonly LeakKind[] = ALL_KINDS): Finding[] {
  return textsOf(value).flatMap(({ path, text }) => scanText(text, `${where} ${path}`, kinds));
}

/** Scans a log file's text line by line. */
export function scanLog(text: string, kinds: readonly LeakKind[] = ALL_KINDS): Finding[] {
  return text.split('\n').flatMap((line, index) => scanText(line, `log line ${index + 1}`, kinds));
}

/** Findings as a readable list, at most `limit` of them, with a count per kind. */
export function describeFindings(findings: Finding[], limit = 40): string {
  const perKind = new Map<string, number>();
  for (const finding of findings) perKind.set(finding.kind, (perKind.get(finding.kind) ?? 0) + 1);
  const counts = [...perKind].map(([kind, count]) => `${kind}: ${count}`).join(', ');
  const shown = findings.slice(0, limit).map((finding) => `  ${finding.kind} "${finding.match}" at ${finding.where}`);
  return `${findings.length} finding(s) (${counts})\n${shown.join('\n')}${findings.length > limit ? `\n  … and ${findings.length - limit} more` : ''}`;
}

/** Every Temporal payload in a raw proto: its field path (indices dropped) and its encoding. */
export function payloadEncodings(value: unknown, at = ''): Array<{ path: string; encoding: string }> {
  if (value === null || typeof value !== 'object' || value instanceof Uint8Array || isLong(value)) return [];
  if (Array.isArray(value)) return value.flatMap((item) => payloadEncodings(item, at));
  const encoding = payloadEncodingOf(value);
  if (encoding !== undefined) return [{ path: at, encoding }];
  return Object.entries(value).flatMap(([key, item]) => payloadEncodings(item, at ? `${at}.${key}` : key));
}

/**
 * Payloads that are not encrypted, outside search attributes (which Temporal must read, and
 * which hold only ids and statuses): whatever they hold, nothing but the codec should write them.
 */
export function unencryptedPayloads(value: unknown, where: string): Finding[] {
  return payloadEncodings(value)
    .filter(({ path, encoding }) => encoding !== ENCRYPTED && !/(?:^|\.)searchAttributes\.indexedFields\.[^.]+$/.test(path))
    // patched() markers: the SDK core writes them itself, bypassing the data converter; they hold the patch id only.
    .filter(({ path }) => !/(?:^|\.)markerRecordedEventAttributes\.details\.patch-data\.payloads(?:\.|$)/.test(path))
    // Local activity markers: core writes their bookkeeping (sequence, attempt, activity id and type, times) as `data`
    // itself; their result and failure go through the codec. The text scan above still reads `data`.
    .filter(({ path }) => !/(?:^|\.)markerRecordedEventAttributes\.details\.data\.payloads(?:\.|$)/.test(path))
    .map(({ path, encoding }) => ({ kind: 'unencrypted-payload' as const, where: `${where} ${path}`, match: encoding }));
}
