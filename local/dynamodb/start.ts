/**
 * DynamoDB for the local runtime: dynalite in a worker thread (worker.mjs), off the main event
 * loop, with the template's tables (created from the template, not from `application/resources`).
 */
import { Worker } from 'node:worker_threads';
import { CreateTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { TemplateModel } from '../../assembly';
import { LOCAL_CREDENTIALS } from '../http/aws-json';

/** The running local DynamoDB. */
export interface LocalDynamoDb {
  endpoint: string;
  client: DynamoDBClient;
  stop(): Promise<void>;
}

/** Starts dynalite and creates the assembly's tables (kept when they exist in `path`). */
export async function startDynamoDb(
  assembly: Pick<TemplateModel, 'region' | 'tables'>,
  options: {
    host: string;
    /** Folder the tables persist in; in memory without it. */
    path?: string;
    log: (line: string) => void;
  },
): Promise<LocalDynamoDb> {
  options.log(`starting DynamoDB (dynalite, ${assembly.tables.length} tables)`);
  const worker = await startDynamoWorker({
    host: options.host,
    ...(options.path ? { path: options.path } : {}),
  });
  const endpoint = `http://${options.host}:${worker.port}`;
  const client = new DynamoDBClient({ region: assembly.region, endpoint, credentials: LOCAL_CREDENTIALS });
  const stop = async () => {
    client.destroy();
    await worker.stop();
  };
  try {
    for (const table of assembly.tables) {
      try {
        await client.send(new CreateTableCommand(table.createTableInput));
      } catch (error) {
        if ((error as Error).name !== 'ResourceInUseException') throw error;
      }
    }
  } catch (error) {
    await stop();
    throw error;
  }
  return { endpoint, client, stop };
}

/** dynalite in a worker thread (worker.mjs): off the main event loop. */
async function startDynamoWorker(options: {
  host: string;
  path?: string;
}): Promise<{ port: number; stop(): Promise<void> }> {
  const worker = new Worker(new URL('./worker.mjs', import.meta.url), {
    workerData: options,
    name: 'dynalite',
  });
  const message = (type: string) =>
    new Promise<{ port?: number }>((resolve, reject) => {
      const onMessage = (m: { type: string; port?: number }) => {
        if (m.type !== type) return;
        worker.off('message', onMessage);
        worker.off('error', reject);
        resolve(m);
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
    });
  const { port } = await message('listening');
  return {
    port: port!,
    stop: async () => {
      const closed = message('closed');
      worker.postMessage({ type: 'close' });
      await closed;
      await worker.terminate();
    },
  };
}
