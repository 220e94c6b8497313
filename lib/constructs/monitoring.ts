import { Duration, Stack } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';
import {
  METRICS_NAMESPACE,
  METRICS_SERVICE,
  OVERDUE_EXCEPTION_AGE_BUCKET,
  type BusinessMetricName,
} from '../../application/metrics';
import type { ErpInstanceWatch } from '../../application/erp-instances';
import { pascalCase } from '../../application/resources';
import type { ConsumerLane } from './consumer-lane';
import type { SupplylineApi } from './supplyline-api';
import type { WebhookApi } from './webhook-api';
import type { Workflow } from './workflow';

/** Properties of {@link Monitoring}. */
export interface MonitoringProps {
  readonly dashboardName: string;
  /** Key of the alarm topic (CloudWatch is allowed to use it). */
  readonly encryptionKey: kms.IKey;
  /** Subscribed to the alarm topic; each recipient confirms by email. */
  readonly alarmEmails?: readonly string[];
}

/** A service level alarmed on a business metric. */
export interface BusinessSlo {
  readonly flow: string;
  readonly description: string;
  readonly metricName: BusinessMetricName;
  readonly dimensions: Readonly<Record<string, string>>;
  readonly thresholdSeconds: number;
}

/** What {@link Monitoring.monitorBusiness} watches. */
export interface BusinessMonitoringProps {
  readonly slos: readonly BusinessSlo[];
  readonly exceptionAgingSeconds: number;
  /** Alarm when a reconciliation run's differences per 100 orders compared exceed this. */
  readonly reconciliationDriftPercent: number;
  readonly circuitBreakerEndpoints: readonly string[];
}

const PERIOD = Duration.minutes(5);

/**
 * Monitoring as a facade: an encrypted, TLS-only SNS alarm topic and one dashboard. `monitor*`
 * calls add the widgets of a part of the system and wire its alarms to the topic.
 */
export class Monitoring extends Construct {
  public readonly alarmTopic: sns.Topic;
  public readonly dashboard: cloudwatch.Dashboard;
  /** Every alarm sending to the topic. */
  public readonly alarms: cloudwatch.Alarm[] = [];
  private readonly alarmAction: cloudwatch.IAlarmAction;
  private readonly dashboardName: string;

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id);
    this.dashboardName = props.dashboardName;
    for (const email of props.alarmEmails ?? []) {
      if (!/^[^@\s]+@[^@\s]+\.[^@\s]+$/.test(email))
        throw new Error(`Monitoring: '${email}' is not an email address`);
    }
    this.alarmTopic = new sns.Topic(this, 'AlarmTopic', {
      displayName: `${props.dashboardName} alarms`,
      masterKey: props.encryptionKey,
      enforceSSL: true,
    });
    // CloudWatch publishes alarm notifications to the encrypted topic.
    props.encryptionKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowCloudWatchAlarmsToUseTheKey',
        principals: [new iam.ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
    );
    for (const email of props.alarmEmails ?? []) {
      this.alarmTopic.addSubscription(new subscriptions.EmailSubscription(email));
    }
    this.alarmAction = new actions.SnsAction(this.alarmTopic);
    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: props.dashboardName,
      defaultInterval: Duration.hours(3),
    });
  }

  /** The action every alarm should use (for constructs that create their own alarms). */
  public get action(): cloudwatch.IAlarmAction {
    return this.alarmAction;
  }

  /** Adds alarms created elsewhere (already wired to {@link action}) to the inventory. */
  public registerAlarms(...alarms: cloudwatch.Alarm[]): void {
    this.alarms.push(...alarms);
  }

  /** API latency, 4xx and 5xx: the governed REST API and, when given, the webhook HTTP API. */
  public monitorApi(api: SupplylineApi, webhooks?: WebhookApi): void {
    const rest = api.api;
    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({ markdown: '# Technical', width: 24, height: 1 }),
      new cloudwatch.GraphWidget({
        title: 'Governed API latency (ms)',
        left: [
          rest.metricLatency({ statistic: 'p50', period: PERIOD }),
          rest.metricLatency({ statistic: 'p99', period: PERIOD }),
        ],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Governed API 4xx / 5xx',
        left: [rest.metricClientError({ period: PERIOD }), rest.metricServerError({ period: PERIOD })],
        right: [rest.metricCount({ period: PERIOD })],
        width: 8,
      }),
    );
    if (webhooks) {
      const http = webhooks.api;
      this.dashboard.addWidgets(
        new cloudwatch.GraphWidget({
          title: 'Webhook API 4xx / 5xx / requests',
          left: [http.metricClientError({ period: PERIOD }), http.metricServerError({ period: PERIOD })],
          right: [http.metricCount({ period: PERIOD })],
          width: 8,
        }),
        new cloudwatch.GraphWidget({
          title: 'Webhook API latency (ms)',
          left: [
            http.metricLatency({ statistic: 'p50', period: PERIOD }),
            http.metricLatency({ statistic: 'p99', period: PERIOD }),
          ],
          width: 8,
        }),
      );
    }
  }

  /** Backlog, oldest message age and DLQ depth per consumer; registers the lanes' alarms. */
  public monitorConsumerLanes(lanes: readonly ConsumerLane[]): void {
    const m = { period: Duration.minutes(1), statistic: 'Maximum' };
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Queue backlog (messages visible)',
        left: lanes.map((l) =>
          l.queue.metricApproximateNumberOfMessagesVisible({
            ...m,
            label: `${l.route.lane}/${l.route.consumer}`,
          }),
        ),
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Age of oldest message (s)',
        left: lanes.map((l) =>
          l.queue.metricApproximateAgeOfOldestMessage({ ...m, label: `${l.route.lane}/${l.route.consumer}` }),
        ),
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Dead-letter queue depth',
        left: lanes.flatMap((l) => [
          l.deadLetterQueue.metricApproximateNumberOfMessagesVisible({
            ...m,
            label: `${l.route.consumer} dlq`,
          }),
          l.deliveryDeadLetterQueue.metricApproximateNumberOfMessagesVisible({
            ...m,
            label: `${l.route.consumer} delivery-dlq`,
          }),
        ]),
        width: 8,
      }),
    );
    for (const lane of lanes)
      this.registerAlarms(lane.dlqDepthAlarm, lane.deliveryDlqDepthAlarm, lane.oldestMessageAgeAlarm);
  }

  /** Errors and throttles of the functions. */
  public monitorFunctions(functions: readonly lambda.IFunction[]): void {
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Lambda errors',
        left: functions.map((fn) => fn.metricErrors({ period: PERIOD, label: fn.node.id })),
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Lambda throttles',
        left: functions.map((fn) => fn.metricThrottles({ period: PERIOD, label: fn.node.id })),
        width: 12,
      }),
    );
  }

  /** Failed, timed-out and aborted executions; alarms on failures and time-outs. */
  public monitorWorkflows(workflows: readonly Workflow[]): void {
    if (workflows.length === 0) return;
    const metrics = workflows.flatMap((wf) => [
      wf.stateMachine.metricFailed({ period: PERIOD, label: `${wf.node.id} failed` }),
      wf.stateMachine.metricTimedOut({ period: PERIOD, label: `${wf.node.id} timed out` }),
      wf.stateMachine.metricAborted({ period: PERIOD, label: `${wf.node.id} aborted` }),
    ]);
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({ title: 'Workflow failures', left: metrics, width: 24 }),
    );
    for (const wf of workflows) {
      this.alarm(`${wf.node.id}FailuresAlarm`, {
        alarmDescription: `Workflow ${wf.node.id}: executions failed or timed out`,
        metric: failedOrTimedOut(wf.stateMachine),
        threshold: 0,
      });
    }
  }

  /** Business widgets from the EMF metrics, and SLO, exception-aging and breaker alarms. */
  public monitorBusiness(props: BusinessMonitoringProps): void {
    const search = (metricName: BusinessMetricName, dimensions: string[], statistic: string, label: string) =>
      new cloudwatch.MathExpression({
        expression: `SEARCH('{${METRICS_NAMESPACE},${['service', ...dimensions].join(',')}} MetricName="${metricName}"', '${statistic}', ${PERIOD.toSeconds()})`,
        usingMetrics: {},
        label,
        period: PERIOD,
      });
    this.dashboard.addWidgets(
      new cloudwatch.TextWidget({ markdown: '# Business', width: 24, height: 1 }),
      new cloudwatch.GraphWidget({
        title: 'Sync lag (s) by object type and system pair (max)',
        left: [search('SyncLagSeconds', ['ObjectType', 'SystemPair'], 'Maximum', '')],
        leftAnnotations: props.slos
          .filter((slo) => slo.metricName === 'SyncLagSeconds')
          .map((slo) => ({ value: slo.thresholdSeconds, label: `SLO ${slo.flow}` })),
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Forecast exception -> PO posted (s)',
        left: [
          businessMetric('ForecastToOrderSeconds', {}, 'p95'),
          businessMetric('ForecastToOrderSeconds', {}, 'Maximum'),
        ],
        leftAnnotations: props.slos
          .filter((slo) => slo.metricName === 'ForecastToOrderSeconds')
          .map((slo) => ({ value: slo.thresholdSeconds, label: 'SLO' })),
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Integration exceptions: open / oldest age (s)',
        left: [businessMetric('IntegrationExceptionsOpen', {}, 'Maximum')],
        right: [businessMetric('IntegrationExceptionAgeSeconds', {}, 'Maximum')],
        rightAnnotations: [{ value: props.exceptionAgingSeconds, label: 'aging alarm' }],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Open integration exceptions by age / escalated',
        left: [search('IntegrationExceptionsOpenByAge', ['AgeBucket'], 'Maximum', '')],
        right: [businessMetric('IntegrationExceptionsEscalated', {}, 'Sum')],
        stacked: true,
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Duplicates suppressed',
        left: [businessMetric('DuplicatesSuppressed', {}, 'Sum')],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Webhook deliveries quarantined / unsigned refused',
        left: [businessMetric('DeliveriesQuarantined', {}, 'Sum')],
        right: [businessMetric('UnsignedDeliveriesRefused', {}, 'Sum')],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Circuit breakers open (by endpoint)',
        left: [search('CircuitBreakerOpen', ['Endpoint'], 'Maximum', '')],
        width: 8,
      }),
      // Malformed partner files stay in the mailbox; `npm run ops -- edi rejected` lists them.
      new cloudwatch.GraphWidget({
        title: 'EDI inbound rejected by reason / duplicate interchanges',
        left: [search('EdiInboundRejected', ['Reason'], 'Sum', '')],
        right: [search('EdiDuplicateInterchanges', ['Partner'], 'Sum', '')],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Reconciliation drift (differences per 100 orders) / differences by class',
        left: [businessMetric('ReconciliationDriftPercent', {}, 'Maximum')],
        leftAnnotations: [{ value: props.reconciliationDriftPercent, label: 'drift alarm' }],
        right: [search('ReconciliationDifferences', ['DifferenceClass'], 'Sum', '')],
        width: 16,
      }),
      // The on-demand run is a request, not a metric: the dashboard says how to make it (no
      // custom widget: it would cost a function and its role in the stack).
      new cloudwatch.TextWidget({
        markdown: [
          '### Run a reconciliation now',
          `\`npm run ops -- reconcile --stack ${this.dashboardName}\` (follows the run, prints its summary and report), or`,
          '`POST /v1/reconciliation-runs` with scope `supplyline/reconciliation.run`: 202 + `Location`',
          '(`GET /v1/reconciliation-runs/{runId}` until `finished`), 409 while another run holds the lease.',
        ].join('\n\n'),
        width: 8,
        height: 6,
      }),
    );

    for (const slo of props.slos) {
      this.alarm(`${pascalCase(slo.flow)}SloAlarm`, {
        alarmDescription: `SLO breach: ${slo.description} (threshold ${slo.thresholdSeconds}s)`,
        metric: businessMetric(slo.metricName, slo.dimensions, 'Maximum'),
        threshold: slo.thresholdSeconds,
      });
    }
    this.alarm('IntegrationExceptionAgingAlarm', {
      alarmDescription: `An integration exception has been open longer than ${props.exceptionAgingSeconds}s`,
      metric: businessMetric('IntegrationExceptionAgeSeconds', {}, 'Maximum'),
      threshold: props.exceptionAgingSeconds,
    });
    // Past 24 h every exception is beyond the contract's limit, critical or not.
    this.alarm('IntegrationExceptionsOverdueAlarm', {
      alarmDescription: `Integration exceptions open longer than the contract's 24 h (age bucket ${OVERDUE_EXCEPTION_AGE_BUCKET}): escalated, see npm run ops -- exceptions list`,
      metric: businessMetric(
        'IntegrationExceptionsOpenByAge',
        { AgeBucket: OVERDUE_EXCEPTION_AGE_BUCKET },
        'Maximum',
      ),
      threshold: 0,
    });
    this.alarm('ReconciliationDriftAlarm', {
      alarmDescription: `A reconciliation run found more than ${props.reconciliationDriftPercent} differences per 100 orders compared: see the run's report`,
      metric: businessMetric('ReconciliationDriftPercent', {}, 'Maximum'),
      threshold: props.reconciliationDriftPercent,
    });
    // A vendor stops retrying after an hour (procurement) or a day (planning): someone must look
    // at a quarantined delivery while the vendor still has it too (ops: `quarantine list`).
    this.alarm('WebhookQuarantineAlarm', {
      alarmDescription:
        'Authentic webhook deliveries were refused or failed and quarantined: inspect and re-submit them (npm run ops -- quarantine list)',
      metric: businessMetric('DeliveriesQuarantined', {}, 'Sum'),
      threshold: 0,
    });
    for (const endpoint of props.circuitBreakerEndpoints) this.breakerAlarm(endpoint);
  }

  /**
   * Per ERP instance (business unit): the SLO and breaker alarms of every instance past the primary
   * (the primary's are {@link monitorBusiness}'s, unchanged), and with several instances a dashboard
   * row each. Call after monitorBusiness.
   */
  public monitorErpInstances(watches: readonly ErpInstanceWatch[]): void {
    const alarmsOf = watches.map((watch, index) => {
      const ids = [
        ...watch.slos.map((slo) => `${pascalCase(slo.flow)}SloAlarm`),
        `${pascalCase(watch.endpoint)}CircuitBreakerOpenAlarm`,
      ];
      if (index === 0) return this.alarms.filter((alarm) => ids.includes(alarm.node.id));
      return [
        ...watch.slos.map((slo, i) =>
          this.alarm(ids[i]!, {
            alarmDescription: `SLO breach: ${slo.description} (threshold ${slo.thresholdSeconds}s)`,
            metric: businessMetric(slo.metricName, slo.dimensions, 'Maximum'),
            threshold: slo.thresholdSeconds,
          }),
        ),
        this.breakerAlarm(watch.endpoint),
      ];
    });
    // One instance is the single-ERP dashboard, as it always was.
    if (watches.length < 2) return;
    watches.forEach((watch, index) => {
      this.dashboard.addWidgets(
        new cloudwatch.TextWidget({
          markdown: `## Business unit ${watch.instance} (ERP endpoint \`${watch.endpoint}\`)`,
          width: 24,
          height: 1,
        }),
        new cloudwatch.GraphWidget({
          title: `${watch.instance}: sync lag procurement -> ERP (s, max)`,
          left: watch.slos.map((slo) => businessMetric(slo.metricName, slo.dimensions, 'Maximum')),
          leftAnnotations: watch.slos.map((slo) => ({
            value: slo.thresholdSeconds,
            label: `SLO ${slo.flow}`,
          })),
          width: 8,
        }),
        new cloudwatch.GraphWidget({
          title: `${watch.instance}: circuit breaker open`,
          left: [businessMetric('CircuitBreakerOpen', { Endpoint: watch.endpoint }, 'Maximum')],
          width: 8,
        }),
        new cloudwatch.AlarmStatusWidget({
          title: `${watch.instance}: alarms`,
          alarms: alarmsOf[index]!,
          width: 8,
        }),
      );
    });
  }

  private breakerAlarm(endpoint: string): cloudwatch.Alarm {
    return this.alarm(`${pascalCase(endpoint)}CircuitBreakerOpenAlarm`, {
      alarmDescription: `Circuit breaker for ${endpoint} is open: calls to ${endpoint} are being refused`,
      metric: businessMetric('CircuitBreakerOpen', { Endpoint: endpoint }, 'Maximum'),
      threshold: 0,
    });
  }

  /**
   * EDI partner transfers over Transfer Family connectors: an alarm per workflow that starts them
   * (failed or timed out), and one on Transfer Family's own failure events for our connectors
   * (a send, retrieve, listing or move that failed after it was started): those are asynchronous,
   * reported only on the default bus, so a rule here matches them and the alarm counts its matches.
   */
  public monitorPartnerTransfers(props: {
    readonly workflows: readonly { readonly name: string; readonly stateMachine: sfn.IStateMachine }[];
    readonly connectorIds: readonly string[];
  }): void {
    if (props.connectorIds.length === 0) return;
    const failures = new events.Rule(this, 'PartnerTransferFailures', {
      description: 'EDI: Transfer Family connector operations of our partners that failed',
      eventPattern: {
        source: ['aws.transfer'],
        detailType: [...TRANSFER_FAILURE_EVENTS],
        detail: { 'connector-id': [...props.connectorIds] },
      },
    });
    const failed = new cloudwatch.Metric({
      namespace: 'AWS/Events',
      metricName: 'TriggeredRules',
      dimensionsMap: { RuleName: failures.ruleName },
      statistic: 'Sum',
      period: PERIOD,
    });
    this.dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'EDI partner transfers failed (Transfer Family) / workflows failed',
        left: [failed.with({ label: 'transfers failed' })],
        right: props.workflows.map((w) => w.stateMachine.metricFailed({ period: PERIOD, label: w.name })),
        width: 12,
      }),
    );
    this.alarm('PartnerTransferFailuresAlarm', {
      alarmDescription:
        'An EDI file transfer with a partner failed (Transfer Family: send, retrieve, listing or move): see the connector logs /aws/transfer/<connector id>',
      metric: failed,
      threshold: 0,
    });
    for (const workflow of props.workflows)
      this.alarm(`${pascalCase(workflow.name)}FailuresAlarm`, {
        alarmDescription: `EDI ${workflow.name}: executions failed or timed out (a transfer was not started)`,
        metric: failedOrTimedOut(workflow.stateMachine),
        threshold: 0,
      });
  }

  private alarm(
    id: string,
    props: { alarmDescription: string; metric: cloudwatch.IMetric; threshold: number },
  ): cloudwatch.Alarm {
    const alarm = new cloudwatch.Alarm(this, id, {
      ...props,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(this.alarmAction);
    this.alarms.push(alarm);
    return alarm;
  }
}

/** A workflow's failed and timed-out executions, one sum to alarm on. */
function failedOrTimedOut(stateMachine: sfn.IStateMachine): cloudwatch.MathExpression {
  return new cloudwatch.MathExpression({
    expression: 'failed + timedOut',
    usingMetrics: {
      failed: stateMachine.metricFailed({ period: PERIOD }),
      timedOut: stateMachine.metricTimedOut({ period: PERIOD }),
    },
    period: PERIOD,
    label: 'failed + timed out',
  });
}

/** Transfer Family's events for a connector operation that failed (aws.transfer, default bus). */
export const TRANSFER_FAILURE_EVENTS = [
  'SFTP Connector File Send Failed',
  'SFTP Connector File Retrieve Failed',
  'SFTP Connector Directory Listing Failed',
  'SFTP Connector Remote Move Failed',
] as const;

/** A Supplyline business metric with the `service` dimension every function emits. */
export function businessMetric(
  metricName: BusinessMetricName,
  dimensions: Readonly<Record<string, string>>,
  statistic: string,
): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: METRICS_NAMESPACE,
    metricName,
    dimensionsMap: { service: METRICS_SERVICE, ...dimensions },
    statistic,
    period: PERIOD,
  });
}
