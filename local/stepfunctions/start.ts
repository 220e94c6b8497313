/** Step Functions for the local runtime: the engine with the template's state machines, behind its endpoint. */
import type { TemplateModel } from '../../assembly';
import type { LocalStepFunctions } from './engine';
import { localStateMachines, startStepFunctionsEndpoint } from './endpoint';

/** The running local Step Functions. */
export interface LocalStepFunctionsService {
  engine: LocalStepFunctions;
  endpoint: string;
  /** Closes the endpoint. */
  stop(): Promise<void>;
  /**
   * Ends the executions still waiting (approvals, acknowledgements): the runtime calls it before
   * the functions stop, and closes the endpoint later, in its reverse start order.
   */
  stopExecutions(): void;
}

/** Starts the engine and its endpoint; `invoke` runs a function by ARN (late bound: Lambda starts after). */
export async function startStepFunctions(
  assembly: Pick<TemplateModel, 'stateMachines' | 'region' | 'account'>,
  options: {
    host: string;
    invoke: (functionArn: string, payload: unknown) => Promise<unknown>;
    /** Scales Step Functions Retry intervals. @default 1 */
    retryIntervalScale?: number;
    log: (line: string) => void;
  },
): Promise<LocalStepFunctionsService> {
  options.log(`starting Step Functions (${assembly.stateMachines.length} state machines)`);
  const machines = localStateMachines({
    stateMachines: assembly.stateMachines,
    invoke: options.invoke,
    region: assembly.region,
    account: assembly.account,
    ...(options.retryIntervalScale !== undefined ? { retryIntervalScale: options.retryIntervalScale } : {}),
    warn: (message) => options.log(`warning: ${message}`),
  });
  const server = await startStepFunctionsEndpoint(machines, { host: options.host });
  return {
    engine: machines.engine,
    endpoint: server.url,
    stop: () => server.close(),
    stopExecutions: () => machines.engine.stop(),
  };
}
