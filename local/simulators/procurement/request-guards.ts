/**
 * What the procurement platform checks before an API call reaches its resources: the rate limit
 * per client and the Idempotency-Key store.
 */
import type { ApiAnswer } from './platform';
import { errorAnswer } from './platform';

/** 10 requests in any one-second window per client (configurable); rejected calls do not count. */
export class RateLimiter {
  private readonly windows = new Map<string, number[]>();
  private burst: { remaining: number; retryAfterSeconds: number } | undefined;

  constructor(
    private readonly limitPerSecond: number,
    private readonly now: () => Date,
  ) {}

  /** The next `count` calls get 429 with this Retry-After. */
  injectBurst(count: number, retryAfterSeconds: number): void {
    this.burst = { remaining: count, retryAfterSeconds };
  }

  /** A 429 answer when the client is over its limit; counts the call otherwise. */
  check(clientId: string): ApiAnswer | undefined {
    if (this.burst && this.burst.remaining > 0) {
      this.burst.remaining--;
      return rateLimited(this.burst.retryAfterSeconds);
    }
    const now = this.now().getTime();
    const window = (this.windows.get(clientId) ?? []).filter((t) => t > now - 1000);
    this.windows.set(clientId, window);
    if (window.length >= this.limitPerSecond)
      return rateLimited(Math.max(1, Math.ceil((window[0]! + 1000 - now) / 1000)));
    window.push(now);
    return undefined;
  }
}

function rateLimited(retryAfterSeconds: number): ApiAnswer {
  return {
    ...errorAnswer(429, { code: 'rate_limited', message: 'more than 10 requests per second' }),
    headers: { 'retry-after': String(retryAfterSeconds) },
  };
}

interface StoredAnswer {
  fingerprint: string;
  answer: ApiAnswer;
  storedAt: number;
}

/** Answers kept per client and Idempotency-Key for a while. */
export class IdempotencyStore {
  private readonly answers = new Map<string, StoredAnswer>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => Date,
  ) {}

  /**
   * What an earlier call with this key decides: `replay` its answer, `conflict` when the key came
   * with another request, nothing when the key is new or out of scope.
   */
  recall(
    clientId: string,
    key: string,
    fingerprint: string,
  ): { replay: ApiAnswer } | { conflict: ApiAnswer } | undefined {
    const stored = this.answers.get(storeKey(clientId, key));
    if (!stored || this.now().getTime() - stored.storedAt >= this.ttlMs) return undefined;
    if (stored.fingerprint !== fingerprint)
      return {
        conflict: errorAnswer(409, {
          code: 'idempotency_key_reused',
          message: `Idempotency-Key ${key} was used with a different request`,
        }),
      };
    return { replay: structuredClone(stored.answer) };
  }

  /** Keeps an answer; only 2xx and 4xx answers are stored. */
  remember(clientId: string, key: string, fingerprint: string, answer: ApiAnswer): void {
    if (answer.status >= 500) return;
    this.answers.set(storeKey(clientId, key), {
      fingerprint,
      answer: structuredClone(answer),
      storedAt: this.now().getTime(),
    });
  }
}

function storeKey(clientId: string, key: string): string {
  return `${clientId}\u0000${key}`;
}

/** The same key is the same request only with the same method, path and JSON body. */
export function requestFingerprint(method: string, pathname: string, body: unknown): string {
  return `${method} ${pathname}\n${canonicalJson(body ?? null)}`;
}

/** JSON with object keys sorted, so two bodies compare as JSON values, not bytes. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object')
    return `{${Object.keys(value)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`)
      .join(',')}}`;
  return JSON.stringify(value);
}
