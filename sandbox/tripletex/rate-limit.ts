// Per (consumer token, employee token) fixed-window rate limiting ([SPEC] info: "for an employee
// for each API consumer", brief §3). X-Rate-Limit-* on every response; once exhausted every call
// is 429 for the rest of the window, and the 429 lacks X-Rate-Limit-Reset ([ISSUE-103]).

export interface RateLimitConfig { limit: number; windowSeconds: number }

export interface RateLimitDecision { allowed: boolean; headers: Record<string, string> }

export class RateLimiter {
  private windows = new Map<string, { start: number; used: number }>();

  constructor(private config: RateLimitConfig | null) {}

  setConfig(config: RateLimitConfig | null): void {
    this.config = config;
    this.windows.clear();
  }

  reset(): void { this.windows.clear(); }

  check(key: string, nowMs: number): RateLimitDecision | null {
    if (!this.config) return null;
    const { limit, windowSeconds } = this.config;
    const windowMs = windowSeconds * 1000;
    const start = Math.floor(nowMs / windowMs) * windowMs;
    let w = this.windows.get(key);
    if (!w || w.start !== start) {
      w = { start, used: 0 };
      this.windows.set(key, w);
    }
    w.used += 1;
    const reset = Math.max(1, Math.ceil((start + windowMs - nowMs) / 1000));
    const base = { 'X-Rate-Limit-Limit': String(limit), 'X-Rate-Limit-Remaining': String(Math.max(0, limit - w.used)) };
    if (w.used > limit) return { allowed: false, headers: base };
    return { allowed: true, headers: { ...base, 'X-Rate-Limit-Reset': String(reset) } };
  }
}
