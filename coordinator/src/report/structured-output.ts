import type { JsonSchema } from '../config/types.js';

/** The final answer split into prose and the structured output (last fenced ```json block). */
export interface ParsedAnswer {
  summary: string;
  output?: unknown;
  parseError?: string;
}

/** Splits a final answer: the last ```json fenced block is the structured output. */
export function parseFinalAnswer(text: string): ParsedAnswer {
  const blocks = [...text.matchAll(/```json[ \t]*\r?\n([\s\S]*?)```/g)];
  const last = blocks.at(-1);
  if (!last) return { summary: text.trim() };
  const summary = (text.slice(0, last.index) + text.slice((last.index ?? 0) + last[0].length)).trim();
  try {
    return { summary, output: JSON.parse(last[1] ?? '') };
  } catch (error) {
    return {
      summary: text.trim(),
      parseError: `the json block is not valid JSON: ${(error as Error).message}`,
    };
  }
}

function typeOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'number' && Number.isInteger(value)) return 'integer';
  return typeof value;
}

/**
 * Validates `value` against the JSON Schema subset agents use: `type` (one or a list), `enum`,
 * `const`, `properties`, `required`, `additionalProperties: false`, `items`, `minItems`, `minLength`.
 * Returns the problems as `path: expectation` (empty when valid).
 */
export function validateJson(value: unknown, schema: JsonSchema, path = '$'): string[] {
  const problems: string[] = [];
  const types =
    schema.type === undefined
      ? undefined
      : Array.isArray(schema.type)
        ? (schema.type as string[])
        : [schema.type as string];
  const actual = typeOf(value);
  if (types && !types.some((type) => type === actual || (type === 'number' && actual === 'integer'))) {
    return [`${path}: expected ${types.join(' or ')}, got ${actual}`];
  }
  if (
    Array.isArray(schema.enum) &&
    !schema.enum.some((item) => JSON.stringify(item) === JSON.stringify(value))
  ) {
    problems.push(`${path}: expected one of ${schema.enum.map((item) => JSON.stringify(item)).join(', ')}`);
  }
  if ('const' in schema && JSON.stringify(schema.const) !== JSON.stringify(value))
    problems.push(`${path}: expected ${JSON.stringify(schema.const)}`);
  if (
    actual === 'string' &&
    typeof schema.minLength === 'number' &&
    (value as string).length < schema.minLength
  ) {
    problems.push(`${path}: expected at least ${schema.minLength} characters`);
  }
  if (actual === 'object') {
    const record = value as Record<string, unknown>;
    const properties = (schema.properties ?? {}) as Record<string, JsonSchema>;
    for (const key of (schema.required ?? []) as string[])
      if (!(key in record)) problems.push(`${path}.${key}: required`);
    for (const [key, item] of Object.entries(record)) {
      const propertySchema = properties[key];
      if (propertySchema) problems.push(...validateJson(item, propertySchema, `${path}.${key}`));
      else if (schema.additionalProperties === false) problems.push(`${path}.${key}: not allowed`);
    }
  }
  if (actual === 'array') {
    const items = value as unknown[];
    if (typeof schema.minItems === 'number' && items.length < schema.minItems)
      problems.push(`${path}: expected at least ${schema.minItems} items`);
    if (schema.items && typeof schema.items === 'object') {
      items.forEach((item, index) => {
        problems.push(...validateJson(item, schema.items as JsonSchema, `${path}[${index}]`));
      });
    }
  }
  return problems;
}
