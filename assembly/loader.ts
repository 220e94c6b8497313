/**
 * Loads a cloud assembly: finds the stack template through `manifest.json`, reads it with its asset
 * manifest, and runs every resource reader over it (in the order the model lists them, so the
 * warnings come in a stable order).
 */
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { IntrinsicResolver } from './intrinsics';
import {
  LOCAL_ACCOUNT,
  type AssetManifest,
  type BuildContext,
  type CfnTemplate,
  type LoadTemplateOptions,
  type TemplateModel,
} from './model';
import { readRestApis, readHttpApis } from './resources/apigateway';
import type { ReaderInput } from './resources/common';
import { readTables } from './resources/dynamodb';
import { readArchives, readBuses, readRules } from './resources/eventbridge';
import { readEventSourceMappings, readFunctions } from './resources/lambda';
import { readBuckets } from './resources/s3';
import { readSecrets } from './resources/secretsmanager';
import { readQueues } from './resources/sqs';
import { readStateMachines } from './resources/stepfunctions';

/** Finds the stack template in a cloud assembly (via manifest.json). */
export function findStackTemplate(
  cdkOut: string,
  stackName?: string,
): { path: string; stackName: string; region?: string } {
  const manifestPath = join(cdkOut, 'manifest.json');
  if (!existsSync(manifestPath)) {
    throw new Error(`${manifestPath} not found: synthesize first (npm run synth -- <env>)`);
  }
  const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as {
    artifacts?: Record<
      string,
      {
        type: string;
        environment?: string;
        displayName?: string;
        properties?: { templateFile?: string; stackName?: string };
      }
    >;
  };
  const stacks = Object.entries(manifest.artifacts ?? {}).filter(
    ([, a]) => a.type === 'aws:cloudformation:stack',
  );
  const wanted = stacks.filter(
    ([id, a]) =>
      !stackName || id === stackName || a.displayName === stackName || a.properties?.stackName === stackName,
  );
  if (wanted.length !== 1) {
    throw new Error(
      `${manifestPath}: ${wanted.length === 0 ? 'no' : 'more than one'} stack${stackName ? ` named ${stackName}` : ''} ` +
        `(stacks: ${stacks.map(([id]) => id).join(', ') || 'none'})`,
    );
  }
  const [id, artifact] = wanted[0]!;
  const templateFile = artifact.properties?.templateFile ?? `${id}.template.json`;
  const region = /^aws:\/\/[^/]+\/([a-z0-9-]+)$/.exec(artifact.environment ?? '')?.[1];
  return {
    path: join(cdkOut, templateFile),
    stackName: artifact.properties?.stackName ?? id,
    ...(region && region !== 'unknown-region' ? { region } : {}),
  };
}

/** Loads `cdk.out/<env>` and builds the model. */
export function loadTemplateModel(options: LoadTemplateOptions = {}): TemplateModel {
  const env = options.env ?? 'dev';
  const cdkOut = resolve(options.cdkOut ?? join('cdk.out', env));
  const found = findStackTemplate(cdkOut, options.stackName ?? defaultStackName(cdkOut, env));
  const template = JSON.parse(readFileSync(found.path, 'utf8')) as CfnTemplate;
  const assetsPath = found.path.replace(/\.template\.json$/, '.assets.json');
  const assets = existsSync(assetsPath)
    ? (JSON.parse(readFileSync(assetsPath, 'utf8')) as AssetManifest)
    : {};
  return buildTemplateModel(template, {
    cdkOut,
    templatePath: found.path,
    stackName: found.stackName,
    assets,
    region: options.region ?? found.region ?? 'us-east-1',
    account: options.account ?? LOCAL_ACCOUNT,
    queueBaseUrl:
      options.queueBaseUrl ?? `http://sqs.${options.region ?? found.region ?? 'us-east-1'}.localhost:4566`,
  });
}

function defaultStackName(cdkOut: string, env: string): string | undefined {
  try {
    findStackTemplate(cdkOut);
    return undefined;
  } catch {
    return `Supplyline-${env}`;
  }
}

/** Builds the model from a parsed template (exported for tests with hand-written templates). */
export function buildTemplateModel(template: CfnTemplate, context: BuildContext): TemplateModel {
  const resolver = new IntrinsicResolver(template, context);
  const input: ReaderInput = { resources: Object.entries(template.Resources ?? {}), resolver, context };
  const functions = readFunctions(input);
  const queues = readQueues(input);
  const eventSourceMappings = readEventSourceMappings(input);
  const buses = readBuses(input);
  const rules = readRules(input);
  const archives = readArchives(input);
  const stateMachines = readStateMachines(input);
  const tables = readTables(input);
  const apis = readRestApis(input);
  const httpApis = readHttpApis(input);
  const secrets = readSecrets(input);
  const buckets = readBuckets(input);
  const outputs = Object.fromEntries(
    Object.entries(template.Outputs ?? {}).map(([key, output]) => [key, resolver.value(output.Value)]),
  );
  return {
    stackName: context.stackName,
    region: context.region,
    account: context.account,
    cdkOut: context.cdkOut,
    templatePath: context.templatePath,
    functions,
    queues,
    eventSourceMappings,
    buses,
    rules,
    archives,
    stateMachines,
    tables,
    apis,
    httpApis,
    secrets,
    buckets,
    outputs,
    warnings: resolver.warnings,
  };
}
