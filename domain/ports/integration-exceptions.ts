/**
 * What escalating integration exceptions needs from the outside world: the open exceptions with
 * what is kept beside them, a once-only escalation mark, and the bus.
 */
import type { IntegrationException, IntegrationExceptionEscalatedV1 } from '../../canonical/generated/types';
import type { EventContext } from '../../canonical/envelope';

/** An open exception with the facts the store keeps beside the canonical object. */
export interface OpenIntegrationException {
  exception: IntegrationException;
  /** When it was escalated; undefined until then. */
  escalatedAt?: string;
  /** The raised event's correlation id, so the escalation joins the same business flow. */
  correlationId?: string;
  tenantId?: string;
}

/** The exception store and the bus, as escalation uses them. */
export interface EscalationPorts extends EventContext {
  /** Every OPEN exception, oldest first. */
  openExceptions(): AsyncIterable<OpenIntegrationException>;
  /**
   * Marks the exception escalated at `escalatedAt` if it is OPEN and not escalated yet.
   * @returns false when it was not (resolved meanwhile, or another pass escalated it).
   */
  markEscalated(exceptionId: string, escalatedAt: string): Promise<boolean>;
  /** Takes back the mark made at `escalatedAt` (and no other). */
  undoEscalation(exceptionId: string, escalatedAt: string): Promise<void>;
  publish(event: IntegrationExceptionEscalatedV1): Promise<void>;
  /** Tenant of the deployment, for exceptions recorded without one. */
  tenantId: string;
}
