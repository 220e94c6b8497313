/**
 * What every resource reader shares: the template's resources by type, numbers with CloudFormation's
 * "absent" values, and the local file of an asset.
 */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { NO_VALUE, type IntrinsicResolver } from '../intrinsics';
import type { BuildContext, CfnResource } from '../model';

/** What a reader gets: the template's resources, the resolver and the build context. */
export interface ReaderInput {
  resources: [string, CfnResource][];
  resolver: IntrinsicResolver;
  context: BuildContext;
}

/** The resources of one CloudFormation type, in template order. */
export function ofType(input: ReaderInput, type: string): [string, CfnResource][] {
  return input.resources.filter(([, r]) => r.Type === type);
}

/** A resource's properties (empty when it has none). */
export function props(r: CfnResource): Record<string, unknown> {
  return (r.Properties ?? {}) as Record<string, unknown>;
}

/** A number, or undefined for absent, empty, `AWS::NoValue` or non-numeric values. */
export function num(value: unknown): number | undefined {
  if (value === undefined || value === null || value === '' || value === NO_VALUE) return undefined;
  const n = Number(value);
  return Number.isFinite(n) ? n : undefined;
}

/** The local file of an asset object key (`<hash>.json` / `<hash>.zip`), via the asset manifest. */
export function assetFile(objectKey: string, context: BuildContext): string | undefined {
  const hash = objectKey.replace(/\.[a-z]+$/, '');
  const source = context.assets.files?.[hash]?.source.path;
  if (source) return join(context.cdkOut, source);
  for (const candidate of [`asset.${hash}`, `asset.${objectKey}`, `asset.${hash}.json`]) {
    if (existsSync(join(context.cdkOut, candidate))) return join(context.cdkOut, candidate);
  }
  return undefined;
}
