import { describe, expect, it } from 'vitest';
import { buildTemplateModel, type CfnTemplate } from '../../assembly';
import { INLINE_TEMPLATE } from './inline-template';

describe('HTTP API model', () => {
  it('reads $default routes, invocation URIs and payload versions, and warns about what it cannot serve', () => {
    const fn = 'arn:aws:lambda:eu-west-1:000000000000:function:Test-Fn1';
    const model = buildTemplateModel(
      {
        Resources: {
          Http: { Type: 'AWS::ApiGatewayV2::Api', Properties: { Name: 'hooks', ProtocolType: 'HTTP' } },
          Ws: { Type: 'AWS::ApiGatewayV2::Api', Properties: { Name: 'ws', ProtocolType: 'WEBSOCKET' } },
          Integration: {
            Type: 'AWS::ApiGatewayV2::Integration',
            Properties: {
              ApiId: { Ref: 'Http' },
              IntegrationType: 'AWS_PROXY',
              IntegrationUri: `arn:aws:apigateway:eu-west-1:lambda:path/2015-03-31/functions/${fn}/invocations`,
              PayloadFormatVersion: '2.0',
              TimeoutInMillis: 5000,
            },
          },
          Default: {
            Type: 'AWS::ApiGatewayV2::Route',
            Properties: {
              ApiId: { Ref: 'Http' },
              RouteKey: '$default',
              Target: { 'Fn::Join': ['', ['integrations/', { Ref: 'Integration' }]] },
            },
          },
          Orphan: {
            Type: 'AWS::ApiGatewayV2::Route',
            Properties: { ApiId: { Ref: 'Http' }, RouteKey: 'GET /x' },
          },
          Stage: {
            Type: 'AWS::ApiGatewayV2::Stage',
            Properties: { ApiId: { Ref: 'Http' }, StageName: '$default', AutoDeploy: true },
          },
        },
      },
      INLINE_TEMPLATE,
    );
    expect(model.httpApis).toEqual([
      {
        logicalId: 'Http',
        id: expect.stringMatching(/^[0-9a-f]{10}$/),
        name: 'hooks',
        stageNames: ['$default'],
        routes: [
          {
            routeKey: '$default',
            method: 'ANY',
            path: '/{proxy+}',
            authorizationType: 'NONE',
            integration: {
              type: 'AWS_PROXY',
              payloadFormatVersion: '2.0',
              uri: expect.stringContaining('/invocations'),
              functionArn: fn,
              functionName: 'Test-Fn1',
              timeoutMs: 5000,
            },
          },
        ],
      },
    ]);
    expect(model.warnings).toEqual([
      expect.stringMatching(/route Orphan \(GET \/x\): target '' is not an integration/),
      'API Ws: protocol WEBSOCKET is not served locally',
    ]);
  });
});

describe('REST API throttling', () => {
  it('reads the stage default and each method’s throttle the stack synthesizes from the route declarations', async () => {
    const { buildStack } = await import('../lib/support');
    const { API_ROUTES } = await import('../../application/api-routes');
    const [first, ...rest] = API_ROUTES.filter((route) => route.access === 'identity');
    const { stack, template } = buildStack('dev', {
      apiRoutes: [
        ...API_ROUTES.filter((route) => route.access !== 'identity'),
        { ...first!, throttle: { rateLimit: 2, burstLimit: 3 } },
        ...rest,
      ],
    });
    const [api] = buildTemplateModel(template.toJSON() as CfnTemplate, INLINE_TEMPLATE).apis;
    const { throttling, governedThrottling } = stack.config.api;
    expect(api!.throttles).toMatchObject({
      '* /*': throttling,
      [`${first!.method} ${first!.path}`]: { rateLimit: 2, burstLimit: 3 },
      [`${rest[0]!.method} ${rest[0]!.path}`]: governedThrottling,
    });
  });
});
