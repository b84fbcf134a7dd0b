import { readFile } from 'node:fs/promises';
import type { PlanItem } from '@meshwork/coordinator';
import { z } from 'zod';
import { CliError } from './errors.js';

const planSchema = z.array(
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
);

/**
 * Reads and validates a plan file (`meshwork run --plan`, `meshwork submit --plan`): a JSON array
 * of `{agent, task}`, or an object holding it as `items` or `plan`.
 */
export async function readPlan(path: string): Promise<PlanItem[]> {
  let raw: unknown;
  try {
    raw = JSON.parse(await readFile(path, 'utf8'));
  } catch (error) {
    throw new CliError('E_PLAN', `${path}: expected a JSON plan file (${(error as Error).message})`);
  }
  const wrapped = raw as { items?: unknown; plan?: unknown } | null;
  const items = Array.isArray(raw) ? raw : (wrapped?.items ?? wrapped?.plan);
  const parsed = planSchema.safeParse(items);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new CliError(
      'E_PLAN',
      `${path}: ${issue?.path.map((key) => (typeof key === 'number' ? `[${key}]` : `.${String(key)}`)).join('') || '(root)'}: ${issue?.message}; expected [{"agent", "task"}, ...]`,
    );
  }
  return parsed.data as PlanItem[];
}
