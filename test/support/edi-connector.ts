/** A usable SFTP connector profile for tests (the host key body is an example ECDSA key). */
import type { Stack } from 'aws-cdk-lib';
import type { Template } from 'aws-cdk-lib/assertions';
import type { SftpConnectorProfile } from '../../application/edi-connectors';

/** Synthesized template JSON (CloudFormation is untyped here). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- template JSON has no static type
type Json = any;

export const SFTP_CONNECTOR: SftpConnectorProfile = {
  url: 'sftp://edi.acme-beverages.example:2222',
  userSecret: 'supplyline/edi/acme-beverages',
  trustedHostKeys: ['ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTY='],
  sendDirectory: '/inbox',
};

/** Logical ids and IAM statements of a synthesized stack, for the connector tests. */
export function stackLookups(stack: Stack, template: Template) {
  const idOf = (construct: { node: { defaultChild?: unknown } }) =>
    stack.getLogicalId((construct.node.defaultChild ?? construct) as never);
  const policyOf = (roleId: string): Json[] =>
    Object.values(template.findResources('AWS::IAM::Policy') as Record<string, Json>)
      .filter((p) => (p.Properties.Roles as Json[]).some((r) => r.Ref === roleId))
      .flatMap((p) => p.Properties.PolicyDocument.Statement as Json[]);
  return { idOf, policyOf };
}
