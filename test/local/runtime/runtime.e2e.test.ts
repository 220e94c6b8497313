/**
 * The local runtime on a real dev synth: a signed planning webhook through the API proxy (the
 * webhook HTTP API, on the same local port as the governed REST API), the
 * canonical event on the bus, the consumer lane's queue, its function, and what the queue does with
 * the outcome. Asserts what the RUNTIME did (deliveries, invocations, deletes, redrive), not the
 * business outcome of the handlers.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GetSecretValueCommand } from '@aws-sdk/client-secrets-manager';
import { ListTablesCommand } from '@aws-sdk/client-dynamodb';
import type { SQSEvent } from 'aws-lambda';
import { signPlanningPayload } from '../../../adapters/planning/signature';
import { APPLICATION_CONSUMERS } from '../../../application/identity';
import { startLocalRuntime, type LocalRuntime } from '../../../local/runtime/runtime';
import { forecastExceptionDelivery } from '../../fixtures/planning';
import { synthesizeDev } from '../../../local/synth';

const SECRETS = {
  planningWebhookSigningCurrent: 'planning-current-secret',
  planningWebhookSigningPrevious: 'planning-previous',
};
const progress: string[] = [];
let runtime: LocalRuntime;

beforeAll(async () => {
  runtime = await startLocalRuntime({
    cdkOut: await synthesizeDev(),
    secrets: SECRETS,
    // Redeliveries after 1 s instead of the template's minutes, and short polls: the test sees retries quickly.
    visibilityTimeoutSeconds: 1,
    pollWaitSeconds: 1,
    // rate(1 minute) every 500 ms.
    speedUp: 120,
    log: (line) => progress.push(line),
    functionLogs: 'silent',
  });
});
afterAll(async () => {
  await runtime?.stop();
});

function consumerLane(consumer: string) {
  const queue = runtime.model.queues.find((q) => q.name.endsWith(`-${consumer}`))!;
  const dlq = runtime.queue(queue.redrivePolicy!.deadLetterTargetArn);
  const mapping = runtime.model.eventSourceMappings.find((m) => m.queueArn === queue.arn)!;
  return { queue, dlq, functionName: mapping.functionName };
}

describe('local runtime on the dev synth', () => {
  it('starts every stand-in from the template and says what it started', async () => {
    expect(progress.some((line) => /starting Lambda \(\d+ functions/.test(line))).toBe(true);
    expect(progress.at(-1)).toMatch(/^ready in \d+ ms: API http:\/\/127\.0\.0\.1:\d+\/v1/);
    const tables = await runtime.clients.dynamodb.send(new ListTablesCommand({}));
    expect(tables.TableNames?.sort()).toEqual(runtime.model.tables.map((t) => t.name).sort());
    expect(Object.keys(runtime.queueDepths()).sort()).toEqual(runtime.model.queues.map((q) => q.name).sort());
    const secret = await runtime.clients.secretsManager.send(
      new GetSecretValueCommand({
        SecretId: runtime.model.secrets.find((s) => s.constructId === 'PlanningWebhookSigningCurrent')!.arn,
      }),
    );
    expect(secret.SecretString).toBe(SECRETS.planningWebhookSigningCurrent);
  });

  it('carries a signed planning webhook to the forecast-exception-evaluation lane and honours its outcome', async () => {
    const body = Buffer.from(JSON.stringify(forecastExceptionDelivery()));
    const response = await fetch(`${runtime.baseUrl}/v1/webhooks/planning`, {
      method: 'POST',
      body,
      headers: {
        'content-type': 'application/json',
        'x-planning-event': 'forecast.exception',
        'x-planning-signature': signPlanningPayload(body, SECRETS.planningWebhookSigningCurrent, new Date()),
      },
    });
    expect(response.status).toBe(202);
    const { eventId } = (await response.json()) as { eventId: string };

    // Served by the HTTP API route with the payload format 1.0 event the handler reads.
    const httpApi = runtime.model.httpApis[0]!;
    const route = httpApi.routes.find((r) => r.routeKey === 'POST /v1/webhooks/planning')!;
    const request = runtime.apiRequests.find(
      (entry) => entry.routeKey === route.routeKey && entry.status === 202,
    );
    expect(request).toBeDefined();
    const webhookInvocation = runtime
      .invocations()
      .find(
        (i) =>
          i.functionName === route.integration.functionName &&
          (i.event as { requestContext?: { requestId?: string } }).requestContext?.requestId ===
            request!.requestId,
      );
    expect(webhookInvocation?.event).toMatchObject({
      version: '1.0',
      resource: '/v1/webhooks/planning',
      httpMethod: 'POST',
      isBase64Encoded: false,
      headers: { 'x-planning-event': 'forecast.exception' },
      requestContext: { apiId: httpApi.id, resourceId: route.routeKey, stage: 'dev' },
    });

    // The canonical event on the bus, matched by the lane's rule and delivered to its queue.
    const lane = consumerLane('forecast-exception-evaluation');
    const rule = runtime.model.rules.find((r) => r.targets.some((t) => t.arn === lane.queue.arn))!;
    await expect
      .poll(() =>
        runtime.busActivity.some(
          (a) =>
            a.type === 'delivered' &&
            a.ruleName === rule.name &&
            (a.event.detail as { eventId?: string }).eventId === eventId,
        ),
      )
      .toBe(true);
    const accepted = runtime.busActivity.find(
      (a) => a.type === 'accepted' && (a.event.detail as { eventId?: string }).eventId === eventId,
    );
    expect(accepted?.type === 'accepted' && accepted.event['detail-type']).toBe('forecast-exception.raised');

    // The function is invoked with an SQS event from that queue.
    const carrying = () =>
      runtime.batches.filter(
        (b) =>
          b.queueArn === lane.queue.arn &&
          runtime
            .invocations()
            .some(
              (i) =>
                i.requestId === b.invocation.requestId &&
                (i.event as SQSEvent).Records.some((r) => r.body.includes(eventId)),
            ),
      );
    await expect.poll(() => carrying().length, { timeout: 10_000 }).toBeGreaterThan(0);
    const first = runtime
      .invocations()
      .find((i) => (i.event as SQSEvent).Records?.some((r) => r.body.includes(eventId)))!;
    expect(first.functionName).toBe(lane.functionName);
    const record = (first.event as SQSEvent).Records.find((r) => r.body.includes(eventId))!;
    expect(record.eventSourceARN).toBe(lane.queue.arn);
    expect(record.attributes.ApproximateReceiveCount).toBe('1');
    expect(JSON.parse(record.body)).toMatchObject({
      'detail-type': 'forecast-exception.raised',
      detail: { eventId },
    });

    // Settled: the message was deleted (processed, dead-lettered or deferred by the consumer itself)
    // or moved to the DLQ by the queue's redrive after maxReceiveCount failures. A deferral (an open
    // breaker, an outage past the last delivery: waiting is not failing) deletes the original and
    // sends a delayed copy of the same body with a new message id, which the chain follows.
    const maxReceiveCount = lane.queue.redrivePolicy!.maxReceiveCount;
    const inDlq = () => runtime.queueMessages(lane.dlq.name).some((m) => m.body.includes(eventId));
    const recordOf = (batch: (typeof runtime.batches)[number]) =>
      (
        runtime.invocations().find((i) => i.requestId === batch.invocation.requestId)!.event as SQSEvent
      ).Records.find((r) => r.body.includes(eventId))!;
    const deliveriesOf = (messageId: string) =>
      carrying().filter((batch) => recordOf(batch).messageId === messageId);
    // A batch is recorded when its invocation returns, so with a 1 s visibility timeout the queue
    // can move the message to the DLQ (on the receive after the last) while that last invocation
    // still runs: in the DLQ, it is settled once all maxReceiveCount deliveries are recorded.
    const settled = () => {
      const deliveries = deliveriesOf(record.messageId);
      if (deliveries.at(-1)?.deleted.includes(record.messageId)) return true;
      return inDlq() && deliveries.length >= maxReceiveCount;
    };
    // Failed deliveries come back after 2, 4, 8, 16 s (the consumer's backoff), not at once.
    await expect.poll(settled, { timeout: 120_000, interval: 200 }).toBe(true);

    const batches = deliveriesOf(record.messageId);
    expect(batches.length).toBeLessThanOrEqual(maxReceiveCount);
    // Each retry is a redelivery of the same message with the next receive count.
    const counts = batches.map((b) => Number(recordOf(b).attributes.ApproximateReceiveCount));
    expect(counts).toEqual(counts.map((_, i) => i + 1));
    // Every batch but the last left the message on the queue (a failure); only a failure brings it back.
    for (const batch of batches.slice(0, -1)) expect(batch.retained).toContain(record.messageId);
    const last = batches.at(-1)!;
    if (last.retained.includes(record.messageId)) {
      // Failed every time: the queue's redrive moved it to the DLQ after maxReceiveCount receives.
      expect(batches).toHaveLength(maxReceiveCount);
      expect(inDlq()).toBe(true);
    }
    // A deferred copy is the same body, delivered afresh (receive count 1) with its deferral count.
    const copies = carrying()
      .map(recordOf)
      .filter((r) => r.messageId !== record.messageId);
    for (const copy of copies) {
      expect(copy.body).toBe(record.body);
      expect(Number(copy.messageAttributes.deferrals?.stringValue)).toBeGreaterThanOrEqual(1);
    }
    const waiting = runtime.queueMessages(lane.queue.name).filter((m) => m.body.includes(eventId));
    for (const copy of waiting) expect(copy.body).toBe(record.body);
  }, 180_000);

  it('answers unknown routes and missing API keys with the template gateway responses', async () => {
    const unknown = await fetch(`${runtime.baseUrl}/v1/nowhere`);
    expect(unknown.status).toBe(
      runtime.model.apis[0]!.gatewayResponses.MISSING_AUTHENTICATION_TOKEN!.statusCode,
    );
    expect(unknown.headers.get('content-type')).toBe('application/problem+json');
    const wrongMethod = await fetch(`${runtime.baseUrl}/v1/webhooks/planning`);
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('POST');
    const noToken = await fetch(`${runtime.baseUrl}/v1/purchase-orders/PO-1/sync`, {
      headers: { 'x-api-key': runtime.apiKey },
    });
    expect(noToken.status).toBe(401);
    expect(noToken.headers.get('content-type')).toBe('application/problem+json');
    const noKey = await fetch(`${runtime.baseUrl}/v1/purchase-orders/PO-1/sync`, {
      headers: { authorization: `Bearer ${await runtime.identity.token({ application: 'wms' })}` },
    });
    expect(noKey.status).toBe(403);
  });

  it('passes governed requests with an access token and the API key to the function as a REST proxy event', async () => {
    const functionName = runtime.model.apis[0]!.routes.find(
      (r) => r.resourcePath === '/v1/purchase-orders/{poId}/sync',
    )!.integration.functionName!;
    const token = await runtime.identity.token({ application: 'wms' });
    const response = await fetch(`${runtime.baseUrl}/dev/v1/purchase-orders/PO-42/sync?verbose=1&verbose=2`, {
      headers: {
        'x-api-key': runtime.apiKey,
        authorization: `Bearer ${token}`,
        'X-Correlation-Id': 'corr-42',
      },
    });
    expect(response.status).not.toBe(401);
    expect(response.status).not.toBe(403);
    const invocation = runtime
      .invocations()
      .find(
        (i) =>
          i.functionName === functionName &&
          (i.event as { path?: string }).path === '/v1/purchase-orders/PO-42/sync',
      );
    expect(invocation?.event).toMatchObject({
      resource: '/v1/purchase-orders/{poId}/sync',
      httpMethod: 'GET',
      pathParameters: { poId: 'PO-42' },
      queryStringParameters: { verbose: '2' },
      multiValueQueryStringParameters: { verbose: ['1', '2'] },
      headers: { 'X-Correlation-Id': 'corr-42' },
      requestContext: {
        stage: 'dev',
        path: '/dev/v1/purchase-orders/PO-42/sync',
        resourcePath: '/v1/purchase-orders/{poId}/sync',
        // The authorizer's verdict on the token, as API Gateway passes it on.
        authorizer: {
          principalId: 'wms',
          subject: 'wms',
          clientId: 'wms',
          issuer: runtime.identity.issuer,
          scopes: expect.any(String),
          groups: '',
          callerKind: 'application',
        },
      },
    });
    // Every scope the WMS application is given, space-separated as in the token.
    const { authorizer } = (invocation!.event as { requestContext: { authorizer: { scopes: string } } })
      .requestContext;
    expect(authorizer.scopes.split(' ').sort()).toEqual(
      [...APPLICATION_CONSUMERS.find((consumer) => consumer.name === 'wms')!.scopes].sort(),
    );
    // The function's answer goes back as it returned it.
    const result = invocation!.result as { statusCode: number } | undefined;
    if (invocation!.ok && result) expect(response.status).toBe(result.statusCode);
    else expect(response.status).toBe(502);
  });

  it('runs the schedule rules: a Scheduled Event per rate, to the target function', async () => {
    const rule = runtime.model.rules.find((r) => r.scheduleExpression === 'rate(1 minute)');
    expect(rule, 'a rate(1 minute) schedule in the template').toBeDefined();
    const functionName = runtime.functionName(rule!.targets[0]!.arn);
    await expect
      .poll(() => runtime.invocations().filter((i) => i.functionName === functionName).length, {
        timeout: 5_000,
      })
      .toBeGreaterThanOrEqual(2);
    const invocation = runtime.invocations().find((i) => i.functionName === functionName)!;
    expect(invocation.event).toMatchObject({
      source: 'aws.events',
      'detail-type': 'Scheduled Event',
      resources: [rule!.arn],
      detail: {},
    });
  });
});
