/**
 * API Gateway's stage and method throttling, locally: one token bucket per method (of `burstLimit`
 * tokens, refilled at `rateLimit` per second), from the stage's `MethodSettings` the template holds,
 * so the numbers a route declares (application/api-routes.ts `throttle`) are the ones enforced.
 * A method without its own setting shares the stage default's bucket, as in AWS.
 */
import type { ThrottleModel } from '../../assembly';

/** Decides whether a request to a method may pass now. */
export class MethodThrottles {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(
    private readonly throttles: Readonly<Record<string, ThrottleModel>>,
    private readonly now: () => number = Date.now,
  ) {}

  /** Takes a token of the method's bucket; false when it is empty (answer 429). */
  admit(httpMethod: string, resourcePath: string): boolean {
    const own = `${httpMethod} ${resourcePath}`;
    const key = this.throttles[own] ? own : '* /*';
    const limit = this.throttles[key];
    if (!limit) return true;
    const now = this.now();
    const bucket = this.buckets.get(key) ?? { tokens: limit.burstLimit, at: now };
    bucket.tokens = Math.min(limit.burstLimit, bucket.tokens + ((now - bucket.at) / 1000) * limit.rateLimit);
    bucket.at = now;
    this.buckets.set(key, bucket);
    if (bucket.tokens < 1) return false;
    bucket.tokens -= 1;
    return true;
  }
}
