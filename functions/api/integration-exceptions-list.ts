/**
 * GET /v1/integration-exceptions?status=OPEN|RESOLVED&limit=&nextToken=: the exceptions people
 * work, OPEN first and oldest first, each with its age in seconds.
 */
import { InvalidPageToken, MAX_PAGE_SIZE } from '../../adapters/aws/integration-exceptions';
import { json, problem } from '../../adapters/webhooks/problem';
import { EXCEPTION_STATUSES, isExceptionStatus } from '../../domain/integration-exceptions';
import { exceptions } from './composition';
import { apiHandler } from './http';

export const handler = apiHandler('integration-exceptions-list', async (request) => {
  const { instance } = request;
  const query = request.event.queryStringParameters ?? {};
  const status = query.status ?? undefined;
  if (status !== undefined && !isExceptionStatus(status))
    return problem(400, 'invalid-query', `status must be one of ${EXCEPTION_STATUSES.join(', ')}.`, {
      instance,
    });
  let limit: number | undefined;
  if (query.limit !== undefined && query.limit !== null) {
    limit = /^[0-9]{1,4}$/.test(query.limit) ? Number(query.limit) : Number.NaN;
    if (!(limit >= 1 && limit <= MAX_PAGE_SIZE))
      return problem(400, 'invalid-query', `limit must be an integer from 1 to ${MAX_PAGE_SIZE}.`, {
        instance,
      });
  }
  try {
    const page = await exceptions().list({
      ...(status === undefined ? {} : { status }),
      ...(limit === undefined ? {} : { limit }),
      ...(query.nextToken ? { nextToken: query.nextToken } : {}),
    });
    return json(200, page);
  } catch (error) {
    if (error instanceof InvalidPageToken) return problem(400, 'invalid-query', error.message, { instance });
    throw error;
  }
});
