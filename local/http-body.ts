/** Reading a whole HTTP request body, bounded: shared by the AWS endpoints and the simulators. */
import type { IncomingMessage } from 'node:http';

export class BodyTooLargeError extends Error {
  readonly status = 413;
  constructor(limitBytes: number) {
    super(`Request body larger than ${limitBytes} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/** The whole request body; rejects with BodyTooLargeError past `limitBytes`. */
export function readBody(req: IncomingMessage, limitBytes = 10 * 1024 * 1024): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limitBytes) {
        reject(new BodyTooLargeError(limitBytes));
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
