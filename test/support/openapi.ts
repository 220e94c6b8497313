/**
 * Checks an API answer against the published OpenAPI document (canonical/generated/openapi.json):
 * the operation of the method and path must document the status and the content type, and the
 * body must match that response's schema (JSON Schema 2020-12 over the document's components).
 */
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020';
import addFormatsModule from 'ajv-formats';
import { expect } from 'vitest';
import openApi from '../../canonical/generated/openapi.json';

const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ??
  addFormatsModule) as typeof addFormatsModule;

type Operation = { responses: Record<string, { content?: Record<string, { schema: object }> }> };

const ajv = new Ajv2020({ allErrors: true, strict: false });
addFormats(ajv);
ajv.addSchema({ $id: 'https://supplyline.invalid/openapi.json', components: openApi.components });
const compiled = new Map<string, ValidateFunction>();

/** Asserts `body` is what the document says `method path` answers with `status` and `contentType`. */
export function expectDocumentedAnswer(
  method: 'GET' | 'POST',
  path: string,
  answer: { status: number; contentType: string | null; body: unknown },
): void {
  const operation = (openApi.paths as Record<string, Record<string, Operation>>)[path]?.[
    method.toLowerCase()
  ];
  expect(operation, `${method} ${path} is not in the OpenAPI document`).toBeDefined();
  const response = operation!.responses[String(answer.status)];
  expect(response, `${method} ${path} does not document ${answer.status}`).toBeDefined();
  const mediaType = (answer.contentType ?? '').split(';')[0]!.trim();
  const content = response!.content?.[mediaType];
  expect(content, `${method} ${path} ${answer.status} does not document ${mediaType}`).toBeDefined();
  const key = `${method} ${path} ${answer.status} ${mediaType}`;
  let validate = compiled.get(key);
  if (!validate) {
    const schema = JSON.parse(
      JSON.stringify(content!.schema).replaceAll(
        '"#/components/',
        '"https://supplyline.invalid/openapi.json#/components/',
      ),
    ) as object;
    validate = ajv.compile(schema);
    compiled.set(key, validate);
  }
  expect(validate(answer.body) ? [] : validate.errors, key).toEqual([]);
}
