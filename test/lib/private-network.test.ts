/**
 * Private connectivity to an on-premises or private ERP (ADR 0008): an environment configured with
 * a private network runs exactly its ERP callers in a VPC whose private subnets route the ERP's
 * ranges over a Site-to-Site VPN or a Transit Gateway; synthesized cdk-nag clean.
 */
import { AwsSolutionsChecks } from 'cdk-nag';
import { describe, expect, it } from 'vitest';
import { loadEnvironmentConfig, type PrivateNetwork } from '../../application/environments';
import { FUNCTION_CATALOG } from '../../application/functions';
import { buildStack, nestedTemplate, resourcesOf, testConfig, type Json } from './support';

const VPN: PrivateNetwork = {
  cidr: '10.40.0.0/22',
  availabilityZones: 2,
  erpCidrs: ['192.168.10.0/24'],
  erpPort: 443,
  link: { kind: 'site-to-site-vpn', customerGatewayIp: '203.0.113.10' },
};
const TGW: PrivateNetwork = {
  ...VPN,
  erpCidrs: ['172.20.0.0/16', '172.21.4.0/24'],
  link: { kind: 'transit-gateway', transitGatewayId: 'tgw-0a1b2c3d4e5f60718' },
};

const ERP_CALLERS = FUNCTION_CATALOG.filter((d) => d.grants.connectors?.includes('erp')).map((d) => d.key);

describe.each([
  ['site-to-site VPN', VPN],
  ['transit gateway', TGW],
] as const)('private network over a %s', (_, network) => {
  const { stack, template: main } = buildStack('prod', {
    config: { ...testConfig('prod'), privateNetwork: network },
  });
  // The network is a nested stack (ADR 0014): the functions are in the main template, the network
  // in the nested one, and the functions read its subnets and group through its outputs.
  const net = stack.privateNetwork!;
  const { template } = nestedTemplate(stack, main, net);
  const networkId = stack.getLogicalId(net.nestedStackResource as never);
  const outputs = template.toJSON().Outputs as Record<string, Json>;
  const throughOutputs = (value: Json): Json => {
    const [resource, attribute] = value?.['Fn::GetAtt'] ?? [];
    expect(resource, JSON.stringify(value)).toBe(networkId);
    return outputs[String(attribute).replace(/^Outputs\./, '')]!.Value;
  };
  const mainResources = main.toJSON().Resources as Record<string, Json>;
  const resources = template.toJSON().Resources as Record<string, Json>;
  const callersId = net.getLogicalId(net.callers.node.defaultChild as never);

  it('places exactly the ERP callers in the VPC’s private subnets, behind the callers’ group', () => {
    expect(ERP_CALLERS.length).toBeGreaterThan(0);
    const privateSubnets = net.vpc.privateSubnets.map((subnet) => net.resolve(subnet.subnetId));
    for (const definition of FUNCTION_CATALOG) {
      const fn =
        mainResources[stack.getLogicalId(stack.functions[definition.key].node.defaultChild as never)];
      const vpcConfig = fn.Properties.VpcConfig;
      if (ERP_CALLERS.includes(definition.key)) {
        expect(vpcConfig.SubnetIds.map(throughOutputs), definition.key).toEqual(privateSubnets);
        expect(vpcConfig.SecurityGroupIds.map(throughOutputs), definition.key).toEqual([
          { 'Fn::GetAtt': [callersId, 'GroupId'] },
        ]);
      } else {
        expect(vpcConfig, definition.key).toBeUndefined();
      }
    }
  });

  it('lets the callers out to the ERP on its port and to HTTPS, and nothing in', () => {
    const group = resources[callersId].Properties;
    expect(group.SecurityGroupIngress).toBeUndefined();
    expect(group.SecurityGroupEgress).toEqual(
      expect.arrayContaining([
        ...network.erpCidrs.map((cidr) =>
          expect.objectContaining({
            CidrIp: cidr,
            FromPort: network.erpPort,
            ToPort: network.erpPort,
            IpProtocol: 'tcp',
          }),
        ),
        expect.objectContaining({ CidrIp: '0.0.0.0/0', FromPort: 443, ToPort: 443, IpProtocol: 'tcp' }),
      ]),
    );
    expect(group.SecurityGroupEgress).toHaveLength(network.erpCidrs.length + 1);
  });

  it('routes the ERP’s ranges from every private subnet over the link', () => {
    const privateTables = net.vpc.privateSubnets.map((subnet) =>
      JSON.stringify(net.resolve(subnet.routeTable.routeTableId)),
    );
    if (network.link.kind === 'site-to-site-vpn') {
      template.hasResourceProperties('AWS::EC2::CustomerGateway', {
        IpAddress: network.link.customerGatewayIp,
        Type: 'ipsec.1',
      });
      const connectionId = resourcesOf(template, 'AWS::EC2::VPNConnection')[0]![0];
      expect(
        resourcesOf(template, 'AWS::EC2::VPNConnectionRoute').map(([, r]) => [
          r.Properties.DestinationCidrBlock,
          r.Properties.VpnConnectionId,
        ]),
      ).toEqual(network.erpCidrs.map((cidr) => [cidr, { Ref: connectionId }]));
      const propagation = resourcesOf(template, 'AWS::EC2::VPNGatewayRoutePropagation')[0]![1];
      expect(new Set(propagation.Properties.RouteTableIds.map((id: Json) => JSON.stringify(id)))).toEqual(
        new Set(privateTables),
      );
    } else {
      template.hasResourceProperties('AWS::EC2::TransitGatewayAttachment', {
        TransitGatewayId: network.link.transitGatewayId,
      });
      const routes = resourcesOf(template, 'AWS::EC2::Route')
        .map(([, r]) => r.Properties)
        .filter(
          (r) => r.TransitGatewayId === (network.link as { transitGatewayId: string }).transitGatewayId,
        );
      expect(routes).toHaveLength(privateTables.length * network.erpCidrs.length);
      for (const table of privateTables)
        expect(
          routes
            .filter((r) => JSON.stringify(r.RouteTableId) === table)
            .map((r) => r.DestinationCidrBlock)
            .sort(),
        ).toEqual([...network.erpCidrs].sort());
    }
  });

  it('keeps DynamoDB and S3 traffic on gateway endpoints and logs rejected flows', () => {
    const endpoints = resourcesOf(template, 'AWS::EC2::VPCEndpoint').map(([, e]) =>
      JSON.stringify(e.Properties.ServiceName),
    );
    expect(endpoints.some((name) => name.includes('dynamodb'))).toBe(true);
    expect(endpoints.some((name) => name.includes('.s3'))).toBe(true);
    template.hasResourceProperties('AWS::EC2::FlowLog', {
      TrafficType: 'REJECT',
      LogDestinationType: 'cloud-watch-logs',
    });
  });

  it('passes cdk-nag AwsSolutions', () => {
    const findings = new AwsSolutionsChecks()
      .validateScope(stack)
      .violations.map((v) => `${v.ruleName}: ${v.violatingResources.map((r) => r.constructPath).join(', ')}`);
    expect(findings).toEqual([]);
  });
});

describe('private network configuration', () => {
  it('comes from context as JSON and is validated, listing every problem', () => {
    const context = (json: string) => ({
      context: (key: string) => (key === 'privateNetwork' ? json : undefined),
    });
    expect(loadEnvironmentConfig('prod', context(JSON.stringify(VPN))).privateNetwork).toEqual(VPN);
    expect(() =>
      loadEnvironmentConfig(
        'prod',
        context(
          JSON.stringify({
            ...VPN,
            cidr: '10.40.0.0',
            erpCidrs: [],
            erpPort: 0,
            link: { kind: 'site-to-site-vpn', customerGatewayIp: 'gw' },
          }),
        ),
      ),
    ).toThrow(/privateNetwork\.cidr[\s\S]*erpCidrs must name[\s\S]*erpPort[\s\S]*customerGatewayIp 'gw'/);
    expect(() => loadEnvironmentConfig('prod', context('{'))).toThrow(/privateNetwork is not JSON/);
    expect(loadEnvironmentConfig('prod', {}).privateNetwork).toBeUndefined();
  });
});
