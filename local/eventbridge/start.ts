/**
 * EventBridge for the local runtime: the template's buses (and `default`), their rules with targets
 * and schedules, archives persisted under the data folder, and the PutEvents endpoint.
 */
import { join } from 'node:path';
import type { TemplateModel } from '../../assembly';
import type { LambdaRunner } from '../lambda/functions';
import type { SqsCall } from '../sqs/stand-in';
import type { LocalStepFunctions } from '../stepfunctions/engine';
import { EventArchive } from './archive';
import { EventBus, type BusActivity } from './bus';
import { schedule } from './schedule';
import { startEventBridgeServer } from './server';
import { targetDelivery } from './targets';

/** The running local EventBridge. */
export interface LocalEventBridge {
  /** The template's buses, in its order, then `default` if it declares none of that name. */
  buses: EventBus[];
  archives: EventArchive[];
  endpoint: string;
  /** Ends the buses' retrying deliveries, closes the endpoint, stops the schedules. */
  stop(): Promise<void>;
}

/** Starts the buses, rules, schedules, archives and endpoint. */
export async function startEventBridge(
  assembly: TemplateModel,
  options: {
    host: string;
    /** Archives are kept in `<dataDir>/archive/<name>.jsonl`. */
    dataDir: string;
    /** Target retry backoff. @default 1 s doubling to 60 s */
    backoff?: { initialDelayMs?: number; maxDelayMs?: number };
    /** Schedules run this many times faster. @default 1 */
    speedUp?: number;
    /** fauxqs in process, for SQS targets and dead letters. */
    sqs: SqsCall;
    /** The Lambda runner, late bound (Lambda starts after EventBridge). */
    runner: () => LambdaRunner;
    stepFunctions: LocalStepFunctions;
    /** Everything the buses do. */
    observe: (activity: BusActivity) => void;
    log: (line: string) => void;
  },
): Promise<LocalEventBridge> {
  const { log } = options;
  const { region, account } = assembly;
  log(
    `starting EventBridge (${assembly.buses.length} buses, ${assembly.rules.length} rules, ${assembly.archives.length} archives)`,
  );
  const newBus = (name: string): EventBus => {
    const bus = new EventBus({
      name,
      region,
      account,
      backoff: { initialDelayMs: 1000, maxDelayMs: 60_000, ...options.backoff },
      reportError: (message, error) =>
        log(`eventbridge: ${message}: ${(error as Error)?.message ?? String(error)}`),
    });
    bus.observe(options.observe);
    return bus;
  };
  const buses = [
    ...assembly.buses.map((b) => newBus(b.name)),
    ...(assembly.buses.some((b) => b.name === 'default') ? [] : [newBus('default')]),
  ];
  const archives = assembly.archives.flatMap((archive) => {
    const bus = buses.find((b) => b.arn === archive.busArn || b.name === archive.busArn);
    if (!bus) {
      log(`warning: archive ${archive.name}: bus ${archive.busArn} not found`);
      return [];
    }
    const local = new EventArchive({
      name: archive.name,
      path: join(options.dataDir, 'archive', `${archive.name}.jsonl`),
      ...(archive.eventPattern ? { eventPattern: archive.eventPattern } : {}),
      retentionDays: archive.retentionDays,
      region,
      account,
    });
    local.attach(bus);
    return [local];
  });
  const deliverTo = targetDelivery({
    model: assembly,
    sqs: options.sqs,
    runner: options.runner,
    machines: options.stepFunctions,
    log,
  });
  const schedules: NodeJS.Timeout[] = [];
  const stopSchedules = () => schedules.forEach((timer) => clearInterval(timer));
  for (const rule of assembly.rules) {
    const bus = buses.find((b) => b.name === rule.busName);
    if (!bus) {
      log(`warning: rule ${rule.name}: bus ${rule.busName} not found`);
      continue;
    }
    const targets = rule.targets.flatMap((target) => deliverTo(rule, target));
    if (rule.eventPattern) {
      bus.addRule({
        name: rule.name,
        eventPattern: rule.eventPattern,
        targets,
        state: rule.enabled ? 'ENABLED' : 'DISABLED',
      });
    } else if (rule.scheduleExpression && rule.enabled) {
      const timer = schedule(rule, targets, bus, options.speedUp ?? 1, log);
      if (timer) schedules.push(timer);
    }
  }
  const server = await startEventBridgeServer({ buses, archives, host: options.host }).catch(
    (error: unknown) => {
      stopSchedules();
      throw error;
    },
  );
  return {
    buses,
    archives,
    endpoint: server.url,
    stop: async () => {
      // Deliveries still retrying (up to 185 times over 24 h) end with the runtime.
      buses.forEach((bus) => bus.stop());
      try {
        await server.close();
      } finally {
        stopSchedules();
      }
    },
  };
}
