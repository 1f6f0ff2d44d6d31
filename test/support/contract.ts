/**
 * Real answers checked against the OpenAPI document: the status must be one the route documents,
 * with the content type it documents, and a JSON body must validate against the documented schema
 * (JSON Schema 2020-12, as OpenAPI 3.1 uses, by ajv).
 */
import { readFileSync } from 'node:fs';

import { Ajv2020 } from 'ajv/dist/2020.js';
import addFormatsModule from 'ajv-formats';
import { expect } from 'vitest';

import { OPENAPI_FILE } from '../../infra/openapi.js';

type Document = { paths: Record<string, Record<string, { responses: Record<string, { content?: Record<string, unknown> }> }>> };
const document = JSON.parse(readFileSync(OPENAPI_FILE, 'utf8')) as Document;
const addFormats = addFormatsModule as unknown as typeof addFormatsModule.default;
const ajv = new Ajv2020({ strict: false, allErrors: true, validateSchema: false });
addFormats(ajv);
ajv.addSchema(document as object, 'openapi.json');

/** A JSON pointer token in a URI fragment. */
const token = (s: string) => encodeURIComponent(s.replace(/~/g, '~0').replace(/\//g, '~1'));

/**
 * Checks a real answer of `METHOD path` (the route table's path, `{id}` and all) against the
 * document, and returns its body (parsed when JSON).
 */
export async function documented(route: string, response: Response): Promise<any> {
  const [method, path] = route.split(' ') as [string, string];
  const text = await response.text();
  const answers = document.paths[path]?.[method.toLowerCase()]?.responses;
  expect(answers, `${route} is documented`).toBeDefined();
  const answer = answers![String(response.status)];
  expect(answer, `${route} documents its ${response.status} answer (${text.slice(0, 200)})`).toBeDefined();
  const type = (response.headers.get('content-type') ?? '').split(';')[0]!.trim();
  if (!answer!.content) return text;
  expect(Object.keys(answer!.content), `${route} ${response.status} documents ${type}`).toContain(type);
  if (!type.endsWith('json')) return text;
  const body = JSON.parse(text) as unknown;
  const pointer = ['paths', path, method.toLowerCase(), 'responses', String(response.status), 'content', type, 'schema']
    .map(token)
    .join('/');
  const validate = ajv.getSchema(`openapi.json#/${pointer}`);
  expect(validate, `a schema for ${route} ${response.status}`).toBeDefined();
  const valid = validate!(body);
  expect(valid ? [] : validate!.errors, `${route} ${response.status} matches its schema`).toEqual([]);
  return body;
}
