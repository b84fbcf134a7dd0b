import { fileURLToPath } from 'node:url';
import { type SpawnedStdioServer, type SpawnStdioServerOptions, spawnStdioServer } from '@meshwork/testkit';
import type { Client } from '@modelcontextprotocol/client';
import { expect } from 'vitest';

/** The built bin under test. */
export const BIN = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

/** A tool result as the SDK client returns it. */
export interface ToolResult {
  isError?: boolean;
  content: Array<{ type: string; text?: string; [key: string]: unknown }>;
  structuredContent?: Record<string, unknown>;
}

/** Spawns meshwork-fs over stdio with `args` (flags and roots). */
export function spawnFs(
  args: string[],
  options: Omit<SpawnStdioServerOptions, 'bin' | 'args'> = {},
): Promise<SpawnedStdioServer> {
  return spawnStdioServer({ bin: BIN, args, ...options });
}

/** Calls a tool and returns its result with a usable type. */
export async function call(client: Client, name: string, args: Record<string, unknown>): Promise<ToolResult> {
  return (await client.callTool({ name, arguments: args })) as ToolResult;
}

/** The text of the first content block. */
export function textOf(result: ToolResult): string {
  return String(result.content[0]?.text ?? '');
}

/** Asserts the call succeeded and returns its structured content. */
export function expectOk(result: ToolResult): Record<string, unknown> {
  expect(result.isError, textOf(result)).toBeFalsy();
  return result.structuredContent ?? {};
}

/** Asserts the call failed as a tool error (not a protocol fault) with `code` in its text. */
export function expectRefused(result: ToolResult, code: string): string {
  expect(result.isError, `expected ${code}, got success: ${textOf(result).slice(0, 300)}`).toBe(true);
  const text = textOf(result);
  expect(text).toContain(`${code}:`);
  return text;
}
