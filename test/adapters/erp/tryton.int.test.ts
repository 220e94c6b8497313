import { expect } from 'vitest';
import { TrytonErpAdmin } from '../../../scripts/tryton/admin';
import { TrytonErp } from '../../../adapters/erp/tryton/tryton-erp';
import { startTryton } from '../../support/tryton';
import { erpContract } from './erp-contract';

// A real Tryton 6.0 (installed and provisioned on demand by test/support/tryton.ts; never skipped).
erpContract('Tryton 6.0 over JSON-RPC', async () => {
  const tryton = await startTryton();
  const connection = { url: tryton.url, database: tryton.db, user: tryton.user, password: tryton.password };
  return {
    erp: new TrytonErp(connection),
    admin: new TrytonErpAdmin(connection),
    async close() {
      try {
        // Post-commit processing failures (e.g. missing accounts) reach only the log, as CRITICAL.
        expect(tryton.criticalLines(), `CRITICAL lines in ${tryton.logPath}`).toEqual([]);
      } finally {
        await tryton.stop();
      }
    },
  };
});
