/**
 * In-memory EventBridge event bus for the local runtime: PutEvents validation and limits, the
 * event envelope, rule matching and asynchronous target delivery with retry, backoff and a
 * dead-letter hand-off (mirroring a target's RetryPolicy + DeadLetterConfig).
 */
import { randomUUID } from 'node:crypto';
import { CompiledPattern, type EventPattern } from './pattern';

/** The event as rules and targets see it (the EventBridge envelope). */
export interface EventEnvelope {
  version: '0';
  id: string;
  'detail-type': string;
  source: string;
  account: string;
  time: string;
  region: string;
  resources: string[];
  detail: Record<string, unknown>;
  /** Present only on events re-sent by an archive replay. */
  'replay-name'?: string;
}

/** One PutEvents entry, as in the AWS API (`Time` may be a Date, ISO text or epoch milliseconds). */
export interface PutEventsRequestEntry {
  Time?: Date | string | number;
  Source?: string;
  Resources?: string[];
  DetailType?: string;
  Detail?: string;
  EventBusName?: string;
  TraceHeader?: string;
}

/** Per-entry outcome: `EventId` on success, `ErrorCode`/`ErrorMessage` on failure. */
export interface PutEventsResultEntry {
  EventId?: string;
  ErrorCode?: string;
  ErrorMessage?: string;
}

/** PutEvents response: one result entry per request entry, in the same order. */
export interface PutEventsResult {
  FailedEntryCount: number;
  Entries: PutEventsResultEntry[];
}

/** A whole-request rejection (AWS answers these with HTTP 400 instead of per-entry failures). */
export class EventBridgeRequestError extends Error {
  constructor(
    readonly code: 'ValidationException' | 'ResourceNotFoundException' | 'ResourceAlreadyExistsException',
    message: string,
  ) {
    super(message);
    this.name = code;
  }
}

/** Target retry policy, as in EventBridge (`MaximumRetryAttempts`, `MaximumEventAgeInSeconds`). */
export interface RetryPolicy {
  /** Retries after the first attempt; EventBridge default 185. */
  maximumRetryAttempts?: number;
  /** Give up once the event is older than this; EventBridge default 86400 (24 h). */
  maximumEventAgeSeconds?: number;
}

/** Why a delivery was abandoned. */
export type DeadLetterReason = 'RETRY_ATTEMPTS_EXHAUSTED' | 'MAXIMUM_EVENT_AGE_EXCEEDED';

/** What a dead-letter callback receives. */
export interface DeadLetter {
  event: EventEnvelope;
  ruleName: string;
  targetId: string;
  reason: DeadLetterReason;
  /** Message of the last delivery error. */
  errorMessage: string;
  attempts: number;
}

/** A rule target: `deliver` rejecting or throwing counts as a failed delivery. */
export interface RuleTarget {
  id: string;
  deliver(event: EventEnvelope): unknown;
  retryPolicy?: RetryPolicy;
  /** The target's dead-letter queue. Without one, the bus-level `deadLetter` (or `bus.deadLetters`) gets it. */
  deadLetter?: (letter: DeadLetter) => unknown;
}

/** A rule on the bus. */
export interface RuleDefinition {
  name: string;
  eventPattern: EventPattern | string;
  targets: RuleTarget[];
  /** Disabled rules match nothing. */
  state?: 'ENABLED' | 'DISABLED';
}

/** Everything the bus does, for observers (dashboard, metrics, archive). */
export type BusActivity =
  | { type: 'accepted'; event: EventEnvelope }
  | { type: 'rejected'; entry: PutEventsRequestEntry; errorCode: string; errorMessage: string }
  | { type: 'replayed'; event: EventEnvelope; replayName: string }
  | { type: 'matched'; event: EventEnvelope; ruleName: string }
  | { type: 'delivered'; event: EventEnvelope; ruleName: string; targetId: string; attempt: number }
  | {
      type: 'delivery-failed';
      event: EventEnvelope;
      ruleName: string;
      targetId: string;
      attempt: number;
      errorMessage: string;
      willRetry: boolean;
    }
  | { type: 'dead-lettered'; letter: DeadLetter };

/** Observer callback; errors it throws are reported and otherwise ignored. */
export type BusObserver = (activity: BusActivity) => void;

/** Bus configuration; every field has a local-runtime default. */
export interface EventBusOptions {
  /** Bus name; entries without `EventBusName` go to `default`. Default `default`. */
  name?: string;
  account?: string;
  region?: string;
  /** Maximum total entry size of one PutEvents request, in bytes. Default 1 MiB (the 2026 quota). */
  maxRequestBytes?: number;
  /** Maximum entries per PutEvents request. Default 10. */
  maxEntries?: number;
  /** Exponential backoff between delivery attempts. */
  backoff?: { initialDelayMs?: number; maxDelayMs?: number; jitter?: boolean };
  /** Default retry policy for targets that do not set one. */
  retryPolicy?: RetryPolicy;
  /** Dead-letter hand-off for targets without their own. */
  deadLetter?: (letter: DeadLetter) => unknown;
  now?: () => Date;
  /** Where observer and dead-letter hand-off failures are reported. Default console.error. */
  reportError?: (message: string, error: unknown) => void;
}

const DEFAULT_MAX_REQUEST_BYTES = 1024 * 1024;
const DEFAULT_MAX_ENTRIES = 10;
const DEFAULT_MAX_RETRY_ATTEMPTS = 185;
const DEFAULT_MAX_EVENT_AGE_SECONDS = 86_400;

interface Rule {
  name: string;
  pattern: CompiledPattern;
  targets: RuleTarget[];
  enabled: boolean;
}

/** The local event bus. */
export class EventBus {
  readonly name: string;
  readonly account: string;
  readonly region: string;
  /** Dead letters nobody took (no target or bus dead-letter callback, or the callback failed). */
  readonly deadLetters: DeadLetter[] = [];

  private readonly rules = new Map<string, Rule>();
  private readonly observers = new Set<BusObserver>();
  private readonly inFlight = new Set<Promise<void>>();
  private readonly backoffs = new Set<() => void>();
  private stopped = false;
  private readonly options: EventBusOptions;
  private readonly now: () => Date;

  constructor(options: EventBusOptions = {}) {
    this.options = options;
    this.name = options.name ?? 'default';
    this.account = options.account ?? '000000000000';
    this.region = options.region ?? 'us-east-1';
    this.now = options.now ?? (() => new Date());
  }

  /** `arn:aws:events:<region>:<account>:event-bus/<name>` */
  get arn(): string {
    return `arn:aws:events:${this.region}:${this.account}:event-bus/${this.name}`;
  }

  /** ARN of a rule on this bus, as EventBridge forms it. */
  ruleArn(ruleName: string): string {
    const scope = this.name === 'default' ? '' : `${this.name}/`;
    return `arn:aws:events:${this.region}:${this.account}:rule/${scope}${ruleName}`;
  }

  /** Adds or replaces a rule. Throws InvalidEventPatternError when the pattern is not valid. */
  addRule(definition: RuleDefinition): void {
    const ids = new Set<string>();
    for (const target of definition.targets) {
      if (ids.has(target.id)) throw new Error(`Rule ${definition.name}: duplicate target id ${target.id}`);
      ids.add(target.id);
    }
    this.rules.set(definition.name, {
      name: definition.name,
      pattern: new CompiledPattern(definition.eventPattern),
      targets: [...definition.targets],
      enabled: definition.state !== 'DISABLED',
    });
  }

  /** Removes a rule; returns whether it existed. */
  removeRule(name: string): boolean {
    return this.rules.delete(name);
  }

  /** Names of the rules on the bus. */
  ruleNames(): string[] {
    return [...this.rules.keys()];
  }

  /** Registers an observer; returns the function that unregisters it. */
  observe(observer: BusObserver): () => void {
    this.observers.add(observer);
    return () => this.observers.delete(observer);
  }

  /**
   * PutEvents. Whole-request problems (no entries, more than `maxEntries`, total size over the
   * limit) throw EventBridgeRequestError('ValidationException'); entry problems are reported per
   * entry and the other entries still go through. Target delivery happens afterwards, asynchronously.
   */
  putEvents(entries: PutEventsRequestEntry[]): PutEventsResult {
    checkPutEventsRequest(entries, this.limits);
    const results = entries.map((entry) => this.putEntry(entry));
    return { FailedEntryCount: results.filter((r) => r.ErrorCode).length, Entries: results };
  }

  /** Request limits of this bus (used by the HTTP endpoint when one request spans buses). */
  get limits(): PutEventsLimits {
    return {
      maxEntries: this.options.maxEntries ?? DEFAULT_MAX_ENTRIES,
      maxRequestBytes: this.options.maxRequestBytes ?? DEFAULT_MAX_REQUEST_BYTES,
    };
  }

  /** Validates and accepts one entry (no request-level checks); routing happens asynchronously. */
  putEntry(entry: PutEventsRequestEntry): PutEventsResultEntry {
    const outcome = this.toEnvelope(entry);
    if ('errorCode' in outcome) {
      this.emit({
        type: 'rejected',
        entry,
        errorCode: outcome.errorCode,
        errorMessage: outcome.errorMessage,
      });
      return { ErrorCode: outcome.errorCode, ErrorMessage: outcome.errorMessage };
    }
    this.emit({ type: 'accepted', event: outcome });
    this.route(outcome);
    return { EventId: outcome.id };
  }

  /**
   * Accepts an event an AWS service sends itself (source `aws.*`, which PutEvents refuses to
   * callers, as AWS does): the runtime delivers the stand-ins' events here, e.g. S3's `Object Created`.
   */
  putServiceEvent(
    event: Pick<EventEnvelope, 'source' | 'detail-type' | 'resources' | 'detail'>,
  ): EventEnvelope {
    const envelope: EventEnvelope = {
      version: '0',
      id: randomUUID(),
      account: this.account,
      time: formatEventTime(this.now()),
      region: this.region,
      ...event,
    };
    this.emit({ type: 'accepted', event: envelope });
    this.route(envelope);
    return envelope;
  }

  /**
   * Re-sends an archived event to the rules only (not to archives), marked with `replay-name`, as
   * an EventBridge replay does. `ruleNames` restricts it to some rules (the replay's FilterArns).
   */
  replay(event: EventEnvelope, replayName: string, ruleNames?: readonly string[]): EventEnvelope {
    const replayed: EventEnvelope = { ...structuredClone(event), 'replay-name': replayName };
    this.emit({ type: 'replayed', event: replayed, replayName });
    this.route(replayed, ruleNames);
    return replayed;
  }

  /** Abandons the deliveries waiting to retry (no dead letter) and routes nothing more. */
  stop(): void {
    this.stopped = true;
    for (const wake of this.backoffs) wake();
    this.backoffs.clear();
  }

  /** Resolves once every delivery started so far (including retries) has finished. */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) {
      await Promise.allSettled([...this.inFlight]);
    }
  }

  private toEnvelope(
    entry: PutEventsRequestEntry,
  ): EventEnvelope | { errorCode: string; errorMessage: string } {
    const invalid = (parameter: string, reason: string) => ({
      errorCode: 'InvalidArgument',
      errorMessage: `Parameter ${parameter} is not valid. Reason: ${reason}`,
    });
    // In-process callers hold the bus, so a missing EventBusName means this bus (the HTTP endpoint
    // resolves a missing name to the `default` bus itself, as AWS does).
    if (entry.EventBusName !== undefined && entry.EventBusName !== '' && !this.isBus(entry.EventBusName)) {
      return {
        errorCode: 'ResourceNotFoundException',
        errorMessage: `Event bus ${entry.EventBusName} does not exist.`,
      };
    }
    if (typeof entry.Source !== 'string' || entry.Source.trim() === '') {
      return invalid('Source', 'Source is a required argument.');
    }
    if (typeof entry.DetailType !== 'string' || entry.DetailType.trim() === '') {
      return invalid('DetailType', 'DetailType is a required argument.');
    }
    if (typeof entry.Detail !== 'string' || entry.Detail === '') {
      return invalid('Detail', 'Detail is a required argument.');
    }
    let detail: unknown;
    try {
      detail = JSON.parse(entry.Detail);
    } catch {
      return { errorCode: 'MalformedDetail', errorMessage: 'Detail is malformed.' };
    }
    if (detail === null || typeof detail !== 'object' || Array.isArray(detail)) {
      return { errorCode: 'MalformedDetail', errorMessage: 'Detail is malformed.' };
    }
    if (entry.Source.startsWith('aws.')) {
      return { errorCode: 'NotAuthorizedForSourceException', errorMessage: 'Not authorized for the source.' };
    }
    if (
      entry.Resources !== undefined &&
      !(Array.isArray(entry.Resources) && entry.Resources.every(isString))
    ) {
      return invalid('Resources', 'Resources must be a list of strings.');
    }
    let time = this.now();
    if (entry.Time !== undefined && entry.Time !== null) {
      time = entry.Time instanceof Date ? entry.Time : new Date(entry.Time);
      if (Number.isNaN(time.getTime())) return invalid('Time', 'Time is not a valid timestamp.');
    }
    return {
      version: '0',
      id: randomUUID(),
      'detail-type': entry.DetailType,
      source: entry.Source,
      account: this.account,
      time: formatEventTime(time),
      region: this.region,
      resources: [...(entry.Resources ?? [])],
      detail: detail as Record<string, unknown>,
    };
  }

  /** True when `nameOrArn` (an EventBusName as PutEvents accepts it) designates this bus. */
  isBus(nameOrArn: string): boolean {
    return nameOrArn === this.name || nameOrArn === this.arn;
  }

  private route(event: EventEnvelope, ruleNames?: readonly string[]): void {
    if (this.stopped) return;
    const acceptedAt = this.now().getTime();
    for (const rule of this.rules.values()) {
      if (!rule.enabled) continue;
      if (ruleNames && !ruleNames.includes(rule.name)) continue;
      if (!rule.pattern.matches(event)) continue;
      this.emit({ type: 'matched', event, ruleName: rule.name });
      for (const target of rule.targets) {
        const delivery = this.deliver(rule.name, target, event, acceptedAt);
        this.inFlight.add(delivery);
        void delivery.finally(() => this.inFlight.delete(delivery));
      }
    }
  }

  private async deliver(ruleName: string, target: RuleTarget, event: EventEnvelope, acceptedAt: number) {
    // Never deliver synchronously inside putEvents: the caller gets its response first, as with AWS.
    await new Promise<void>((resolve) => setImmediate(resolve));
    const policy = { ...this.options.retryPolicy, ...target.retryPolicy };
    const maxRetries = policy.maximumRetryAttempts ?? DEFAULT_MAX_RETRY_ATTEMPTS;
    const maxAgeMs = (policy.maximumEventAgeSeconds ?? DEFAULT_MAX_EVENT_AGE_SECONDS) * 1000;
    for (let attempt = 1; ; attempt++) {
      let errorMessage: string;
      try {
        await target.deliver(structuredClone(event));
        this.emit({ type: 'delivered', event, ruleName, targetId: target.id, attempt });
        return;
      } catch (err) {
        errorMessage = err instanceof Error ? err.message : String(err);
      }
      const delay = this.backoffDelay(attempt);
      const age = this.now().getTime() - acceptedAt;
      let reason: DeadLetterReason | undefined;
      if (attempt > maxRetries) reason = 'RETRY_ATTEMPTS_EXHAUSTED';
      else if (age + delay > maxAgeMs) reason = 'MAXIMUM_EVENT_AGE_EXCEEDED';
      this.emit({
        type: 'delivery-failed',
        event,
        ruleName,
        targetId: target.id,
        attempt,
        errorMessage,
        willRetry: reason === undefined,
      });
      if (reason !== undefined) {
        await this.deadLetter(target, {
          event,
          ruleName,
          targetId: target.id,
          reason,
          errorMessage,
          attempts: attempt,
        });
        return;
      }
      await this.sleep(delay);
      if (this.stopped) return;
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise<void>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.backoffs.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      this.backoffs.add(wake);
    });
  }

  private backoffDelay(attempt: number): number {
    const initial = this.options.backoff?.initialDelayMs ?? 1000;
    const max = this.options.backoff?.maxDelayMs ?? 60_000;
    const delay = Math.min(max, initial * 2 ** (attempt - 1));
    // Equal jitter: spreads retries of many failed events without ever retrying immediately.
    return this.options.backoff?.jitter === false ? delay : delay / 2 + (Math.random() * delay) / 2;
  }

  private async deadLetter(target: RuleTarget, letter: DeadLetter): Promise<void> {
    const handler = target.deadLetter ?? this.options.deadLetter;
    if (handler) {
      try {
        await handler(letter);
      } catch (err) {
        this.reportError(`dead-letter hand-off failed for ${letter.ruleName}/${letter.targetId}`, err);
        this.deadLetters.push(letter);
      }
    } else {
      this.deadLetters.push(letter);
    }
    this.emit({ type: 'dead-lettered', letter });
  }

  private reportError(message: string, error: unknown): void {
    if (this.options.reportError) this.options.reportError(message, error);
    else console.error(`[eventbridge] ${message}`, error);
  }

  private emit(activity: BusActivity): void {
    for (const observer of this.observers) {
      try {
        observer(activity);
      } catch (err) {
        this.reportError(`observer failed on ${activity.type}`, err);
      }
    }
  }
}

/** Whole-request limits of PutEvents. */
export interface PutEventsLimits {
  maxEntries: number;
  maxRequestBytes: number;
}

/**
 * Whole-request checks of PutEvents: 1..maxEntries entries and a total entry size within the limit.
 * Throws EventBridgeRequestError('ValidationException') like AWS.
 */
export function checkPutEventsRequest(entries: unknown, limits: PutEventsLimits): void {
  const count = Array.isArray(entries) ? entries.length : 0;
  if (count < 1 || count > limits.maxEntries) {
    const bound = count < 1 ? 'greater than or equal to 1' : `less than or equal to ${limits.maxEntries}`;
    throw new EventBridgeRequestError(
      'ValidationException',
      `1 validation error detected: Value at 'entries' failed to satisfy constraint: Member must have length ${bound}`,
    );
  }
  const total = (entries as PutEventsRequestEntry[]).reduce((sum, entry) => sum + entrySize(entry), 0);
  if (total > limits.maxRequestBytes) {
    throw new EventBridgeRequestError(
      'ValidationException',
      'Total size of the entries in the request is over the limit.',
    );
  }
}

function isString(value: unknown): value is string {
  return typeof value === 'string';
}

/**
 * Entry size as EventBridge computes it: 14 bytes for Time if given, plus the UTF-8 bytes of
 * Source, DetailType, Detail and each resource.
 */
export function entrySize(entry: PutEventsRequestEntry): number {
  const bytes = (s: unknown) => (typeof s === 'string' ? Buffer.byteLength(s, 'utf8') : 0);
  let size = entry.Time !== undefined && entry.Time !== null ? 14 : 0;
  size += bytes(entry.Source) + bytes(entry.DetailType) + bytes(entry.Detail);
  for (const resource of entry.Resources ?? []) size += bytes(resource);
  return size;
}

/** Event `time` format: ISO 8601 UTC to the second, e.g. `2017-12-22T18:43:48Z`. */
export function formatEventTime(time: Date): string {
  return time.toISOString().replace(/\.\d{3}Z$/, 'Z');
}
