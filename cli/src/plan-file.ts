import { readFile } from 'node:fs/promises';
import type { PlanItem } from '@meshwork/coordinator';
import { messageOf } from '@meshwork/kit';
import { z } from 'zod';
import { CliError } from './errors.js';
import { jsonErrorOffset } from './json-error-offset.js';

const EXPECTED = 'expected [{"agent": "...", "task": "..."}, ...]';

const planSchema = z
  .array(
    z.strictObject({
      agent: z.string().min(1),
      task: z.string().min(1),
      description: z.string().optional(),
      budgets: z
        .strictObject({
          maxTurns: z.number().int().positive().optional(),
          maxTokens: z.number().int().positive().optional(),
          maxCostUsd: z.number().nonnegative().optional(),
          maxSeconds: z.number().positive().optional(),
          maxToolCalls: z.number().int().positive().optional(),
        })
        .optional(),
    }),
  )
  .min(1, { message: 'the plan has no items' });

/** `line L, column C` (1-based) of a character offset in `text`. */
function lineAndColumn(text: string, offset: number): string {
  const before = text.slice(0, offset).split('\n');
  return `line ${before.length}, column ${(before.at(-1)?.length ?? 0) + 1}`;
}

/** Where a JSON.parse error is, as a line and column people can find in an editor. */
function jsonProblem(text: string): string {
  const offset = jsonErrorOffset(text);
  if (offset >= text.length) return `the JSON ends early, at ${lineAndColumn(text, text.length)}`;
  return `unexpected ${JSON.stringify(text[offset])} at ${lineAndColumn(text, offset)}`;
}

function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (typeof value === 'object') {
    const keys = Object.keys(value);
    return keys.length === 0 ? 'an empty object' : `an object with the key(s) ${keys.join(', ')}`;
  }
  return `a ${typeof value}`;
}

/**
 * Reads and validates a plan file (`meshwork run --plan`, `meshwork submit --plan`): a JSON array
 * of `{agent, task}`, or an object holding it as `items` or `plan`. Every problem is an `E_PLAN`
 * error (a usage error: exit 2) naming the file, where in it, and what was expected.
 */
export async function readPlan(path: string): Promise<PlanItem[]> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
    throw new CliError(
      'E_PLAN',
      `${path}: ${missing ? 'the plan file does not exist' : `cannot read the plan file (${messageOf(error)})`}; ${EXPECTED}`,
    );
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    throw new CliError('E_PLAN', `${path}: not valid JSON: ${jsonProblem(text)}; ${EXPECTED}`);
  }
  const wrapped =
    typeof raw === 'object' && raw !== null && !Array.isArray(raw)
      ? (raw as Record<string, unknown>)
      : undefined;
  const items = wrapped === undefined ? raw : (wrapped.items ?? wrapped.plan);
  if (!Array.isArray(items)) {
    throw new CliError(
      'E_PLAN',
      `${path}: the plan must be a JSON array (or an object holding it as "items" or "plan"); got ${describeValue(raw)}; ${EXPECTED}`,
    );
  }
  const parsed = planSchema.safeParse(items);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field =
      issue?.path.map((key) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`)).join('') ||
      '(root)';
    const message =
      issue?.code === 'unrecognized_keys'
        ? `unknown key(s) ${issue.keys.join(', ')}`
        : issue?.code === 'invalid_type' && issue.message.includes('received undefined')
          ? `"${String(issue.path.at(-1))}" is missing`
          : (issue?.message ?? 'invalid');
    throw new CliError('E_PLAN', `${path}: ${field}: ${message}; ${EXPECTED}`);
  }
  return parsed.data as PlanItem[];
}
