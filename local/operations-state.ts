/** What a running local runtime tells the operations CLI (`ops/cli.ts --local`) about itself. */
import type { LocalRuntimeState } from '../ops/local-state';
import type { LocalRuntime } from './runtime/runtime';

export function operationsState(runtime: LocalRuntime): LocalRuntimeState {
  const { model, sqsServer } = runtime;
  const applications = runtime.identity.provider?.applications;
  return {
    pid: process.pid,
    startedAt: new Date().toISOString(),
    stackName: model.stackName,
    region: model.region,
    cdkOut: model.cdkOut,
    apiBaseUrl: runtime.baseUrl,
    apiKey: runtime.apiKey,
    // S3 is fauxqs's, on the SQS port; the same endpoint as the functions' AWS_ENDPOINT_URL_S3.
    endpoints: { ...runtime.endpoints, s3: `http://s3.localhost:${sqsServer.port}` },
    queueBaseUrl: `http://sqs.${model.region}.localhost:${sqsServer.port}`,
    ...(runtime.dashboardUrl ? { dashboardUrl: runtime.dashboardUrl } : {}),
    identity: {
      issuer: runtime.identity.issuer,
      // Demo clients' secrets, for the ops CLI (`ops-cli`) and `npm run token -- --client <name>`.
      ...(applications
        ? {
            applications: Object.fromEntries(
              Object.values(applications).map((c) => [
                c.clientId,
                { clientId: c.clientId, clientSecret: c.clientSecret },
              ]),
            ),
          }
        : {}),
    },
  };
}
