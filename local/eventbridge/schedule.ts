/** Schedules of the local buses: a timer per `rate(...)` rule, sending the `Scheduled Event` envelope. */
import { randomUUID } from 'node:crypto';
import type { RuleModel } from '../../assembly';
import type { EventBus, EventEnvelope, RuleTarget } from './bus';

/** A timer per `rate(...)` schedule; cron expressions are reported and not run. */
export function schedule(
  rule: RuleModel,
  targets: RuleTarget[],
  bus: EventBus,
  speedUp: number,
  log: (line: string) => void,
): NodeJS.Timeout | undefined {
  const match = /^rate\((\d+)\s+(minute|minutes|hour|hours|day|days)\)$/.exec(rule.scheduleExpression ?? '');
  if (!match) {
    log(
      `warning: rule ${rule.name}: schedule ${rule.scheduleExpression} is not run locally (only rate(...) is)`,
    );
    return undefined;
  }
  const unit = match[2]!.replace(/s$/, '');
  const ms = Number(match[1]) * (unit === 'minute' ? 60_000 : unit === 'hour' ? 3_600_000 : 86_400_000);
  const every = Math.max(100, ms / Math.max(speedUp, 1e-9));
  log(
    `schedule ${rule.name}: ${rule.scheduleExpression}${speedUp !== 1 ? ` every ${Math.round(every)} ms (x${speedUp})` : ''}`,
  );
  const timer = setInterval(() => {
    const event: EventEnvelope = {
      version: '0',
      id: randomUUID(),
      'detail-type': 'Scheduled Event',
      source: 'aws.events',
      account: bus.account,
      time: new Date().toISOString().replace(/\.\d{3}Z$/, 'Z'),
      region: bus.region,
      resources: [rule.arn],
      detail: {},
    };
    for (const target of targets) {
      Promise.resolve()
        .then(() => target.deliver(event))
        .catch((error: unknown) =>
          log(`schedule ${rule.name} target ${target.id} failed: ${(error as Error).message}`),
        );
    }
  }, every);
  timer.unref();
  return timer;
}
