import type { ToolWrites } from '@meshwork/kit';
import {
  compileNameGlob,
  compilePathDenyList,
  type Decision,
  parseRule,
  readPathSubject,
} from '@meshwork/permissions';
import type { AccessPolicy } from './access-policy.js';
import { affectedPaths, linkTargetOf, realPathOf } from './subject-paths.js';

/** What the subject checks need of a call. */
export interface SubjectCall {
  server: string;
  tool: string;
  args: Record<string, unknown>;
  subjectArg?: string;
  writes: ToolWrites;
  roots?: readonly string[];
}

function isPatterned(rule: string | undefined): boolean {
  return rule !== undefined && parseRule(rule).pattern !== undefined;
}

/**
 * A call with nothing to match patterns against: the tool declares no subject (a third-party tool
 * its server entry says nothing about), or the declared subject argument is absent from the call.
 * When a deny rule with a pattern applies to the tool, the call is denied (the pattern cannot be
 * checked) with a message that says how to make it checkable; otherwise undefined.
 */
export function denyWithoutSubject(
  policy: AccessPolicy,
  call: SubjectCall,
): { decision: Decision; message: string } | undefined {
  // A tool that declared its contract and no subject has none; one that declared nothing may.
  const undeclared = call.subjectArg === undefined && call.writes !== false && 'roots' in call.writes;
  if (call.subjectArg === undefined && !undeclared) return undefined;
  const probe = policy.check(
    { server: call.server, tool: call.tool, subject: [], subjectKind: 'path' },
    call.roots,
  );
  if (probe.effect !== 'deny' || !isPatterned(probe.rule)) return undefined;
  const name = `${call.server}:${call.tool}`;
  const why =
    call.subjectArg === undefined
      ? `${name} declares no subject argument, so deny rule "${probe.rule}" cannot be checked`
      : `the call has no "${call.subjectArg}" argument, so deny rule "${probe.rule}" cannot be checked`;
  const fix =
    call.subjectArg === undefined
      ? `the operator can declare it in meshwork.json: "mcpServers": { "${call.server}": { "tools": { "${call.tool}": { "subject": "<argument name>" } } } }`
      : `pass "${call.subjectArg}" explicitly; if ${name} names its subject otherwise, the operator must fix "subject" under "mcpServers.${call.server}.tools.${call.tool}" in meshwork.json`;
  const decision: Decision = { ...probe, reason: `${why}; the call is denied` };
  delete decision.subject;
  delete decision.subjects;
  return {
    decision,
    message: `Permission denied: ${why}. This call was not run; ${fix}.`,
  };
}

function realRoot(root: string): string {
  return linkTargetOf(root) ?? realPathOf(root, '/');
}

/**
 * Decides a call whose subject is paths, on the real files: each path resolved (parent through
 * realpath, the last component not followed; a symlink's target is checked too), checked against
 * the rules; the paths as written are checked again against deny rules only. A call that writes
 * a directory, or moves one path to another, is also checked against every deny rule of the
 * server for everything beneath it and where it lands, so a move cannot undo a deny.
 */
export function checkSubjectPaths(
  policy: AccessPolicy,
  call: SubjectCall,
  subject: string | readonly unknown[],
  projectDir: string,
  writtenArguments: readonly string[],
): Decision {
  // Without the server's roots, relative subjects start at the project, which then anchors patterns.
  const roots = (call.roots ?? [projectDir]).map(realRoot);
  const base = roots[0] ?? realRoot(projectDir);
  const given = typeof subject === 'string' ? [subject] : [...subject];
  const original = new Map<string, string>();
  const resolved: unknown[] = [];
  for (const value of given) {
    if (typeof value !== 'string' || value.trim() === '') {
      resolved.push(value);
      continue;
    }
    const real = realPathOf(value, base);
    const target = linkTargetOf(real);
    for (const path of target === undefined ? [real] : [real, target]) {
      original.set(path, value);
      resolved.push(path);
    }
  }
  const check = (values: readonly unknown[], checkRoots: readonly string[]) =>
    policy.check(
      { server: call.server, tool: call.tool, subject: values as string[], subjectKind: 'path' },
      checkRoots,
    );
  const lexical = check(given, call.roots ?? []);
  if (lexical.effect === 'deny' && lexical.rule !== undefined) return lexical;
  const decision = check(resolved, roots);
  if (decision.subject !== undefined) {
    const real = decision.subject;
    decision.subject = original.get(real) ?? real;
    if (decision.subject !== real) {
      const named = `on ${JSON.stringify(decision.subject)} (the real file is ${JSON.stringify(real)})`;
      decision.reason = decision.reason.replace(`on ${JSON.stringify(real)}`, named);
    }
  }
  if (decision.subjects !== undefined)
    decision.subjects = given.map((value) => (typeof value === 'string' ? value : JSON.stringify(value)));
  if (decision.effect === 'deny') return decision;
  return checkAffected(policy, call, base, roots, writtenArguments) ?? decision;
}

function checkAffected(
  policy: AccessPolicy,
  call: SubjectCall,
  base: string,
  roots: readonly string[],
  writtenArguments: readonly string[],
): Decision | undefined {
  const written = writtenArguments
    .map((name) => call.args[name])
    .filter((value): value is string => typeof value === 'string' && value.trim() !== '')
    .map((value) => realPathOf(value, base));
  if (written.length === 0) return undefined;
  const affected = affectedPaths(written);
  const name = `${call.server}:${call.tool}`;
  const denied = (reason: string): Decision => ({
    server: call.server,
    tool: call.tool,
    effect: 'deny',
    reason,
  });
  if (affected === undefined)
    return denied(`${name} writes a directory too large to check against the deny rules; name smaller parts`);
  if (written.length < 2 && affected.length === written.length) return undefined;
  const patterns = (policy.profile.deny ?? [])
    .map((text) => parseRule(text))
    .filter((rule) => rule.pattern !== undefined && compileNameGlob(rule.server)(call.server));
  const list = compilePathDenyList(patterns.map((rule) => rule.pattern as string));
  for (const path of affected) {
    const form = readPathSubject(path, roots);
    const pattern = form === undefined ? '(unreadable path)' : list.denying(form);
    if (pattern === undefined) continue;
    const rule = patterns.find((candidate) => candidate.pattern === pattern);
    // The reason never names the path found beneath: a denied path's presence must not leak.
    const what = written.includes(path) ? JSON.stringify(path) : 'a path beneath what it writes';
    const decision = denied(
      `${name} would move or overwrite ${what}, which deny rule "${rule?.text ?? pattern}" covers; a move must not carry a denied path to a name the rule does not cover`,
    );
    if (rule !== undefined) decision.rule = rule.text;
    return decision;
  }
  return undefined;
}
