/**
 * Lambda: functions run from their bundled assets (`aws:asset:path` or the asset manifest), with the
 * resolved environment and the asynchronous-invocation settings; event source mappings from SQS.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { NO_VALUE } from '../intrinsics';
import type { BuildContext, CfnResource, EventSourceMappingModel, FunctionModel } from '../model';
import { cdkPathOf, constructIdOf, functionNameOf } from '../names';
import { assetFile, num, ofType, props, type ReaderInput } from './common';
import { readRolePermissions, roleLogicalIdOf } from './iam';

/**
 * `AWS::Lambda::Function` with its `AWS::Lambda::EventInvokeConfig`; a function without a bundled
 * asset is skipped with a warning.
 */
export function readFunctions(input: ReaderInput): FunctionModel[] {
  const { resolver, context } = input;
  const warnings = resolver.warnings;
  const str = (value: unknown) => resolver.string(value);
  const invokeConfigs = ofType(input, 'AWS::Lambda::EventInvokeConfig').map(([, r]) => ({
    functionName: functionNameOf(str(props(r).FunctionName)),
    retries: num(resolver.value(props(r).MaximumRetryAttempts)),
    maxAge: num(resolver.value(props(r).MaximumEventAgeInSeconds)),
  }));
  const rolePermissions = readRolePermissions(input);
  return ofType(input, 'AWS::Lambda::Function').flatMap(([logicalId, r]) => {
    const p = props(r);
    const invokeConfig = invokeConfigs.find((c) => c.functionName === resolver.physicalName(logicalId));
    const assetDir = functionAssetDir(logicalId, r, context);
    if (!assetDir) {
      warnings.push(`function ${logicalId}: no bundled asset found (inline or S3 code cannot run locally)`);
      return [];
    }
    const permissions = rolePermissions.get(roleLogicalIdOf(p.Role) ?? '');
    const variables = ((p.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables ??
      {}) as Record<string, unknown>;
    return [
      {
        logicalId,
        constructId: constructIdOf(r, logicalId),
        ...(cdkPathOf(r) ? { cdkPath: cdkPathOf(r) } : {}),
        name: resolver.physicalName(logicalId),
        arn: resolver.attribute(logicalId, 'Arn'),
        assetDir,
        handler: typeof p.Handler === 'string' ? p.Handler : 'index.handler',
        ...(typeof p.Runtime === 'string' ? { runtime: p.Runtime } : {}),
        environment: Object.fromEntries(
          Object.entries(variables)
            .map(([k, v]) => [k, resolver.value(v)] as const)
            .filter(([, v]) => v !== NO_VALUE)
            .map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]),
        ),
        timeoutSeconds: num(resolver.value(p.Timeout)) ?? 3,
        memoryMb: num(resolver.value(p.MemorySize)) ?? 128,
        ...(num(resolver.value(p.ReservedConcurrentExecutions)) !== undefined
          ? { reservedConcurrency: num(resolver.value(p.ReservedConcurrentExecutions))! }
          : {}),
        asyncMaximumRetryAttempts: invokeConfig?.retries ?? 2,
        asyncMaximumEventAgeSeconds: invokeConfig?.maxAge ?? 21_600,
        ...(permissions ? { permissions } : {}),
      },
    ];
  });
}

/** `AWS::Lambda::EventSourceMapping` from SQS queues (other sources are skipped with a warning). */
export function readEventSourceMappings(input: ReaderInput): EventSourceMappingModel[] {
  const { resolver } = input;
  const warnings = resolver.warnings;
  const str = (value: unknown) => resolver.string(value);
  return ofType(input, 'AWS::Lambda::EventSourceMapping').flatMap(([logicalId, r]) => {
    const p = props(r);
    const source = str(p.EventSourceArn);
    if (!source.startsWith('arn:aws:sqs:') && !source.includes(':sqs:')) {
      warnings.push(
        `event source mapping ${logicalId}: source ${source} is not an SQS queue; not run locally`,
      );
      return [];
    }
    const functionName = functionNameOf(str(p.FunctionName));
    const types = (resolver.value(p.FunctionResponseTypes) as string[] | undefined) ?? [];
    const scaling = resolver.value(p.ScalingConfig) as { MaximumConcurrency?: unknown } | undefined;
    return [
      {
        logicalId,
        queueArn: source,
        functionName,
        batchSize: num(resolver.value(p.BatchSize)) ?? 10,
        maximumBatchingWindowSeconds: num(resolver.value(p.MaximumBatchingWindowInSeconds)) ?? 0,
        ...(num(scaling?.MaximumConcurrency) !== undefined
          ? { maximumConcurrency: num(scaling?.MaximumConcurrency)! }
          : {}),
        reportBatchItemFailures: types.includes('ReportBatchItemFailures'),
        enabled: resolver.value(p.Enabled) !== false && resolver.value(p.Enabled) !== 'false',
      },
    ];
  });
}

function functionAssetDir(logicalId: string, r: CfnResource, context: BuildContext): string | undefined {
  const fromMetadata = r.Metadata?.['aws:asset:path'];
  if (typeof fromMetadata === 'string' && existsSync(join(context.cdkOut, fromMetadata))) {
    return join(context.cdkOut, fromMetadata);
  }
  const key = (r.Properties?.Code as { S3Key?: unknown } | undefined)?.S3Key;
  if (typeof key === 'string') {
    const file = assetFile(key, context);
    if (file && existsSync(file)) return file;
  }
  void logicalId;
  return undefined;
}
