import { describe, expect, it } from 'vitest';
import { buildTemplateModel } from '../../assembly';
import { INLINE_TEMPLATE } from './inline-template';

describe('intrinsic functions', () => {
  it('resolves Ref, GetAtt, Join, Sub, Select, Split, pseudo parameters and NoValue to local values', () => {
    const model = buildTemplateModel(
      {
        Resources: {
          Queue1: {
            Type: 'AWS::SQS::Queue',
            Properties: { QueueName: 'orders', VisibilityTimeout: { Ref: 'AWS::NoValue' } },
          },
          Fn1: {
            Type: 'AWS::Lambda::Function',
            Metadata: { 'aws:asset:path': '.' },
            Properties: {
              Handler: 'index.handler',
              Environment: {
                Variables: {
                  QUEUE_URL: { Ref: 'Queue1' },
                  QUEUE_ARN: { 'Fn::GetAtt': ['Queue1', 'Arn'] },
                  JOINED: { 'Fn::Join': ['-', ['a', { Ref: 'AWS::Region' }, { Ref: 'AWS::AccountId' }]] },
                  SUBBED: {
                    'Fn::Sub': ['${AWS::Partition}:${Queue1.QueueName}:${X}:${!Literal}', { X: 'x' }],
                  },
                  SELECTED: { 'Fn::Select': [1, { 'Fn::Split': [',', 'a,b,c'] }] },
                  SUFFIX: { Ref: 'AWS::URLSuffix' },
                  DROPPED: { Ref: 'AWS::NoValue' },
                },
              },
            },
          },
        },
      },
      INLINE_TEMPLATE,
    );
    expect(model.functions[0]!.environment).toEqual({
      QUEUE_URL: 'http://sqs.eu-west-1.localhost:1/000000000000/orders',
      QUEUE_ARN: 'arn:aws:sqs:eu-west-1:000000000000:orders',
      JOINED: 'a-eu-west-1-000000000000',
      SUBBED: 'aws:orders:x:${Literal}',
      SELECTED: 'b',
      SUFFIX: 'amazonaws.com',
    });
    expect(model.functions[0]!.name).toBe('Test-Fn1');
    expect(model.queues[0]!.visibilityTimeoutSeconds).toBe(30);
  });
});
