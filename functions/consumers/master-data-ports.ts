/**
 * master-data-sync's ports. Apart from the consumers' composition root (composition.ts) because they
 * reach the ERP instances: imported there, the connectors would be in every consumer's bundle.
 */
import { oncePerKey } from '../../adapters/aws/once-per-key';
import { TABLES } from '../../application/resources';
import type { PostedPurchaseOrder } from '../../domain/commitment/types';
import { postedCommitments, publish, syncLedger } from '../commons/adapters';
import { dynamo, env, lazy } from '../commons/clients';
import { erpInstancePorts } from '../commons/connectors';
import { emitMetric } from '../commons/powertools';
import type { MasterDataPorts } from './master-data-sync';

/** The ledger, the posted commitments, the bus, and every ERP instance with its per-key record. */
export const masterDataPorts = /* @__PURE__ */ lazy((): MasterDataPorts => {
  const commitments = postedCommitments();
  return {
    ledger: syncLedger(),
    openCommitmentsOf: async (supplierNumber) => {
      const open: Pick<PostedPurchaseOrder, 'poNumber' | 'externalRef'>[] = [];
      for await (const { po } of commitments.posted(' AND attribute_not_exists(fullyReceivedAt)'))
        if (po.supplierNumber === supplierNumber)
          open.push({ poNumber: po.poNumber, externalRef: po.externalRef });
      return open;
    },
    publish,
    metric: emitMetric,
    newId: () => crypto.randomUUID(),
    erps: erpInstancePorts(),
    once: oncePerKey({
      client: dynamo(),
      tableName: env(TABLES.idempotency.envVar),
      scope: 'master-data-sync',
    }),
  };
});
