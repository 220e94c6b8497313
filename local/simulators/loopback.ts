/** Starting and stopping a simulator's HTTP server on the loopback interface. */
import { createServer, type Server } from 'node:http';
import { listen } from '../http/server';

/** A new HTTP server listening on 127.0.0.1 (`port` 0: any free port); the caller adds the request listener. */
export async function listenOnLoopback(port = 0): Promise<{ server: Server; url: string }> {
  const server = createServer();
  const { url } = await listen(server, port);
  return { server, url };
}

/** Stops the server and drops open connections; resolves even when it was stopped already. */
export async function stopServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}
