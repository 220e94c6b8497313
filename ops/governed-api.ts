/**
 * The governed API as operators use it: a purchase order's sync status, the integration
 * exception work list and their resolution. Every call sends the operations CLI's bearer access
 * token (it authorizes) and the `x-api-key` (it meters).
 */
import { GetCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { IntegrationException, SyncStatus } from '../canonical/generated/types';
import type { OpsApi } from './context';

/** An API answer that was not 2xx, with its problem detail. */
export class ApiProblem extends Error {
  constructor(
    readonly status: number,
    readonly problem: { type?: string; title?: string; detail?: string } | undefined,
    path: string,
  ) {
    super(
      `${path} answered ${status}${problem?.detail ? `: ${problem.detail}` : problem?.title ? `: ${problem.title}` : ''}`,
    );
    this.name = 'ApiProblem';
  }
}

/** An exception of the work list with its age. */
export type AgedException = IntegrationException & { ageSeconds: number };

type Fetch = typeof fetch;

/** One governed API call with the CLI's token and API key; a non-2xx answer throws {@link ApiProblem}. */
export async function callGovernedApi<T>(
  api: OpsApi,
  path: string,
  init: RequestInit = {},
  fetchImpl: Fetch = fetch,
): Promise<T> {
  if (!api.url) throw new Error('the API URL is unknown: pass --api-url (stack output ApiUrl)');
  if (!api.apiKey) throw new Error('no API key: pass --api-key or set SUPPLYLINE_API_KEY');
  if (!api.accessToken)
    throw new Error(
      'no access token: set SUPPLYLINE_ACCESS_TOKEN, or SUPPLYLINE_IDENTITY_ISSUER with SUPPLYLINE_OPS_CLIENT_ID and SUPPLYLINE_OPS_CLIENT_SECRET',
    );
  const response = await fetchImpl(`${api.url}${path}`, {
    ...init,
    headers: {
      authorization: `Bearer ${await api.accessToken()}`,
      'x-api-key': api.apiKey,
      accept: 'application/json',
      ...(init.headers ?? {}),
    },
  });
  const text = await response.text();
  const body = text ? (JSON.parse(text) as unknown) : undefined;
  if (!response.ok) throw new ApiProblem(response.status, body as ApiProblem['problem'], path);
  return body as T;
}

/**
 * The sync status of a purchase order by its external reference (`SL-PO-...`) or procurement PO
 * number (`PO-2026-...`, looked up in the workflow correlation table).
 */
export async function purchaseOrderStatus(
  api: OpsApi,
  id: string,
  lookup?: { documents: DynamoDBDocumentClient; workflowCorrelationTable?: string },
  fetchImpl: Fetch = fetch,
): Promise<SyncStatus & { resolvedFrom?: string }> {
  const get = (ref: string) =>
    callGovernedApi<SyncStatus>(api, `/purchase-orders/${encodeURIComponent(ref)}/sync`, {}, fetchImpl);
  try {
    return await get(id);
  } catch (error) {
    if (!(error instanceof ApiProblem) || error.status !== 404 || !lookup?.workflowCorrelationTable)
      throw error;
    const posted = await lookup.documents.send(
      new GetCommand({
        TableName: lookup.workflowCorrelationTable,
        Key: { pk: `COMMITMENT#${id}`, sk: 'POSTED' },
      }),
    );
    const externalRef = posted.Item?.externalRef as string | undefined;
    if (!externalRef) throw error;
    return { ...(await get(externalRef)), resolvedFrom: id };
  }
}

/** Every exception of the work list (all pages), OPEN first and oldest first. */
export async function listExceptions(
  api: OpsApi,
  status?: 'OPEN' | 'RESOLVED',
  fetchImpl: Fetch = fetch,
): Promise<AgedException[]> {
  const items: AgedException[] = [];
  let next: string | undefined;
  do {
    const query = new URLSearchParams({
      limit: '1000',
      ...(status ? { status } : {}),
      ...(next ? { nextToken: next } : {}),
    });
    const page = await callGovernedApi<{ items: AgedException[]; nextToken?: string }>(
      api,
      `/integration-exceptions?${query.toString()}`,
      {},
      fetchImpl,
    );
    items.push(...page.items);
    next = page.nextToken;
  } while (next);
  return items;
}

/**
 * Resolves an exception with the reason; the API records the token's caller as resolver.
 * 404 and 409 come back as {@link ApiProblem}.
 */
export async function resolveException(
  api: OpsApi,
  exceptionId: string,
  resolution: { reason: string },
  fetchImpl: Fetch = fetch,
): Promise<IntegrationException> {
  return callGovernedApi<IntegrationException>(
    api,
    `/integration-exceptions/${encodeURIComponent(exceptionId)}/resolve`,
    { method: 'POST', body: JSON.stringify(resolution), headers: { 'content-type': 'application/json' } },
    fetchImpl,
  );
}
