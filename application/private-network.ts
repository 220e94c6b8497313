/**
 * The private network to the ERP (ADR 0008): environment configuration, plain data.
 */

/** How the ERP's private network is reached from the VPC. */
export type ErpLink =
  /** An IPsec Site-to-Site VPN to the distributor's on-premises gateway (static routes). */
  | { readonly kind: 'site-to-site-vpn'; readonly customerGatewayIp: string }
  /** An existing Transit Gateway (shared by the network team) that routes to the ERP. */
  | { readonly kind: 'transit-gateway'; readonly transitGatewayId: string };

/**
 * A VPC for the functions that call the ERP, with private connectivity to an on-premises or
 * private ERP (ADR 0008). The other functions stay outside any VPC.
 */
export interface PrivateNetwork {
  /** The VPC's range, e.g. `10.40.0.0/22`; must not overlap the ERP's. */
  readonly cidr: string;
  /** Availability zones (one private and one public subnet and one NAT gateway in each). */
  readonly availabilityZones: number;
  /** The ERP's network ranges, routed over `link`. */
  readonly erpCidrs: readonly string[];
  /** The ERP's TCP port (443 for HTTPS). */
  readonly erpPort: number;
  readonly link: ErpLink;
}
