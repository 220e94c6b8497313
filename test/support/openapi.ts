/**
 * Checks an API answer against the published OpenAPI document (canonical/generated/openapi.json)
 * with the same checker the local API Gateway applies to every answer under the test suite
 * (local/apigateway/answer-contract.ts), for answers that do not pass through it.
 */
import { expect } from 'vitest';
import openApi from '../../canonical/generated/openapi.json';
import { answerChecker } from '../../local/apigateway/answer-contract';

const check = answerChecker(openApi);

/** Asserts `body` is what the document says `method path` answers with `status` and `contentType`. */
export function expectDocumentedAnswer(
  method: 'GET' | 'POST',
  path: string,
  answer: { status: number; contentType: string | null; body: unknown },
): void {
  expect(check({ method, resourcePath: path, ...answer }), `${method} ${path} ${answer.status}`).toEqual([]);
}
