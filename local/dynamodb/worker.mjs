/**
 * DynamoDB (dynalite) in its own worker thread: its request parsing, expression parsing and
 * LevelDB work would otherwise share the runtime's main event loop with every other stand-in.
 * Plain JavaScript: workers run without the TypeScript loader.
 */
import { createRequire } from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';

const require = createRequire(import.meta.url);
const dynalite = require('dynalite');

const { host, port, path } = workerData;
const server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0, ...(path ? { path } : {}) });
server.listen(port ?? 0, host, () =>
  parentPort.postMessage({ type: 'listening', port: server.address().port }),
);
parentPort.on('message', (message) => {
  // Closing the server also closes the LevelDB store, so a persisted table is complete on disk.
  if (message.type === 'close') server.close(() => parentPort.postMessage({ type: 'closed' }));
});
