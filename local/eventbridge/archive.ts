/**
 * EventBridge archive for the local runtime: records the events a bus accepts (optionally only
 * those matching a pattern) as append-only JSON lines, keeps them for a retention period and
 * replays a time window back through the bus, marked with `replay-name` as EventBridge does.
 */
import { appendFileSync, existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { randomUUID } from 'node:crypto';
import { EventBridgeRequestError, type EventBus, type EventEnvelope } from './bus';
import { CompiledPattern, type EventPattern } from './pattern';

/** One line of the archive file. */
export interface ArchivedEvent {
  /** When the archive recorded the event (retention is counted from here). */
  archivedAt: string;
  event: EventEnvelope;
}

/** Archive configuration. */
export interface EventArchiveOptions {
  name: string;
  /** JSON-lines file; created on first write, read again by a new instance after a restart. */
  path: string;
  /** Only events matching this pattern are archived (the archive's EventPattern). */
  eventPattern?: EventPattern | string;
  /** Days to keep events; 0 or absent keeps them indefinitely (the EventBridge default). */
  retentionDays?: number;
  account?: string;
  region?: string;
  now?: () => Date;
}

/** What to replay and where. */
export interface ReplayOptions {
  /** Window on the event `time`: from (inclusive) to (exclusive). */
  from: Date | string;
  to: Date | string;
  /** Extra filter on top of the archive's own pattern. */
  pattern?: EventPattern | string;
  /** Name written into each replayed event's `replay-name`; generated when absent. */
  replayName?: string;
  /** Bus to replay into; defaults to the attached bus. */
  bus?: EventBus;
  /** Only these rules receive the replayed events (the replay's Destination.FilterArns). */
  ruleNames?: readonly string[];
  /** Called with each replayed event, after it has been sent to the bus. */
  onEvent?: (event: EventEnvelope) => unknown;
}

/** Outcome of a replay. */
export interface ReplaySummary {
  replayName: string;
  replayed: number;
  eventStartTime: Date;
  eventEndTime: Date;
  /** `time` of the last replayed event, if any. */
  eventLastReplayedTime?: Date;
}

const DAY_MS = 86_400_000;

/** An archive persisted as JSON lines. */
export class EventArchive {
  readonly name: string;
  readonly path: string;
  private readonly pattern: CompiledPattern | undefined;
  private readonly retentionDays: number;
  private readonly now: () => Date;
  private readonly account: string | undefined;
  private readonly region: string | undefined;
  private bus: EventBus | undefined;

  constructor(options: EventArchiveOptions) {
    this.name = options.name;
    this.path = options.path;
    this.pattern = options.eventPattern === undefined ? undefined : new CompiledPattern(options.eventPattern);
    this.retentionDays = options.retentionDays ?? 0;
    this.now = options.now ?? (() => new Date());
    this.account = options.account;
    this.region = options.region;
    mkdirSync(dirname(this.path), { recursive: true });
    this.purgeExpired();
  }

  /** `arn:aws:events:<region>:<account>:archive/<name>` (account/region of the attached bus by default). */
  get arn(): string {
    const region = this.region ?? this.bus?.region ?? 'us-east-1';
    const account = this.account ?? this.bus?.account ?? '000000000000';
    return `arn:aws:events:${region}:${account}:archive/${this.name}`;
  }

  /** Records every event the bus accepts from now on; returns the function that detaches. */
  attach(bus: EventBus): () => void {
    this.bus = bus;
    return bus.observe((activity) => {
      // Replayed events are not archived again, as with EventBridge.
      if (activity.type === 'accepted') this.record(activity.event);
    });
  }

  /** Appends the event if it matches the archive pattern; returns whether it was recorded. */
  record(event: EventEnvelope): boolean {
    if (event['replay-name'] !== undefined) return false;
    if (this.pattern && !this.pattern.matches(event)) return false;
    const line: ArchivedEvent = { archivedAt: this.now().toISOString(), event };
    // Synchronous append: once PutEvents has answered, the event is on disk.
    appendFileSync(this.path, `${JSON.stringify(line)}\n`, 'utf8');
    return true;
  }

  /** Archived events still within retention, in archive order. */
  read(): ArchivedEvent[] {
    if (!existsSync(this.path)) return [];
    const cutoff = this.retentionCutoff();
    const events: ArchivedEvent[] = [];
    for (const line of readFileSync(this.path, 'utf8').split('\n')) {
      if (line.trim() === '') continue;
      let parsed: ArchivedEvent;
      try {
        parsed = JSON.parse(line) as ArchivedEvent;
      } catch {
        // A torn last line from a crash mid-append: skip it rather than lose the whole archive.
        continue;
      }
      if (cutoff === undefined || Date.parse(parsed.archivedAt) >= cutoff) events.push(parsed);
    }
    return events;
  }

  /** Rewrites the file without events past retention; returns how many were dropped. */
  purgeExpired(): number {
    const cutoff = this.retentionCutoff();
    if (cutoff === undefined || !existsSync(this.path)) return 0;
    const lines = readFileSync(this.path, 'utf8')
      .split('\n')
      .filter((l) => l.trim() !== '');
    const kept = this.read();
    const dropped = lines.length - kept.length;
    if (dropped > 0) {
      const temp = `${this.path}.${process.pid}.tmp`;
      writeFileSync(temp, kept.map((e) => `${JSON.stringify(e)}\n`).join(''), 'utf8');
      renameSync(temp, this.path);
    }
    return dropped;
  }

  /**
   * Re-sends archived events whose `time` is in [from, to) through the bus, oldest first, to rules
   * only, each marked with `replay-name`.
   */
  async replay(options: ReplayOptions): Promise<ReplaySummary> {
    const bus = options.bus ?? this.bus;
    if (!bus) throw new Error(`Archive ${this.name} is not attached to a bus; pass options.bus`);
    const from = new Date(options.from);
    const to = new Date(options.to);
    if (Number.isNaN(from.getTime()) || Number.isNaN(to.getTime()) || from >= to) {
      throw new EventBridgeRequestError('ValidationException', 'EventStartTime must be before EventEndTime.');
    }
    const filter = options.pattern === undefined ? undefined : new CompiledPattern(options.pattern);
    const replayName = options.replayName ?? `replay-${randomUUID()}`;
    const selected = this.read()
      .map((archived, order) => ({ event: archived.event, at: Date.parse(archived.event.time), order }))
      .filter(
        ({ event, at }) => at >= from.getTime() && at < to.getTime() && (!filter || filter.matches(event)),
      )
      .sort((a, b) => a.at - b.at || a.order - b.order);

    let last: Date | undefined;
    for (const { event, at } of selected) {
      const replayed = bus.replay(event, replayName, options.ruleNames);
      last = new Date(at);
      await options.onEvent?.(replayed);
    }
    return {
      replayName,
      replayed: selected.length,
      eventStartTime: from,
      eventEndTime: to,
      ...(last ? { eventLastReplayedTime: last } : {}),
    };
  }

  private retentionCutoff(): number | undefined {
    return this.retentionDays > 0 ? this.now().getTime() - this.retentionDays * DAY_MS : undefined;
  }
}
