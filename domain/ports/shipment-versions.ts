/**
 * Which version of a supplier's shipment id the ERP was given, by the ASN's issue time (BSN03/BSN04
 * as `reportedAt`): partners deliver out of order and their control numbers are not ordered, so the
 * issue time is the only order there is (ADR 10 decision 17). One record per supplier and shipment
 * id, whatever the orders and ERPs the shipment covers.
 */

/** What taking a version found. */
export type ShipmentVersionClaim =
  /** The version is the shipment's latest (new, newer, or the same again): apply it. */
  | { readonly outcome: 'taken' }
  /** A newer version was taken already: this one is stale. */
  | { readonly outcome: 'superseded'; readonly latestIssuedAt: string }
  /** An older version is being applied until `until` at the latest: wait, then take again. */
  | { readonly outcome: 'busy'; readonly until: string };

/** The shipment ids' latest versions (adapters/edi/dynamodb-shipment-versions.ts). */
export interface ShipmentVersions {
  /**
   * Atomically takes version `issuedAt` (ISO instant) of the supplier's shipment for applying until
   * `until`: taken when nothing newer was taken and no older one is being applied (or its applying
   * ran out), and always for the version already taken (a retry or re-delivery applies it again).
   */
  take(
    supplierNumber: string,
    shipmentId: string,
    issuedAt: string,
    until: string,
  ): Promise<ShipmentVersionClaim>;
  /**
   * Ends the applying of version `issuedAt`, written to the ERP or failed: it stays the shipment's
   * latest (a retry takes it again, an older one is stale). A no-op once a newer one was taken.
   */
  release(supplierNumber: string, shipmentId: string, issuedAt: string): Promise<void>;
}
