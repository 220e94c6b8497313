/**
 * Checks every answer of a documented operation against the OpenAPI document
 * (canonical/generated/openapi.json): the operation must document the status and the media type,
 * and the body must match that response's schema (JSON Schema 2020-12 over the document's
 * components). The local API Gateway records each violation when the runtime runs with
 * `checkAnswers` (on under the test suite), and test/support/answer-contract.ts fails the test that
 * caused it: every API test checks the contract without saying so.
 */
import type { ServerResponse } from 'node:http';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020';
import addFormatsModule from 'ajv-formats';

const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as typeof addFormatsModule;

/** One answer as the client received it. */
export interface Answer {
  method: string;
  /** The operation's path template, e.g. `/v1/purchase-orders/{poId}/sync`. */
  resourcePath: string;
  status: number;
  contentType: string | null;
  body: unknown;
}

/** An answer the document does not describe. */
export interface AnswerViolation extends Omit<Answer, 'body'> {
  problems: string[];
}

type Operation = { responses: Record<string, { content?: Record<string, { schema: object }> }> };
type Document = { paths: Record<string, Record<string, Operation>>; components: object };

const BASE = 'https://supplyline.invalid/openapi.json';

/** The checker of an OpenAPI 3.1 document: the problems of an answer, [] when it is documented. */
export function answerChecker(document: object): (answer: Answer) => string[] {
  const { paths, components } = document as Document;
  const ajv = new Ajv2020({ allErrors: true, strict: false });
  addFormats(ajv);
  ajv.addSchema({ $id: BASE, components });
  const compiled = new Map<string, ValidateFunction>();
  return (answer) => {
    const where = `${answer.method} ${answer.resourcePath}`;
    const operation = paths[answer.resourcePath]?.[answer.method.toLowerCase()];
    if (!operation) return [`${where} is not in the OpenAPI document`];
    const response = operation.responses[String(answer.status)];
    if (!response) return [`${where} does not document ${answer.status}`];
    // An answer without content (a 304) is documented by its status alone, whatever Content-Type
    // the gateway gives it (API Gateway defaults a proxy answer to application/json).
    if (!response.content && answer.body === undefined) return [];
    const mediaType = (answer.contentType ?? '').split(';')[0]!.trim();
    const content = response.content?.[mediaType];
    if (!content) return [`${where} ${answer.status} does not document ${mediaType || 'an empty type'}`];
    const key = `${where} ${answer.status} ${mediaType}`;
    let validate = compiled.get(key);
    if (!validate) {
      const schema = JSON.parse(
        JSON.stringify(content.schema).replaceAll('"#/components/', `"${BASE}#/components/`),
      ) as object;
      validate = ajv.compile(schema);
      compiled.set(key, validate);
    }
    if (validate(answer.body)) return [];
    return (validate.errors ?? []).map(
      (error) => `${key}: ${error.instancePath || '/'} ${error.message ?? 'is invalid'}`,
    );
  };
}

/** Calls `onAnswer` with what `res` answers (status, content type, JSON body) once it ends. */
export function watchAnswer(
  res: ServerResponse,
  onAnswer: (answer: Pick<Answer, 'status' | 'contentType' | 'body'>) => void,
): void {
  const chunks: Buffer[] = [];
  let contentType: string | null = null;
  // The proxy passes its headers to writeHead, which getHeader does not see.
  const writeHead = res.writeHead.bind(res) as (...args: unknown[]) => ServerResponse;
  res.writeHead = ((...args: unknown[]) => {
    const headers = args.find((arg) => typeof arg === 'object' && arg !== null) as
      Record<string, unknown> | undefined;
    const type = Object.entries(headers ?? {}).find(([name]) => name.toLowerCase() === 'content-type');
    if (type) contentType = String(type[1]);
    return writeHead(...args);
  }) as typeof res.writeHead;
  const end = res.end.bind(res) as (...args: unknown[]) => ServerResponse;
  res.end = ((...args: unknown[]) => {
    const [chunk] = args;
    if (typeof chunk === 'string' || Buffer.isBuffer(chunk)) chunks.push(Buffer.from(chunk));
    const text = Buffer.concat(chunks).toString('utf8');
    let body: unknown = text;
    try {
      body = text === '' ? undefined : JSON.parse(text);
    } catch {
      // Not JSON: checked as text, which a JSON schema refuses.
    }
    const type = res.getHeader('content-type');
    contentType ??= type === undefined ? null : String(type);
    onAnswer({ status: res.statusCode, contentType, body });
    return end(...args);
  }) as typeof res.end;
}

const REGISTRY = Symbol.for('supplyline.answerViolations');

/** Violations recorded in this process since the last {@link takeAnswerViolations}. */
function registry(): AnswerViolation[] {
  const holder = globalThis as { [REGISTRY]?: AnswerViolation[] };
  holder[REGISTRY] ??= [];
  return holder[REGISTRY];
}

/** Records a violation for the test harness (test/support/answer-contract.ts). */
export function recordAnswerViolation(violation: AnswerViolation): void {
  registry().push(violation);
}

/** The violations recorded since the last call, cleared. */
export function takeAnswerViolations(): AnswerViolation[] {
  return registry().splice(0);
}
