import type { z } from 'zod';
import { closestKey } from './closest-key.js';

/** One zod issue, as the file's field and what to write there. */
export interface IssueDescription {
  field: string;
  message: string;
}

type Issue = z.core.$ZodIssue;

/** `a.b[0].c`, or `(root)` for the whole value. */
export function fieldPath(path: readonly PropertyKey[]): string {
  return (
    path
      .map((key, index) => (typeof key === 'number' ? `[${key}]` : `${index === 0 ? '' : '.'}${String(key)}`))
      .join('') || '(root)'
  );
}

function valueAt(root: unknown, path: readonly PropertyKey[]): unknown {
  let value = root;
  for (const key of path) {
    if (typeof value !== 'object' || value === null) return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function shown(value: unknown): string {
  if (value === undefined) return 'nothing';
  if (Array.isArray(value)) return value.length === 0 ? '[]' : 'an array';
  if (typeof value === 'object' && value !== null) return 'an object';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}…` : text;
}

const ARTICLES: Record<string, string> = {
  number: 'a number',
  string: 'a string',
  array: 'an array',
  object: 'an object',
  boolean: 'true or false',
  int: 'a whole number',
};

/** zod's own wording ("Invalid input: expected number, received string") without the parts we replace. */
function expectation(issue: Issue): string {
  const isDefault = /^Invalid input/i.test(issue.message);
  if (issue.code === 'invalid_type' && isDefault)
    return `expected ${ARTICLES[issue.expected] ?? issue.expected}`;
  return issue.message
    .replace(/^Invalid input:\s*/i, '')
    .replace(/^Too (small|big):\s*/i, '')
    .replace(/,\s*received .*$/i, '')
    .replace(/^expected string to have >=1 characters$/, 'expected a non-empty string')
    .replace(
      /^expected (\w+) to (?:have|be) (>=|<=|>|<)(\S+)(.*)$/,
      (_, type: string, operator: string, limit: string, rest: string) => {
        const bound = { '>=': 'at least', '<=': 'at most', '>': 'more than', '<': 'less than' }[operator];
        return `expected ${ARTICLES[type] ?? type} of ${bound} ${limit}${rest}`;
      },
    );
}

/**
 * Describes one issue of a parse of `root`: the full path of the field and what it expected,
 * with the value found there. A union is described by the branch that fits the value's shape
 * (the one whose problems are not about the value's type itself), so `model: {"maxTokens": "lots"}`
 * names `model.maxTokens`, not `model`.
 */
export function describeIssue(
  issue: Issue,
  root: unknown,
  base: readonly PropertyKey[] = [],
  knownKeys: (field: string) => readonly string[] | undefined = () => undefined,
): IssueDescription {
  const path = [...base, ...issue.path];
  if (issue.code === 'invalid_union' && issue.errors.length > 0) {
    const fitting = issue.errors.filter(
      (branch) => !branch.every((inner) => inner.code === 'invalid_type' && inner.path.length === 0),
    );
    const first = fitting.length === 1 ? fitting[0]?.[0] : undefined;
    if (first !== undefined) return describeIssue(first, root, path, knownKeys);
  }
  if (issue.code === 'invalid_union') {
    // No branch fits the value's shape: say which shapes would.
    const shapes = issue.errors
      .map((branch) => branch.find((inner) => inner.code === 'invalid_type' && inner.path.length === 0))
      .map((inner) =>
        inner?.code === 'invalid_type' ? (ARTICLES[inner.expected] ?? inner.expected) : undefined,
      )
      .filter((shape): shape is string => shape !== undefined);
    if (shapes.length === issue.errors.length && shapes.length > 0)
      return {
        field: fieldPath(path),
        message: `expected ${shapes.join(' or ')}, got ${shown(valueAt(root, path))}`,
      };
  }
  if (issue.code === 'invalid_key') {
    // The key itself is wrong (a record's key), not its value.
    const key = path.at(-1);
    const inner = issue.issues[0];
    return {
      field: fieldPath(path),
      message: `${inner ? expectation(inner) : 'invalid key'}, got ${JSON.stringify(String(key))}`,
    };
  }
  const field = fieldPath(path);
  if (issue.code === 'unrecognized_keys') {
    const known = knownKeys(field) ?? [];
    const hints = issue.keys
      .map((key) => [key, closestKey(key, known)] as const)
      .filter((pair): pair is readonly [string, string] => pair[1] !== undefined)
      .map(([key, suggestion]) => `"${key}": did you mean "${suggestion}"?`);
    return {
      field,
      message: `unknown field(s) ${issue.keys.join(', ')}; ${hints.length > 0 ? hints.join('; ') : 'remove them'}${known.length > 0 ? ` (known: ${known.join(', ')})` : ''}`,
    };
  }
  return { field, message: `${expectation(issue)}, got ${shown(valueAt(root, path))}` };
}
