/** Exit codes of `npm run cli`, documented in the README. */
export const EXIT_CODES = {
  ok: 0,
  /** Bad arguments or configuration, or a conflicting run. */
  usage: 1,
  /** The key works, but something in Tripletex must be fixed before invoicing can start. */
  needsAttention: 2,
  /** Tripletex did not accept the key. */
  keyRejected: 3,
  /** Tripletex or Temporal could not be reached. */
  unavailable: 4,
} as const;

/** Thrown by a CLI command for an expected failure: its message is printed, without a stack. */
export class CliError extends Error {
  constructor(message: string, readonly exitCode: number) {
    super(message);
    this.name = 'CliError';
  }
}
