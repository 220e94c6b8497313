/**
 * RFC 9457 problem details: every refusal the HTTP API gives has this shape, so a vendor's or an
 * operator's tooling can tell what was wrong and where without reading our logs.
 */
import type { Problem } from '../../canonical/generated/types';

export interface HttpResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

const TITLES: Record<number, string> = {
  400: 'Bad request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not found',
  409: 'Conflict',
  413: 'Payload too large',
  415: 'Unsupported media type',
  422: 'Unprocessable content',
  429: 'Too many requests',
  500: 'Internal error',
  503: 'Service unavailable',
};

/** `type` URIs are stable identifiers of the problem kinds (documented in docs/api-errors.md). */
export function problem(
  status: number,
  kind: string,
  detail: string,
  extra: {
    instance?: string;
    errors?: { pointer: string; detail: string }[];
    headers?: Record<string, string>;
  } = {},
): HttpResponse {
  const body: Problem = {
    type: `urn:supplyline:problem:${kind}`,
    title: TITLES[status] ?? 'Error',
    status,
    detail,
    ...(extra.instance ? { instance: extra.instance } : {}),
    ...(extra.errors ? { errors: extra.errors } : {}),
  };
  return {
    statusCode: status,
    headers: { 'content-type': 'application/problem+json', ...extra.headers },
    body: JSON.stringify(body),
  };
}

export function json(status: number, body: unknown): HttpResponse {
  return { statusCode: status, headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) };
}
