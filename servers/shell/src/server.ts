import { registerTools, type ToolDefinition } from '@meshwork/kit';
import { McpServer } from '@modelcontextprotocol/server';
import type { ShellRuntime } from './runtime.js';
import { createExplainCommandTool } from './tools/explain-command.js';
import { createProcessStatusTool } from './tools/process-status.js';
import { createReadProcessOutputTool } from './tools/read-process-output.js';
import { createRunCommandTool } from './tools/run-command.js';
import { createStartProcessTool } from './tools/start-process.js';
import { createStopProcessTool } from './tools/stop-process.js';

/** Options for {@link createShellServer}. */
export interface ShellServerOptions {
  runtime: ShellRuntime;
  /** Reported in the MCP handshake. */
  version?: string;
}

/** A shell MCP server bound to a shared runtime. */
export interface ShellServer {
  server: McpServer;
  /** Closes this server instance; the shared runtime (and its processes) stays up. */
  close(): Promise<void>;
}

/**
 * Makes one MCP server exposing the shell tools. Cheap: the policy, the process table and the
 * environment are built once by the caller and shared by every instance.
 */
export function createShellServer(options: ShellServerOptions): ShellServer {
  const { runtime } = options;
  const server = new McpServer(
    { name: 'meshwork-shell', version: options.version ?? '0.0.0' },
    {
      capabilities: { tools: {} },
      instructions:
        'Runs shell commands under a policy that parses each line with a real bash grammar and fails closed. ' +
        'If a command is denied, call explain_command to see why and how to rephrase it.',
    },
  );
  const tools = [
    createRunCommandTool(runtime),
    createStartProcessTool(runtime),
    createProcessStatusTool(runtime),
    createReadProcessOutputTool(runtime),
    createStopProcessTool(runtime),
    createExplainCommandTool(runtime),
  ] as unknown as ToolDefinition[];
  registerTools(server, tools);
  return {
    server,
    close: () => server.close(),
  };
}
