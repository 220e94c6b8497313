import { Duration } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import * as tasks from 'aws-cdk-lib/aws-stepfunctions-tasks';
import { Construct } from 'constructs';
import { acknowledgeMailboxFolder, retryTransferHiccups, transferWorkflow } from './transfer-workflow';
import { DEFAULT_RETRIEVE_MINUTES, listingPrefix, TRANSFERS_PREFIX } from '../../application/edi-connectors';
import { MAILBOX, type EdiPartnerProfile } from '../../application/edi-partners';
import type { EnvironmentConfig } from '../../application/environments';
import { pascalCase } from '../../application/resources';

/** Transfer Family's events for the steps of a pull (aws.transfer on the default bus). */
const LISTING_COMPLETED = 'SFTP Connector Directory Listing Completed';
const RETRIEVE_COMPLETED = 'SFTP Connector File Retrieve Completed';

/** Properties of {@link PartnerFileRetrieve}. */
export interface PartnerFileRetrieveProps {
  readonly config: EnvironmentConfig;
  /** The partners that pull, each with its connector. */
  readonly partners: readonly {
    profile: EdiPartnerProfile;
    connector: { attrArn: string; attrConnectorId: string };
  }[];
  readonly mailbox: s3.IBucket;
  /** Encrypts the mailbox: the workflow decrypts the listings it reads. */
  readonly mailboxKey: kms.IKey;
  /** Encrypts the workflow's log group. */
  readonly logsKey: kms.IKey;
}

/**
 * Inbound pulls for the partners whose connector has `retrieve` (ADR 0010). One Express workflow of
 * three steps, each started by its own rule, so no step waits for Transfer Family's asynchronous work:
 *
 * 1. `list` (a schedule per partner): StartDirectoryListing of the partner's outbox, written to
 *    `transfers/<partner>/listings/` of the mailbox.
 * 2. `retrieve` (its `Directory Listing Completed` event): reads the listing and starts one
 *    StartFileTransfer per file into `inbound/<partner>/`, where S3's event reaches the inbound
 *    EDI lane as for any partner file.
 * 3. `archive` (each `File Retrieve Completed` event): StartRemoteMove of that file to the
 *    partner's `retrievedDirectory`, so the next listing no longer shows it. A file whose move
 *    failed is retrieved again by the next pass into the same key: the receiving is idempotent
 *    per file (same 997, same events).
 *
 * No Lambda: the SDK integrations need no Transfer client.
 */
export class PartnerFileRetrieve extends Construct {
  public readonly stateMachine: sfn.StateMachine;
  /** Per partner: its schedule and the rules following Transfer Family's events. */
  public readonly rules: Readonly<
    Record<string, { schedule: events.Rule; listed: events.Rule; retrieved: events.Rule }>
  >;

  constructor(scope: Construct, id: string, props: PartnerFileRetrieveProps) {
    super(scope, id);
    const { config, mailbox } = props;
    const connectorArns = props.partners.map((p) => p.connector.attrArn);
    const transferCall = (stepId: string, action: string, parameters: Record<string, unknown>) => {
      const call = new tasks.CallAwsService(this, stepId, {
        service: 'transfer',
        action,
        parameters,
        iamAction: `transfer:${action[0]!.toUpperCase()}${action.slice(1)}`,
        iamResources: connectorArns,
        resultPath: sfn.JsonPath.DISCARD,
      });
      return retryTransferHiccups(call);
    };

    const list = transferCall('ListOutbox', 'startDirectoryListing', {
      ConnectorId: sfn.JsonPath.stringAt('$.connectorId'),
      RemoteDirectoryPath: sfn.JsonPath.stringAt('$.remoteDirectoryPath'),
      OutputDirectoryPath: sfn.JsonPath.stringAt('$.listingDirectoryPath'),
    });
    const readListing = new tasks.CallAwsService(this, 'ReadListing', {
      service: 's3',
      action: 'getObject',
      parameters: { Bucket: mailbox.bucketName, Key: sfn.JsonPath.stringAt('$.listingKey') },
      iamAction: 's3:GetObject',
      iamResources: [mailbox.arnForObjects(`${TRANSFERS_PREFIX}*`)],
      additionalIamStatements: [
        new iam.PolicyStatement({ actions: ['kms:Decrypt'], resources: [props.mailboxKey.keyArn] }),
      ],
      // The listing: { files: [{ filePath, modifiedTimestamp, size }], paths: [...], truncated }.
      resultSelector: { 'listing.$': 'States.StringToJson($.Body)' },
      resultPath: '$.read',
    });
    const retrieveFile = transferCall('RetrieveFile', 'startFileTransfer', {
      ConnectorId: sfn.JsonPath.stringAt('$.connectorId'),
      RetrieveFilePaths: sfn.JsonPath.array(sfn.JsonPath.stringAt('$.filePath')),
      LocalDirectoryPath: sfn.JsonPath.stringAt('$.localDirectoryPath'),
    });
    const retrieveEach = new sfn.Map(this, 'RetrieveEachFile', {
      itemsPath: '$.read.listing.files',
      itemSelector: {
        'connectorId.$': '$.connectorId',
        'localDirectoryPath.$': '$.localDirectoryPath',
        'filePath.$': '$$.Map.Item.Value.filePath',
      },
      maxConcurrency: 5,
      resultPath: sfn.JsonPath.DISCARD,
    }).itemProcessor(retrieveFile);
    // The file's name after the last '/', kept in the retrieved folder.
    const parts = "States.StringSplit($.sourcePath, '/')";
    const archive = transferCall('MoveRetrievedFile', 'startRemoteMove', {
      ConnectorId: sfn.JsonPath.stringAt('$.connectorId'),
      SourcePath: sfn.JsonPath.stringAt('$.sourcePath'),
      TargetPath: sfn.JsonPath.stringAt(
        `States.Format('{}/{}', $.retrievedDirectoryPath, States.ArrayGetItem(${parts}, States.MathAdd(States.ArrayLength(${parts}), -1)))`,
      ),
    });

    const definition = new sfn.Choice(this, 'Step')
      .when(sfn.Condition.stringEquals('$.step', 'list'), list)
      .when(sfn.Condition.stringEquals('$.step', 'retrieve'), readListing.next(retrieveEach))
      .when(sfn.Condition.stringEquals('$.step', 'archive'), archive)
      .otherwise(
        new sfn.Fail(this, 'UnknownStep', {
          error: 'UnknownStep',
          cause: 'step is list, retrieve or archive',
        }),
      );

    this.stateMachine = transferWorkflow(
      this,
      { logGroup: 'LogGroup', stateMachine: 'StateMachine' },
      { config, logsKey: props.logsKey, name: 'edi-partner-file-retrieve', definition },
    );

    acknowledgeMailboxFolder(
      this.stateMachine.role,
      mailbox,
      TRANSFERS_PREFIX,
      'The workflow reads the directory listing Transfer Family names after the listing (in the ' +
        'Directory Listing Completed event); the wildcard is the listings folder of the mailbox only.',
    );

    // A mailbox folder as Transfer Family names it: /<bucket>/<folder>, no trailing slash.
    const inMailbox = (folder: string) => `/${mailbox.bucketName}/${folder.replace(/\/$/, '')}`;
    const rules: Record<string, { schedule: events.Rule; listed: events.Rule; retrieved: events.Rule }> = {};
    for (const { profile, connector } of props.partners) {
      const retrieve = profile.connector!.retrieve!;
      const every = Duration.minutes(retrieve.everyMinutes ?? DEFAULT_RETRIEVE_MINUTES);
      const name = pascalCase(profile.partnerId);
      const target = (input: Record<string, unknown>, maxEventAge: Duration) =>
        new targets.SfnStateMachine(this.stateMachine, {
          input: events.RuleTargetInput.fromObject({ connectorId: connector.attrConnectorId, ...input }),
          retryAttempts: 10,
          maxEventAge,
        });
      const fromTransfer = (detailType: string) => ({
        source: ['aws.transfer'],
        detailType: [detailType],
        detail: { 'connector-id': [connector.attrConnectorId] },
      });
      const schedule = new events.Rule(this, `${name}Schedule`, {
        description: `EDI: list ${profile.partnerId}'s outbox ${retrieve.directory} on its SFTP server`,
        schedule: events.Schedule.rate(every),
      });
      // A missed pass is replaced by the next one.
      schedule.addTarget(
        target(
          {
            step: 'list',
            remoteDirectoryPath: retrieve.directory,
            listingDirectoryPath: inMailbox(listingPrefix(profile.partnerId)),
          },
          every,
        ),
      );
      const listed = new events.Rule(this, `${name}Listed`, {
        description: `EDI: retrieve the files listed in ${profile.partnerId}'s outbox into inbound/${profile.partnerId}/`,
        eventPattern: fromTransfer(LISTING_COMPLETED),
      });
      listed.addTarget(
        target(
          {
            step: 'retrieve',
            listingKey: events.EventField.fromPath('$.detail.output-file-location.key'),
            localDirectoryPath: inMailbox(MAILBOX.inboundPrefix(profile.partnerId)),
          },
          Duration.hours(24),
        ),
      );
      const retrieved = new events.Rule(this, `${name}Retrieved`, {
        description: `EDI: move each file retrieved from ${profile.partnerId} to ${retrieve.retrievedDirectory}`,
        eventPattern: fromTransfer(RETRIEVE_COMPLETED),
      });
      retrieved.addTarget(
        target(
          {
            step: 'archive',
            sourcePath: events.EventField.fromPath('$.detail.file-path'),
            retrievedDirectoryPath: retrieve.retrievedDirectory.replace(/\/$/, ''),
          },
          Duration.hours(24),
        ),
      );
      rules[profile.partnerId] = { schedule, listed, retrieved };
    }
    this.rules = rules;
  }
}
