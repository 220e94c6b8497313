/**
 * HTTP endpoint speaking the EventBridge AWS JSON 1.1 protocol, so the unmodified
 * `@aws-sdk/client-eventbridge` works against the local bus with an `endpoint` override.
 * Operations: PutEvents, StartReplay, DescribeReplay. Anything else gets UnknownOperationException.
 */
import { AwsServiceError as ServiceError, startAwsJsonServer } from '../http/aws-json';
import {
  EventBridgeRequestError,
  checkPutEventsRequest,
  type EventBus,
  type PutEventsRequestEntry,
  type PutEventsResultEntry,
} from './bus';
import type { EventArchive } from './archive';

/** Endpoint configuration. */
export interface EventBridgeServerOptions {
  /** Buses by name; entries without EventBusName go to the one named `default`. */
  buses: EventBus | EventBus[];
  /** Archives that StartReplay can replay from (matched on their ARN). */
  archives?: EventArchive[];
  /** 0 (the default) picks a free port. */
  port?: number;
  host?: string;
}

/** State of a replay started through StartReplay, as DescribeReplay reports it. */
export interface ReplayRecord {
  ReplayName: string;
  ReplayArn: string;
  Description?: string;
  State: 'STARTING' | 'RUNNING' | 'COMPLETED' | 'FAILED';
  StateReason?: string;
  EventSourceArn: string;
  Destination: { Arn: string; FilterArns?: string[] };
  EventStartTime: Date;
  EventEndTime: Date;
  EventLastReplayedTime?: Date;
  ReplayStartTime: Date;
  ReplayEndTime?: Date;
  /** Resolves when the replay has finished (for tests and the ops CLI). */
  done: Promise<void>;
}

/** A running endpoint. */
export interface EventBridgeServer {
  /** `http://127.0.0.1:<port>`: pass as `endpoint` to EventBridgeClient. */
  url: string;
  port: number;
  replays: ReadonlyMap<string, ReplayRecord>;
  close(): Promise<void>;
}

/** Starts the endpoint on `host` (default 127.0.0.1). */
export async function startEventBridgeServer(options: EventBridgeServerOptions): Promise<EventBridgeServer> {
  const buses = Array.isArray(options.buses) ? options.buses : [options.buses];
  if (buses.length === 0) throw new Error('startEventBridgeServer needs at least one bus');
  const archives = options.archives ?? [];
  const replays = new Map<string, ReplayRecord>();
  // The bus reports bad requests with its own error; on the wire it is the named exception.
  const named =
    (operation: (input: Record<string, unknown>) => unknown) =>
    (input: Record<string, unknown>): unknown => {
      try {
        return operation(input);
      } catch (error) {
        if (error instanceof EventBridgeRequestError) throw new ServiceError(error.code, error.message);
        throw error;
      }
    };
  const server = await startAwsJsonServer({
    name: 'eventbridge',
    targetPrefix: 'AWSEvents',
    version: '1.1',
    operations: {
      PutEvents: named((input) => putEvents(buses, input)),
      StartReplay: named((input) => startReplay(buses, archives, replays, input)),
      DescribeReplay: named((input) => describeReplay(replays, input)),
    },
    port: options.port,
    host: options.host,
  });
  return { ...server, replays };
}

function putEvents(buses: EventBus[], input: Record<string, unknown>) {
  const entries = input.Entries;
  const first = buses[0] as EventBus;
  checkPutEventsRequest(entries, first.limits);
  const results: PutEventsResultEntry[] = (entries as Record<string, unknown>[]).map((raw) => {
    const entry = fromWire(raw);
    const name =
      entry.EventBusName === undefined || entry.EventBusName === '' ? 'default' : entry.EventBusName;
    const bus = buses.find((b) => b.isBus(name));
    if (!bus) {
      return { ErrorCode: 'ResourceNotFoundException', ErrorMessage: `Event bus ${name} does not exist.` };
    }
    return bus.putEntry(entry);
  });
  return { FailedEntryCount: results.filter((r) => r.ErrorCode).length, Entries: results };
}

function fromWire(raw: Record<string, unknown>): PutEventsRequestEntry {
  const entry: PutEventsRequestEntry = {};
  if (typeof raw.Source === 'string') entry.Source = raw.Source;
  if (typeof raw.DetailType === 'string') entry.DetailType = raw.DetailType;
  if (typeof raw.Detail === 'string') entry.Detail = raw.Detail;
  if (typeof raw.EventBusName === 'string') entry.EventBusName = raw.EventBusName;
  if (typeof raw.TraceHeader === 'string') entry.TraceHeader = raw.TraceHeader;
  if (raw.Resources !== undefined) entry.Resources = raw.Resources as string[];
  if (typeof raw.Time === 'number') entry.Time = new Date(raw.Time * 1000);
  else if (raw.Time !== undefined) entry.Time = raw.Time as string;
  return entry;
}

function startReplay(
  buses: EventBus[],
  archives: EventArchive[],
  replays: Map<string, ReplayRecord>,
  input: Record<string, unknown>,
) {
  const name = input.ReplayName;
  if (typeof name !== 'string' || !/^[.\-_A-Za-z0-9]{1,64}$/.test(name)) {
    throw new ServiceError(
      'ValidationException',
      'ReplayName is required (1-64 characters of [.-_A-Za-z0-9]).',
    );
  }
  if (replays.has(name))
    throw new ServiceError('ResourceAlreadyExistsException', `Replay ${name} already exists.`);
  const archive = archives.find((a) => a.arn === input.EventSourceArn);
  if (!archive) {
    throw new ServiceError(
      'ResourceNotFoundException',
      `Archive ${String(input.EventSourceArn)} does not exist.`,
    );
  }
  const destination = input.Destination as { Arn?: unknown; FilterArns?: unknown } | undefined;
  const bus = buses.find((b) => typeof destination?.Arn === 'string' && b.arn === destination.Arn);
  if (!bus) {
    throw new ServiceError(
      'ValidationException',
      `Destination ${String(destination?.Arn)} is not an event bus here.`,
    );
  }
  const filterArns = Array.isArray(destination?.FilterArns)
    ? (destination.FilterArns as string[])
    : undefined;
  const ruleNames = filterArns?.map((arn) => arn.slice(arn.lastIndexOf('/') + 1));
  if (typeof input.EventStartTime !== 'number' || typeof input.EventEndTime !== 'number') {
    throw new ServiceError('ValidationException', 'EventStartTime and EventEndTime are required.');
  }
  const from = new Date(input.EventStartTime * 1000);
  const to = new Date(input.EventEndTime * 1000);
  if (from >= to)
    throw new ServiceError('ValidationException', 'EventStartTime must be before EventEndTime.');

  const record: ReplayRecord = {
    ReplayName: name,
    ReplayArn: `arn:aws:events:${bus.region}:${bus.account}:replay/${name}`,
    ...(typeof input.Description === 'string' ? { Description: input.Description } : {}),
    State: 'STARTING',
    EventSourceArn: archive.arn,
    Destination: { Arn: bus.arn, ...(filterArns ? { FilterArns: filterArns } : {}) },
    EventStartTime: from,
    EventEndTime: to,
    ReplayStartTime: new Date(),
    done: Promise.resolve(),
  };
  record.done = (async () => {
    await new Promise<void>((resolve) => setImmediate(resolve));
    record.State = 'RUNNING';
    try {
      const summary = await archive.replay({
        from,
        to,
        bus,
        replayName: name,
        ...(ruleNames ? { ruleNames } : {}),
      });
      if (summary.eventLastReplayedTime) record.EventLastReplayedTime = summary.eventLastReplayedTime;
      record.State = 'COMPLETED';
    } catch (err) {
      record.State = 'FAILED';
      record.StateReason = err instanceof Error ? err.message : String(err);
    }
    record.ReplayEndTime = new Date();
  })();
  replays.set(name, record);
  return { ReplayArn: record.ReplayArn, State: record.State, ReplayStartTime: record.ReplayStartTime };
}

function describeReplay(replays: Map<string, ReplayRecord>, input: Record<string, unknown>) {
  const record = typeof input.ReplayName === 'string' ? replays.get(input.ReplayName) : undefined;
  if (!record)
    throw new ServiceError('ResourceNotFoundException', `Replay ${String(input.ReplayName)} does not exist.`);
  const { done: _done, ...wire } = record;
  return wire;
}
