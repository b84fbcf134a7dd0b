import { defineTool, toolMeta } from '@meshwork/kit';
import { z } from 'zod';
import { ShellError } from '../errors.js';
import type { ShellRuntime } from '../runtime.js';
import { describePolicy, POLICY_SUMMARY } from './describe-policy.js';
import { prepareCommand } from './prepare.js';
import { createProgressStream } from './progress.js';

const outputSchema = z.object({
  command: z.string(),
  cwd: z.string(),
  exit_code: z.number().int().nullable().describe('null when the process was ended by a signal'),
  signal: z.string().nullable(),
  timed_out: z.boolean(),
  cancelled: z.boolean(),
  duration_ms: z.number(),
  pid: z.number().int().nullable().describe('process id, which is also the process group id'),
  stdout: z.string(),
  stderr: z.string(),
  stdout_bytes: z.number().int(),
  stderr_bytes: z.number().int(),
  stdout_cut_bytes: z.number().int().describe('bytes left out of stdout (kept: head and tail)'),
  stderr_cut_bytes: z.number().int(),
  stdout_file: z.string().optional().describe('file with the full stdout, when it was cut'),
  stderr_file: z.string().optional(),
});

/** Spawn failures that say nothing about the command: the line could not be started at all. */
const UNSTARTABLE: ReadonlySet<string> = new Set(['E2BIG', 'EAGAIN', 'ENOMEM', 'EMFILE', 'ENFILE']);

/** run_command: runs one policy-checked command line to completion. */
export function createRunCommandTool(runtime: ShellRuntime) {
  return defineTool({
    name: 'run_command',
    title: 'Run a command',
    description:
      'Runs a shell command line to completion and returns its exit code, signal, stdout, stderr, duration and ' +
      'whether it timed out. Long output keeps its head and tail and says how many bytes were cut; the full ' +
      'output is saved to a file whose path is returned. With a progress token, output streams as progress ' +
      `notifications. For servers and watchers use start_process instead. ${POLICY_SUMMARY} ${describePolicy(runtime.policy)}`,
    inputSchema: z.object({
      command: z.string().min(1).describe('The command line, e.g. `npm test -- --run`'),
      cwd: z
        .string()
        .optional()
        .describe('Working directory inside a root; relative paths are from the first root'),
      timeout_ms: z
        .number()
        .int()
        .positive()
        .max(runtime.maxTimeoutMs)
        .optional()
        .describe(`Ends the whole process group after this long (default ${runtime.defaultTimeoutMs})`),
      env: z
        .record(z.string(), z.string())
        .optional()
        .describe('Extra environment variables (PATH, LD_*, GIT_* and the like are refused)'),
      stdin: z.string().optional().describe('Text written to the command’s standard input'),
    }),
    outputSchema,
    annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: false, openWorldHint: true },
    meta: toolMeta({ subject: 'command', writes: { roots: true } }),
    async handler(input, context) {
      const { spec } = await prepareCommand(runtime, input);
      const progress = createProgressStream(context);
      const result = await runtime.processes.runForeground(spec, {
        timeoutMs: input.timeout_ms ?? runtime.defaultTimeoutMs,
        signal: context.signal,
        maxOutputBytes: runtime.maxOutputBytes,
        onOutput: progress ? (stream, chunk) => progress.push(stream, chunk) : undefined,
      });
      await progress?.flush();
      // A missing or non-executable program is an ordinary outcome (exit 127 or 126, as bash
      // reports it); a line the kernel or the machine refused to start at all is an error.
      const errno = result.spawnError?.errno;
      if (errno !== undefined && UNSTARTABLE.has(errno)) {
        throw new ShellError(
          'E_SPAWN',
          errno === 'E2BIG'
            ? "The command line is too long to start (E2BIG: over the kernel's limit on arguments and environment). Put long input in a file and read it, or pass it through the stdin argument."
            : `The command could not be started (${errno}: the machine is out of processes, memory or file descriptors); try again later.`,
        );
      }
      runtime.logger?.debug({ exitCode: result.exitCode, durationMs: result.durationMs }, 'command finished');
      return {
        command: input.command,
        cwd: spec.cwd,
        exit_code: result.exitCode,
        signal: result.signal,
        timed_out: result.timedOut,
        cancelled: result.cancelled,
        duration_ms: result.durationMs,
        pid: result.pid ?? null,
        stdout: result.stdout,
        stderr: result.stderr,
        stdout_bytes: result.stdoutBytes,
        stderr_bytes: result.stderrBytes,
        stdout_cut_bytes: result.stdoutCutBytes,
        stderr_cut_bytes: result.stderrCutBytes,
        ...(result.stdoutFile ? { stdout_file: result.stdoutFile } : {}),
        ...(result.stderrFile ? { stderr_file: result.stderrFile } : {}),
      };
    },
    toText(output) {
      const status = output.timed_out
        ? `timed out after ${output.duration_ms} ms`
        : output.cancelled
          ? 'cancelled'
          : output.signal
            ? `ended by ${output.signal}`
            : `exit ${output.exit_code}`;
      const lines = [`$ ${output.command}`, `${status} in ${output.duration_ms} ms`];
      if (output.stdout) lines.push('--- stdout ---', output.stdout.replace(/\n$/, ''));
      if (output.stderr) lines.push('--- stderr ---', output.stderr.replace(/\n$/, ''));
      return lines.join('\n');
    },
  });
}
