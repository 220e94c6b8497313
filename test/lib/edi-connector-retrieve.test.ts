/**
 * Inbound pulls over a partner's Transfer Family connector (lib/constructs/partner-file-retrieve.ts)
 * and the alarms on failed transfers: the synthesized rules and grants, and the synthesized
 * workflow run in the local Step Functions interpreter with its SDK calls answered by the test
 * (list the outbox, retrieve each listed file into inbound/<partner>/, move each retrieved file).
 */
import { Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { StateMachine } from 'aws-local-stepfunctions';
import { describe, expect, it } from 'vitest';
import { DEMO_EDI_PARTNER } from '../../application/edi-partners';
import type { PartnerConnectors } from '../../lib/constructs/partner-connectors';
import { SFTP_CONNECTOR, connectorStack } from '../support/edi-connector';
import { buildStack, resourcesOf, type Json } from './support';

const RETRIEVE = { directory: '/outbox', retrievedDirectory: '/outbox/retrieved', everyMinutes: 10 };

const { built, idOf, policyOf } = connectorStack([
  { ...DEMO_EDI_PARTNER, connector: { ...SFTP_CONNECTOR, retrieve: RETRIEVE } },
]);
const ruleOf = (rule: { node: { defaultChild?: unknown } }): Json =>
  resourcesOf(built.template, 'AWS::Events::Rule').find(([id]) => id === idOf(rule))![1];
/** An input template with the tokens CloudFormation fills in, as the values the test gives them. */
const filled = (value: Json, values: Record<string, string>): string =>
  typeof value === 'string'
    ? value
    : value['Fn::Join']
      ? (value['Fn::Join'][1] as Json[]).map((part) => filled(part, values)).join(value['Fn::Join'][0])
      : (values[JSON.stringify(value)] ?? 'token');

describe('EDI partner inbound pulls', () => {
  it('lists the partner’s outbox on its schedule, retrieves after the listing, moves after each retrieve', () => {
    const acme = built.ediConnectors.connectors['acme-beverages']!;
    const rules = built.ediConnectors.fileRetrieve!.rules['acme-beverages']!;
    const connectorId = { 'Fn::GetAtt': [idOf(acme.connector as never), 'ConnectorId'] };
    const mailbox = idOf(built.stack.buckets.buckets.ediMailbox.bucket);
    const machine = idOf(built.ediConnectors.fileRetrieve!.stateMachine);
    const values = { [JSON.stringify({ Ref: mailbox })]: 'mailbox', [JSON.stringify(connectorId)]: 'c-1' };

    const schedule = ruleOf(rules.schedule);
    expect(schedule.Properties.ScheduleExpression).toBe('rate(10 minutes)');
    expect(schedule.Properties.Targets[0].Arn).toEqual({ Ref: machine });
    expect(JSON.parse(filled(schedule.Properties.Targets[0].Input, values))).toEqual({
      connectorId: 'c-1',
      step: 'list',
      remoteDirectoryPath: '/outbox',
      listingDirectoryPath: '/mailbox/transfers/acme-beverages/listings',
    });

    const listed = ruleOf(rules.listed);
    expect(listed.Properties.EventPattern).toEqual({
      source: ['aws.transfer'],
      'detail-type': ['SFTP Connector Directory Listing Completed'],
      detail: { 'connector-id': [connectorId] },
    });
    expect(listed.Properties.Targets[0].InputTransformer.InputPathsMap).toEqual({
      'detail-output-file-location-key': '$.detail.output-file-location.key',
    });
    expect(filled(listed.Properties.Targets[0].InputTransformer.InputTemplate, values)).toContain(
      '"localDirectoryPath":"/mailbox/inbound/acme-beverages"',
    );

    const retrieved = ruleOf(rules.retrieved);
    expect(retrieved.Properties.EventPattern['detail-type']).toEqual([
      'SFTP Connector File Retrieve Completed',
    ]);
    expect(filled(retrieved.Properties.Targets[0].InputTransformer.InputTemplate, values)).toContain(
      '"retrievedDirectoryPath":"/outbox/retrieved"',
    );
  });

  it('runs the three steps: a listing is read and each file retrieved on its own; a retrieved file is moved under its name', async () => {
    const [, resource] = resourcesOf(built.template, 'AWS::StepFunctions::StateMachine').find(
      ([id]) => id === idOf(built.ediConnectors.fileRetrieve!.stateMachine),
    )!;
    const definition = JSON.parse(filled(resource.Properties.DefinitionString, {})) as Json;
    const calls: { state: string; input: Json }[] = [];
    const listing = {
      files: [
        { filePath: '/outbox/855-1.x12', modifiedTimestamp: '2026-12-05T08:00:00Z', size: 300 },
        { filePath: '/outbox/856-1.x12', modifiedTimestamp: '2026-12-05T08:01:00Z', size: 900 },
      ],
      paths: [{ path: '/outbox/retrieved' }],
      truncated: false,
    };
    const answer =
      (state: string, output: Json = {}) =>
      (input: Json) => {
        calls.push({ state, input });
        return output;
      };
    const handlers = {
      ListOutbox: answer('ListOutbox', { ListingId: 'abc', OutputFileName: 'c-1-abc.json' }),
      ReadListing: answer('ReadListing', { Body: JSON.stringify(listing) }),
      RetrieveFile: answer('RetrieveFile', { TransferId: 't-1' }),
      MoveRetrievedFile: answer('MoveRetrievedFile', { MoveId: 'm-1' }),
    };
    const run = (input: Json) =>
      new StateMachine(definition, { validationOptions: { checkArn: false } }).run(input, {
        overrides: { taskResourceLocalHandlers: handlers },
      }).result;

    await run({
      step: 'list',
      connectorId: 'c-1',
      remoteDirectoryPath: '/outbox',
      listingDirectoryPath: '/m/t',
    });
    await run({
      step: 'retrieve',
      connectorId: 'c-1',
      listingKey: 'transfers/acme-beverages/listings/c-1-abc.json',
      localDirectoryPath: '/mailbox/inbound/acme-beverages',
    });
    await run({
      step: 'archive',
      connectorId: 'c-1',
      sourcePath: '/outbox/855-1.x12',
      retrievedDirectoryPath: '/outbox/retrieved',
    });

    expect(calls).toEqual([
      {
        state: 'ListOutbox',
        input: { ConnectorId: 'c-1', RemoteDirectoryPath: '/outbox', OutputDirectoryPath: '/m/t' },
      },
      {
        state: 'ReadListing',
        input: { Bucket: expect.any(String), Key: 'transfers/acme-beverages/listings/c-1-abc.json' },
      },
      ...['/outbox/855-1.x12', '/outbox/856-1.x12'].map((path) => ({
        state: 'RetrieveFile',
        input: {
          ConnectorId: 'c-1',
          RetrieveFilePaths: [path],
          LocalDirectoryPath: '/mailbox/inbound/acme-beverages',
        },
      })),
      {
        state: 'MoveRetrievedFile',
        input: {
          ConnectorId: 'c-1',
          SourcePath: '/outbox/855-1.x12',
          TargetPath: '/outbox/retrieved/855-1.x12',
        },
      },
    ]);
    await expect(run({ step: 'other' })).rejects.toThrow(/UnknownStep|step is list/);
  });

  it('lets the connector write only its listings and retrieved files, and the workflow call only its connectors', () => {
    const acme = built.ediConnectors.connectors['acme-beverages']!;
    const mailbox = idOf(built.stack.buckets.buckets.ediMailbox.bucket);
    const inMailbox = (prefix: string) => ({
      'Fn::Join': ['', [{ 'Fn::GetAtt': [mailbox, 'Arn'] }, `/${prefix}`]],
    });
    const statements = policyOf(idOf(acme.accessRole));
    expect(statements.find((s) => s.Sid === 'WriteListingsAndRetrievedFiles')).toEqual({
      Sid: 'WriteListingsAndRetrievedFiles',
      Effect: 'Allow',
      Action: 's3:PutObject',
      Resource: [inMailbox('inbound/acme-beverages/*'), inMailbox('transfers/acme-beverages/listings/*')],
    });
    expect(statements.find((s) => s.Sid === 'EncryptThroughS3')).toMatchObject({
      Action: 'kms:GenerateDataKey',
      Condition: { StringEquals: { 'kms:ViaService': expect.anything() } },
    });

    const role = built.stack.getLogicalId(
      built.ediConnectors.fileRetrieve!.stateMachine.role.node.defaultChild as never,
    );
    const connectorArn = { 'Fn::GetAtt': [idOf(acme.connector as never), 'Arn'] };
    // Statements with the same resources are merged: compare action by action.
    const machine = policyOf(role).flatMap((s) =>
      [s.Action]
        .flat()
        .filter((a: string) => /^(transfer|s3):/.test(a))
        .map((a: string) => [a, s.Resource]),
    );
    expect(machine).toEqual(
      expect.arrayContaining([
        ['transfer:StartDirectoryListing', connectorArn],
        ['transfer:StartFileTransfer', connectorArn],
        ['transfer:StartRemoteMove', connectorArn],
        ['s3:GetObject', inMailbox('transfers/*')],
      ]),
    );
    expect(machine).toHaveLength(4);
  });

  it('expires the listings after 7 days, and is cdk-nag clean', () => {
    const [, bucket] = resourcesOf(built.template, 'AWS::S3::Bucket').find(
      ([id]) => id === idOf(built.stack.buckets.buckets.ediMailbox.bucket),
    )!;
    expect(bucket.Properties.LifecycleConfiguration.Rules).toContainEqual(
      expect.objectContaining({ Prefix: 'transfers/', ExpirationInDays: 7, Status: 'Enabled' }),
    );
    const report = new AwsSolutionsChecks().validateScope(built.ediConnectors);
    expect(
      report.violations.map((v) => `${v.ruleName} ${v.violatingResources?.map(String).join(',')}`),
    ).toEqual([]);
  });

  it('alarms on Transfer Family’s failure events for our connectors and on failed send or retrieve workflows', () => {
    const monitoring = Template.fromStack(built.stack.monitoringStack);
    const [[ruleId, rule]] = resourcesOf(monitoring, 'AWS::Events::Rule') as [[string, Json]];
    expect(rule.Properties.EventPattern).toMatchObject({
      source: ['aws.transfer'],
      'detail-type': [
        'SFTP Connector File Send Failed',
        'SFTP Connector File Retrieve Failed',
        'SFTP Connector Directory Listing Failed',
        'SFTP Connector Remote Move Failed',
      ],
    });
    expect(rule.Properties.EventPattern.detail['connector-id']).toHaveLength(1);
    const alarms = resourcesOf(monitoring, 'AWS::CloudWatch::Alarm').map(([, alarm]) => alarm.Properties);
    expect(alarms.filter((alarm) => alarm.MetricName === 'TriggeredRules')).toEqual([
      expect.objectContaining({
        Namespace: 'AWS/Events',
        Dimensions: [{ Name: 'RuleName', Value: { Ref: ruleId } }],
        Statistic: 'Sum',
        Threshold: 0,
        ComparisonOperator: 'GreaterThanThreshold',
      }),
    ]);
    const workflowAlarms = resourcesOf(monitoring, 'AWS::CloudWatch::Alarm').filter(([, alarm]) =>
      /^EDI edi-partner-file-(send|retrieve): executions failed/.test(alarm.Properties.AlarmDescription),
    );
    expect(workflowAlarms).toHaveLength(2);
    expect(new AwsSolutionsChecks().validateScope(built.stack.monitoringStack).violations).toEqual([]);
  });

  it('builds no pull, rule or alarm for partners without a connector (dev)', () => {
    const dev = buildStack('dev').stack;
    const devConnectors = dev.node.findChild('EdiConnectors') as PartnerConnectors;
    expect(devConnectors.fileRetrieve).toBeUndefined();
    const devMonitoring = Template.fromStack(dev.monitoringStack);
    expect(resourcesOf(devMonitoring, 'AWS::Events::Rule')).toEqual([]);
  });
});
