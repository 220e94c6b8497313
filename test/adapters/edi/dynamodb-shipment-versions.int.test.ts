/** The shipment ids' versions on the local DynamoDB (dynalite): conditional updates of the EDI ledger table. */
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll } from 'vitest';
import { DynamoDbShipmentVersions } from '../../../adapters/edi/dynamodb-shipment-versions';
import { startLocalDynamo, type LocalDynamo } from '../../../local/dynamodb/tables';
import { shipmentVersionsContract } from './shipment-versions-contract';

const NOW = new Date('2026-12-05T20:00:00Z');
let dynamo: LocalDynamo;
let versions: DynamoDbShipmentVersions;
beforeAll(async () => {
  dynamo = await startLocalDynamo({ prefix: 'shipment-versions' });
  versions = new DynamoDbShipmentVersions(
    DynamoDBDocumentClient.from(dynamo.client),
    dynamo.tableNames.ediLedger,
    () => NOW,
  );
});
afterAll(async () => dynamo.stop());

shipmentVersionsContract('DynamoDB (dynalite)', () => ({ versions, now: NOW }));
