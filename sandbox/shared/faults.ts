// Fault injection for /v2 only (never /_admin): each kind fires with its own rate, drawn from a
// seeded PRNG so a run is reproducible. One draw per kind per request, always in the same order,
// so the sequence of faults depends only on the seed and the number of requests.

export interface FaultConfig {
  http500?: number;
  http503?: number;
  /** Respond after `slowDelayMs` (default 35 s, longer than a client's timeout). The write commits first. */
  slow?: number;
  slowDelayMs?: number;
  /** Destroy the socket before reading the request or doing anything. */
  resetBeforeWrite?: number;
  /** POST/PUT only: perform and commit the write, then destroy the socket without responding. */
  commitThenDrop?: number;
  /** Only these methods (default all). */
  methods?: string[];
  /** Only paths (after /v2, decoded, e.g. "/invoice") starting with one of these, or matching a RegExp. */
  paths?: Array<string | RegExp>;
}

export type FaultKind = 'http500' | 'http503' | 'slow' | 'resetBeforeWrite' | 'commitThenDrop';
const ORDER: readonly FaultKind[] = ['resetBeforeWrite', 'http500', 'http503', 'slow', 'commitThenDrop'];

export const DEFAULT_SLOW_DELAY_MS = 35_000;

/** mulberry32: tiny, fast, good enough for picking faults deterministically. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class FaultInjector {
  private random: () => number;

  constructor(private config: FaultConfig, private readonly seed: number) {
    this.random = mulberry32(seed);
  }

  setConfig(config: FaultConfig): void { this.config = config; }
  reset(): void { this.random = mulberry32(this.seed); }
  get slowDelayMs(): number { return this.config.slowDelayMs ?? DEFAULT_SLOW_DELAY_MS; }

  /** The fault to inject for this request, if any. */
  pick(method: string, path: string): FaultKind | null {
    const c = this.config;
    const rolls = ORDER.map((kind) => ({ kind, roll: this.random() }));
    if (c.methods && !c.methods.map((m) => m.toUpperCase()).includes(method)) return null;
    if (c.paths && !c.paths.some((p) => (typeof p === 'string' ? path.startsWith(p) : p.test(path)))) return null;
    for (const { kind, roll } of rolls) {
      const rate = c[kind] ?? 0;
      if (kind === 'commitThenDrop' && method !== 'POST' && method !== 'PUT') continue;
      if (roll < rate) return kind;
    }
    return null;
  }
}
