import { Aws, Duration, Stack, Validations } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import * as transfer from 'aws-cdk-lib/aws-transfer';
import { Construct } from 'constructs';
import { listingPrefix, SFTP_CONNECTOR_SECURITY_POLICY } from '../../application/edi-connectors';
import { MAILBOX, type EdiPartnerProfile } from '../../application/edi-partners';
import type { EnvironmentConfig } from '../../application/environments';
import { pascalCase } from '../../application/resources';
import type { DataBuckets } from './data-buckets';
import type { DataKeys } from './encryption-keys';
import { PartnerFileRetrieve } from './partner-file-retrieve';
import { acknowledgeMailboxFolder, retryTransferHiccups, transferWorkflow } from './transfer-workflow';

/** Properties of {@link PartnerConnectors}. */
export interface PartnerConnectorsProps {
  /** The environment: its partner profiles (only those with a `connector` get one) and log settings. */
  readonly config: EnvironmentConfig;
  /** The EDI mailbox (`ediMailbox`, its object events on the default bus). */
  readonly buckets: DataBuckets;
  /** `data` encrypts the mailbox (the connector decrypts what it sends); `logs` the workflow's log group. */
  readonly keys: DataKeys;
}

/** One partner's connector and what moves its 850s. */
export interface PartnerConnector {
  readonly connector: transfer.CfnConnector;
  /** The role Transfer Family assumes for this partner: its outbound folder and its secret only. */
  readonly accessRole: iam.Role;
  /** New objects under `outbound/<partner>/` -> the file-send workflow. */
  readonly outboundRule: events.Rule;
}

/**
 * AWS Transfer Family SFTP connectors, one per partner whose profile has one (ADR 0010, decision
 * 11). An 850 written under `outbound/<partner>/` raises S3's `Object Created` on the default bus;
 * a rule per partner starts a one-step Express workflow that calls StartFileTransfer for that file
 * on that partner's connector (no Lambda: the SDK integration needs no Transfer client). The
 * connector then reads the file with its partner's access role and sends it to `sendDirectory`.
 * Nothing is built when no partner has a connector.
 */
export class PartnerConnectors extends Construct {
  public readonly connectors: Readonly<Record<string, PartnerConnector>>;
  /** Shared by the connectors: writes their transfer logs, nothing else. */
  public readonly loggingRole?: iam.Role;
  /** Starts one file transfer per outbound object. */
  public readonly fileSend?: sfn.StateMachine;
  /** Pulls the outboxes of the partners whose connector has `retrieve` (partner-file-retrieve.ts). */
  public readonly fileRetrieve?: PartnerFileRetrieve;

  constructor(scope: Construct, id: string, props: PartnerConnectorsProps) {
    super(scope, id);
    const { config } = props;
    const partners = (config.ediPartners ?? []).filter((p) => p.connector !== undefined);
    const mailbox = props.buckets.buckets.ediMailbox.bucket;
    if (partners.length === 0) {
      this.connectors = {};
      return;
    }
    const stack = Stack.of(this);
    // Only this account's Transfer Family may assume the roles (confused deputy).
    const transferService = new iam.ServicePrincipal('transfer.amazonaws.com').withConditions({
      StringEquals: { 'aws:SourceAccount': stack.account },
    });

    this.loggingRole = new iam.Role(this, 'LoggingRole', {
      assumedBy: transferService,
      description: 'Transfer Family connectors: write their transfer logs',
    });
    this.loggingRole.addToPolicy(
      new iam.PolicyStatement({
        actions: [
          'logs:CreateLogGroup',
          'logs:CreateLogStream',
          'logs:DescribeLogStreams',
          'logs:PutLogEvents',
        ],
        // Pseudo parameters, not the stack's region: the acknowledgement below names this exact ARN.
        resources: [`arn:${Aws.PARTITION}:logs:${Aws.REGION}:${Aws.ACCOUNT_ID}:log-group:/aws/transfer/*`],
      }),
    );
    acknowledge(
      this.loggingRole,
      'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:<AWS::Region>:<AWS::AccountId>:log-group:/aws/transfer/*]',
      'Transfer Family names a connector log group /aws/transfer/<connector id>, an id known only after ' +
        'the connector (which references this role) exists; the wildcard stays within Transfer Family logs.',
    );

    const built: Record<string, Omit<PartnerConnector, 'outboundRule'>> = {};
    for (const partner of partners) {
      built[partner.partnerId] = this.connectorOf(partner, transferService, mailbox, props.keys.data);
    }

    const startFileTransfer = new tasks.CallAwsService(this, 'StartFileTransfer', {
      service: 'transfer',
      action: 'startFileTransfer',
      parameters: {
        ConnectorId: sfn.JsonPath.stringAt('$.connectorId'),
        SendFilePaths: sfn.JsonPath.listAt('$.sendFilePaths'),
        RemoteDirectoryPath: sfn.JsonPath.stringAt('$.remoteDirectoryPath'),
      },
      iamAction: 'transfer:StartFileTransfer',
      iamResources: Object.values(built).map((c) => c.connector.attrArn),
    });
    this.fileSend = transferWorkflow(
      this,
      { logGroup: 'FileSendLogGroup', stateMachine: 'FileSend' },
      {
        config,
        logsKey: props.keys.logs,
        name: 'edi-partner-file-send',
        definition: retryTransferHiccups(startFileTransfer),
      },
    );

    const connectors: Record<string, PartnerConnector> = {};
    for (const partner of partners) {
      const { connector } = built[partner.partnerId]!;
      const outboundRule = new events.Rule(this, `${pascalCase(partner.partnerId)}Outbound`, {
        description: `EDI: files written to outbound/${partner.partnerId}/ go to the partner's SFTP server`,
        eventPattern: {
          source: ['aws.s3'],
          detailType: ['Object Created'],
          detail: {
            bucket: { name: [mailbox.bucketName] },
            object: { key: [{ prefix: MAILBOX.outboundPrefix(partner.partnerId) }] },
          },
        },
      });
      outboundRule.addTarget(
        new targets.SfnStateMachine(this.fileSend, {
          input: events.RuleTargetInput.fromObject({
            connectorId: connector.attrConnectorId,
            sendFilePaths: [`/${mailbox.bucketName}/${events.EventField.fromPath('$.detail.object.key')}`],
            remoteDirectoryPath: partner.connector!.sendDirectory,
          }),
          retryAttempts: 10,
          maxEventAge: Duration.hours(24),
        }),
      );
      connectors[partner.partnerId] = { ...built[partner.partnerId]!, outboundRule };
    }
    this.connectors = connectors;

    const pulling = partners.filter((p) => p.connector!.retrieve !== undefined);
    if (pulling.length > 0)
      this.fileRetrieve = new PartnerFileRetrieve(this, 'FileRetrieve', {
        config,
        partners: pulling.map((profile) => ({ profile, connector: built[profile.partnerId]!.connector })),
        mailbox,
        mailboxKey: props.keys.data,
        logsKey: props.keys.logs,
      });
  }

  private connectorOf(
    partner: EdiPartnerProfile,
    assumedBy: iam.IPrincipal,
    mailbox: s3.IBucket,
    mailboxKey: kms.IKey,
  ): Omit<PartnerConnector, 'outboundRule'> {
    const profile = partner.connector!;
    const name = pascalCase(partner.partnerId);
    // A secret's ARN ends in six random characters after its name.
    const secretArn = profile.userSecret.startsWith('arn:')
      ? profile.userSecret
      : `arn:${Aws.PARTITION}:secretsmanager:${Aws.REGION}:${Aws.ACCOUNT_ID}:secret:${profile.userSecret}-??????`;
    const accessRole = new iam.Role(this, `${name}AccessRole`, {
      assumedBy,
      description: `Transfer Family connector of EDI partner ${partner.partnerId}: its outbound files and its login`,
    });
    accessRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadThePartnersOutboundFiles',
        actions: ['s3:GetObject', 's3:GetObjectVersion'],
        resources: [mailbox.arnForObjects(`${MAILBOX.outboundPrefix(partner.partnerId)}*`)],
      }),
    );
    accessRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'DecryptThroughS3',
        actions: ['kms:Decrypt'],
        resources: [mailboxKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `s3.${Aws.REGION}.amazonaws.com` } },
      }),
    );
    accessRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'ReadThePartnersLogin',
        actions: ['secretsmanager:GetSecretValue'],
        resources: [secretArn],
      }),
    );
    if (profile.retrieve) this.allowRetrieving(partner.partnerId, accessRole, mailbox, mailboxKey);
    acknowledgeMailboxFolder(
      accessRole,
      mailbox,
      MAILBOX.outboundPrefix(partner.partnerId),
      'The connector sends whichever 850 file is written under this partner’s outbound folder; the ' +
        'wildcard is that folder and nothing else of the mailbox.',
    );
    const connector = new transfer.CfnConnector(this, `${name}Connector`, {
      url: profile.url,
      accessRole: accessRole.roleArn,
      loggingRole: this.loggingRole!.roleArn,
      securityPolicyName: SFTP_CONNECTOR_SECURITY_POLICY,
      // Transfer Family looks the secret up by the name or ARN configured.
      sftpConfig: { userSecretId: profile.userSecret, trustedHostKeys: [...profile.trustedHostKeys] },
      tags: [{ key: 'edi-partner', value: partner.partnerId }],
    });
    return { connector, accessRole };
  }

  /** What monitoring watches: the connectors and the workflows that start their transfers. */
  public monitored(): {
    workflows: { name: string; stateMachine: sfn.IStateMachine }[];
    connectorIds: string[];
  } {
    return {
      connectorIds: Object.values(this.connectors).map((c) => c.connector.attrConnectorId),
      workflows: [
        ...(this.fileSend ? [{ name: 'edi-partner-file-send', stateMachine: this.fileSend }] : []),
        ...(this.fileRetrieve
          ? [{ name: 'edi-partner-file-retrieve', stateMachine: this.fileRetrieve.stateMachine }]
          : []),
      ],
    };
  }

  /** A pulling connector writes its listings and the files it retrieves, and nothing else of the mailbox. */
  private allowRetrieving(
    partnerId: string,
    accessRole: iam.Role,
    mailbox: s3.IBucket,
    mailboxKey: kms.IKey,
  ): void {
    const folders = [listingPrefix(partnerId), MAILBOX.inboundPrefix(partnerId)];
    accessRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'WriteListingsAndRetrievedFiles',
        actions: ['s3:PutObject'],
        resources: folders.map((folder) => mailbox.arnForObjects(`${folder}*`)),
      }),
    );
    accessRole.addToPolicy(
      new iam.PolicyStatement({
        sid: 'EncryptThroughS3',
        actions: ['kms:GenerateDataKey'],
        resources: [mailboxKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `s3.${Aws.REGION}.amazonaws.com` } },
      }),
    );
    for (const folder of folders)
      acknowledgeMailboxFolder(
        accessRole,
        mailbox,
        folder,
        'The connector writes whichever file the partner left in its outbox, under its own name, and ' +
          'its directory listings; the wildcard is that partner’s folder and nothing else of the mailbox.',
      );
  }
}

function acknowledge(scope: Construct, id: string, reason: string): void {
  const policy = scope.node.tryFindChild('DefaultPolicy') ?? scope;
  Validations.of(policy).acknowledge({ id, reason });
}
