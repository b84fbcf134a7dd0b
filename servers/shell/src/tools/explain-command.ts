import { defineTool, toolMeta } from '@meshwork/kit';
import { z } from 'zod';
import { explainCommand } from '../policy/policy.js';
import type { ShellRuntime } from '../runtime.js';
import { describePolicy } from './describe-policy.js';
import { resolveCwd } from './prepare.js';

const decision = z.enum(['allow', 'deny', 'ask']);

/** explain_command: how the policy parses a line and why it would allow or deny each part. */
export function createExplainCommandTool(runtime: ShellRuntime) {
  return defineTool({
    name: 'explain_command',
    title: 'Explain the policy decision',
    description:
      'Shows how the shell policy parses a command line without running anything: each simple command with its ' +
      'resolved words, the text rules are matched against (timeout/nice/nohup stripped), the rule that decided, ' +
      `interpreter escapes and files written, and the overall decision. Use it to write rules. ${describePolicy(runtime.policy)}`,
    inputSchema: z.object({
      command: z.string().min(1),
      cwd: z.string().optional().describe('Working directory the line would run in (for write checks)'),
    }),
    outputSchema: z.object({
      command: z.string(),
      cwd: z.string(),
      decision,
      reason: z.string(),
      policy: z.enum(['rules', 'default read-only set']),
      refusals: z.array(z.string()),
      commands: z.array(
        z.object({
          command: z.string(),
          matched_as: z.string(),
          argv: z.array(z.string()),
          wrappers: z.array(z.string()),
          decision,
          reason: z.string(),
          rule: z.string().optional(),
          escapes: z.array(z.string()),
          writes: z.array(z.string()),
        }),
      ),
    }),
    annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    meta: toolMeta({ subject: 'command', writes: false }),
    async handler(input) {
      const cwd = await resolveCwd(runtime, input.cwd);
      return explainCommand(runtime.policy, input.command, { cwd });
    },
    toText(output) {
      const lines = [`${output.decision.toUpperCase()}: ${output.reason}`];
      for (const refusal of output.refusals) lines.push(`  refused: ${refusal}`);
      for (const command of output.commands) {
        const wrapped =
          command.wrappers.length > 0 ? ` (wrappers stripped: ${command.wrappers.join(' | ')})` : '';
        lines.push(`  ${command.decision}  ${command.command}${wrapped}`);
        if (command.matched_as !== command.command) lines.push(`         matched as: ${command.matched_as}`);
        lines.push(`         ${command.reason}`);
        for (const found of command.escapes) lines.push(`         escape: ${found}`);
        for (const write of command.writes) lines.push(`         writes: ${write}`);
      }
      return lines.join('\n');
    },
  });
}
