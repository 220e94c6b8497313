import { existsSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { API_ROUTES, type ApiModelName, type ApiRouteDefinition } from '../application/api-routes';
import {
  FUNCTION_CATALOG,
  type BucketAccess,
  type FunctionDefinition,
  type FunctionKey,
  type TableOperation,
} from '../application/functions';
import { CIRCUIT_BREAKER_ENDPOINTS } from '../application/metrics';
import {
  BUSINESS_RULES_ENV_VAR,
  CONNECTORS,
  ENVIRONMENT_ENV_VAR,
  SECRETS,
  TENANT_ID_ENV_VAR,
  WEBHOOK_EDGE_SECRET_ENV_VAR,
  pascalCase,
  stateMachineEnvVar,
  type BucketKey,
  type SecretKey,
  type TableKey,
} from '../application/resources';
import { WORKFLOW_CATALOG, type WorkflowDefinition } from '../application/workflows';
import type { EnvironmentConfig } from '../application/environments';
import { ConsumerLane } from './constructs/consumer-lane';
import { EDI_PARTNERS_ENV_VAR } from '../application/edi-partners';
import { erpInstanceWatches, erpInstancesOf } from '../application/erp-instances';
import { DataBuckets } from './constructs/data-buckets';
import { PartnerConnectors } from './constructs/partner-connectors';
import { DataTables } from './constructs/data-tables';
import { PrivateNetwork } from './constructs/private-network';
import { createDataKeys, type DataKeys } from './constructs/encryption-keys';
import { IntegrationSecrets } from './constructs/integration-secrets';
import { ErpInstanceSecrets } from './constructs/erp-instance-secrets';
import type { Monitoring } from './constructs/monitoring';
import { MonitoringStack } from './constructs/monitoring-stack';
import { SupplylineApi, type JsonSchemaDocument } from './constructs/supplyline-api';
import { SupplylineFunction } from './constructs/supplyline-function';
import { WebhookApi } from './constructs/webhook-api';
import { WEBHOOK_MAX_BODY_BYTES, WebhookEdge, signatureHeaderOf } from './constructs/webhook-edge';
import { Identity, identityEnvironment } from './constructs/identity';
import { APPLICATION_CONSUMERS } from '../application/identity';
import { Workflow, stateMachineArnOf } from './constructs/workflow';
import {
  isObjectsCreated,
  resolveRoutes,
  type ConsumerRoute,
  type ResolvedRoute,
} from '../application/routing';
import { validateCatalogs } from './validate-catalogs';

/** The project root (handler entries and ASL paths in the catalogs are relative to it). */
export const PROJECT_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');

/** Properties of {@link SupplylineStack}. */
export interface SupplylineStackProps extends StackProps {
  readonly config: EnvironmentConfig;
  /** Where catalog paths are resolved from. @default the repository root */
  readonly projectRoot?: string;
  /** Handler files replacing catalog entries (tests inject fixtures here). */
  readonly functionEntries?: Partial<Record<FunctionKey, string>>;
  /** ASL files replacing workflow catalog definitions, by workflow name. */
  readonly workflowDefinitions?: Readonly<Record<string, string>>;
  /** Request model schemas (canonical/generated/json-schema/api/<Name>.json, see loadApiModels). */
  readonly apiModels?: Partial<Record<ApiModelName, JsonSchemaDocument>>;
  /** @default FUNCTION_CATALOG */
  readonly functionCatalog?: readonly FunctionDefinition[];
  /** @default WORKFLOW_CATALOG */
  readonly workflowCatalog?: readonly WorkflowDefinition[];
  /** @default CONSUMER_ROUTES */
  readonly routes?: readonly ConsumerRoute[];
  /** @default API_ROUTES */
  readonly apiRoutes?: readonly ApiRouteDefinition[];
}

/**
 * The Supplyline application: event bus + archive, consumer lanes from the routing table,
 * functions from the function catalog, workflows from the workflow catalog, tables, secrets,
 * the governed REST API, the webhook HTTP API and monitoring — all configured by the environment.
 */
export class SupplylineStack extends Stack {
  public readonly config: EnvironmentConfig;
  public readonly encryptionKey: kms.Key;
  /** Customer-managed keys of data at rest: tables, bucket, archive (`data`) and log groups (`logs`). */
  public readonly keys: DataKeys;
  public readonly bus: events.EventBus;
  public readonly archive: events.Archive;
  public readonly data: DataTables;
  public readonly buckets: DataBuckets;
  public readonly integrationSecrets: IntegrationSecrets;
  public readonly functions: Readonly<Record<FunctionKey, SupplylineFunction>>;
  public readonly workflows: Readonly<Record<string, Workflow>>;
  /** Schedule rules by the function they invoke. */
  public readonly schedules: Readonly<Record<string, events.Rule>>;
  public readonly routes: readonly ResolvedRoute[];
  public readonly lanes: readonly ConsumerLane[];
  /** The governed routes (API keys, request validation, WAF where configured). */
  public readonly api: SupplylineApi;
  /** The vendor webhooks (HTTP API, ADR 0005). */
  public readonly webhookApi: WebhookApi;
  /** The VPC of the ERP callers, where the environment has a private ERP (ADR 0008). */
  public readonly privateNetwork?: PrivateNetwork;
  /** CloudFront + WAF in front of the webhooks where the environment turns it on (ADR 0007). */
  public readonly webhookEdge?: WebhookEdge;
  /** Who may call the governed routes: the access-token authorizer and, without an IdP, a Cognito pool. */
  public readonly identity: Identity;
  public readonly monitoring: Monitoring;
  /** The nested stack holding monitoring (ADR 0014). */
  public readonly monitoringStack: MonitoringStack;

  constructor(scope: Construct, id: string, props: SupplylineStackProps) {
    const config = props.config;
    super(scope, id, {
      stackName: config.stackName,
      description: `Supplyline integration middleware (${config.name})`,
      terminationProtection: config.retainData,
      tags: { application: 'supplyline', environment: config.name },
      ...props,
      env: props.env ?? { account: config.account, region: config.region },
    });
    this.config = config;
    const root = props.projectRoot ?? PROJECT_ROOT;
    const catalog = props.functionCatalog ?? FUNCTION_CATALOG;
    const workflowCatalog = props.workflowCatalog ?? WORKFLOW_CATALOG;
    const removalPolicy = config.retainData ? RemovalPolicy.RETAIN : RemovalPolicy.DESTROY;
    const logRetention = config.logRetentionDays as logs.RetentionDays;

    this.routes = resolveRoutes({ routes: props.routes, concurrency: config.concurrency });
    const apiRoutes = props.apiRoutes ?? API_ROUTES;
    validateCatalogs(catalog, workflowCatalog, this.routes, apiRoutes);

    this.encryptionKey = new kms.Key(this, 'MessagingKey', {
      description: `Supplyline ${config.name}: queues and the alarm topic`,
      enableKeyRotation: true,
      removalPolicy,
      pendingWindow: Duration.days(config.retainData ? 30 : 7),
    });
    // EventBridge delivers to the encrypted queues and their delivery DLQs.
    this.encryptionKey.addToResourcePolicy(
      new iam.PolicyStatement({
        sid: 'AllowEventBridgeToUseTheKey',
        principals: [new iam.ServicePrincipal('events.amazonaws.com')],
        actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
        resources: ['*'],
        conditions: { StringEquals: { 'aws:SourceAccount': this.account } },
      }),
    );

    this.keys = createDataKeys(this, {
      environmentName: config.name,
      removalPolicy,
      pendingWindowDays: config.retainData ? 30 : 7,
    });

    this.bus = new events.EventBus(this, 'Bus', {
      eventBusName: config.resourcePrefix,
      description: 'Supplyline canonical events (source supplyline.<system>, detail-type = event type)',
    });
    // Built as bus.archive() builds it (same construct path) but with the key it does not pass on.
    this.archive = new events.Archive(this.bus, 'Archive', {
      sourceEventBus: this.bus,
      description: 'Every canonical event, for replay after a fix',
      eventPattern: { source: events.Match.prefix('supplyline.') },
      retention: Duration.days(config.eventArchiveRetentionDays),
      kmsKey: this.keys.data,
    });

    this.data = new DataTables(this, 'Data', {
      retainData: config.retainData,
      encryptionKey: this.keys.data,
    });
    this.buckets = new DataBuckets(this, 'Buckets', {
      // S3 tells EventBridge of new objects in the buckets a route listens to.
      objectEvents: this.routes.flatMap((r) =>
        isObjectsCreated(r.pattern) ? [r.pattern.objectsCreated.bucket] : [],
      ),
      retainData: config.retainData,
      encryptionKey: this.keys.data,
    });
    this.integrationSecrets = new IntegrationSecrets(this, 'Secrets', { retainData: config.retainData });
    const ediConnectors = new PartnerConnectors(this, 'EdiConnectors', {
      config,
      buckets: this.buckets,
      keys: this.keys,
    });

    this.monitoringStack = new MonitoringStack(this, 'Observability', {
      dashboardName: config.stackName,
      encryptionKey: this.encryptionKey,
      alarmEmails: config.notifications.alarmEmails,
    });
    this.monitoring = this.monitoringStack.monitoring;
    this.monitoring.monitorPartnerTransfers(ediConnectors.monitored());

    if (config.privateNetwork) {
      this.privateNetwork = new PrivateNetwork(this, 'Network', {
        config: config.privateNetwork,
        logRetention,
        logRemovalPolicy: removalPolicy,
        logEncryptionKey: this.keys.logs,
      });
    }
    const webhookHandlers = new Set(
      apiRoutes.filter((route) => route.access === 'signed-webhook').map((route) => route.handler),
    );
    this.functions = this.createFunctions(
      root,
      catalog,
      props.functionEntries ?? {},
      logRetention,
      removalPolicy,
      webhookHandlers,
    );
    new ErpInstanceSecrets(this, 'ErpInstances', config).bindCallers(catalog, this.functions);
    this.workflows = this.createWorkflows(
      root,
      workflowCatalog,
      props.workflowDefinitions ?? {},
      logRetention,
      removalPolicy,
    );
    this.bindWorkflowsToFunctions(catalog);
    this.schedules = this.createSchedules(catalog);
    this.limitBusToProducers();

    const consumers = new Construct(this, 'Consumers');
    this.lanes = this.routes.map(
      (route) =>
        new ConsumerLane(consumers, pascalCase(route.consumer), {
          route,
          ...(isObjectsCreated(route.pattern)
            ? {
                bus: events.EventBus.fromEventBusName(
                  consumers,
                  `${pascalCase(route.consumer)}Bus`,
                  'default',
                ),
                bucketName: this.buckets.buckets[route.pattern.objectsCreated.bucket].bucket.bucketName,
              }
            : { bus: this.bus }),
          consumer: this.functions[route.handler],
          encryptionKey: this.encryptionKey,
          queueNamePrefix: config.resourcePrefix,
          removalPolicy,
          alarms: {
            dlqDepthThreshold: config.alarms.dlqDepthThreshold,
            oldestMessageAgeSeconds: config.alarms.oldestMessageAgeSeconds[route.lane],
            actions: [this.monitoring.action],
            scope: this.monitoringStack.laneAlarms,
          },
        }),
    );

    // Signed webhooks on the HTTP API, everything governed on the REST API (ADR 0005) behind
    // the access-token authorizer (ADR 0009).
    this.identity = new Identity(this, 'Identity', {
      resourcePrefix: config.resourcePrefix,
      settings: config.identity,
      applications: APPLICATION_CONSUMERS,
      authorizerFunction: this.functions['api-authorizer'],
      resultsCacheTtl: Duration.minutes(5),
      removalPolicy,
    });
    const governedRoutes = apiRoutes.filter((route) => route.access === 'identity');
    this.api = new SupplylineApi(this, 'Api', {
      authorizer: this.identity.authorizer,
      apiName: config.stackName,
      stageName: config.api.stageName,
      routes: governedRoutes.map((route) => ({ ...route, handler: this.functions[route.handler] })),
      models: this.apiModels(governedRoutes, props.apiModels ?? {}),
      throttling: {
        stage: config.api.throttling,
        governed: config.api.governedThrottling,
      },
      usagePlanQuotaPerDay: config.api.usagePlanQuotaPerDay,
      waf: config.waf.enabled ? { rateLimitPer5Minutes: config.waf.rateLimitPer5Minutes } : undefined,
      logRetention,
      logRemovalPolicy: removalPolicy,
      logEncryptionKey: this.keys.logs,
    });
    this.identity.meterApplications(this.api.api, this.api.methods);
    this.webhookApi = new WebhookApi(this, 'WebhookApi', {
      apiName: config.stackName,
      stageName: config.api.stageName,
      routes: apiRoutes
        .filter((route) => route.access === 'signed-webhook')
        // validateCatalogs: every signed webhook is a POST without a request model.
        .map((route) => ({
          path: route.path,
          method: 'POST' as const,
          handler: this.functions[route.handler],
        })),
      throttling: { stage: config.api.throttling, webhooks: config.api.webhookThrottling },
      logRetention,
      logRemovalPolicy: removalPolicy,
      logEncryptionKey: this.keys.logs,
      // With the edge, the custom domain is the API's only address (validated config: set when enabled).
      customDomain: config.api.webhookEdge.enabled ? config.api.webhookEdge.originDomain : undefined,
    });

    if (config.api.webhookEdge.enabled) {
      this.webhookEdge = new WebhookEdge(this, 'WebhookEdge', {
        name: config.stackName,
        webhookApi: this.webhookApi,
        webhooks: apiRoutes
          .filter((route) => route.access === 'signed-webhook')
          .map((route) => ({ path: route.path, signatureHeader: signatureHeaderOf(route.handler) })),
        rateLimitPer5Minutes: config.api.webhookEdge.rateLimitPer5Minutes,
        maxBodyBytes: WEBHOOK_MAX_BODY_BYTES,
        removalPolicy,
      });
      // The webhooks refuse what did not come through the edge (adapters/webhooks/edge.ts).
      for (const route of apiRoutes.filter((r) => r.access === 'signed-webhook')) {
        this.functions[route.handler].bindSecret(this.webhookEdge.originSecret, WEBHOOK_EDGE_SECRET_ENV_VAR);
      }
    }

    this.monitoring.monitorApi(this.api, this.webhookApi);
    this.monitoring.monitorConsumerLanes(this.lanes);
    this.monitoring.monitorFunctions(Object.values(this.functions));
    this.monitoring.monitorWorkflows(Object.values(this.workflows));
    this.monitoring.monitorBusiness({
      slos: config.alarms.syncLagSlos,
      exceptionAgingSeconds: config.alarms.exceptionAgingSeconds,
      reconciliationDriftPercent: config.alarms.reconciliationDriftPercent,
      circuitBreakerEndpoints: CIRCUIT_BREAKER_ENDPOINTS,
    });
    this.monitoring.monitorErpInstances(
      erpInstanceWatches(erpInstancesOf(config), config.alarms.syncLagSlos),
    );

    new CfnOutput(this, 'ApiUrl', {
      description: 'Governed routes (Authorization: Bearer <access token>; x-api-key for metering)',
      value: this.api.api.urlForPath('/v1'),
    });
    new CfnOutput(this, 'WebhookApiUrl', {
      description: this.webhookEdge
        ? 'The webhook HTTP API itself (origin of WebhookUrl; vendors use WebhookUrl)'
        : 'Vendor webhooks (HMAC-signed): <url>/webhooks/planning, <url>/webhooks/procurement',
      value: this.webhookApi.url,
    });
    if (this.webhookEdge) {
      new CfnOutput(this, 'WebhookUrl', {
        description:
          'Vendor webhooks behind CloudFront + WAF (ADR 0007): <url>/webhooks/planning, <url>/webhooks/procurement',
        value: this.webhookEdge.url,
      });
    }
    if (this.webhookApi.domainName) {
      new CfnOutput(this, 'WebhookOriginDnsTarget', {
        description: `One-time setup (ADR 0007): a CNAME from ${this.webhookApi.domainName.name} to this name`,
        value: this.webhookApi.domainName.regionalDomainName,
      });
    }
    new CfnOutput(this, 'ApiKeyId', { value: this.api.apiKey.keyId });
    new CfnOutput(this, 'IdentityIssuer', { value: this.identity.issuer });
    new CfnOutput(this, 'EventBusName', { value: this.bus.eventBusName });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.monitoring.alarmTopic.topicArn });
    for (const [key, binding] of Object.entries(this.integrationSecrets.secrets)) {
      new CfnOutput(this, `${pascalCase(key)}SecretArn`, { value: binding.secret.secretArn });
    }
  }

  private createFunctions(
    root: string,
    catalog: readonly FunctionDefinition[],
    overrides: Partial<Record<FunctionKey, string>>,
    logRetention: logs.RetentionDays,
    logRemovalPolicy: RemovalPolicy,
    webhookHandlers: ReadonlySet<FunctionKey>,
  ): Record<FunctionKey, SupplylineFunction> {
    const config = this.config;
    const missing: string[] = [];
    const entries = new Map<FunctionKey, string>();
    for (const definition of catalog) {
      const wanted = overrides[definition.key] ?? definition.entry;
      const entry = isAbsolute(wanted) ? wanted : resolve(root, wanted);
      if (existsSync(entry)) entries.set(definition.key, entry);
      else missing.push(`${definition.key}: ${wanted}`);
    }
    if (missing.length > 0) {
      throw new Error(
        `Supplyline ${config.name}: handler files missing:\n- ${missing.join('\n- ')}\n` +
          'Write them, or fix application/functions.ts.',
      );
    }

    const scope = new Construct(this, 'Functions');
    const built = {} as Record<FunctionKey, SupplylineFunction>;
    for (const definition of catalog) {
      const consumerTimeouts = this.routes
        .filter((r) => r.handler === definition.key)
        .map((r) => r.timeoutSeconds);
      const timeoutSeconds =
        consumerTimeouts.length > 0 ? Math.min(...consumerTimeouts) : definition.timeoutSeconds!;
      const grants = definition.grants;
      const fn = new SupplylineFunction(scope, pascalCase(definition.key), {
        entry: entries.get(definition.key)!,
        description: definition.description.slice(0, 256),
        timeout: Duration.seconds(timeoutSeconds),
        memorySize: definition.memoryMb,
        logRetention,
        logRemovalPolicy,
        logEncryptionKey: this.keys.logs,
        logLevel: config.logLevel,
        reservedConcurrentExecutions: webhookHandlers.has(definition.key)
          ? config.api.webhookReservedConcurrency
          : undefined,
        // Only the ERP callers need the private route to the ERP; the rest stay out of the VPC.
        network:
          this.privateNetwork && grants.connectors?.includes('erp')
            ? {
                vpc: this.privateNetwork.vpc,
                subnets: this.privateNetwork.subnets,
                securityGroup: this.privateNetwork.callers,
              }
            : undefined,
        environment: {
          [ENVIRONMENT_ENV_VAR]: config.name,
          [TENANT_ID_ENV_VAR]: config.tenantId,
          ...(grants.businessRules ? { [BUSINESS_RULES_ENV_VAR]: JSON.stringify(config.business) } : {}),
          ...(grants.ediPartners ? { [EDI_PARTNERS_ENV_VAR]: JSON.stringify(config.ediPartners ?? []) } : {}),
          ...identityEnvironment(config.identity, grants.identity ?? []),
        },
      });
      for (const [tableKey, operations] of Object.entries(grants.tables ?? {}) as [
        TableKey,
        readonly TableOperation[],
      ][]) {
        fn.bindTable(this.data.tables[tableKey], operations);
      }
      for (const [bucketKey, access] of Object.entries(grants.buckets ?? {}) as [BucketKey, BucketAccess][]) {
        const { bucket, envVar } = this.buckets.buckets[bucketKey];
        fn.bindBucket(bucket, access, envVar);
      }
      if (grants.bus) fn.bindBus(this.bus);
      const connectors = (grants.connectors ?? []).map((key) => CONNECTORS[key]);
      const secrets = new Set<SecretKey>([...(grants.secrets ?? []), ...connectors.map((c) => c.secret)]);
      for (const secretKey of secrets) {
        fn.bindSecret(this.integrationSecrets.secrets[secretKey].secret, SECRETS[secretKey].envVar);
      }
      for (const connector of connectors) {
        for (const [setting, envVar] of Object.entries(connector.settings))
          fn.addEnvironment(envVar, config.systems[setting as keyof EnvironmentConfig['systems']]);
      }
      built[definition.key] = fn;
    }
    return built;
  }

  /** One EventBridge schedule rule per scheduled function (default bus: schedules live there). */
  private createSchedules(catalog: readonly FunctionDefinition[]): Record<string, events.Rule> {
    const scope = new Construct(this, 'Schedules');
    const rules: Record<string, events.Rule> = {};
    for (const definition of catalog) {
      if (!definition.schedule) continue;
      const fn = this.functions[definition.key];
      // A missed poll is made up by the next one: no retries that would pile polls on top of each other.
      fn.configureAsyncInvoke({ retryAttempts: 0, maxEventAge: Duration.minutes(1) });
      rules[definition.key] = new events.Rule(scope, pascalCase(definition.key), {
        description: `${definition.key}: ${definition.description}`.slice(0, 512),
        schedule: events.Schedule.expression(definition.schedule.expression),
        targets: [new targets.LambdaFunction(fn, { retryAttempts: 2, maxEventAge: Duration.minutes(1) })],
      });
    }
    return rules;
  }

  private createWorkflows(
    root: string,
    catalog: readonly WorkflowDefinition[],
    overrides: Readonly<Record<string, string>>,
    logRetention: logs.RetentionDays,
    logRemovalPolicy: RemovalPolicy,
  ): Record<string, Workflow> {
    const config = this.config;
    const scope = new Construct(this, 'Workflows');
    const built: Record<string, Workflow> = {};
    for (const definition of catalog) {
      const wanted = overrides[definition.name] ?? definition.definition;
      const path = isAbsolute(wanted) ? wanted : resolve(root, wanted);
      if (!existsSync(path)) {
        throw new Error(
          `Supplyline ${config.name}: workflow '${definition.name}' definition ${wanted} does not exist ` +
            '(write it, or fix application/workflows.ts).',
        );
      }
      const tables: Record<string, { table: DataTables['tables'][TableKey]; access: 'read' | 'readWrite' }> =
        {};
      for (const [key, access] of Object.entries(definition.tables ?? {}) as [
        TableKey,
        'read' | 'readWrite',
      ][]) {
        tables[key] = { table: this.data.tables[key], access };
      }
      built[definition.name] = new Workflow(scope, pascalCase(definition.name), {
        name: definition.name,
        stateMachineName: this.stateMachineName(definition.name),
        definitionPath: path,
        type: definition.type,
        functions: Object.fromEntries(definition.functions.map((key) => [key, this.functions[key]])),
        starts: Object.fromEntries(
          (definition.starts ?? []).map((name) => [name, this.stateMachineArn(name)]),
        ),
        tables,
        bus: definition.bus ? this.bus : undefined,
        logRetention,
        logRemovalPolicy,
        logEncryptionKey: this.keys.logs,
        logGroupPrefix: config.resourcePrefix,
      });
    }
    return built;
  }

  /**
   * The bus takes PutEvents only from its producers: the roles of the functions and workflows the
   * catalogs grant the bus, and AWS services (archive replays). Anyone else in the account with a
   * broad IAM policy is denied, so no one can inject canonical events beside the webhooks' checks.
   */
  private limitBusToProducers(): void {
    const producers = [
      ...Object.values(this.functions).filter((fn) => fn.hasBusGrant),
      ...Object.values(this.workflows).filter((wf) => wf.publishes),
    ].map((producer) => producer.role.roleArn);
    const statement = new iam.PolicyStatement({
      sid: 'OnlyProducersPutEvents',
      effect: iam.Effect.DENY,
      principals: [new iam.AnyPrincipal()],
      actions: ['events:PutEvents'],
      // Built from the bus's fixed name: its own Arn attribute would reference itself.
      resources: [
        this.formatArn({
          service: 'events',
          resource: 'event-bus',
          resourceName: this.config.resourcePrefix,
        }),
      ],
      conditions: {
        ArnNotEquals: { 'aws:PrincipalArn': producers },
        Bool: { 'aws:PrincipalIsAWSService': 'false' },
      },
    });
    // The bus's own Policy property: an AWS::Events::EventBusPolicy resource warns of a deprecated
    // property at every synth.
    (this.bus.node.defaultChild as events.CfnEventBus).policy = {
      Version: '2012-10-17',
      Statement: [statement.toStatementJson()],
    };
  }

  /** The fixed physical name of a workflow's state machine: `<resourcePrefix>-<workflow>`. */
  public stateMachineName(workflow: string): string {
    return `${this.config.resourcePrefix}-${workflow}`;
  }

  /** The ARN of a workflow's state machine, built from its fixed name (no reference, no cycle). */
  public stateMachineArn(workflow: string): string {
    return stateMachineArnOf(this, this.stateMachineName(workflow));
  }

  private bindWorkflowsToFunctions(catalog: readonly FunctionDefinition[]): void {
    for (const definition of catalog) {
      for (const [name, access] of Object.entries(definition.grants.workflows ?? {})) {
        this.functions[definition.key].bindStateMachine(
          this.stateMachineArn(name),
          access,
          stateMachineEnvVar(name),
        );
      }
    }
  }

  private apiModels(
    routes: readonly ApiRouteDefinition[],
    given: Partial<Record<ApiModelName, JsonSchemaDocument>>,
  ): Record<string, JsonSchemaDocument> {
    const models: Record<string, JsonSchemaDocument> = {};
    for (const name of new Set(routes.flatMap((route) => (route.requestModel ? [route.requestModel] : [])))) {
      const schema = given[name];
      if (!schema)
        throw new Error(
          `Supplyline ${this.config.name}: request model '${name}' has no schema (canonical/generated/json-schema/api/${name}.json)`,
        );
      models[name] = schema;
    }
    return models;
  }
}
