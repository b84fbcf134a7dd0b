import { realpath } from 'node:fs/promises';
import { dirname, isAbsolute, resolve } from 'node:path';
import { ShellError } from '../errors.js';
import { isDangerousVariable, isVariableName } from '../policy/environment.js';
import { isAlwaysWritable } from '../policy/path-rules.js';
import { type CommandPlan, planCommand } from '../policy/policy.js';
import { isInsideRoots } from '../policy/writes.js';
import type { CommandSpec } from '../process/spawn-command.js';
import type { ShellRuntime } from '../runtime.js';
import { checkGitRepositories } from './git-repository.js';

/** The common input of the tools that run a command. */
export interface CommandInput {
  command: string;
  cwd?: string | undefined;
  env?: Record<string, string> | undefined;
  stdin?: string | undefined;
}

/**
 * Checks a command against the policy and builds what to spawn. Every refusal is a ShellError the
 * model can act on: it says why and points at explain_command.
 */
export async function prepareCommand(
  runtime: ShellRuntime,
  input: CommandInput,
): Promise<{ plan: CommandPlan; spec: CommandSpec }> {
  const cwd = await resolveCwd(runtime, input.cwd);
  const env = { ...runtime.environment };
  for (const [name, value] of Object.entries(input.env ?? {})) {
    if (!isVariableName(name))
      throw new ShellError('E_ENV', `${JSON.stringify(name)} is not a valid variable name.`);
    if (isDangerousVariable(name)) {
      throw new ShellError(
        'E_ENV',
        `Setting ${name} is not allowed: it could change which program runs or what it executes.`,
      );
    }
    env[name] = value;
  }
  const plan = planCommand(runtime.policy, input.command, cwd);
  const { explanation } = plan;
  if (explanation.decision === 'deny') {
    throw new ShellError(
      'E_DENIED',
      `${explanation.reason} Nothing was run. Call explain_command to see how the policy reads this line.`,
    );
  }
  if (explanation.decision === 'ask') {
    throw new ShellError(
      'E_NEEDS_APPROVAL',
      `${explanation.reason} This server cannot ask on your behalf; ask the user to run it or to change the server's rules. Nothing was run.`,
    );
  }
  for (const target of plan.writes) {
    const real = await realTarget(target);
    const paths = runtime.policy.paths;
    const granted =
      isAlwaysWritable(paths.source, real) ||
      (isInsideRoots(real, runtime.policy.roots) && paths.missingWriteGrant(real) === undefined);
    if (!granted || paths.deniedBy(real) !== undefined) {
      throw new ShellError(
        'E_DENIED',
        `${target} resolves through a symlink to ${real}, outside the roots or the write grant. Nothing was run.`,
      );
    }
  }
  await checkGitRepositories(runtime, explanation);
  return { plan, spec: { argv: plan.argv, script: plan.script, cwd, env, stdin: input.stdin } };
}

/** Resolves the working directory: relative to the first root, symlinks followed, inside a root. */
export async function resolveCwd(runtime: ShellRuntime, requested: string | undefined): Promise<string> {
  const roots = runtime.policy.roots;
  // Roots were resolved through symlinks at startup; the default needs no file system call.
  if (requested === undefined) return roots[0]!;
  const wanted =
    requested === undefined ? roots[0]! : isAbsolute(requested) ? requested : resolve(roots[0]!, requested);
  let real: string;
  try {
    real = await realpath(wanted);
  } catch {
    throw new ShellError(
      'E_CWD',
      `The working directory ${wanted} does not exist. Pick a directory inside ${roots.join(', ')}.`,
    );
  }
  if (!isInsideRoots(real, roots)) {
    throw new ShellError(
      'E_CWD',
      `The working directory ${real} is outside the roots (${roots.join(', ')}). Pick one inside them.`,
    );
  }
  return real;
}

/** The real path a write would land on: the target itself if it exists, else its nearest existing parent. */
async function realTarget(target: string): Promise<string> {
  let current = target;
  let suffix = '';
  for (;;) {
    try {
      const real = await realpath(current);
      return suffix ? resolve(real, suffix) : real;
    } catch {
      const parent = dirname(current);
      if (parent === current) return target;
      suffix = suffix ? `${current.slice(parent.length + 1)}/${suffix}` : current.slice(parent.length + 1);
      current = parent;
    }
  }
}
