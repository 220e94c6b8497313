/**
 * The system APIs' ports (issue #17): the read store (TABLES.systemReadStore), the clock and the
 * lease owner ids of the read-through, built once per execution environment.
 */
import { setTimeout as delay } from 'node:timers/promises';
import { DynamoDbReadStore } from '../../adapters/aws/read-store';
import { TABLES } from '../../application/resources';
import type { ReadThroughPorts } from '../../domain/system-apis/read-through';
import { documents, env, lazy } from '../commons/clients';

/** The read store. */
export const systemReadStore = /* @__PURE__ */ lazy(
  () => new DynamoDbReadStore(documents(), env(TABLES.systemReadStore.envVar)),
);

/** The read-through's ports. */
export const readThroughPorts = /* @__PURE__ */ lazy((): ReadThroughPorts => ({
  store: systemReadStore(),
  now: Date.now,
  newId: () => crypto.randomUUID(),
  sleep: async (ms) => {
    await delay(ms);
  },
}));
