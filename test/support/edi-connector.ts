/** A usable SFTP connector profile for tests (the host key body is an example ECDSA key). */
import type { Template } from 'aws-cdk-lib/assertions';
import { beforeAll } from 'vitest';
import type { SftpConnectorProfile } from '../../application/edi-connectors';
import type { EdiPartnerProfile } from '../../application/edi-partners';
import type { PartnerConnectors } from '../../lib/constructs/partner-connectors';
import type { SupplylineStack } from '../../lib/supplyline-stack';
import { buildStack, resourcesOf, testConfig, type Json } from '../lib/support';

export const SFTP_CONNECTOR: SftpConnectorProfile = {
  url: 'sftp://edi.acme-beverages.example:2222',
  userSecret: 'supplyline/edi/acme-beverages',
  trustedHostKeys: ['ecdsa-sha2-nistp256 AAAAE2VjZHNhLXNoYTItbmlzdHAyNTYAAAAIbmlzdHAyNTY='],
  sendDirectory: '/inbox',
};

/**
 * The prod stack with these EDI partners, built once before the file's tests (beforeAll): the stack,
 * its template and its EDI connectors (`built`), and lookups of logical ids and IAM statements in it.
 */
export function connectorStack(ediPartners: EdiPartnerProfile[]) {
  const built = {} as { stack: SupplylineStack; template: Template; ediConnectors: PartnerConnectors };
  beforeAll(() => {
    const { stack, template } = buildStack('prod', { config: testConfig('prod', { ediPartners }) });
    const ediConnectors = stack.node.findChild('EdiConnectors') as PartnerConnectors;
    Object.assign(built, { stack, template, ediConnectors });
  });
  const idOf = (construct: { node: { defaultChild?: unknown } }) =>
    built.stack.getLogicalId((construct.node.defaultChild ?? construct) as never);
  const policyOf = (roleId: string): Json[] =>
    resourcesOf(built.template, 'AWS::IAM::Policy')
      .filter(([, p]) => (p.Properties.Roles as Json[]).some((r) => r.Ref === roleId))
      .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Json[]);
  return { built, idOf, policyOf };
}
