/** Where the business rules announce what happened: canonical events, and business metrics. */
import type { CanonicalEvent } from '../../canonical/envelope';

/** Publishes canonical events (EventBridge in AWS and in the local runtime). */
export interface EventPublisher {
  /** Publishes the events; resolves once every one is accepted. */
  publish(events: readonly CanonicalEvent[]): Promise<void>;
}

/** Records a business metric (EMF in Lambda); optional, so tests and scripts may leave it out. */
export type BusinessMetric = (
  name: string,
  value: number,
  unit: 'Seconds' | 'Count',
  dimensions?: Record<string, string>,
) => void;
