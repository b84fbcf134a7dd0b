import { type SpawnedStdioServer, spawnStdioServer } from '@meshwork/testkit';
import { BIN } from '../helpers.js';

/** What an attack call came back with. */
export interface AttackResult {
  isError: boolean;
  /** The result's text (the refusal, or the JSON of a run). */
  text: string;
  stdout: string;
  stderr: string;
}

/** A real shell server over stdio, started with `args`, and a way to call run_command on it. */
export interface ShellUnderAttack {
  run(command: string, options?: { cwd?: string }): Promise<AttackResult>;
  close(): Promise<void>;
}

/** Starts the built shell server with `args`. */
export async function startShell(args: readonly string[]): Promise<ShellUnderAttack> {
  const server: SpawnedStdioServer = await spawnStdioServer({ bin: BIN, args: [...args] });
  return {
    async run(command, options = {}) {
      const result = (await server.client.callTool({
        name: 'run_command',
        arguments: { command, ...(options.cwd === undefined ? {} : { cwd: options.cwd }) },
      })) as {
        isError?: boolean;
        content?: Array<{ text?: string }>;
        structuredContent?: Record<string, unknown>;
      };
      return {
        isError: result.isError === true,
        text: (result.content ?? []).map((part) => part.text ?? '').join('\n'),
        stdout: String(result.structuredContent?.stdout ?? ''),
        stderr: String(result.structuredContent?.stderr ?? ''),
      };
    },
    close: () => server.close(),
  };
}
