import { ERROR_CODE_META_KEY } from '@meshwork/kit';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import type { Logger } from 'pino';
import { isCoordinatorErrorCode } from '../../errors.js';
import { DaemonError } from '../errors.js';
import type { MemoryServerSpec } from './memory-server-spec.js';

/** A tool as the memory server lists it. */
export interface MemoryTool {
  name: string;
  description: string;
  inputSchema: Record<string, unknown>;
}

/** The text and error flag of a tool call, as a model sees it. */
export interface ToolCallText {
  text: string;
  isError: boolean;
}

/** An MCP connection to the memory server. */
export interface MemoryClient {
  listTools(): Promise<MemoryTool[]>;
  /** Calls a tool and returns its structured output; an `isError` result throws a DaemonError with the tool's code. */
  call<T = Record<string, unknown>>(name: string, args?: Record<string, unknown>): Promise<T>;
  /** Calls a tool and returns what a model would read. */
  callForModel(name: string, args: Record<string, unknown>, signal?: AbortSignal): Promise<ToolCallText>;
  /** The server's `dream` prompt text, or undefined when it has none. */
  dreamPrompt(focus?: string): Promise<string | undefined>;
  close(): Promise<void>;
}

const INHERITED = ['PATH', 'HOME', 'TMPDIR', 'LANG', 'USER', 'SHELL', 'SYSTEMROOT', 'MESHWORK_LOG_LEVEL'];

/** Starts the memory server over stdio and connects a client. */
export async function openMemoryClient(spec: MemoryServerSpec, logger?: Logger): Promise<MemoryClient> {
  const env: Record<string, string> = {};
  for (const key of INHERITED) {
    const value = process.env[key];
    if (value !== undefined) env[key] = value;
  }
  const transport = new StdioClientTransport({
    command: spec.command,
    args: spec.args,
    env: { ...env, ...spec.env },
    cwd: spec.cwd,
    stderr: 'pipe',
  });
  const client = new Client({ name: 'meshwork-daemon', version: '0.1.0' });
  const connecting = client.connect(transport);
  transport.stderr?.on('data', (chunk: Buffer) =>
    logger?.debug({ server: spec.name, stderr: chunk.toString('utf8') }),
  );
  try {
    await connecting;
  } catch (error) {
    await client.close().catch(() => {});
    throw new DaemonError(
      'E_MEMORY_CONNECT',
      `Cannot start the memory server (${spec.command} ${spec.args.join(' ')}).`,
      {
        cause: error,
      },
    );
  }
  const textOf = (content: unknown): string =>
    Array.isArray(content)
      ? content
          .filter(
            (block): block is { type: 'text'; text: string } => (block as { type?: unknown }).type === 'text',
          )
          .map((block) => block.text)
          .join('\n')
      : '';
  return {
    async listTools() {
      const listed = await client.listTools();
      return listed.tools.map((tool) => ({
        name: tool.name,
        description: tool.description ?? '',
        inputSchema: tool.inputSchema as Record<string, unknown>,
      }));
    },
    async call<T>(name: string, args: Record<string, unknown> = {}) {
      const result = await client.callTool({ name, arguments: args });
      if (result.isError) {
        const text = textOf(result.content);
        const match = /^(E_[A-Z0-9_]+): ([\s\S]*)$/.exec(text);
        const code = (result._meta as Record<string, unknown> | undefined)?.[ERROR_CODE_META_KEY];
        throw new DaemonError(
          isCoordinatorErrorCode(code) ? code : 'E_MEMORY_TOOL',
          `${name}: ${match?.[2] ?? text}`,
        );
      }
      return (result.structuredContent ?? {}) as T;
    },
    async callForModel(name, args, signal) {
      const result = await client.callTool({ name, arguments: args }, signal ? { signal } : {});
      return { text: textOf(result.content), isError: result.isError === true };
    },
    async dreamPrompt(focus) {
      try {
        const prompt = await client.getPrompt({ name: 'dream', arguments: focus ? { focus } : {} });
        const texts = prompt.messages
          .map((message) => (message.content.type === 'text' ? message.content.text : ''))
          .filter((text) => text.length > 0);
        return texts.length > 0 ? texts.join('\n\n') : undefined;
      } catch {
        return undefined;
      }
    },
    async close() {
      await client.close();
    },
  };
}
