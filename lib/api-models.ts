import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { API_MODELS, type ApiModelName } from '../application/api-routes';
import type { JsonSchemaDocument } from './constructs/supplyline-api';

/** Where the canonical model generator writes the API's JSON Schema documents (draft 2020-12). */
export const JSON_SCHEMA_DIR = 'canonical/generated/json-schema/api';

/**
 * Reads the request model schemas the API validates from `canonical/generated/json-schema/api/`
 * (`<Name>.json`). Models without a file are left out; the stack decides whether that is
 * acceptable for the environment. The API construct converts them to API Gateway's draft 4.
 */
export function loadApiModels(projectRoot: string): Partial<Record<ApiModelName, JsonSchemaDocument>> {
  const models: Partial<Record<ApiModelName, JsonSchemaDocument>> = {};
  for (const name of API_MODELS) {
    const file = [`${name}.json`, `../${name}.json`]
      .map((candidate) => join(projectRoot, JSON_SCHEMA_DIR, candidate))
      .find((candidate) => existsSync(candidate));
    if (!file) continue;
    const parsed: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      throw new Error(`${file} is not a JSON Schema object`);
    }
    models[name] = parsed as JsonSchemaDocument;
  }
  return models;
}
