import { z } from 'zod';
import { PermissionsError } from './errors.js';
import { parseRule } from './rule.js';

const ruleString = z.string().superRefine((value, context) => {
  try {
    parseRule(value);
  } catch (error) {
    context.addIssue({ code: 'custom', message: error instanceof Error ? error.message : String(error) });
  }
});

const serverName = z
  .string()
  .regex(/^[A-Za-z0-9_.*?-]+$/, 'expected a server name or glob (letters, digits, _ . - * ?)');

const positiveInt = z.number().int().positive();

/** Limits for one subagent run; every field is optional and the coordinator's defaults apply. */
export const limitsSchema = z.strictObject({
  /** Model turns. */
  maxTurns: positiveInt.optional(),
  /** Input + output tokens over the run. */
  maxTokens: positiveInt.optional(),
  /** Tool calls over the run. */
  maxToolCalls: positiveInt.optional(),
  /** Wall-clock seconds. */
  maxSeconds: z.number().positive().optional(),
  /** Spend in US dollars. */
  maxCostUsd: z.number().nonnegative().optional(),
});

/** `launch.filesystem`: narrows the launch of the filesystem server the profile attaches to. */
export const filesystemLaunchSchema = z.strictObject({
  roots: z.array(z.string().min(1)).optional(),
  readOnly: z.boolean().optional(),
  deny: z.array(z.string().min(1)).optional(),
});

/** `launch.shell`: narrows the launch of the shell server the profile attaches to. */
export const shellLaunchSchema = z.strictObject({
  roots: z.array(z.string().min(1)).optional(),
  allow: z.array(z.string().min(1)).optional(),
  deny: z.array(z.string().min(1)).optional(),
});

/**
 * `launch.memory`: which transcripts the memory server shows the profile. `own` (default): only
 * entries appended under this very profile; `all`: every transcript (for dreams, which consolidate
 * across profiles on purpose).
 */
export const memoryLaunchSchema = z.strictObject({
  transcripts: z.enum(['own', 'all']).optional(),
});

/**
 * A permission profile.
 *
 * - `servers`: server names (globs allowed) the subagent may attach to. Absent: every server some
 *   allow/ask rule names.
 * - `allow` / `ask` / `deny`: rules `server:tool` or `server:tool(pattern)`; checked deny, then ask,
 *   then allow; anything unmatched is denied.
 * - `launch`: launch-time narrowing of the filesystem and shell servers (see `deriveLaunchLimits`).
 * - `limits`: per-run budgets.
 * - `network`: the OS sandboxes of the profile's servers get network access (all or nothing).
 */
export const profileSchema = z.strictObject({
  description: z.string().optional(),
  servers: z.array(serverName).optional(),
  allow: z.array(ruleString).optional(),
  ask: z.array(ruleString).optional(),
  deny: z.array(ruleString).optional(),
  launch: z
    .strictObject({
      filesystem: filesystemLaunchSchema.optional(),
      shell: shellLaunchSchema.optional(),
      memory: memoryLaunchSchema.optional(),
    })
    .optional(),
  limits: limitsSchema.optional(),
  network: z.boolean().optional(),
});

/** A validated permission profile (see {@link profileSchema}). */
export type Profile = z.infer<typeof profileSchema>;
/** Per-run limits of a profile. */
export type ProfileLimits = z.infer<typeof limitsSchema>;

/** Renders a zod issue path as `allow[2]` / `launch.shell.deny[0]`. */
function formatPath(path: readonly PropertyKey[]): string {
  let text = '';
  for (const key of path) {
    if (typeof key === 'number') text += `[${key}]`;
    else text += text === '' ? String(key) : `.${String(key)}`;
  }
  return text === '' ? '(profile)' : text;
}

/**
 * Validates `value` as a profile. Throws {@link PermissionsError} `E_PROFILE` whose message starts
 * with `where` (for example `meshwork.json profiles.reviewer`) and lists each problem as
 * `field.path: expectation`.
 */
export function parseProfile(value: unknown, where = 'profile'): Profile {
  const result = profileSchema.safeParse(value);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const path = [...issue.path];
    if (issue.code === 'unrecognized_keys') {
      return issue.keys
        .map((key) =>
          path.length === 0 && key === 'sandbox'
            ? 'sandbox: renamed to "launch" (same shape: {"filesystem": {...}, "shell": {...}}); move it there'
            : `${formatPath([...path, key])}: unknown field`,
        )
        .join('; ');
    }
    return `${formatPath(path)}: ${issue.message}`;
  });
  throw new PermissionsError('E_PROFILE', `${where}: invalid permission profile: ${problems.join('; ')}`, {
    cause: result.error,
  });
}
