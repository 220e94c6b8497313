/**
 * A small HTTP server speaking the AWS JSON protocols (1.0 and 1.1): POST, `X-Amz-Target:
 * <Prefix>.<Operation>`, JSON in and out, errors as `{"__type": ..., "message": ...}` with HTTP
 * 400, timestamps as epoch seconds. The unmodified AWS SDK clients work against it with `endpoint`.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomUUID } from 'node:crypto';
import { BodyTooLargeError, listen, readBody, type ListeningServer } from './server';

/** The credentials of every SDK client on a stand-in: nothing checks them locally. */
export const LOCAL_CREDENTIALS = { accessKeyId: 'local', secretAccessKey: 'local' };

/** An error the SDK maps to its named exception (`__type`). */
export class AwsServiceError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = type;
  }
}

/** Operations by name; input is the parsed JSON body. */
export type AwsJsonOperations = Record<string, (input: Record<string, unknown>) => unknown>;

/** A running endpoint. */
export type AwsJsonServer = ListeningServer;

/** Starts an AWS JSON endpoint on `host:port` (0 = a free port). */
export async function startAwsJsonServer(options: {
  /** `AWSStepFunctions`, `secretsmanager`... */
  targetPrefix: string;
  /** `1.0` or `1.1` */
  version: '1.0' | '1.1';
  operations: AwsJsonOperations;
  port?: number;
  host?: string;
  /** Name for internal error logs. */
  name: string;
}): Promise<AwsJsonServer> {
  const contentType = `application/x-amz-json-${options.version}`;
  const server = createServer((req, res) => {
    void handle(req, res);
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestId = randomUUID();
    const send = (status: number, body: unknown) => {
      const text = JSON.stringify(toWire(body));
      res.writeHead(status, {
        'content-type': contentType,
        'content-length': Buffer.byteLength(text),
        'x-amzn-requestid': requestId,
      });
      res.end(text);
    };
    try {
      const body = await readBody(req).catch((error: unknown) => {
        throw error instanceof BodyTooLargeError
          ? new AwsServiceError('RequestEntityTooLarge', error.message, 413)
          : error;
      });
      const target = req.headers['x-amz-target'];
      const dot = typeof target === 'string' ? target.indexOf('.') : -1;
      const prefix = dot > 0 ? (target as string).slice(0, dot) : undefined;
      const operation = dot > 0 ? (target as string).slice(dot + 1) : undefined;
      const handler =
        req.method === 'POST' &&
        prefix === options.targetPrefix &&
        operation &&
        Object.hasOwn(options.operations, operation)
          ? options.operations[operation]
          : undefined;
      if (!handler)
        throw new AwsServiceError(
          'UnknownOperationException',
          `Operation ${String(target)} is not supported locally`,
        );
      let input: unknown;
      try {
        input = body.length === 0 ? {} : JSON.parse(body.toString('utf8'));
      } catch {
        throw new AwsServiceError('SerializationException', 'Request body is not valid JSON.');
      }
      if (input === null || typeof input !== 'object' || Array.isArray(input)) {
        throw new AwsServiceError('SerializationException', 'Request body must be a JSON object.');
      }
      send(200, await handler(input as Record<string, unknown>));
    } catch (error) {
      if (error instanceof AwsServiceError) {
        send(error.status, { __type: error.type, message: error.message });
      } else {
        console.error(`[${options.name}] internal error`, error);
        send(500, { __type: 'InternalFailure', message: String(error) });
      }
    }
  }

  return listen(server, options.port, options.host);
}

/** JSON protocol timestamps are epoch seconds. */
function toWire(value: unknown): unknown {
  if (value instanceof Date) return value.getTime() / 1000;
  if (Array.isArray(value)) return value.map(toWire);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value)
        .filter(([, v]) => v !== undefined)
        .map(([k, v]) => [k, toWire(v)]),
    );
  }
  return value;
}

/** A required string field. */
export function requiredString(input: Record<string, unknown>, field: string): string {
  const value = input[field];
  if (typeof value !== 'string' || value === '') {
    throw new AwsServiceError(
      'ValidationException',
      `1 validation error detected: Value null at '${field}' failed to satisfy constraint: Member must not be null`,
    );
  }
  return value;
}
