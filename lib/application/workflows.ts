/**
 * The workflow catalog: Step Functions state machines, loaded from `state-machines/<name>.asl.json`
 * (JSONPath, no variables, so the local runtime can run them). Plain data (no aws-cdk-lib import).
 *
 * The ASL refers to resources through definition substitutions:
 * - `${<PascalFunctionKey>FunctionArn}` for each function listed (e.g. `${PurchaseOrderPostingFunctionArn}`),
 * - `${<PascalTableKey>TableName}` for each table listed (e.g. `${WorkflowCorrelationTableName}`),
 * - `${EventBusName}` when `bus` is true,
 * - business numbers as strings: `${ApprovalLimitUsd}`, `${MonthlyBudgetPerWarehouseUsd}`,
 *   `${ApprovalTimeoutSeconds}`, `${AcknowledgementTimeoutSeconds}`. Substitutions are text, so a
 *   number field must read them through the execution input or a `...Path` field to stay valid JSON.
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
      'Policy checks, approval above the limit (24 h), ERP posting, supplier acknowledgement (48 h), compensation',
    definition: 'state-machines/purchase-commitment.asl.json',
    // Waits for approvals and acknowledgements with task tokens: only Standard can.
    type: 'STANDARD',
    functions: ['commitment-policy-check', 'purchase-order-posting', 'sourcing-request-compensation'],
    tables: { workflowCorrelation: 'readWrite', integrationExceptions: 'readWrite' },
    bus: true,
  },
];
