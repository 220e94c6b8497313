/**
 * Names read from CDK metadata and ARNs: the construct id and path of a resource, a function or a
 * bus name out of an ARN.
 */
import type { CfnResource } from './model';

/** The CDK construct path of a resource (`aws:cdk:path` metadata). */
export function cdkPathOf(r: CfnResource): string | undefined {
  const path = r.Metadata?.['aws:cdk:path'];
  return typeof path === 'string' ? path : undefined;
}

/** The construct id a resource was created with: the path segment before `Resource`. */
export function constructIdOf(r: CfnResource, logicalId: string): string {
  const parts = (cdkPathOf(r) ?? '').split('/');
  if (parts.at(-1) === 'Resource') parts.pop();
  return parts.at(-1) || logicalId;
}

/** `arn:aws:lambda:r:a:function:name[:qualifier]` or a plain name -> name. */
export function functionNameOf(arnOrName: string): string {
  const match = /:function:([^:]+)/.exec(arnOrName);
  return match ? match[1]! : arnOrName;
}

/** `arn:aws:events:r:a:event-bus/name` or a plain name -> name. */
export function busNameOf(nameOrArn: string): string {
  const match = /:event-bus\/(.+)$/.exec(nameOrArn);
  return match ? match[1]! : nameOrArn;
}
