/**
 * setupFile of every test project (vitest.config.ts): local runtimes started by a test check each
 * API answer against the OpenAPI document (local/apigateway/answer-contract.ts), and a test during
 * which any answer broke the document fails, naming the operation, the status and what is wrong.
 * Answers of a file's beforeAll (a seed scenario) fail its afterAll.
 */
import { afterAll, afterEach } from 'vitest';
import { takeAnswerViolations } from '../../local/apigateway/answer-contract';

process.env.SUPPLYLINE_CHECK_ANSWERS = '1';

function failOnViolations(): void {
  const violations = takeAnswerViolations();
  if (violations.length === 0) return;
  throw new Error(
    `API answers outside the OpenAPI document (canonical/generated/openapi.json):\n${violations
      .map(
        (v) => `- ${v.method} ${v.resourcePath} ${v.status} ${v.contentType ?? ''}: ${v.problems.join('; ')}`,
      )
      .join('\n')}`,
  );
}

afterEach(failOnViolations);
afterAll(failOnViolations);
