import { NestedStack, Validations, type RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { PrivateNetwork as PrivateNetworkConfig } from '../../application/environments';

/** Properties of {@link PrivateNetwork}. */
export interface PrivateNetworkProps {
  readonly config: PrivateNetworkConfig;
  readonly logRetention: logs.RetentionDays;
  readonly logRemovalPolicy: RemovalPolicy;
  readonly logEncryptionKey: kms.IKey;
}

/**
 * The VPC the ERP callers run in (ADR 0008): private subnets with a NAT gateway per zone (the
 * procurement platform and AWS APIs are on the internet side), gateway endpoints for DynamoDB and
 * S3 (free, and most of the traffic), the ERP's ranges routed over a Site-to-Site VPN or an
 * existing Transit Gateway, flow logs, and one security group for the callers: out to the ERP's
 * ranges on its port and HTTPS anywhere, nothing in.
 *
 * A nested stack of its own (ADR 0014): it reads only the logs key from the main stack, and the
 * main stack reads back its subnets and the callers' group, so its 36 resources leave the main
 * stack's 500 without a cycle, and it still deploys and rolls back with the application.
 */
export class PrivateNetwork extends NestedStack {
  public readonly vpc: ec2.Vpc;
  /** The security group of every function placed in the VPC. */
  public readonly callers: ec2.SecurityGroup;
  public readonly subnets: ec2.SubnetSelection = { subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS };

  constructor(scope: Construct, id: string, props: PrivateNetworkProps) {
    super(scope, id, { description: 'Supplyline: the ERP callers’ private network (ADR 0008)' });
    const config = props.config;
    const link = config.link;
    const vpn = link.kind === 'site-to-site-vpn';
    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr(config.cidr),
      maxAzs: config.availabilityZones,
      natGateways: config.availabilityZones,
      subnetConfiguration: [
        { name: 'public', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 26 },
        { name: 'erp-callers', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 25 },
      ],
      // Nothing uses the default group; restricting it takes a custom-resource Lambda.
      restrictDefaultSecurityGroup: false,
      gatewayEndpoints: {
        dynamodb: { service: ec2.GatewayVpcEndpointAwsService.DYNAMODB },
        s3: { service: ec2.GatewayVpcEndpointAwsService.S3 },
      },
      ...(vpn
        ? {
            vpnConnections: {
              erp: { ip: link.customerGatewayIp, staticRoutes: [...config.erpCidrs] },
            },
            vpnRoutePropagation: [this.subnets],
          }
        : {}),
    });
    const flowLogs = new logs.LogGroup(this, 'FlowLogs', {
      retention: props.logRetention,
      removalPolicy: props.logRemovalPolicy,
      encryptionKey: props.logEncryptionKey,
    });
    this.vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs),
      trafficType: ec2.FlowLogTrafficType.REJECT,
    });

    if (link.kind === 'transit-gateway') {
      const privateSubnets = this.vpc.selectSubnets(this.subnets).subnets;
      const attachment = new ec2.CfnTransitGatewayAttachment(this, 'TransitGatewayAttachment', {
        transitGatewayId: link.transitGatewayId,
        vpcId: this.vpc.vpcId,
        subnetIds: privateSubnets.map((subnet) => subnet.subnetId),
      });
      privateSubnets.forEach((subnet, zone) => {
        config.erpCidrs.forEach((cidr, index) => {
          const route = new ec2.CfnRoute(this, `ErpRoute${zone}x${index}`, {
            routeTableId: subnet.routeTable.routeTableId,
            destinationCidrBlock: cidr,
            transitGatewayId: link.transitGatewayId,
          });
          route.addDependency(attachment);
        });
      });
    }

    this.callers = new ec2.SecurityGroup(this, 'ErpCallers', {
      vpc: this.vpc,
      description: 'Supplyline functions that call the ERP: out to the ERP and HTTPS, nothing in',
      allowAllOutbound: false,
    });
    for (const cidr of config.erpCidrs)
      this.callers.addEgressRule(ec2.Peer.ipv4(cidr), ec2.Port.tcp(config.erpPort), 'The ERP');
    this.callers.addEgressRule(
      ec2.Peer.anyIpv4(),
      ec2.Port.tcp(443),
      'AWS APIs and the procurement platform (HTTPS)',
    );
    Validations.of(this.callers).acknowledge({
      id: 'AwsSolutions-EC23',
      reason: 'No ingress rule at all: the only rules are egress (the ERP on its port, HTTPS).',
    });
  }
}
