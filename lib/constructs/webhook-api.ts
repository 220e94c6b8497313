import { RemovalPolicy, Validations } from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as apigwv2 from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { pascalCase } from '../../application/resources';
import type { ApiThrottle } from './supplyline-api';

/** One vendor webhook: a POST route to the function that verifies the vendor's HMAC signature. */
export interface WebhookRoute {
  /** Starts with `/v1/`; plain segments only. */
  readonly path: string;
  readonly method: 'POST';
  readonly handler: lambda.IFunction;
}

/** Properties of {@link WebhookApi}. */
export interface WebhookApiProps {
  /** e.g. `Supplyline-dev` (the API is named `<apiName>-webhooks`). */
  readonly apiName: string;
  readonly stageName: string;
  readonly routes: readonly WebhookRoute[];
  readonly throttling: {
    /** Stage default (requests that match no route are answered 404 by API Gateway). */
    readonly stage: ApiThrottle;
    /** Every webhook route. */
    readonly webhooks: ApiThrottle;
  };
  readonly logRetention: logs.RetentionDays;
  /** @default RemovalPolicy.DESTROY */
  readonly logRemovalPolicy?: RemovalPolicy;
  /** Customer-managed key of the log group. @default the CloudWatch Logs service key */
  readonly logEncryptionKey?: kms.IKey;
  /**
   * The only address of the API (the edge's origin): with it, the execute-api endpoint is
   * disabled, so nothing reaches the route throttle without the custom domain (ADR 0007).
   * @default none: the execute-api URL serves the API
   */
  readonly customDomain?: WebhookApiDomain;
}

/** A regional custom domain of the webhook API. */
export interface WebhookApiDomain {
  /** e.g. `webhooks-origin.example.com`; its DNS name points at {@link WebhookApi.domainName}'s regional name. */
  readonly domainName: string;
  /** An ACM certificate for `domainName` in the API's region. */
  readonly certificateArn: string;
}

/**
 * The vendor webhooks on an API Gateway HTTP API (ADR 0005): Lambda proxy integrations with payload
 * format 1.0 (the handlers read the same v1 proxy event as behind the REST API), one stage per
 * environment with route-level throttling and JSON access logs. No API key, request validation or
 * WAF: HTTP APIs have none, and the functions authenticate every delivery by its HMAC signature.
 */
export class WebhookApi extends Construct {
  public readonly api: apigwv2.HttpApi;
  public readonly stage: apigwv2.HttpStage;
  public readonly accessLogGroup: logs.LogGroup;
  public readonly routes: readonly apigwv2.HttpRoute[];
  /** The custom domain, when the API has one (its execute-api endpoint is then disabled). */
  public readonly domainName?: apigwv2.DomainName;
  /** `https://<custom domain>/v1`, or `https://<api>.execute-api.<region>.amazonaws.com/<stage>/v1` without one. */
  public readonly url: string;

  constructor(scope: Construct, id: string, props: WebhookApiProps) {
    super(scope, id);
    validate(props);

    this.api = new apigwv2.HttpApi(this, 'Api', {
      apiName: `${props.apiName}-webhooks`,
      description:
        'Supplyline vendor webhooks (HMAC-signed deliveries from the planning and procurement platforms)',
      // One named stage per environment, like the REST API: `/<stage>/v1/...`.
      createDefaultStage: false,
      disableExecuteApiEndpoint: props.customDomain !== undefined,
    });

    const routes: apigwv2.HttpRoute[] = [];
    for (const route of props.routes) {
      const name = pascalCase(route.path.split('/').at(-1)!);
      routes.push(
        ...this.api.addRoutes({
          path: route.path,
          methods: [apigwv2.HttpMethod[route.method]],
          integration: new HttpLambdaIntegration(`${name}Integration`, route.handler, {
            // The v1 proxy event the handlers read (headers, body, isBase64Encoded, requestContext.requestId).
            payloadFormatVersion: apigwv2.PayloadFormatVersion.VERSION_1_0,
          }),
        }),
      );
    }
    this.routes = routes;
    for (const route of routes) {
      Validations.of(route).acknowledge({
        id: 'AwsSolutions-APIG4',
        reason:
          'Vendor webhook: the vendor signs each delivery with HMAC-SHA256 over the raw body and a timestamp, ' +
          'verified in the function before anything is stored or published (API Gateway cannot verify HMAC ' +
          'signatures); vendors cannot send API keys or tokens. ADR 0005.',
      });
    }

    this.accessLogGroup = new logs.LogGroup(this, 'AccessLogs', {
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy ?? RemovalPolicy.DESTROY,
      encryptionKey: props.logEncryptionKey,
    });
    this.stage = new apigwv2.HttpStage(this, 'Stage', {
      httpApi: this.api,
      stageName: props.stageName,
      autoDeploy: true,
      throttle: props.throttling.stage,
      detailedMetricsEnabled: true,
      accessLogSettings: {
        destination: new apigwv2.LogGroupLogDestination(this.accessLogGroup),
        format: accessLogFormat(),
      },
    });
    const cfnStage = this.stage.node.defaultChild as apigwv2.CfnStage;
    cfnStage.routeSettings = Object.fromEntries(
      props.routes.map((route) => [
        `${route.method} ${route.path}`,
        {
          ThrottlingRateLimit: props.throttling.webhooks.rateLimit,
          ThrottlingBurstLimit: props.throttling.webhooks.burstLimit,
          DetailedMetricsEnabled: true,
        },
      ]),
    );
    // Route settings name route keys: CloudFormation fails the stage if a route does not exist yet.
    for (const route of routes) cfnStage.node.addDependency(route);

    if (props.customDomain) {
      this.domainName = new apigwv2.DomainName(this, 'DomainName', {
        domainName: props.customDomain.domainName,
        certificate: acm.Certificate.fromCertificateArn(
          this,
          'Certificate',
          props.customDomain.certificateArn,
        ),
        endpointType: apigwv2.EndpointType.REGIONAL,
        securityPolicy: apigwv2.SecurityPolicy.TLS_1_2,
      });
      // The domain's root is the stage: `https://<domain>/v1/...`.
      new apigwv2.ApiMapping(this, 'StageMapping', {
        api: this.api,
        domainName: this.domainName,
        stage: this.stage,
      });
      this.url = `https://${props.customDomain.domainName}/v1`;
    } else {
      this.url = `${this.stage.url}/v1`;
    }
  }
}

/** HTTP API `$context` variables (no API key, WAF or X-Ray fields: HTTP APIs have none). */
function accessLogFormat(): AccessLogFormat {
  return AccessLogFormat.custom(
    JSON.stringify({
      requestId: '$context.requestId',
      extendedRequestId: '$context.extendedRequestId',
      requestTime: '$context.requestTime',
      ip: '$context.identity.sourceIp',
      userAgent: '$context.identity.userAgent',
      httpMethod: '$context.httpMethod',
      routeKey: '$context.routeKey',
      path: '$context.path',
      protocol: '$context.protocol',
      status: '$context.status',
      responseLength: '$context.responseLength',
      responseLatency: '$context.responseLatency',
      integrationLatency: '$context.integrationLatency',
      integrationStatus: '$context.integrationStatus',
      integrationError: '$context.integrationErrorMessage',
      errorMessage: '$context.error.message',
      errorResponseType: '$context.error.responseType',
    }),
  );
}

function validate(props: WebhookApiProps): void {
  const problems: string[] = [];
  const seen = new Set<string>();
  for (const route of props.routes) {
    const key = `${route.method} ${route.path}`;
    if (!/^\/v1(\/[A-Za-z0-9._-]+)+$/.test(route.path))
      problems.push(`${key}: path must start with /v1/ and hold only plain segments`);
    if (seen.has(key)) problems.push(`${key}: defined twice`);
    seen.add(key);
  }
  if (props.routes.length === 0) problems.push('no routes');
  for (const [name, t] of Object.entries(props.throttling)) {
    if (!(t.rateLimit > 0) || !(t.burstLimit >= 1)) problems.push(`throttling.${name} must be positive`);
  }
  if (problems.length > 0) throw new Error(`WebhookApi: ${problems.join('; ')}`);
}
