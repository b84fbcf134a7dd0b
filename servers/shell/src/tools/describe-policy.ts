import type { Policy } from '../policy/policy.js';

/** One paragraph for tool descriptions: what this server's policy allows. */
export function describePolicy(policy: Policy): string {
  const list = (kind: string) =>
    policy.rules
      .filter((rule) => rule.kind === kind)
      .map((rule) => `\`${rule.pattern}\``)
      .join(', ');
  const parts = [
    policy.defaultSet ? 'Policy: the default read-only set (no writes).' : 'Policy:',
    list('allow') ? `allowed ${list('allow')}` : 'nothing is allowed',
    list('deny') ? `; denied ${list('deny')}` : '',
    list('ask') ? `; needs approval ${list('ask')}` : '',
    `. Roots: ${policy.roots.join(', ')}.`,
    describeWrites(policy),
    policy.paths.source.deny.length > 0
      ? ` Paths no command may name: ${policy.paths.source.deny.map((glob) => `\`${glob}\``).join(', ')}.`
      : '',
  ];
  return parts
    .join('')
    .replace('Policy:allowed', 'Policy: allowed')
    .replace('Policy:nothing', 'Policy: nothing');
}

function describeWrites(policy: Policy): string {
  if (policy.defaultSet && !policy.paths.canWrite) return '';
  if (!policy.paths.canWrite) return ' No command may write a file (no write grant).';
  const layers = policy.paths.source.write.map((layer) => layer.map((glob) => `\`${glob}\``).join(', '));
  return ` Writes only to ${layers.join(' and within ')}.`;
}

/** The rules every command line is held to, for tool descriptions. */
export const POLICY_SUMMARY =
  'Every simple command of the line (split at ;, &&, ||, |, & and newlines) must be allowed on its own. ' +
  'Refused always: $(…) and backticks, <(…), subshells and { } groups, $VAR, eval/exec/source/cd, ' +
  "control flow, here-docs with expansions, $'…' command names, and writes outside the roots. " +
  'Interpreters and command runners (bash -c, python -c, node -e, env CMD, xargs, find -exec, sudo, sed, awk, git -c) ' +
  'need a rule that names them. Use explain_command to see how a line is read.';
