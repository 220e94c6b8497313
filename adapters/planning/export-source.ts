/**
 * Fetching a published forecast export (`forecast.published` -> `export.location`): one plain GET
 * of the pre-signed URL, streamed chunk by chunk into a Node Readable; the file is never buffered.
 *
 * Failures a retry can fix are TransientFailure: no answer before `headersTimeoutMs`, a non-2xx
 * status, a stall longer than `idleTimeoutMs` between chunks, a connection cut before the declared
 * Content-Length. A body that ends early without the transport noticing is caught downstream by the
 * sha256 check (ExportChecksumMismatch).
 */
import { Readable } from 'node:stream';
import { ContractViolation, TransientFailure } from '../../domain/failures';

const SYSTEM = 'planning';

/** Options of {@link openForecastExport}. */
export interface ExportSourceOptions {
  /** Time to the response headers. @default 30000 */
  headersTimeoutMs?: number;
  /** Longest pause between two body chunks. @default 60000 */
  idleTimeoutMs?: number;
  /** Accept `http:` URLs (the local runtime's simulators); the contract promises HTTPS. @default false */
  allowHttp?: boolean;
  /** Aborts the download (e.g. when the Lambda is about to time out). */
  signal?: AbortSignal;
  /** @default globalThis.fetch */
  fetch?: typeof fetch;
}

/** An open export: its bytes and what the server said about them. */
export interface OpenedExport {
  body: Readable;
  /** Content-Length, when the server declared it. */
  contentLength: number | undefined;
}

/** Opens the export at `location` (a pre-signed URL: no credentials are sent). */
export async function openForecastExport(
  location: string,
  options: ExportSourceOptions = {},
): Promise<OpenedExport> {
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    throw new ContractViolation('forecast export location is not a URL', SYSTEM);
  }
  if (url.protocol !== 'https:' && !(options.allowHttp && url.protocol === 'http:'))
    throw new ContractViolation(`forecast export location must be https, got ${url.protocol}`, SYSTEM, {
      host: url.host,
    });

  const controller = new AbortController();
  const abortFromCaller = () => controller.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', abortFromCaller, { once: true });
  const headersTimeoutMs = options.headersTimeoutMs ?? 30_000;
  const headersTimer = setTimeout(
    () => controller.abort(new Error(`no answer within ${headersTimeoutMs} ms`)),
    headersTimeoutMs,
  );
  // Never log the query string: it holds the pre-signed credentials.
  const where = `${url.protocol}//${url.host}${url.pathname}`;
  let response: Response;
  try {
    response = await (options.fetch ?? globalThis.fetch)(url, { method: 'GET', signal: controller.signal });
  } catch (error) {
    options.signal?.removeEventListener('abort', abortFromCaller);
    throw new TransientFailure(
      `forecast export ${where}: ${messageOf(controller.signal.reason ?? error)}`,
      SYSTEM,
      undefined,
      { cause: error },
    );
  } finally {
    clearTimeout(headersTimer);
  }
  if (response.status < 200 || response.status > 299 || !response.body) {
    options.signal?.removeEventListener('abort', abortFromCaller);
    await response.body?.cancel().catch(() => undefined);
    throw new TransientFailure(
      `forecast export ${where}: HTTP ${response.status}`,
      SYSTEM,
      retryAfterSeconds(response.headers.get('retry-after')),
    );
  }
  const declared = Number(response.headers.get('content-length') ?? Number.NaN);
  const contentLength = Number.isSafeInteger(declared) && declared >= 0 ? declared : undefined;
  const reader = response.body.getReader();
  const idleTimeoutMs = options.idleTimeoutMs ?? 60_000;

  async function* chunks(): AsyncGenerator<Buffer> {
    let received = 0;
    try {
      for (;;) {
        let idle: NodeJS.Timeout | undefined;
        const stalled = new Promise<never>((_, reject) => {
          idle = setTimeout(
            () =>
              reject(
                new TransientFailure(`forecast export ${where}: stalled for ${idleTimeoutMs} ms`, SYSTEM),
              ),
            idleTimeoutMs,
          );
        });
        let next: Awaited<ReturnType<typeof reader.read>>;
        try {
          next = await Promise.race([reader.read(), stalled]);
        } catch (error) {
          if (error instanceof TransientFailure) throw error;
          throw new TransientFailure(
            `forecast export ${where}: download failed after ${received} bytes: ${messageOf(controller.signal.reason ?? error)}`,
            SYSTEM,
            undefined,
            { cause: error },
          );
        } finally {
          clearTimeout(idle);
        }
        if (next.done) break;
        received += next.value.byteLength;
        yield Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength);
      }
      if (contentLength !== undefined && received !== contentLength)
        throw new TransientFailure(
          `forecast export ${where}: ${received} bytes received, ${contentLength} declared`,
          SYSTEM,
        );
    } finally {
      options.signal?.removeEventListener('abort', abortFromCaller);
      // Destroyed early (a stale version is not read): release the connection.
      controller.abort();
      await reader.cancel().catch(() => undefined);
    }
  }

  return { body: Readable.from(chunks(), { objectMode: false }), contentLength };
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/** Retry-After in seconds (delta or HTTP date); undefined when absent or unreadable. */
function retryAfterSeconds(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds) && seconds >= 0) return Math.ceil(seconds);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - Date.now()) / 1000));
}
