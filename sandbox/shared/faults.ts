// Fault injection for the API paths of a sandbox (never its /_admin): each kind fires with its own
// rate, drawn from a seeded PRNG so a run is reproducible. One draw per enabled kind per request,
// always in the same order, so the sequence of faults depends only on the seed and the number of
// requests. Shared by the Tripletex and the Mystore sandbox; each says which kinds it knows and
// which methods count as writes (for commitThenDrop).
//
// Bursts of 429 (`http429Burst`) draw from a second PRNG stream of their own, one draw per
// request: enabling them leaves the sequence of every other kind for a seed as it was. A burst
// lasts a stretch of real time, as a spent rate limit does, however few requests come meanwhile.

export interface FaultConfig {
  http500?: number;
  http503?: number;
  /** A gateway timeout (the Mystore API returns these; brief §1.5). Only sandboxes that list the kind use it. */
  http504?: number;
  /** Respond after `slowDelayMs` (default 35 s, longer than a client's timeout). The write commits first. */
  slow?: number;
  slowDelayMs?: number;
  /** Destroy the socket before reading the request or doing anything. */
  resetBeforeWrite?: number;
  /** Writes only: perform and commit the write, then destroy the socket without responding. */
  commitThenDrop?: number;
  /**
   * Chance that a request starts a burst of 429 Too Many Requests, as when a shared rate limit
   * runs out: it and every request (where faults apply) for the next `http429BurstMs` are refused
   * without running the handler. Every sandbox knows this kind, whatever its `kinds`.
   */
  http429Burst?: number;
  /** How long one burst of 429s lasts, in ms of real time (default 1 000). */
  http429BurstMs?: number;
  /** Only these methods (default all). */
  methods?: string[];
  /** Only paths (as the sandbox passes them to `pick`, decoded) starting with one of these, or matching a RegExp. */
  paths?: Array<string | RegExp>;
}

export type FaultKind = 'http500' | 'http503' | 'http504' | 'slow' | 'resetBeforeWrite' | 'commitThenDrop' | 'http429Burst';

/** The Tripletex sandbox's kinds, in its draw order (kept so its seeds give the same faults as before). */
export const DEFAULT_FAULT_KINDS: readonly FaultKind[] = ['resetBeforeWrite', 'http500', 'http503', 'slow', 'commitThenDrop'];

export const DEFAULT_SLOW_DELAY_MS = 35_000;
export const DEFAULT_HTTP429_BURST_MS = 1_000;
/** Mixed into the seed for the burst stream, so it is not the main stream again. */
const BURST_SEED_SALT = 0x42942942;

export interface FaultInjectorOptions {
  /** The kinds this sandbox injects, in draw order. Default DEFAULT_FAULT_KINDS. */
  kinds?: readonly FaultKind[];
  /** Methods commitThenDrop applies to. Default POST and PUT. */
  writeMethods?: readonly string[];
  /** The clock bursts of 429 are timed by, epoch ms. Default real time (a sandbox's own clock may stand still). */
  now?: () => number;
}

/** mulberry32: tiny, fast, good enough for picking faults deterministically. */
export function mulberry32(seed: number): () => number {
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
  private burstRandom: () => number;
  /** Until when (epoch ms) the current burst of 429s refuses requests. */
  private burstUntil = 0;
  private readonly kinds: readonly FaultKind[];
  private readonly writeMethods: readonly string[];
  private readonly now: () => number;

  constructor(private config: FaultConfig, private readonly seed: number, options: FaultInjectorOptions = {}) {
    this.random = mulberry32(seed);
    this.burstRandom = mulberry32(seed ^ BURST_SEED_SALT);
    this.kinds = (options.kinds ?? DEFAULT_FAULT_KINDS).filter((kind) => kind !== 'http429Burst');
    this.writeMethods = (options.writeMethods ?? ['POST', 'PUT']).map((m) => m.toUpperCase());
    this.now = options.now ?? Date.now;
  }

  /** New rates; a burst under way ends (so `setConfig({})` stops every fault at once). */
  setConfig(config: FaultConfig): void {
    this.config = config;
    this.burstUntil = 0;
  }

  reset(): void {
    this.random = mulberry32(this.seed);
    this.burstRandom = mulberry32(this.seed ^ BURST_SEED_SALT);
    this.burstUntil = 0;
  }

  /** Ms left in the current burst of 429s (0 when none), for a Retry-After. */
  get burstLeftMs(): number { return Math.max(0, this.burstUntil - this.now()); }

  get slowDelayMs(): number { return this.config.slowDelayMs ?? DEFAULT_SLOW_DELAY_MS; }

  /** The fault to inject for this request, if any. */
  pick(method: string, path: string): FaultKind | null {
    const c = this.config;
    const rolls = this.kinds.map((kind) => ({ kind, roll: this.random() }));
    const burstRoll = this.burstRandom();
    if (c.methods && !c.methods.map((m) => m.toUpperCase()).includes(method)) return null;
    if (c.paths && !c.paths.some((p) => (typeof p === 'string' ? path.startsWith(p) : p.test(path)))) return null;
    if (this.now() < this.burstUntil) return 'http429Burst';
    if (burstRoll < (c.http429Burst ?? 0)) {
      this.burstUntil = this.now() + (c.http429BurstMs ?? DEFAULT_HTTP429_BURST_MS);
      return 'http429Burst';
    }
    for (const { kind, roll } of rolls) {
      const rate = c[kind] ?? 0;
      if (kind === 'commitThenDrop' && !this.writeMethods.includes(method)) continue;
      if (roll < rate) return kind;
    }
    return null;
  }
}
