/**
 * What the system API handlers share (issue #17, ADR 12): a view by id read through the read store
 * (fresh, or filled by one caller), answered with its freshness (`asOf`, `As-Of`, `Age`), `ETag`,
 * `Cache-Control` and 304 on a matching `If-None-Match`; a list from the store in the order views
 * last changed, with `updatedSince` and a cursor. Bad parameters: 400 problem+json.
 */
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { problem, type HttpResponse } from '../../adapters/webhooks/problem';
import type { ValidationResult } from '../../canonical/validation-runtime';
import type { StoredView, SystemView } from '../../domain/ports/read-store';
import { cacheControl, ifNoneMatchMatches, oldestAsOf } from '../../domain/system-apis/conditional';
import { freshListing, readWithCatalogue, type Catalogue } from '../../domain/system-apis/catalogue';
import { decodeCursor, encodeCursor, listPosition } from '../../domain/system-apis/cursor';
import {
  entityTag,
  readThrough,
  type Fill,
  type FreshnessPolicy,
} from '../../domain/system-apis/read-through';
import { VIEW_FRESHNESS } from '../../application/system-apis';
import { apiHandler, MAX_LIST_PAGE, type ApiRequest } from './http';
import { readThroughPorts, systemReadStore } from './system-view-ports';

/** One view's API: its path parameter, its parameters model's validator, its filters and its fill. */
export interface ViewApi<Q> {
  view: SystemView;
  /** Path parameter naming one view; absent: the request is the list. */
  idParameter: keyof Q & string;
  /** Query parameters the list takes besides updatedSince, limit and cursor. */
  filterParameters: readonly (keyof Q & string)[];
  validate: (data: unknown) => ValidationResult<Q>;
  /** Reads the view from the systems of record (one fill). */
  read: (id: string) => Promise<Fill>;
  /** The kind's listing, when the ERP lists it: refreshed on a miss or a list read (bounded refresh). */
  catalogue?: () => Catalogue;
}

const LIST_PARAMETERS = ['updatedSince', 'limit', 'cursor'] as const;

/** The handler of a view's two routes (by id, and the list). */
export function viewHandler<Q>(api: ViewApi<Q>) {
  const policy = VIEW_FRESHNESS[api.view];
  return apiHandler(`${api.view}-read`, async (request) => {
    const parameters = parametersOf(request.event, api);
    const checked = api.validate(parameters);
    if (!checked.ok)
      return problem(
        400,
        'invalid-parameter',
        `The ${api.view} parameters are not valid; every error is listed.`,
        {
          instance: request.instance,
          errors: checked.errors.map((error) => ({ pointer: error.pointer, detail: error.message })),
        },
      );
    const values = checked.value as Record<string, string | undefined>;
    const id = values[api.idParameter];
    return id === undefined ? list(request, api, values, policy) : byId(request, api, id, policy);
  });
}

/** The declared parameters present (path, then query); others are ignored, absent ones left out. */
function parametersOf<Q>(event: APIGatewayProxyEvent, api: ViewApi<Q>): Record<string, string> {
  const query = event.queryStringParameters ?? {};
  const id = event.pathParameters?.[api.idParameter];
  // An id route takes no list parameters: they are not part of its contract.
  const names = id === undefined || id === null ? [...api.filterParameters, ...LIST_PARAMETERS] : [];
  const given: Record<string, string> = {};
  if (id !== undefined && id !== null) given[api.idParameter] = id;
  for (const name of names) {
    const value = query[name];
    if (value !== undefined && value !== null) given[name] = value;
  }
  return given;
}

function headerOf(event: APIGatewayProxyEvent, name: string): string | undefined {
  const found = Object.entries(event.headers ?? {}).find(([key]) => key.toLowerCase() === name);
  return found?.[1] ?? undefined;
}

function freshnessHeaders(
  etag: string,
  asOf: string,
  nowMs: number,
  control: string,
): Record<string, string> {
  const age = Math.max(0, Math.floor((nowMs - Date.parse(asOf)) / 1000));
  return { etag, 'cache-control': control, 'as-of': asOf, age: String(age) };
}

/** The answer with its conditional-read headers: 304 when the caller already holds this entity tag. */
function conditionalAnswer(
  request: ApiRequest,
  body: unknown,
  headers: Record<string, string>,
): HttpResponse {
  if (ifNoneMatchMatches(headerOf(request.event, 'if-none-match'), headers.etag!))
    return { statusCode: 304, headers, body: '' };
  return {
    statusCode: 200,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  };
}

const published = (stored: StoredView) => ({
  ...stored.body,
  updatedAt: stored.updatedAt,
  asOf: stored.asOf,
});

async function byId<Q>(request: ApiRequest, api: ViewApi<Q>, id: string, policy: FreshnessPolicy) {
  const ports = readThroughPorts();
  const read = () => api.read(id);
  const { stored } = api.catalogue
    ? await readWithCatalogue(api.view, id, read, api.catalogue(), policy, ports)
    : await readThrough(api.view, id, read, policy, ports);
  if (stored.body === null)
    return problem(404, `${api.view}-not-found`, `No system of record knows ${api.view} ${id}.`, {
      instance: request.instance,
    });
  const now = ports.now();
  return conditionalAnswer(
    request,
    published(stored),
    freshnessHeaders(stored.etag, stored.asOf, now, cacheControl(stored, now, policy)),
  );
}

async function list<Q>(
  request: ApiRequest,
  api: ViewApi<Q>,
  values: Record<string, string | undefined>,
  policy: FreshnessPolicy,
) {
  const filters = Object.fromEntries(
    api.filterParameters.flatMap((name) => (values[name] === undefined ? [] : [[name, values[name]!]])),
  );
  const limit = values.limit === undefined ? 25 : Number(values.limit);
  if (limit < 1 || limit > MAX_LIST_PAGE)
    return problem(400, 'invalid-parameter', `limit must be an integer from 1 to ${MAX_LIST_PAGE}.`, {
      instance: request.instance,
      errors: [{ pointer: '/limit', detail: `must be from 1 to ${MAX_LIST_PAGE}` }],
    });
  let after = values.updatedSince === undefined ? undefined : listPosition(values.updatedSince, '');
  if (values.cursor !== undefined) {
    const position = decodeCursor(api.view, filters, values.cursor);
    if (position === null)
      return problem(400, 'invalid-parameter', 'The cursor is not one this list issued (same filters).', {
        instance: request.instance,
        errors: [{ pointer: '/cursor', detail: 'unknown cursor' }],
      });
    if (after === undefined || position > after) after = position;
  }
  // A list shows the whole listing, not only what callers happened to read; a failed refresh
  // lists what the store holds.
  if (api.catalogue)
    await freshListing(api.view, api.catalogue(), policy, readThroughPorts()).catch(() => undefined);
  const now = Date.now();
  const page = await systemReadStore().list({ view: api.view, filters, limit, ...(after ? { after } : {}) });
  const body = {
    items: page.views.map(published),
    nextCursor: page.last === undefined ? null : encodeCursor(api.view, filters, page.last),
  };
  const asOf = oldestAsOf(page.views, new Date(now).toISOString());
  // A list is as fresh as its stalest view; the tag covers its content, not when it was read.
  const control =
    page.views.length === 0 ? 'private, max-age=0' : cacheControl({ asOf } as StoredView, now, policy);
  const etag = entityTag({
    views: page.views.map((view) => `${view.id}:${view.etag}`),
    next: body.nextCursor,
  });
  return conditionalAnswer(request, { ...body, asOf }, freshnessHeaders(etag, asOf, now, control));
}

/**
 * One function answering several views' routes (ERP master data shares a reader, ADR 14's resource
 * budget): the view is the route's first path segment after `/v1/`.
 */
export function viewsHandler(
  byNoun: Readonly<Record<string, (event: APIGatewayProxyEvent) => Promise<APIGatewayProxyResult>>>,
) {
  return async (event: APIGatewayProxyEvent): Promise<APIGatewayProxyResult> => {
    const noun = (event.resource ?? event.path ?? '').split('/')[2] ?? '';
    const handle = Object.hasOwn(byNoun, noun) ? byNoun[noun] : undefined;
    if (!handle)
      // A route declared for this function that it does not serve: a deployment fault.
      return problem(500, 'internal-error', 'The request could not be completed.', {
        instance: `urn:supplyline:request:${event.requestContext?.requestId ?? 'unknown'}`,
      });
    return handle(event);
  };
}
