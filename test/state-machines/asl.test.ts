import { readdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const require = createRequire(import.meta.url);
const aslValidator = require('asl-validator') as (
  definition: unknown,
  options?: { checkArn?: boolean; checkPaths?: boolean },
) => { isValid: boolean; errorsText: (separator?: string) => string };

const folder = join(import.meta.dirname, '..', '..', 'state-machines');
const files = readdirSync(folder).filter((file) => file.endsWith('.asl.json'));

/** Errors a transient failure can surface as; anything else must not be retried. */
const TRANSIENT = new Set([
  'TransientFailure',
  'CircuitOpenError',
  'RequestBudgetExhausted',
  'Lambda.ServiceException',
  'Lambda.AWSLambdaException',
  'Lambda.SdkClientException',
  'Lambda.TooManyRequestsException',
  'StepFunctions.SdkClientException',
  'StepFunctions.ServiceException',
]);

interface State {
  Type: string;
  Retry?: { ErrorEquals: string[]; BackoffRate?: number; JitterStrategy?: string; MaxAttempts?: number }[];
  Catch?: { ErrorEquals: string[] }[];
  Assign?: unknown;
  QueryLanguage?: string;
}

describe.each(files)('%s', (file) => {
  const text = readFileSync(join(folder, file), 'utf8');
  // Substituted ARNs are placeholders here; asl-validator checks the ARN shape, so give it one.
  const definition = JSON.parse(
    text.replace(/\$\{([A-Za-z]+)\}/g, 'arn:aws:lambda:us-east-1:123456789012:function:$1'),
  ) as {
    QueryLanguage?: string;
    States: Record<string, State>;
  };

  it('is a valid Amazon States Language document (asl-validator)', () => {
    const result = aslValidator(definition, { checkArn: true, checkPaths: true });
    expect(result.isValid, result.errorsText('\n')).toBe(true);
  });

  it('uses JSONPath without variables, so it runs in the local interpreter', () => {
    expect(definition.QueryLanguage ?? 'JSONPath').toBe('JSONPath');
    for (const state of Object.values(definition.States)) {
      expect(state.QueryLanguage ?? 'JSONPath').toBe('JSONPath');
      expect(state.Assign).toBeUndefined();
    }
  });

  it('gives every task an explicit Retry on transient errors only, with backoff and jitter, and a Catch', () => {
    const tasks = Object.entries(definition.States).filter(([, state]) => state.Type === 'Task');
    expect(tasks.length).toBeGreaterThan(0);
    for (const [name, state] of tasks) {
      expect(state.Retry, `${name} has no Retry`).toBeDefined();
      for (const retrier of state.Retry ?? []) {
        for (const error of retrier.ErrorEquals)
          expect(TRANSIENT, `${name} retries ${error}`).toContain(error);
        expect(retrier.BackoffRate ?? 1, `${name} backoff`).toBeGreaterThan(1);
        expect(retrier.JitterStrategy, `${name} jitter`).toBe('FULL');
      }
      expect(state.Catch?.length, `${name} has no Catch`).toBeGreaterThan(0);
    }
  });
});
