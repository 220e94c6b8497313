/** API Gateway for the local runtime: the template's REST APIs, with its HTTP APIs on the first one's port. */
import type { RestApiModel, TemplateModel } from '../../assembly';
import type { InvocationResult } from '../lambda/functions';
import { startApiGateway, type AccessLogEntry, type ApiGatewayServer } from './proxy';
import { answerChecker, recordAnswerViolation, type Answer } from './answer-contract';
import openApi from '../../canonical/generated/openapi.json';

/** The running local API Gateway. */
export interface LocalApiGateway {
  /** Base URL of the first API: routes are `<baseUrl>/v1/...`; empty when the template has no API. */
  baseUrl: string;
  /** Closes the servers, last started first. */
  stop(): Promise<void>;
}

/** Starts one server per REST API; the HTTP APIs share the first one's port. */
export async function startApiGateways(
  assembly: Pick<TemplateModel, 'apis' | 'httpApis' | 'account' | 'region'>,
  options: {
    host: string;
    /** Port of the first API. @default a free port */
    port?: number;
    /** The value `x-api-key` must carry on methods with ApiKeyRequired. */
    apiKey: string;
    invoke: (functionName: string, event: unknown) => Promise<InvocationResult>;
    onRequest: (entry: AccessLogEntry) => void;
    /** Record every answer the OpenAPI document does not describe (answer-contract.ts). */
    checkAnswers?: boolean;
    log: (line: string) => void;
  },
): Promise<LocalApiGateway> {
  const servers: ApiGatewayServer[] = [];
  const check = options.checkAnswers ? answerChecker(openApi) : undefined;
  const onAnswer = check
    ? (answer: Answer) => {
        const problems = check(answer);
        if (problems.length === 0) return;
        const { body: _body, ...where } = answer;
        recordAnswerViolation({ ...where, problems });
        options.log(`answer outside the OpenAPI document: ${problems.join('; ')}`);
      }
    : undefined;
  const stop = async () => {
    // Every server closes even when one fails; the first failure is reported.
    const closed = await Promise.allSettled(servers.reverse().map((server) => server.close()));
    const failed = closed.find((result) => result.status === 'rejected');
    if (failed) throw failed.reason;
  };
  // The HTTP APIs share the first REST API's port: `<baseUrl>/v1/...` serves both kinds of route.
  const mounts: (RestApiModel | undefined)[] =
    assembly.apis.length > 0 ? assembly.apis : assembly.httpApis.length > 0 ? [undefined] : [];
  try {
    for (const [index, api] of mounts.entries()) {
      const httpApis = index === 0 ? assembly.httpApis : [];
      if (api) options.log(`starting REST API ${api.name} (${api.routes.length} routes)`);
      for (const httpApi of httpApis)
        options.log(`starting HTTP API ${httpApi.name} (${httpApi.routes.length} routes) on the same port`);
      servers.push(
        await startApiGateway({
          ...(api ? { api } : {}),
          httpApis,
          invoke: options.invoke,
          apiKey: options.apiKey,
          accountId: assembly.account,
          region: assembly.region,
          host: options.host,
          ...(index === 0 && options.port !== undefined ? { port: options.port } : {}),
          onRequest: options.onRequest,
          ...(onAnswer ? { onAnswer } : {}),
          // The first server renders the document (its HTTP APIs' routes are in it too).
          ...(index === 0 ? { apiDocument: openApi } : {}),
        }),
      );
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { baseUrl: servers[0]?.url ?? '', stop };
}
