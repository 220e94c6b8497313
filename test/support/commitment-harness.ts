/**
 * The procurement workflows on one machine, for tests: the real ASL files run in the local Step
 * Functions engine, every task is the real step code, the procurement platform is its simulator
 * (over HTTP, with the real client) and the ERP is the in-process simulator. Events, ledger entries
 * and supply are kept in memory so tests can assert them.
 */
import { procurementInstanceTag } from '../../domain/commitment/steps';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { CanonicalEvent } from '../../canonical/envelope';
import type { ForecastExceptionRaisedV1 } from '../../canonical/generated/types';
import { ErpSimulator } from '../../local/simulators/erp/erp-simulator';
import { ProcurementClient } from '../../adapters/procurement/client';
import { ProcurementPlatform } from '../../adapters/procurement/platform';
import { applyAcknowledgement, registerAcknowledgementWait } from '../../domain/commitment/acknowledgement';
import { evaluateForecastException } from '../../domain/commitment/evaluation';
import { postCommitment } from '../../domain/commitment/need';
import {
  checkCommitmentPolicies,
  rejectCommitment,
  sourceTheNeed,
  type RejectionInput,
} from '../../domain/commitment/steps';
import type {
  AcknowledgementResult,
  CommitmentPorts,
  CommitmentState,
  PostedPurchaseOrder,
} from '../../domain/commitment/types';
import { defineProcurementPolicy } from '../../domain/procurement/policy';
import type { PurchaseOrderLineSnapshot } from '../../domain/procurement/types';
import { deferWhileRefused } from '../../functions/workflow/deferral';
import { masterData, procurementSeed, warehouseForSite } from '../../local/seed/master-data';
import { ProcurementSimulator } from '../../local/simulators/procurement';
import { LocalStepFunctions } from '../../local/stepfunctions/engine';
import { singleErp, type ErpInstances } from '../../domain/business-units';
import type { ErpPort } from '../../domain/ports/erp';

export const WORKFLOWS = {
  commitment: 'supplyline-test-purchase-commitment',
  approval: 'supplyline-test-commitment-approval',
  acknowledgement: 'supplyline-test-supplier-acknowledgement',
};

const FUNCTION_KEYS = [
  'SourcingRequestAction',
  'CommitmentPolicyCheck',
  'PurchaseOrderPosting',
  'CommitmentRejection',
  'ApprovalRequest',
  'AcknowledgementWait',
] as const;

const functionArn = (key: string) => `arn:aws:lambda:us-east-1:000000000000:function:supplyline-test-${key}`;

export interface Harness {
  procurement: ProcurementSimulator;
  erp: ErpSimulator;
  sfn: LocalStepFunctions;
  ports: CommitmentPorts;
  events: CanonicalEvent[];
  /** Approval task tokens by approval id. */
  approvals: Map<string, string>;
  erpCalls: string[];
  evaluate(event: ForecastExceptionRaisedV1): ReturnType<typeof evaluateForecastException>;
  acknowledge(event: Parameters<typeof applyAcknowledgement>[0]): Promise<AcknowledgementResult>;
  eventTypes(): string[];
  close(): Promise<void>;
}

export async function startHarness(
  options: {
    approvalTimeoutSeconds?: number;
    acknowledgementTimeoutSeconds?: number;
    /** Tag sourcing requests with the simulator's instance, as the deployed functions do. */
    procurementInstance?: boolean;
    /** The purchase requisitions' book, for requisitions' commitments. */
    requisitions?: CommitmentPorts['requisitions'];
    /** Several ERP instances: the recorded simulator is the one `erps` is given (business units). */
    erps?: (recorded: ErpPort) => ErpInstances;
  } = {},
): Promise<Harness> {
  const procurement = await ProcurementSimulator.start({ ...procurementSeed(), rateLimitPerSecond: 1000 });
  const client = new ProcurementClient({
    baseUrl: procurement.url,
    credentials: { clientId: 'supplyline', clientSecret: 'supplyline-secret' },
    maxInProcessRetryAfterSeconds: 0,
  });
  const erpSimulator = new ErpSimulator();
  const erpCalls: string[] = [];
  // Records every ERP call by operation name, so tests can assert what was asked of the ERP.
  const erp = new Proxy(erpSimulator, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        erpCalls.push(String(property));
        return (value as (...a: unknown[]) => unknown).apply(target, args);
      };
    },
  });

  const events: CanonicalEvent[] = [];
  const supply = new Map<string, PurchaseOrderLineSnapshot>();
  const posted = new Map<string, PostedPurchaseOrder>();
  const ackTokens = new Map<string, string>();
  const acks = new Map<string, AcknowledgementResult>();
  const approvals = new Map<string, string>();
  let ids = 0;

  const ports: CommitmentPorts = {
    procurement: new ProcurementPlatform(
      client,
      options.procurementInstance ? procurementInstanceTag(procurement.url, 'supplyline') : undefined,
    ),
    erps: options.erps ? options.erps(erp) : singleErp(erp),
    warehouseForSite: (site) => warehouseForSite(site),
    publish: async (published) => void events.push(...published),
    ledger: {
      recordSourceChange: async () => undefined,
      recordConfirmation: async () => 1,
      recordState: async () => undefined,
      recordEvent: async () => undefined,
    },
    supply: {
      openLines: async (itemCode, site) =>
        [...supply.values()].filter((line) => line.itemCode === itemCode && line.site === site),
      recordLines: async (lines) => {
        for (const line of lines) supply.set(`${line.poNumber}#${line.lineNo}`, line);
      },
    },
    commitments: {
      recordPosted: async (po) => void posted.set(po.poNumber, po),
      findByPoNumber: async (poNumber) => posted.get(poNumber),
      recordConfirmationReceived: async () => undefined,
      registerAcknowledgementWait: async (poNumber, token) => {
        ackTokens.set(poNumber, token);
        return acks.get(poNumber);
      },
      recordAcknowledged: async (poNumber, result) => {
        acks.set(poNumber, result);
        const token = ackTokens.get(poNumber);
        ackTokens.delete(poNumber);
        return token;
      },
    },
    policy: defineProcurementPolicy({}),
    ...(options.requisitions ? { requisitions: options.requisitions } : {}),
    tenantId: 'acme',
    now: () => new Date(),
    newId: () => `00000000-0000-4000-8000-${String(++ids).padStart(12, '0')}`,
  };

  const steps: Record<(typeof FUNCTION_KEYS)[number], (payload: never) => Promise<unknown>> = {
    // As the Lambda handlers wire them: a refusal (open breaker, request budget) becomes a wait.
    SourcingRequestAction: deferWhileRefused('sourcing-request-action', (state: CommitmentState) =>
      sourceTheNeed(state, ports),
    ),
    CommitmentPolicyCheck: deferWhileRefused('commitment-policy-check', (state: CommitmentState) =>
      checkCommitmentPolicies(state, ports),
    ),
    PurchaseOrderPosting: deferWhileRefused('purchase-order-posting', (state: CommitmentState) =>
      postCommitment(state, ports),
    ),
    CommitmentRejection: (input: RejectionInput) => rejectCommitment(input, ports),
    ApprovalRequest: async (input: { taskToken: string; approvalId: string }) => {
      approvals.set(input.approvalId, input.taskToken);
    },
    AcknowledgementWait: (input: { taskToken: string; purchaseOrder: { poNumber: string } }) =>
      registerAcknowledgementWait(input, {
        commitments: ports.commitments,
        sendTaskSuccess: async (t, o) => sfn.sendTaskSuccess(t, o),
      }),
  };

  const read = (name: string) =>
    readFileSync(join(import.meta.dirname, '..', '..', 'state-machines', `${name}.asl.json`), 'utf8');
  const substitutions: Record<string, string> = Object.fromEntries(
    FUNCTION_KEYS.map((key) => [`${key}FunctionArn`, functionArn(key)]),
  );
  const sfn: LocalStepFunctions = new LocalStepFunctions({
    stateMachines: [
      { name: WORKFLOWS.commitment, definition: read('purchase-commitment'), type: 'EXPRESS' },
      { name: WORKFLOWS.approval, definition: read('commitment-approval'), type: 'STANDARD' },
      { name: WORKFLOWS.acknowledgement, definition: read('supplier-acknowledgement'), type: 'STANDARD' },
    ],
    substitutions: {
      ...substitutions,
      PurchaseCommitmentStateMachineArn: `arn:aws:states:us-east-1:000000000000:stateMachine:${WORKFLOWS.commitment}`,
      CommitmentApprovalStateMachineArn: `arn:aws:states:us-east-1:000000000000:stateMachine:${WORKFLOWS.approval}`,
      SupplierAcknowledgementStateMachineArn: `arn:aws:states:us-east-1:000000000000:stateMachine:${WORKFLOWS.acknowledgement}`,
    },
    invoke: async (arn, payload) => {
      const key = arn.split(':').pop()!.replace('supplyline-test-', '') as (typeof FUNCTION_KEYS)[number];
      const step = steps[key];
      if (!step) throw new Error(`no local function for ${arn}`);
      return JSON.parse(JSON.stringify((await step(payload as never)) ?? null)) as unknown;
    },
    retryIntervalScale: 0.005,
  });

  const settings = {
    approvalTimeoutSeconds: options.approvalTimeoutSeconds ?? 3600,
    acknowledgementTimeoutSeconds: options.acknowledgementTimeoutSeconds ?? 3600,
  };
  return {
    procurement,
    erp: erpSimulator,
    sfn,
    ports,
    events,
    approvals,
    erpCalls,
    evaluate: (event) =>
      evaluateForecastException(event, {
        ...ports,
        settings,
        startCommitment: async (input) =>
          void sfn.startExecution(sfn.stateMachineArn(WORKFLOWS.commitment), input),
      }),
    acknowledge: (event) =>
      applyAcknowledgement(event, {
        ...ports,
        sendTaskSuccess: async (token, output) => sfn.sendTaskSuccess(token, output),
      }),
    eventTypes: () => events.map((event) => event.eventType),
    close: async () => {
      await procurement.close();
    },
  };
}

export { masterData };
