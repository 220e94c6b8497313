/**
 * Transfer Family SFTP connectors per EDI partner: present only for partners whose profile has
 * one, each with an access role limited to its own outbound folder, key and login secret, a
 * logging role that only writes Transfer Family logs, an outbound rule that starts the file send,
 * and cdk-nag clean.
 */
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { DEMO_EDI_PARTNER } from '../../application/edi-partners';
import { SFTP_CONNECTOR, connectorStack } from '../support/edi-connector';
import { buildStack, resourcesOf, type Json } from './support';

const OTHER = {
  ...DEMO_EDI_PARTNER,
  partnerId: 'bottler',
  supplierNumber: 'S-2002',
  partner: { qualifier: 'ZZ', id: 'BOTTLER' },
};

// acme-beverages has a connector; bottler uses the mailbox itself.
const { built, idOf, policyOf } = connectorStack([{ ...DEMO_EDI_PARTNER, connector: SFTP_CONNECTOR }, OTHER]);

describe('EDI partner connectors in the stack', () => {
  it('builds none where no partner has a connector', () => {
    const dev = buildStack('dev').template;
    expect(resourcesOf(dev, 'AWS::Transfer::Connector')).toEqual([]);
    expect(resourcesOf(dev, 'AWS::StepFunctions::StateMachine').map(([id]) => id)).not.toContainEqual(
      expect.stringMatching(/EdiConnectors/),
    );
  });

  it('builds one SFTP connector for the partner that has one, from its profile, the secret by ARN', () => {
    const connectors = resourcesOf(built.template, 'AWS::Transfer::Connector');
    expect(connectors).toHaveLength(1);
    const [, connector] = connectors[0]!;
    const acme = built.ediConnectors.connectors['acme-beverages']!;
    expect(connector.Properties).toEqual({
      Url: SFTP_CONNECTOR.url,
      AccessRole: { 'Fn::GetAtt': [idOf(acme.accessRole), 'Arn'] },
      LoggingRole: { 'Fn::GetAtt': [idOf(built.ediConnectors.loggingRole!), 'Arn'] },
      SecurityPolicyName: 'TransferSFTPConnectorSecurityPolicy-2024-03',
      SftpConfig: {
        UserSecretId: SFTP_CONNECTOR.userSecret,
        TrustedHostKeys: SFTP_CONNECTOR.trustedHostKeys,
      },
      Tags: [{ Key: 'edi-partner', Value: 'acme-beverages' }],
    });
    expect(built.ediConnectors.connectors.bottler).toBeUndefined();
  });

  it('lets the connector read only its partner’s outbound files, decrypt through S3 and read its login', () => {
    const acme = built.ediConnectors.connectors['acme-beverages']!;
    const mailbox = idOf(built.stack.buckets.buckets.ediMailbox.bucket);
    const secretArn = {
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          ':secretsmanager:',
          { Ref: 'AWS::Region' },
          ':',
          { Ref: 'AWS::AccountId' },
          `:secret:${SFTP_CONNECTOR.userSecret}-??????`,
        ],
      ],
    };
    expect(policyOf(idOf(acme.accessRole))).toEqual([
      {
        Sid: 'ReadThePartnersOutboundFiles',
        Effect: 'Allow',
        Action: ['s3:GetObject', 's3:GetObjectVersion'],
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [mailbox, 'Arn'] }, '/outbound/acme-beverages/*']] },
      },
      {
        Sid: 'DecryptThroughS3',
        Effect: 'Allow',
        Action: 'kms:Decrypt',
        Resource: { 'Fn::GetAtt': [idOf(built.stack.keys.data), 'Arn'] },
        Condition: {
          StringEquals: {
            'kms:ViaService': { 'Fn::Join': ['', ['s3.', { Ref: 'AWS::Region' }, '.amazonaws.com']] },
          },
        },
      },
      {
        Sid: 'ReadThePartnersLogin',
        Effect: 'Allow',
        Action: 'secretsmanager:GetSecretValue',
        Resource: secretArn,
      },
    ]);
    const [, role] = resourcesOf(built.template, 'AWS::IAM::Role').find(
      ([id]) => id === idOf(acme.accessRole),
    )!;
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Effect: 'Allow',
        Action: 'sts:AssumeRole',
        Principal: { Service: 'transfer.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      },
    ]);
  });

  it('lets the logging role write Transfer Family logs only', () => {
    expect(policyOf(idOf(built.ediConnectors.loggingRole!))).toEqual([
      {
        Effect: 'Allow',
        Action: [
          'logs:CreateLogGroup',
          'logs:CreateLogStream',
          'logs:DescribeLogStreams',
          'logs:PutLogEvents',
        ],
        Resource: {
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              ':logs:',
              { Ref: 'AWS::Region' },
              ':',
              { Ref: 'AWS::AccountId' },
              ':log-group:/aws/transfer/*',
            ],
          ],
        },
      },
    ]);
  });

  it('sends each new object of outbound/<partner>/ to the partner’s sendDirectory through StartFileTransfer on its connector', () => {
    const acme = built.ediConnectors.connectors['acme-beverages']!;
    const mailbox = idOf(built.stack.buckets.buckets.ediMailbox.bucket);
    const [, rule] = resourcesOf(built.template, 'AWS::Events::Rule').find(
      ([id]) => id === idOf(acme.outboundRule),
    )!;
    expect(rule.Properties.EventPattern).toEqual({
      source: ['aws.s3'],
      'detail-type': ['Object Created'],
      detail: {
        bucket: { name: [{ Ref: mailbox }] },
        object: { key: [{ prefix: 'outbound/acme-beverages/' }] },
      },
    });
    expect(rule.Properties.EventBusName).toBeUndefined();
    const [target] = rule.Properties.Targets as Json[];
    expect(target.Arn).toEqual({ Ref: idOf(built.ediConnectors.fileSend!) });
    expect(target.InputTransformer.InputPathsMap).toEqual({ 'detail-object-key': '$.detail.object.key' });
    const template_ = JSON.stringify(target.InputTransformer.InputTemplate);
    expect(template_).toContain('/<detail-object-key>');
    expect(template_).toContain('"remoteDirectoryPath\\":\\"/inbox\\"');
    expect(template_).toContain(idOf(acme.connector as never));

    const [, machine] = resourcesOf(built.template, 'AWS::StepFunctions::StateMachine').find(
      ([id]) => id === idOf(built.ediConnectors.fileSend!),
    )!;
    expect(machine.Properties.StateMachineType).toBe('EXPRESS');
    const machineRole = built.stack.getLogicalId(
      built.ediConnectors.fileSend!.role.node.defaultChild as never,
    );
    const transfer = policyOf(machineRole).filter((s) =>
      [s.Action].flat().some((a: string) => a.startsWith('transfer:')),
    );
    expect(transfer).toEqual([
      {
        Effect: 'Allow',
        Action: 'transfer:StartFileTransfer',
        Resource: { 'Fn::GetAtt': [idOf(acme.connector as never), 'Arn'] },
      },
    ]);
  });

  it('is cdk-nag clean, every acknowledgement with its reason', () => {
    const report = new AwsSolutionsChecks().validateScope(built.ediConnectors);
    expect(
      report.violations.map((v) => `${v.ruleName} ${v.violatingResources?.map(String).join(',')}`),
    ).toEqual([]);
  });
});
