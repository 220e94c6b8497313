/**
 * The SDK clients and the stack topology every operations command works with. Against AWS and
 * against the local runtime the clients are the same; only their endpoints differ.
 */
import { clientCredentialsToken } from '../adapters/identity/client-credentials';
import { APPLICATION_CONSUMERS } from '../application/identity';
import { CloudWatchClient } from '@aws-sdk/client-cloudwatch';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { EventBridgeClient } from '@aws-sdk/client-eventbridge';
import { S3Client } from '@aws-sdk/client-s3';
import { SQSClient } from '@aws-sdk/client-sqs';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { lookup as dnsLookup } from 'node:dns';
import { Agent } from 'node:http';
import type { LookupFunction } from 'node:net';
import { loadTemplateModel } from '../assembly';
import { cloudFormationReader, inventoryFromAws } from './aws-inventory';
import { readLocalRuntimeState } from './local-state';
import { buildTopology, inventoryFromTemplate, type StackTopology } from './topology';

/** The clients the commands use. */
export interface OpsClients {
  sqs: SQSClient;
  dynamodb: DynamoDBClient;
  documents: DynamoDBDocumentClient;
  eventBridge: EventBridgeClient;
  cloudWatch: CloudWatchClient;
  s3: S3Client;
}

/** The governed API: `<url>/purchase-orders/...` with a bearer access token and `x-api-key` (metering). */
export interface OpsApi {
  /** Base including the stage path and `/v1`. */
  url?: string;
  apiKey?: string;
  /** The operations CLI's access token (client credentials, or given). */
  accessToken?: () => Promise<string>;
}

/**
 * The ops CLI's access token: `SUPPLYLINE_ACCESS_TOKEN` as given, or the client-credentials grant
 * of `SUPPLYLINE_OPS_CLIENT_ID` / `SUPPLYLINE_OPS_CLIENT_SECRET` at `SUPPLYLINE_IDENTITY_ISSUER`.
 */
export function accessTokenFrom(
  env: Readonly<Record<string, string | undefined>>,
): (() => Promise<string>) | undefined {
  const given = env.SUPPLYLINE_ACCESS_TOKEN;
  if (given) return () => Promise.resolve(given);
  const issuer = env.SUPPLYLINE_IDENTITY_ISSUER;
  const clientId = env.SUPPLYLINE_OPS_CLIENT_ID;
  const clientSecret = env.SUPPLYLINE_OPS_CLIENT_SECRET;
  if (!issuer || !clientId || !clientSecret) return undefined;
  return once(() => clientCredentialsToken({ issuer, clientId, clientSecret, scopes: OPS_CLI_SCOPES }));
}

/**
 * The scopes the CLI asks for: some providers (oidc-provider) grant none unless asked, others
 * (Cognito) all the client's.
 */
const OPS_CLI_SCOPES = APPLICATION_CONSUMERS.find((consumer) => consumer.name === 'ops-cli')!.scopes;

/** One token per CLI run: asked for on first use only. */
function once(get: () => Promise<string>): () => Promise<string> {
  let token: Promise<string> | undefined;
  return () => (token ??= get());
}

/** Everything a command needs. */
export interface OpsContext {
  target: 'local' | 'aws';
  topology: StackTopology;
  clients: OpsClients;
  api: OpsApi;
  /** How long CloudWatch takes to show a metric (local: at once; AWS: a few minutes). */
  metricsDelayMs: number;
  close(): void;
}

/**
 * `*.localhost` to the loopback (RFC 6761), as the functions' workers resolve it: the local S3
 * endpoint is `http://s3.localhost:<port>` and the SDK addresses `<bucket>.s3.localhost`.
 */
const localhostLookup: LookupFunction = (hostname, options, callback) =>
  dnsLookup(
    hostname === 'localhost' || hostname.endsWith('.localhost') ? '127.0.0.1' : hostname,
    options,
    callback,
  );

/** An S3 client on the local runtime's S3 (`http://s3.localhost:<port>`), virtual-host addressing included. */
export function localS3Client(
  endpoint: string,
  base: { region: string; credentials: { accessKeyId: string; secretAccessKey: string } },
): S3Client {
  return new S3Client({
    ...base,
    endpoint,
    requestHandler: { httpAgent: new Agent({ keepAlive: true, lookup: localhostLookup }) },
  });
}

function documentsOf(dynamodb: DynamoDBClient): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(dynamodb, { marshallOptions: { removeUndefinedValues: true } });
}

/** Clients on the running local runtime (its state file), topology from its template model. */
export function connectLocal(statePath?: string): OpsContext {
  const state = readLocalRuntimeState(statePath);
  const opsClient = state.identity?.applications?.['ops-cli'];
  const model = loadTemplateModel({
    cdkOut: state.cdkOut,
    stackName: state.stackName,
    queueBaseUrl: state.queueBaseUrl,
  });
  const base = { region: state.region, credentials: { accessKeyId: 'local', secretAccessKey: 'local' } };
  const dynamodb = new DynamoDBClient({ ...base, endpoint: state.endpoints.dynamodb });
  const clients: OpsClients = {
    sqs: new SQSClient({ ...base, endpoint: state.endpoints.sqs }),
    dynamodb,
    documents: documentsOf(dynamodb),
    eventBridge: new EventBridgeClient({ ...base, endpoint: state.endpoints.eventbridge }),
    // Without a local metrics endpoint, calls fail fast instead of reaching AWS.
    cloudWatch: new CloudWatchClient({
      ...base,
      endpoint: state.endpoints.cloudwatch ?? 'http://127.0.0.1:9',
    }),
    // A state file from before the S3 endpoint was recorded: fail fast as well.
    s3: localS3Client(state.endpoints.s3 ?? 'http://127.0.0.1:9', base),
  };
  return {
    target: 'local',
    topology: buildTopology(inventoryFromTemplate(model)),
    clients,
    api: {
      url: `${state.apiBaseUrl}/v1`,
      apiKey: state.apiKey,
      // The local identity provider's ops-cli client (its secret is made per run, kept in the state file).
      accessToken: opsClient
        ? once(() =>
            clientCredentialsToken({ issuer: state.identity!.issuer, ...opsClient, scopes: OPS_CLI_SCOPES }),
          )
        : accessTokenFrom(process.env),
    },
    metricsDelayMs: 0,
    close: () => destroy(clients),
  };
}

/** Clients with the standard AWS credentials and region chain; topology from CloudFormation. */
export async function connectAws(options: {
  stackName: string;
  region?: string;
  apiKey?: string;
  apiUrl?: string;
  accessToken?: () => Promise<string>;
}): Promise<OpsContext> {
  const region = options.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  if (!region) throw new Error('no region: pass --region or set AWS_REGION');
  const dynamodb = new DynamoDBClient({ region });
  const clients: OpsClients = {
    sqs: new SQSClient({ region }),
    dynamodb,
    documents: documentsOf(dynamodb),
    eventBridge: new EventBridgeClient({ region }),
    cloudWatch: new CloudWatchClient({ region }),
    s3: new S3Client({ region }),
  };
  try {
    const inventory = await inventoryFromAws({
      stackName: options.stackName,
      region,
      cloudFormation: await cloudFormationReader(region),
      sqs: clients.sqs,
      eventBridge: clients.eventBridge,
    });
    const topology = buildTopology(inventory);
    const url = options.apiUrl ?? topology.apiUrl;
    return {
      target: 'aws',
      topology,
      clients,
      api: {
        ...(url ? { url } : {}),
        ...(options.apiKey ? { apiKey: options.apiKey } : {}),
        ...(options.accessToken ? { accessToken: options.accessToken } : {}),
      },
      metricsDelayMs: 180_000,
      close: () => destroy(clients),
    };
  } catch (error) {
    destroy(clients);
    throw error;
  }
}

function destroy(clients: OpsClients): void {
  clients.sqs.destroy();
  clients.dynamodb.destroy();
  clients.eventBridge.destroy();
  clients.cloudWatch.destroy();
  clients.s3.destroy();
}
