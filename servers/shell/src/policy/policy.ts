import { resolve } from 'node:path';
import { ShellError } from '../errors.js';
import { type AnalyzedLine, analyzeLine, type SimpleCommand } from './analyze.js';
import { DEFAULT_ALLOW, DEFAULT_DENY, REFUSED_BUILTINS, SHELL_ONLY_BUILTINS } from './defaults.js';
import { isDangerousVariable } from './environment.js';
import type { Escape } from './escape-tables.js';
import { findEscapes } from './escapes.js';
import { checkPathArguments } from './path-arguments.js';
import { type CompiledPathRules, compilePathRules } from './path-rules.js';
import { createPlanCache, type PlanCache } from './plan-cache.js';
import { compileRule, type Rule, type RuleKind } from './rules.js';
import { findRunnerProblem } from './runners.js';
import { loadShellParser, type ShellParser } from './shell-parser.js';
import { stripWrappers } from './wrappers.js';
import { checkWriteTarget, findArgumentWrites, isHarmlessTarget, type WriteTarget } from './writes.js';

/** The outcome for a line or one of its commands. */
export type Decision = 'allow' | 'deny' | 'ask';

/** Options for {@link createPolicy}. */
export interface PolicyOptions {
  allow?: readonly string[];
  deny?: readonly string[];
  ask?: readonly string[];
  /** Absolute, symlink-resolved directories commands may run in and write to. */
  roots: readonly string[];
  /** HOME as commands see it, for `~` expansion. */
  home?: string | undefined;
  /**
   * Layers of path globs commands may write (redirections and writer programs); a write must match
   * a glob of every layer. None (the default) = no command writes a file.
   */
  write?: readonly (readonly string[])[];
  /** Path globs no command may name, read or write (`.env`, `secrets/**`). */
  denyPaths?: readonly string[];
  /** Absolute directories always writable (the server's output directory). */
  writable?: readonly string[];
}

/** A compiled command policy. Build it once per process; it is immutable. */
export interface Policy {
  readonly rules: readonly Rule[];
  readonly roots: readonly string[];
  /** True when no rule was given and the documented read-only set applies. */
  readonly defaultSet: boolean;
  /** Writes (redirections, tee, cp, …) are refused: no write grant was given. */
  readonly readOnly: boolean;
  /** Write grants and path denies, compiled against the roots. */
  readonly paths: CompiledPathRules;
  readonly home: string | undefined;
  readonly parser: ShellParser;
  /** Plans of recently seen lines: {@link planCommand} is pure, so a repeated line is not parsed again. */
  readonly plans: PlanCache<CommandPlan>;
}

/** How the policy judged one simple command. */
export interface CommandExplanation {
  /** The command as the policy resolved it (canonical quoting), wrappers included. */
  command: string;
  /** The text rules were matched against: wrappers (timeout, nice, nohup) stripped. */
  matched_as: string;
  argv: string[];
  wrappers: string[];
  decision: Decision;
  reason: string;
  rule?: string;
  escapes: string[];
  writes: string[];
}

/** How the policy judged a whole line. */
export interface Explanation {
  command: string;
  cwd: string;
  decision: Decision;
  reason: string;
  policy: 'rules' | 'default read-only set';
  commands: CommandExplanation[];
  /** Parts of the line refused before any rule is consulted (syntax, subshells, loops, …). */
  refusals: string[];
}

/** What to run for an allowed line. */
export interface CommandPlan {
  explanation: Explanation;
  /** A canonical bash script equivalent to the line. */
  script: string | undefined;
  /** The argv to spawn directly, without a shell, when the line is one plain command. */
  argv: string[] | undefined;
  /** Write targets (absolute) to re-check through symlinks right before running. */
  writes: string[];
}

/** Lines whose plans a policy keeps, least recently used dropped first. */
const PLAN_CACHE_SIZE = 256;

/** Compiles rules and loads the shell parser. */
export function createPolicy(options: PolicyOptions): Policy {
  if (options.roots.length === 0) throw new ShellError('E_CONFIG', 'At least one root is required.');
  const given = (options.allow?.length ?? 0) + (options.deny?.length ?? 0) + (options.ask?.length ?? 0);
  const defaultSet = given === 0;
  const source: Array<[RuleKind, readonly string[]]> = defaultSet
    ? [
        ['deny', DEFAULT_DENY],
        ['allow', DEFAULT_ALLOW],
      ]
    : [
        ['deny', options.deny ?? []],
        ['ask', options.ask ?? []],
        ['allow', options.allow ?? []],
      ];
  const rules = source.flatMap(([kind, patterns]) => patterns.map((pattern) => compileRule(kind, pattern)));
  const paths = compilePathRules(
    { write: options.write ?? [], deny: options.denyPaths ?? [], writable: options.writable ?? [] },
    options.roots,
  );
  return {
    rules,
    roots: [...options.roots],
    defaultSet,
    readOnly: !paths.canWrite,
    paths,
    home: options.home,
    parser: loadShellParser(),
    plans: createPlanCache<CommandPlan>(PLAN_CACHE_SIZE),
  };
}

/**
 * Explains how `policy` parses `line` and why it allows, asks about or denies each simple command.
 * Pure: it reads no files and runs nothing. `cwd` defaults to the first root.
 */
export function explainCommand(policy: Policy, line: string, options: { cwd?: string } = {}): Explanation {
  return planCommand(policy, line, options.cwd ?? policy.roots[0]!).explanation;
}

/**
 * Explains `line` and, when it is allowed, says exactly what to run. The plan is frozen and may be
 * shared with earlier and later callers that asked about the same line and cwd.
 */
export function planCommand(policy: Policy, line: string, cwd: string): CommandPlan {
  return policy.plans.get(line, cwd) ?? policy.plans.set(line, cwd, computePlan(policy, line, cwd));
}

function computePlan(policy: Policy, line: string, cwd: string): CommandPlan {
  const analyzed = analyzeLine(line, { parser: policy.parser, home: policy.home });
  const writes: string[] = [];
  const commands = analyzed.commands.map((command) => judge(policy, command, cwd, writes));
  const explanation = summarize(policy, line, cwd, analyzed, commands);
  const allowed = explanation.decision === 'allow';
  return {
    explanation,
    script: allowed ? analyzed.script : undefined,
    argv: allowed ? directArgv(analyzed) : undefined,
    writes,
  };
}

function summarize(
  policy: Policy,
  line: string,
  cwd: string,
  analyzed: AnalyzedLine,
  commands: CommandExplanation[],
): Explanation {
  const base = {
    command: line,
    cwd,
    policy: policy.defaultSet ? 'default read-only set' : 'rules',
    commands,
    refusals: analyzed.refusals,
  } as const;
  if (analyzed.refusals.length > 0)
    return { ...base, decision: 'deny', reason: `Refused: ${sentence(analyzed.refusals[0]!)}` };
  const denied = commands.find((command) => command.decision === 'deny');
  if (denied)
    return { ...base, decision: 'deny', reason: `Denied \`${denied.command}\`: ${sentence(denied.reason)}` };
  const asked = commands.find((command) => command.decision === 'ask');
  if (asked)
    return {
      ...base,
      decision: 'ask',
      reason: `\`${asked.command}\` needs approval: ${sentence(asked.reason)}`,
    };
  return { ...base, decision: 'allow', reason: 'Every command is allowed.' };
}

function judge(policy: Policy, command: SimpleCommand, cwd: string, writes: string[]): CommandExplanation {
  const result: CommandExplanation = {
    command: command.text,
    matched_as: command.text,
    argv: command.words.map((word) => word.value),
    wrappers: [],
    decision: 'deny',
    reason: '',
    escapes: [],
    writes: [],
  };
  const deny = (reason: string, rule?: string): CommandExplanation => ({
    ...result,
    reason,
    ...(rule ? { rule } : {}),
  });
  if (command.refusal) return deny(command.refusal);
  const name = command.words[0]!;
  if (REFUSED_BUILTINS.has(name.value))
    return deny(`${name.value} changes or evaluates the shell itself and is never allowed`);
  let stripped: ReturnType<typeof stripWrappers>;
  try {
    stripped = stripWrappers(command.words);
  } catch (error) {
    return deny(error instanceof Error ? error.message : String(error));
  }
  const inner = stripped.inner;
  const innerName = inner[0]!;
  result.wrappers = stripped.wrappers.map((wrapper) => wrapper.text);
  const assignmentText = command.assignments.map(
    (assignment) => `${assignment.name}=${assignment.value.text}`,
  );
  result.matched_as = [...assignmentText, ...inner.map((word) => word.text)].join(' ');
  if (REFUSED_BUILTINS.has(innerName.value))
    return deny(`${innerName.value} is a shell builtin that is never allowed`);
  if (innerName.ansiC) return deny("ANSI-C quoting ($'…') may not form a command name");
  if (innerName.value === '') return deny('the command name is empty');
  const dangerous = command.assignments.find((assignment) => isDangerousVariable(assignment.name));
  if (dangerous) return deny(`setting ${dangerous.name} could change which program runs or what it executes`);

  const layers = matchLayers(result.command, result.matched_as, command, inner);
  const denyRule = policy.rules.find(
    (rule) => rule.kind === 'deny' && layers.some((text) => rule.matches(text)),
  );
  if (denyRule) return deny(`it matches the deny rule \`${denyRule.pattern}\``, denyRule.pattern);

  const targets: WriteTarget[] = [
    ...command.redirects
      .filter((redirect) => redirect.kind === 'write')
      .map((redirect) => ({ path: redirect.target, via: redirect.operator, glob: false })),
    ...findArgumentWrites(inner),
  ];
  result.writes = targets.map((target) => target.path);
  for (const target of targets) {
    const problem = checkWriteTarget(target, cwd, policy);
    if (problem) return deny(problem);
    const absolute = resolve(cwd, target.path);
    if (!target.glob && !isHarmlessTarget(absolute)) writes.push(absolute);
  }

  const context = { roots: policy.roots, paths: policy.paths, cwd };
  const pathProblem = checkPathArguments(inner, command.redirects, context);
  if (pathProblem) return deny(pathProblem);
  const runnerProblem = findRunnerProblem(inner, context);
  if (runnerProblem) return deny(runnerProblem);

  const escapes = findEscapes(inner);
  result.escapes = escapes.map((found) => found.reason);
  const namesAll = (rule: Rule) => escapes.every((found: Escape) => rule.names(found));
  const askRule = policy.rules.find(
    (rule) => rule.kind === 'ask' && layers.some((text) => rule.matches(text)),
  );
  if (askRule && namesAll(askRule)) {
    return {
      ...result,
      decision: 'ask',
      reason: `it matches the ask rule \`${askRule.pattern}\``,
      rule: askRule.pattern,
    };
  }
  const allowRules = policy.rules.filter((rule) => rule.kind === 'allow' && rule.matches(result.matched_as));
  if (allowRules.length === 0) return deny(`no allow rule matches \`${result.matched_as}\``);
  const naming = allowRules.find(namesAll);
  if (!naming) {
    const unnamed = escapes.find((candidate) => !allowRules.some((rule) => rule.names(candidate)))!;
    const example = `${unnamed.signature.join(' ')} *`;
    return deny(
      `interpreter escape: ${unnamed.reason}; it is only allowed by a rule that names it, such as \`${example}\``,
    );
  }
  return {
    ...result,
    decision: 'allow',
    reason: `it matches the allow rule \`${naming.pattern}\``,
    rule: naming.pattern,
  };
}

/** Texts deny and ask rules are checked against: with and without wrappers, as typed and by basename. */
function matchLayers(
  full: string,
  matched: string,
  command: SimpleCommand,
  inner: SimpleCommand['words'],
): string[] {
  const layers = new Set([full, matched]);
  const withoutAssignments = inner.map((word) => word.text).join(' ');
  layers.add(withoutAssignments);
  const first = inner[0]!;
  const slash = first.value.lastIndexOf('/');
  if (slash !== -1) {
    const bare = [first.value.slice(slash + 1), ...inner.slice(1).map((word) => word.text)].join(' ');
    layers.add(bare);
  }
  if (command.words.length > inner.length) layers.add(command.words.map((word) => word.text).join(' '));
  return [...layers];
}

function directArgv(analyzed: AnalyzedLine): string[] | undefined {
  if (!analyzed.simple) return undefined;
  const command = analyzed.commands[0]!;
  if (command.assignments.length > 0 || command.words.some((word) => word.glob)) return undefined;
  if (SHELL_ONLY_BUILTINS.has(command.words[0]!.value)) return undefined;
  return command.words.map((word) => word.value);
}

function sentence(text: string): string {
  return text.endsWith('.') ? text : `${text}.`;
}
