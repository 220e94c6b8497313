/**
 * The workflow catalog: Step Functions state machines, loaded from `state-machines/<name>.asl.json`
 * (JSONPath, no variables, so the local runtime can run them). Plain data (no aws-cdk-lib import).
 *
 * The ASL refers to resources through definition substitutions:
 * - `${<PascalFunctionKey>FunctionArn}` for each function listed (e.g. `${PurchaseOrderPostingFunctionArn}`),
 * - `${<PascalWorkflowName>StateMachineArn}` for each workflow it starts (e.g. `${CommitmentApprovalStateMachineArn}`),
 * - `${<PascalTableKey>TableName}` for each table listed (e.g. `${WorkflowCorrelationTableName}`),
 * - `${EventBusName}` when `bus` is true.
 * Business numbers (timeouts) travel in the execution input (`$.settings`), not as substitutions.
 *
 * Every state machine has the fixed name `<resourcePrefix>-<name>` (e.g. `supplyline-prod-commitment-approval`):
 * workflows start each other in both directions, so their ARNs are built from the names, never
 * taken from the resources (that would be a dependency cycle).
 */
import type { FunctionKey } from './functions';
import type { TableAccess, TableKey } from './resources';

/** Standard for long waits (task tokens up to a year), Express for short high-volume flows. */
export type WorkflowType = 'STANDARD' | 'EXPRESS';

/** One workflow of the catalog. */
export interface WorkflowDefinition {
  readonly name: string;
  readonly description: string;
  /** ASL file relative to the project root. */
  readonly definition: string;
  readonly type: WorkflowType;
  /** Functions the state machine invokes (and may invoke nothing else). */
  readonly functions: readonly FunctionKey[];
  /** Workflows (by name) the state machine starts (and may start nothing else). */
  readonly starts?: readonly string[];
  /** Tables the state machine reads/writes through direct DynamoDB integrations. */
  readonly tables?: Partial<Record<TableKey, TableAccess>>;
  /** events:PutEvents on the Supplyline bus through the direct EventBridge integration. */
  readonly bus?: boolean;
}

/** The catalog. */
export const WORKFLOW_CATALOG: readonly WorkflowDefinition[] = [
  {
    name: 'purchase-commitment',
    description:
      'Sources the need, checks ERP policies, posts the purchase order or hands over to approval; compensates rejections',
    definition: 'state-machines/purchase-commitment.asl.json',
    // Short and frequent, and it never waits: the waits live in the two Standard workflows.
    type: 'EXPRESS',
    functions: [
      'sourcing-request-action',
      'commitment-policy-check',
      'purchase-order-posting',
      'commitment-rejection',
    ],
    starts: ['commitment-approval', 'supplier-acknowledgement'],
  },
  {
    name: 'commitment-approval',
    description:
      'Waits for a person to approve a commitment above the limit (24 h), then resumes or compensates',
    definition: 'state-machines/commitment-approval.asl.json',
    // Waits on a task token: only Standard can.
    type: 'STANDARD',
    functions: ['approval-request', 'commitment-rejection'],
    starts: ['purchase-commitment'],
  },
  {
    name: 'supplier-acknowledgement',
    description:
      'Waits for the supplier to acknowledge a posted purchase order (48 h), else raises an exception',
    definition: 'state-machines/supplier-acknowledgement.asl.json',
    type: 'STANDARD',
    functions: ['acknowledgement-wait', 'commitment-rejection'],
  },
  {
    name: 'purchase-order-reconciliation',
    description:
      'Loops a reconciliation run over its posting-day partitions, one invocation at a time, until it is complete',
    definition: 'state-machines/purchase-order-reconciliation.asl.json',
    // A 100,000-order window is hours of platform reads (ADR 0011, "Scale"): beyond Express's 5 minutes.
    type: 'STANDARD',
    functions: ['purchase-order-reconciliation'],
  },
];
