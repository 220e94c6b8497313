/**
 * API Gateway: REST APIs (resource tree, methods, gateway responses, stages) and HTTP APIs (routes,
 * integrations, stages).
 */
import type { IntrinsicResolver } from '../intrinsics';
import type {
  ApiRouteModel,
  AuthorizerModel,
  CfnResource,
  GatewayResponseModel,
  HttpApiModel,
  HttpRouteModel,
  RestApiModel,
  ThrottleModel,
} from '../model';
import { functionNameOf } from '../names';
import { num, ofType, props, type ReaderInput } from './common';

/** `AWS::ApiGateway::RestApi` with its resources, methods, gateway responses and stages. */
export function readRestApis(input: ReaderInput): RestApiModel[] {
  const { resolver } = input;
  return ofType(input, 'AWS::ApiGateway::RestApi').map(([logicalId, r]) =>
    restApiModel(logicalId, r, input.resources, resolver),
  );
}

/** `AWS::ApiGatewayV2::Api` of protocol HTTP (WebSocket APIs are reported and skipped). */
export function readHttpApis(input: ReaderInput): HttpApiModel[] {
  const { resolver } = input;
  const warnings = resolver.warnings;
  const str = (value: unknown) => resolver.string(value);
  return ofType(input, 'AWS::ApiGatewayV2::Api').flatMap(([logicalId, r]) => {
    const protocol = str(props(r).ProtocolType);
    if (protocol !== 'HTTP') {
      warnings.push(`API ${logicalId}: protocol ${protocol} is not served locally`);
      return [];
    }
    return [httpApiModel(logicalId, r, input.resources, resolver)];
  });
}

function restApiModel(
  logicalId: string,
  api: CfnResource,
  resources: [string, CfnResource][],
  resolver: IntrinsicResolver,
): RestApiModel {
  const belongs = (r: CfnResource) => {
    const ref = (r.Properties?.RestApiId as { Ref?: string } | undefined)?.Ref;
    return ref === logicalId;
  };
  const authorizers = readAuthorizers(resources, belongs, resolver);
  const rootId = resolver.attribute(logicalId, 'RootResourceId');
  const pathOf = new Map<string, string>([[rootId, '/']]);
  const apiResources = resources.filter(([, r]) => r.Type === 'AWS::ApiGateway::Resource' && belongs(r));
  // Parents may come after children in the template: resolve until nothing changes.
  let pending = apiResources;
  while (pending.length > 0) {
    const next = pending.filter(([id, r]) => {
      const parent = resolver.string(r.Properties?.ParentId);
      const parentPath = pathOf.get(parent);
      if (parentPath === undefined) return true;
      const part = resolver.string(r.Properties?.PathPart);
      pathOf.set(resolver.ref(id) as string, `${parentPath === '/' ? '' : parentPath}/${part}`);
      return false;
    });
    if (next.length === pending.length) {
      resolver.warnings.push(
        `REST API ${logicalId}: resources without a known parent: ${next.map(([id]) => id).join(', ')}`,
      );
      break;
    }
    pending = next;
  }
  const routes: ApiRouteModel[] = resources
    .filter(([, r]) => r.Type === 'AWS::ApiGateway::Method' && belongs(r))
    .flatMap(([methodId, r]) => {
      const p = (r.Properties ?? {}) as Record<string, unknown>;
      const resourceId = resolver.string(p.ResourceId);
      const resourcePath = pathOf.get(resourceId);
      if (resourcePath === undefined) {
        resolver.warnings.push(`REST API method ${methodId}: unknown resource ${resourceId}`);
        return [];
      }
      const integration = (p.Integration ?? {}) as Record<string, unknown>;
      const type = String(integration.Type ?? 'MOCK');
      const uri = integration.Uri === undefined ? undefined : resolver.string(integration.Uri);
      const functionArn = uri ? /functions\/(arn:[^/]+)\/invocations/.exec(uri)?.[1] : undefined;
      const requestModels = p.RequestModels as Record<string, unknown> | undefined;
      return [
        {
          resourcePath,
          resourceId,
          httpMethod: String(p.HttpMethod),
          apiKeyRequired: p.ApiKeyRequired === true || p.ApiKeyRequired === 'true',
          authorizationType: String(p.AuthorizationType ?? 'NONE'),
          ...(authorizerOf(p.AuthorizerId, authorizers, methodId, resolver) ?? {}),
          integration: {
            type,
            ...(uri ? { uri } : {}),
            ...(functionArn ? { functionArn, functionName: functionNameOf(functionArn) } : {}),
          },
          ...(requestModels
            ? {
                requestModels: Object.fromEntries(
                  Object.entries(requestModels).map(([k, v]) => [k, resolver.string(v)]),
                ),
              }
            : {}),
        },
      ];
    });
  const gatewayResponses: Record<string, GatewayResponseModel> = {};
  for (const [, r] of resources) {
    if (r.Type !== 'AWS::ApiGateway::GatewayResponse' || !belongs(r)) continue;
    const p = resolver.value(r.Properties ?? {}) as Record<string, unknown>;
    const headers: Record<string, string> = {};
    for (const [key, value] of Object.entries(
      (p.ResponseParameters as Record<string, string> | undefined) ?? {},
    )) {
      const header = /^gatewayresponse\.header\.(.+)$/.exec(key)?.[1];
      if (header) headers[header] = value.replace(/^'(.*)'$/, '$1');
    }
    const templates = (p.ResponseTemplates as Record<string, string> | undefined) ?? {};
    gatewayResponses[String(p.ResponseType)] = {
      ...(p.StatusCode !== undefined ? { statusCode: Number(p.StatusCode) } : {}),
      headers,
      ...(templates['application/json'] !== undefined ? { template: templates['application/json'] } : {}),
    };
  }
  const stages = resources.filter(([, r]) => r.Type === 'AWS::ApiGateway::Stage' && belongs(r));
  const stageNames = stages.map(([, r]) => resolver.string(r.Properties?.StageName));
  const throttles = stageThrottles(stages[0]?.[1], resolver);
  const p = api.Properties ?? {};
  return {
    logicalId,
    id: resolver.ref(logicalId) as string,
    name: p.Name === undefined ? logicalId : resolver.string(p.Name),
    stageNames,
    binaryMediaTypes: ((resolver.value(p.BinaryMediaTypes) as string[] | undefined) ?? []).map((t) =>
      t.replace('~1', '/'),
    ),
    routes,
    gatewayResponses,
    ...(Object.keys(throttles).length > 0 ? { throttles } : {}),
  };
}

/** A stage's `MethodSettings` throttles by `<METHOD> <resource path>` (`~1` unescaped). */
function stageThrottles(
  stage: CfnResource | undefined,
  resolver: IntrinsicResolver,
): Record<string, ThrottleModel> {
  const settings = (resolver.value(stage?.Properties?.MethodSettings) ?? []) as Record<string, unknown>[];
  const throttles: Record<string, ThrottleModel> = {};
  for (const setting of settings) {
    if (setting.ThrottlingRateLimit === undefined && setting.ThrottlingBurstLimit === undefined) continue;
    // `/*` is every method; a method's path is `/` + its resource path with `/` escaped as `~1`.
    const raw = String(setting.ResourcePath ?? '/*');
    const path = raw === '/*' ? raw : raw.slice(1).replaceAll('~1', '/');
    throttles[`${String(setting.HttpMethod ?? '*')} ${path}`] = {
      rateLimit: Number(setting.ThrottlingRateLimit ?? Number.POSITIVE_INFINITY),
      burstLimit: Number(setting.ThrottlingBurstLimit ?? Number.POSITIVE_INFINITY),
    };
  }
  return throttles;
}

/** The REST API's Lambda authorizers by logical id. */
function readAuthorizers(
  resources: [string, CfnResource][],
  belongs: (r: CfnResource) => boolean,
  resolver: IntrinsicResolver,
): Map<string, AuthorizerModel> {
  const found = new Map<string, AuthorizerModel>();
  for (const [id, r] of resources) {
    if (r.Type !== 'AWS::ApiGateway::Authorizer' || !belongs(r)) continue;
    const p = (r.Properties ?? {}) as Record<string, unknown>;
    const type = String(p.Type);
    const uri = p.AuthorizerUri === undefined ? '' : resolver.string(p.AuthorizerUri);
    const functionArn = /functions\/(arn:[^/]+)\/invocations/.exec(uri)?.[1];
    if ((type !== 'REQUEST' && type !== 'TOKEN') || !functionArn) {
      resolver.warnings.push(`REST API authorizer ${id}: type ${type} is not run locally`);
      continue;
    }
    found.set(id, {
      logicalId: id,
      type,
      functionName: functionNameOf(functionArn),
      identitySources: String(p.IdentitySource ?? '')
        .split(',')
        .map((source) => source.trim())
        .filter(Boolean),
      resultTtlSeconds: num(p.AuthorizerResultTtlInSeconds) ?? 300,
    });
  }
  return found;
}

function authorizerOf(
  reference: unknown,
  authorizers: Map<string, AuthorizerModel>,
  methodId: string,
  resolver: IntrinsicResolver,
): { authorizer: AuthorizerModel } | undefined {
  const id = (reference as { Ref?: string } | undefined)?.Ref;
  if (id === undefined) return undefined;
  const authorizer = authorizers.get(id);
  if (!authorizer) resolver.warnings.push(`REST API method ${methodId}: authorizer ${id} is not run locally`);
  return authorizer ? { authorizer } : undefined;
}

function httpApiModel(
  logicalId: string,
  api: CfnResource,
  resources: [string, CfnResource][],
  resolver: IntrinsicResolver,
): HttpApiModel {
  const id = resolver.ref(logicalId) as string;
  const belongs = (r: CfnResource) => resolver.string(r.Properties?.ApiId) === id;
  const integrations = new Map(
    resources
      .filter(([, r]) => r.Type === 'AWS::ApiGatewayV2::Integration' && belongs(r))
      .map(([integrationId, r]) => [resolver.ref(integrationId) as string, [integrationId, r] as const]),
  );
  const routes: HttpRouteModel[] = resources
    .filter(([, r]) => r.Type === 'AWS::ApiGatewayV2::Route' && belongs(r))
    .flatMap(([routeId, r]) => {
      const p = (r.Properties ?? {}) as Record<string, unknown>;
      const routeKey = resolver.string(p.RouteKey);
      const target = p.Target === undefined ? '' : resolver.string(p.Target);
      const found = integrations.get(/^integrations\/(.+)$/.exec(target)?.[1] ?? '');
      if (!found) {
        resolver.warnings.push(
          `HTTP API route ${routeId} (${routeKey}): target '${target}' is not an integration`,
        );
        return [];
      }
      const [integrationId, integration] = found;
      const ip = (integration.Properties ?? {}) as Record<string, unknown>;
      const uri = ip.IntegrationUri === undefined ? undefined : resolver.string(ip.IntegrationUri);
      // Lambda integrations name the function ARN itself or its `.../functions/<arn>/invocations` URI.
      const functionArn = uri
        ? (/functions\/(arn:[^/]+)\/invocations/.exec(uri)?.[1] ??
          (/^arn:[^:]+:lambda:/.test(uri) ? uri : undefined))
        : undefined;
      const type = String(resolver.value(ip.IntegrationType) ?? 'AWS_PROXY');
      const version = ip.PayloadFormatVersion === undefined ? '' : resolver.string(ip.PayloadFormatVersion);
      if (!version) {
        resolver.warnings.push(
          `HTTP API integration ${integrationId}: no PayloadFormatVersion (required for Lambda)`,
        );
      }
      const [method, path] = routeKey === '$default' ? ['ANY', '/{proxy+}'] : routeKey.split(/\s+/, 2);
      return [
        {
          routeKey,
          method: method!,
          path: path ?? '/',
          authorizationType:
            p.AuthorizationType === undefined ? 'NONE' : resolver.string(p.AuthorizationType),
          integration: {
            type,
            payloadFormatVersion: version || '1.0',
            ...(uri ? { uri } : {}),
            ...(functionArn ? { functionArn, functionName: functionNameOf(functionArn) } : {}),
            timeoutMs: num(resolver.value(ip.TimeoutInMillis)) ?? 30_000,
          },
        },
      ];
    });
  const stageNames = resources
    .filter(([, r]) => r.Type === 'AWS::ApiGatewayV2::Stage' && belongs(r))
    .map(([, r]) => resolver.string(r.Properties?.StageName));
  const p = api.Properties ?? {};
  return {
    logicalId,
    id,
    name: p.Name === undefined ? logicalId : resolver.string(p.Name),
    stageNames,
    routes,
  };
}
