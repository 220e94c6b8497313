/**
 * The requisition book at the SDK boundary: an outage of DynamoDB (throttling, a server fault) is a
 * TransientFailure, which `Post purchase order` retries, so a path write failing after the ERP
 * posting never leads to compensating a posted order; client faults stay what they are.
 */
import {
  ConditionalCheckFailedException,
  DynamoDBClient,
  InternalServerError,
  ProvisionedThroughputExceededException,
} from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { DynamoDbRequisitionBook } from '../../../adapters/aws/requisitions';
import { TransientFailure } from '../../../domain/failures';

const dynamo = mockClient(DynamoDBDocumentClient);
afterEach(() => dynamo.reset());

const book = () =>
  new DynamoDbRequisitionBook(DynamoDBDocumentClient.from(new DynamoDBClient({})), 'correlation');
const step = { step: 'erp-posting' as const, at: '2026-12-05T07:00:00.000Z', outcome: 'ERP order posted' };
const posted = { status: 'ordered' as const, references: { erpOrder: 'PO-000123' } };

const throttled = () =>
  new ProvisionedThroughputExceededException({
    message: 'Rate of requests exceeds the allowed throughput',
    $metadata: {},
  });
const throttling = () =>
  Object.assign(new Error('Rate exceeded'), {
    name: 'ThrottlingException',
    $fault: 'client',
    $metadata: { httpStatusCode: 400 },
  });
const serverFault = () =>
  new InternalServerError({ message: 'Internal server error', $metadata: { httpStatusCode: 500 } });
const unavailable = () =>
  Object.assign(new Error('Service unavailable'), {
    name: 'ServiceUnavailable',
    $metadata: { httpStatusCode: 503 },
  });

describe('requisition book (SDK boundary)', () => {
  it.each([
    ['provisioned throughput exceeded', throttled],
    ['throttling', throttling],
    ['an internal server error', serverFault],
    ['a 503', unavailable],
  ])('raises %s while recording a step as a TransientFailure', async (_name, outage) => {
    const cause = outage();
    dynamo.on(UpdateCommand).rejects(cause);
    const failure = await book()
      .record('REQ-1', step, posted)
      .then(
        () => undefined,
        (error: unknown) => error,
      );
    expect(failure).toBeInstanceOf(TransientFailure);
    expect(failure).toMatchObject({ name: 'TransientFailure', system: 'dynamodb', cause });
  });

  it('raises an outage on reading or claiming as a TransientFailure too', async () => {
    dynamo.on(GetCommand).rejects(throttled());
    dynamo.on(UpdateCommand).rejects(serverFault());
    await expect(book().get('REQ-1')).rejects.toBeInstanceOf(TransientFailure);
    await expect(book().claimCommitment('REQ-1', step.at)).rejects.toBeInstanceOf(TransientFailure);
  });

  it('keeps a client fault as it is: a retry cannot fix it', async () => {
    const invalid = Object.assign(new Error('Invalid UpdateExpression'), {
      name: 'ValidationException',
      $fault: 'client',
      $metadata: { httpStatusCode: 400 },
    });
    dynamo.on(UpdateCommand).rejects(invalid);
    await expect(book().record('REQ-1', step, posted)).rejects.toBe(invalid);
  });

  it('still answers a refused claim (condition failed) as not claimed', async () => {
    dynamo
      .on(UpdateCommand)
      .rejects(new ConditionalCheckFailedException({ message: 'failed', $metadata: {} }));
    expect(await book().claimCommitment('REQ-1', step.at)).toBe(false);
  });
});
